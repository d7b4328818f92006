package org.mip6kit.engine;

import java.util.EnumSet;
import java.util.Optional;
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
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;

/**
 * Trusts every message and protects nothing: an {@link Placement#IN_MESSAGE} provider without
 * options, over the engine's transport, for both roles. For tests that run the mobile node engine
 * against the home agent engine, where the protocol, not security, is under test. A Binding Update
 * is taken to come from {@code mobileNode}, anything else from {@code homeAgent}.
 */
final class TrustingProvider implements SecurityProviderFactory {

    private static final ReplyContext REPLY = () -> "trusting";

    private final Identity mobileNode;
    private final Identity homeAgent;
    private final EnumSet<Capability> capabilities;

    TrustingProvider(Identity mobileNode, Ipv6Address homeAgent) {
        this(mobileNode, homeAgent, EnumSet.of(Capability.INTEGRITY));
    }

    /** With {@code capabilities} declared (e.g. {@link Capability#PROTECTS_HOME_AGENT_SWITCH}: it sends anything). */
    TrustingProvider(Identity mobileNode, Ipv6Address homeAgent, EnumSet<Capability> capabilities) {
        this.mobileNode = mobileNode;
        this.homeAgent = new Identity(Identity.Kind.HOME_AGENT, homeAgent.toString());
        this.capabilities = EnumSet.copyOf(capabilities);
    }

    @Override
    public ProviderDescriptor descriptor() {
        return new ProviderDescriptor("trusting", "test", SpiVersion.MAJOR, Placement.IN_MESSAGE, capabilities);
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
        return new MobileNodeSecurity() {
            @Override
            public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
                return descriptor().capabilities();
            }

            @Override
            public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
                return CompletableFuture.completedFuture(new BootstrapResult(mobileNode, want.configuredHomeAddress(),
                        Optional.empty(), Optional.empty(), want.configuredHomeAgent().orElseThrow(), java.util.List.of()));
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports.open());
            }

            @Override
            public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
                return new RejectAction.GiveUp("trusting provider never retries");
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
        return new HomeAgentSecurity() {
            @Override
            public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
                return descriptor().capabilities();
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return new Path(context.codec(), engineTransports.open());
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

    private final class Path implements SignallingPath {
        private final MobilityHeaderCodec codec;
        private final SignallingTransport transport;

        Path(MobilityHeaderCodec codec, SignallingTransport transport) {
            this.codec = codec;
            this.transport = transport;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            transport.start(receiver);
        }

        @Override
        public java.util.concurrent.CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(received, decoded));
        }

        public Verdict verifyNow(Inbound received, MobilityMessage decoded) {
            return Verdict.accept(decoded instanceof BindingUpdate ? mobileNode : homeAgent, REPLY);
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            return transport.send(codec.encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination()), to);
        }

        @Override
        public void close() {
            transport.close();
        }
    }
}
