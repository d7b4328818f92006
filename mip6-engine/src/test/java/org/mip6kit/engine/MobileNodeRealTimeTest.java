package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.HomePrefix;
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
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;

/**
 * The mobile node engine on real time ({@link ExecutorScheduler}) against the home agent engine
 * over an {@link InMemoryNetwork}: {@code close()} blocks until the deregistration is
 * acknowledged, and no longer than the shutdown timeout when nobody answers.
 */
@Tag("medium")
class MobileNodeRealTimeTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final HomePrefix PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::5");
    private static final Identity MN = Identity.nai("mn1@example.org");

    private MobileNodeEngine mobileNode(ExecutorScheduler scheduler, InMemoryTransport transport, Duration shutdown)
            throws Exception {
        return MobileNodeEngine.builder()
                .provider(new Trusting(), ConfigSection.of("security.trusting", null, Map.of()))
                .settings(MobileNodeSettings.defaults().withHomeAgent(HA).withHomeAddress(HOA)
                        .withShutdownTimeout(shutdown))
                .transports(() -> transport)
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .careOfAddress(COA)
                .build();
    }

    @Test
    void closeWaitsForTheDeregistrationAcknowledgementOnRealTime() throws Exception {
        try (ExecutorScheduler scheduler = new ExecutorScheduler("mn-rt", 2)) {
            InMemoryNetwork network = new InMemoryNetwork(scheduler, Clock.systemUTC(), 1);
            InMemoryTransport mnTransport = network.attach(COA);
            InMemoryTransport haTransport = network.attach(HA);
            HomeAgentEngine ha = HomeAgentEngine.builder()
                    .provider(new Trusting(), ConfigSection.of("security.trusting", null, Map.of()))
                    .settings(HomeAgentSettings.defaults(HA, PREFIX))
                    .transports(() -> haTransport).clock(Clock.systemUTC()).scheduler(scheduler).build();
            ha.start();
            MobileNodeEngine mn = mobileNode(scheduler, mnTransport, Duration.ofSeconds(10));
            MobileNodeEngine.Registration r = mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(r.careOfAddress()).isEqualTo(COA);
            assertThat(ha.binding(HOA).filter(BindingRecord::isBound)).isPresent();

            mn.close();
            assertThat(ha.binding(HOA).filter(BindingRecord::isBound)).isEmpty();
            assertThat(mnTransport.isClosed()).isTrue();
            ha.close();
        }
    }

    @Test
    void closeGivesUpAfterTheShutdownTimeoutWhenTheHomeAgentIsGone() throws Exception {
        try (ExecutorScheduler scheduler = new ExecutorScheduler("mn-rt", 2)) {
            InMemoryNetwork network = new InMemoryNetwork(scheduler, Clock.systemUTC(), 1);
            InMemoryTransport mnTransport = network.attach(COA);
            InMemoryTransport haTransport = network.attach(HA);
            HomeAgentEngine ha = HomeAgentEngine.builder()
                    .provider(new Trusting(), ConfigSection.of("security.trusting", null, Map.of()))
                    .settings(HomeAgentSettings.defaults(HA, PREFIX))
                    .transports(() -> haTransport).clock(Clock.systemUTC()).scheduler(scheduler).build();
            ha.start();
            MobileNodeEngine mn = mobileNode(scheduler, mnTransport, Duration.ofMillis(300));
            mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            network.setFaults(mnTransport, haTransport, InMemoryNetwork.Faults.NONE.withLoss(1.0));

            long before = System.nanoTime();
            mn.close();
            long tookMillis = (System.nanoTime() - before) / 1_000_000;
            assertThat(tookMillis).isBetween(250L, 5_000L);
            assertThat(mnTransport.isClosed()).isTrue();
            assertThat(ha.binding(HOA).filter(BindingRecord::isBound)).as("the deregistration never arrived").isPresent();
            ha.close();
        }
    }

    /**
     * Trusts every message and protects nothing: an {@link Placement#IN_MESSAGE} provider without
     * options, over the engine's transport, for both roles.
     */
    private static final class Trusting implements SecurityProviderFactory {
        private static final ReplyContext REPLY = () -> "trusting";

        @Override
        public ProviderDescriptor descriptor() {
            return new ProviderDescriptor("trusting", "test", SpiVersion.MAJOR, Placement.IN_MESSAGE,
                    EnumSet.of(Capability.INTEGRITY));
        }

        @Override
        public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
            return new MobileNodeSecurity() {
                @Override
                public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
                    return CompletableFuture.completedFuture(new BootstrapResult(MN, want.configuredHomeAddress(),
                            Optional.empty(), Optional.empty(), want.configuredHomeAgent().orElseThrow(), Optional.empty()));
                }

                @Override
                public SignallingPath path(TransportFactory engineTransports) {
                    return new Path(context.codec(), engineTransports.open(), MN);
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
                public SignallingPath path(TransportFactory engineTransports) {
                    return new Path(context.codec(), engineTransports.open(), MN);
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
    }

    private record Path(MobilityHeaderCodec codec, SignallingTransport transport, Identity peer) implements SignallingPath {
        @Override
        public void start(Consumer<Inbound> receiver) {
            transport.start(receiver);
        }

        @Override
        public Verdict verify(Inbound received, MobilityMessage decoded) {
            return Verdict.accept(decoded instanceof BindingUpdate ? MN
                    : new Identity(Identity.Kind.HOME_AGENT, HA.toString()), Trusting.REPLY);
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
