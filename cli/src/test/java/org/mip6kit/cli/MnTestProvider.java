package org.mip6kit.cli;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

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
 * A test-only provider, {@code mn-test-nai}: it names the node (the MN-ID option, RFC 4283, in
 * every Binding Update) and protects nothing, so daemon tests can run the real engines over
 * real sockets without keys. The home agent accepts a Binding Update only when it carries an
 * NAI listed in its {@code nais} key, which is enough to tell a configured node from a stranger.
 *
 * <pre>
 * security:
 *   provider: mn-test-nai
 *   mn-test-nai: { nai: mn1@example.org }          # mobile node
 *   mn-test-nai: { nais: [mn1@example.org] }       # home agent
 * </pre>
 */
public final class MnTestProvider implements SecurityProviderFactory {

    public static final String NAME = "mn-test-nai";
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
            public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
                if (want.configuredHomeAddress().isEmpty() || want.configuredHomeAgent().isEmpty()) {
                    return CompletableFuture.failedFuture(new IllegalStateException(
                            "mn-test-nai assigns nothing: configure mobile-node.home-address and mobile-node.home-agent"));
                }
                return CompletableFuture.completedFuture(new BootstrapResult(me, want.configuredHomeAddress(),
                        Optional.empty(), Optional.empty(), want.configuredHomeAgent().get(), Optional.empty()));
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports.open(), me, Set.of());
            }

            @Override
            public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
                return new RejectAction.GiveUp("mn-test-nai never retries a refusal");
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nais"));
        Set<String> nais = Set.copyOf(config.strings("nais"));
        return new HomeAgentSecurity() {
            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports.open(), null, nais);
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

    /** The mobile node's path when {@code me} is set, the home agent's otherwise. */
    private record Path(MobilityHeaderCodec codec, SignallingTransport transport, Identity me, Set<String> nais)
            implements SignallingPath {

        @Override
        public void start(Consumer<Inbound> receiver) {
            transport.start(receiver);
        }

        @Override
        public Verdict verify(Inbound received, MobilityMessage decoded) {
            if (me != null) {
                return Verdict.accept(new Identity(Identity.Kind.HOME_AGENT,
                        received.addressing().source().toString()), REPLY);
            }
            if (!(decoded instanceof BindingUpdate)) {
                return Verdict.drop("mn-test-nai home agent expects only Binding Updates");
            }
            Optional<MobileNodeIdentifier> id = decoded.option(MobileNodeIdentifier.class);
            if (id.isEmpty() || !id.get().isNai() || !nais.contains(id.get().nai())) {
                return Verdict.drop("mn-test-nai: no MN-ID option with a configured NAI");
            }
            return Verdict.accept(Identity.nai(id.get().nai()), REPLY);
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
