package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.Ipv6Address;

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
                .provider(new TrustingProvider(MN, HA), ConfigSection.of("security.trusting", null, Map.of()))
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
                    .provider(new TrustingProvider(MN, HA), ConfigSection.of("security.trusting", null, Map.of()))
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
                    .provider(new TrustingProvider(MN, HA), ConfigSection.of("security.trusting", null, Map.of()))
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
}
