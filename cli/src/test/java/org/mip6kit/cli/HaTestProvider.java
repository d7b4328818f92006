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
 * A test-only provider, {@value #NAME}: no cryptography. The mobile node puts its NAI
 * ({@code security.test-nai.nai}) in every Binding Update as an RFC 4283 MN-ID option; the home
 * agent accepts a Binding Update with that identity when its realm is the configured
 * {@code security.test-nai.realm}, and drops it otherwise. Enough to run the daemon's plumbing
 * (configuration, discovery, UDP, admin socket, pcap) before a real provider exists.
 * Handed to the daemon directly in {@link HaCommandTest}, found through a
 * {@code META-INF/services} file that {@link HaRunSignalTest} writes for its child process.
 */
public final class HaTestProvider implements SecurityProviderFactory {

    public static final String NAME = "test-nai";
    private static final ReplyContext REPLY = () -> "test-nai";

    @Override
    public ProviderDescriptor descriptor() {
        return new ProviderDescriptor(NAME, "test", SpiVersion.MAJOR, Placement.IN_MESSAGE,
                EnumSet.of(Capability.INTEGRITY));
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nai"));
        String nai = config.string("nai");
        Identity me = Identity.nai(nai);
        return new MobileNodeSecurity() {
            @Override
            public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
                return CompletableFuture.completedFuture(new BootstrapResult(me, want.configuredHomeAddress(),
                        Optional.empty(), Optional.empty(), want.configuredHomeAgent().orElseThrow(), Optional.empty()));
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports, nai, null);
            }

            @Override
            public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
                return new RejectAction.GiveUp("the test provider never retries");
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("realm"));
        String realm = config.string("realm");
        return new HomeAgentSecurity() {
            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports, null, realm);
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

    /** Both sides' path over the engine's transport; {@code nai} on the mobile node, {@code realm} on the home agent. */
    private static final class Path implements SignallingPath {
        private final MobilityHeaderCodec codec;
        private final TransportFactory transports;
        private final String nai;
        private final String realm;
        private volatile SignallingTransport transport;

        Path(MobilityHeaderCodec codec, TransportFactory transports, String nai, String realm) {
            this.codec = codec;
            this.transports = transports;
            this.nai = nai;
            this.realm = realm;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            transport = transports.open();
            transport.start(receiver);
        }

        @Override
        public Verdict verify(Inbound received, MobilityMessage decoded) {
            if (realm == null) {
                return Verdict.accept(new Identity(Identity.Kind.HOME_AGENT, received.addressing().source().toString()),
                        ReplyContext.NONE);
            }
            Optional<MobileNodeIdentifier> id = decoded.option(MobileNodeIdentifier.class);
            if (id.isEmpty() || !id.get().isNai()) {
                return Verdict.drop("no NAI option");
            }
            if (!id.get().nai().endsWith("@" + realm)) {
                return Verdict.drop("NAI outside realm " + realm);
            }
            return Verdict.accept(Identity.nai(id.get().nai()), REPLY);
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            MobilityMessage m = message;
            if (nai != null && message instanceof BindingUpdate bu) {
                List<MobilityOption> options = new ArrayList<>(bu.options());
                options.add(MobileNodeIdentifier.nai(nai));
                m = new BindingUpdate(bu.sequence(), bu.flags(), bu.lifetime(), options);
            }
            SignallingTransport t = transport;
            if (t == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("not started"));
            }
            return t.send(codec.encode(m, to.pseudoHeaderSource(), to.pseudoHeaderDestination()), to);
        }

        @Override
        public void close() {
            SignallingTransport t = transport;
            if (t != null) {
                t.close();
            }
        }
    }
}
