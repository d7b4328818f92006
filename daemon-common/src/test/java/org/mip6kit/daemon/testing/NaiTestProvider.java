package org.mip6kit.daemon.testing;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;

/**
 * A test-only provider, {@value #NAME}: it names the node (the MN-ID option, RFC 4283, in every
 * Binding Update) and protects nothing, so daemon tests can run the real engines over real
 * sockets without keys. The home agent accepts a Binding Update only when it carries an NAI it
 * was configured to accept: any NAI in its {@code realm}, or one listed in its {@code nais} (one
 * key or the other, never both); that is enough to tell a configured node from a stranger.
 *
 * <pre>
 * security:
 *   provider: test-nai
 *   test-nai: { nai: mn1@example.org }          # mobile node
 *   test-nai: { realm: example.org }            # home agent, by realm
 *   test-nai: { nais: [mn1@example.org] }       # home agent, by list
 * </pre>
 *
 * <p>Shared through daemon-common's test-jar. Tests hand it to an engine or daemon directly, or
 * find it through a {@code META-INF/services} entry: reference-ha's and reference-mn's test
 * resources list it, and cli's process tests write one for the process they launch. The test-jar
 * itself registers nothing, so no consumer sees it unless it asks.
 */
public final class NaiTestProvider implements SecurityProviderFactory {

    public static final String NAME = "test-nai";
    /**
     * A home agent's path throws {@link StackOverflowError} from {@code verify} on a Binding
     * Update whose NAI has this user part: how tests make an {@link Error} on the receive path.
     */
    public static final String STACK_OVERFLOW_USER = "stack-overflow";
    private static final ReplyContext REPLY = () -> NAME;

    @Override
    public ProviderDescriptor descriptor() {
        return new ProviderDescriptor(NAME, "test", SpiVersion.MAJOR, Placement.IN_MESSAGE,
                EnumSet.of(Capability.INTEGRITY));
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nai"));
        Identity me = Identity.nai(config.string("nai"));
        return new MobileNodeSecurity() {
            @Override
            public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
                return descriptor().capabilities();
            }

            @Override
            public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
                if (want.configuredHomeAddress().isEmpty() || want.configuredHomeAgent().isEmpty()) {
                    return CompletableFuture.failedFuture(new IllegalStateException(NAME
                            + " assigns nothing: configure mobile-node.home-address and mobile-node.home-agent"));
                }
                return CompletableFuture.completedFuture(new BootstrapResult(me, want.configuredHomeAddress(),
                        Optional.empty(), Optional.empty(), want.configuredHomeAgent().get(), java.util.List.of()));
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports.open(), me, null);
            }

            @Override
            public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
                return new RejectAction.GiveUp(NAME + " never retries a refusal");
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        Accepted accepted = Accepted.from(config);
        return new HomeAgentSecurity() {
            @Override
            public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
                return descriptor().capabilities();
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports.open(), null, accepted);
            }

            @Override
            public CompletionStage<Void> beforeAck(BindingChange change) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void afterChange(BindingChange change) {
            }

            @Override
            public void close() {
            }

            @Override
            public int perNodeStateCount() {
                return 0;
            }
        };
    }

    /** The NAIs a home agent accepts, and how to say so in a drop reason. */
    private record Accepted(Predicate<String> test, String description) {

        /** {@code nais} when that key is present, {@code realm} otherwise; the other key is unknown. */
        static Accepted from(ConfigSection config) throws ProviderConfigException {
            if (config.has("nais")) {
                config.allowOnly(Set.of("nais"));
                Set<String> nais = Set.copyOf(config.strings("nais"));
                return new Accepted(nais::contains, "listed in nais");
            }
            config.allowOnly(Set.of("realm"));
            String realm = config.string("realm");
            return new Accepted(nai -> nai.endsWith("@" + realm), "in realm " + realm);
        }
    }

    /** The mobile node's path when {@code me} is set, the home agent's (with {@code accepted}) otherwise. */
    private record Path(MobilityHeaderCodec codec, SignallingTransport transport, Identity me, Accepted accepted)
            implements SignallingPath {

        @Override
        public void start(Consumer<Inbound> receiver) {
            transport.start(receiver);
        }

        @Override
        public java.util.concurrent.CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(received, decoded));
        }

        public Verdict verifyNow(Inbound received, MobilityMessage decoded) {
            if (me != null) {
                return Verdict.accept(new Identity(Identity.Kind.HOME_AGENT,
                        received.addressing().source().toString()), REPLY);
            }
            if (!(decoded instanceof BindingUpdate)) {
                return Verdict.drop(NAME + " home agent expects only Binding Updates");
            }
            Optional<MobileNodeIdentifier> id = decoded.option(MobileNodeIdentifier.class);
            if (id.isEmpty() || !id.get().isNai()) {
                return Verdict.drop(NAME + ": no MN-ID option with an NAI");
            }
            String nai = id.get().nai();
            if (nai.startsWith(STACK_OVERFLOW_USER + "@")) {
                throw new StackOverflowError(NAME + ": simulated on the receive path for " + nai);
            }
            if (!accepted.test().test(nai)) {
                return Verdict.drop(NAME + ": NAI " + nai + " is not " + accepted.description());
            }
            return Verdict.accept(Identity.nai(nai), REPLY);
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            MobilityMessage out = message;
            if (me != null && message instanceof BindingUpdate bu) {
                List<MobilityOption> options = new ArrayList<>(bu.options());
                options.add(MobileNodeIdentifier.nai(me.value()));
                out = new BindingUpdate(bu.sequence(), bu.flags(), bu.lifetime(), options);
            }
            return transport.send(codec.encode(out, to.pseudoHeaderSource(), to.pseudoHeaderDestination()), to);
        }

        @Override
        public void close() {
            transport.close();
        }
    }
}
