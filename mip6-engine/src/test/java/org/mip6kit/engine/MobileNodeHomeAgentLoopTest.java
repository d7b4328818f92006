package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * The mobile node engine against the real {@link HomeAgentEngine} over an {@link InMemoryNetwork}
 * on virtual time, with a provider that trusts everything ({@link TrustingProvider}: the protocol,
 * not security, is under test): registration, movement, refresh, 135 after a restart, loss,
 * return home and shutdown.
 */
@Tag("small")
class MobileNodeHomeAgentLoopTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final HomePrefix PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::5");
    private static final Ipv6Address COA2 = Ipv6Address.parse("2001:db8:3::7");
    private static final Identity MN = Identity.nai("mn1@example.org");

    private final VirtualTime time = new VirtualTime();
    private final InMemoryNetwork network = new InMemoryNetwork(time, 42);
    private final HomeAgentEngine ha;
    private final InMemoryTransport mnTransport = network.attach(COA);
    private final InMemoryTransport haTransport = network.attach(HA);

    MobileNodeHomeAgentLoopTest() throws Exception {
        ha = HomeAgentEngine.builder()
                .provider(new TrustingProvider(MN, HA), ConfigSection.of("security.trusting", null, Map.of()))
                .settings(HomeAgentSettings.defaults(HA, PREFIX))
                .transports(() -> haTransport)
                .clock(time.clock())
                .scheduler(time)
                .build();
        ha.start();
    }

    private MobileNodeEngine mobileNode(int firstSequence, InMemoryTransport transport, Ipv6Address coa) throws Exception {
        return MobileNodeEngine.builder()
                .provider(new TrustingProvider(MN, HA), ConfigSection.of("security.trusting", null, Map.of()))
                .settings(MobileNodeSettings.defaults().withHomeAgent(HA).withHomeAddress(HOA)
                        .withInitialSequence(SequenceNumber.of(firstSequence)))
                .transports(() -> transport)
                .clock(time.clock())
                .scheduler(time)
                .careOfAddress(coa)
                .build();
    }

    @Test
    void registersMovesRefreshesAndReturnsHomeAgainstTheHomeAgentEngine() throws Exception {
        MobileNodeEngine mn = mobileNode(100, mnTransport, COA);
        CompletableFuture<MobileNodeEngine.Registration> started = mn.start().toCompletableFuture();
        time.advance(Duration.ofSeconds(1));
        assertThat(started).isCompleted();
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
        assertThat(started.join().grantedLifetime().seconds()).isEqualTo(600);

        time.advance(Duration.ofSeconds(30));
        mnTransport.addLocalAddress(COA2);
        CompletableFuture<MobileNodeEngine.Registration> moved = mn.moveTo(COA2).toCompletableFuture();
        time.advance(Duration.ofSeconds(1));
        mnTransport.removeLocalAddress(COA);
        assertThat(moved.join().careOfAddress()).isEqualTo(COA2);
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
        assertThat(moved.join().sequence()).isEqualTo(SequenceNumber.of(101));

        // the home agent advises a refresh (ratio 0.8 of 600 s); the node refreshes before expiry
        time.advance(Duration.ofMinutes(30));
        assertThat(mn.registration()).isPresent();
        assertThat(ha.binding(HOA)).isPresent();
        assertThat(mn.registration().orElseThrow().sequence().value()).isGreaterThan(101);

        mnTransport.addLocalAddress(HOA);
        CompletableFuture<Void> home = mn.returnHome().toCompletableFuture();
        time.advance(Duration.ofSeconds(1));
        assertThat(home).isCompleted();
        assertThat(ha.binding(HOA).filter(BindingRecord::isBound)).isEmpty();
        assertThat(mn.registration()).isEmpty();
    }

    @Test
    void aRestartedNodeWhoseCounterIsBehindResynchronisesOn135() throws Exception {
        MobileNodeEngine first = mobileNode(30000, mnTransport, COA);
        first.start();
        time.advance(Duration.ofSeconds(1));
        assertThat(ha.binding(HOA).orElseThrow().sequence()).isEqualTo(SequenceNumber.of(30000));
        mnTransport.close();

        // same node, fresh process, counter restarted from a value the home agent counts as old
        InMemoryTransport again = network.attach(COA2);
        List<EngineEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        MobileNodeEngine second = MobileNodeEngine.builder()
                .provider(new TrustingProvider(MN, HA), ConfigSection.of("security.trusting", null, Map.of()))
                .settings(MobileNodeSettings.defaults().withHomeAgent(HA).withHomeAddress(HOA)
                        .withInitialSequence(SequenceNumber.of(10)))
                .transports(() -> again).clock(time.clock()).scheduler(time).careOfAddress(COA2)
                .listener(events::add).build();
        CompletableFuture<MobileNodeEngine.Registration> started = second.start().toCompletableFuture();
        time.advance(Duration.ofSeconds(2));

        assertThat(events).anySatisfy(e -> assertThat(e.status()).contains(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW));
        assertThat(started.join().sequence()).isEqualTo(SequenceNumber.of(30001));
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
    }

    @Test
    void retransmissionGetsThroughOnceTheLossyPathHeals() throws Exception {
        network.setFaults(haTransport, mnTransport, InMemoryNetwork.Faults.NONE.withLoss(1.0));
        MobileNodeEngine mn = mobileNode(100, mnTransport, COA);
        CompletableFuture<MobileNodeEngine.Registration> started = mn.start().toCompletableFuture();
        time.advance(Duration.ofSeconds(10));
        // the home agent accepted each transmission (0, 1.5, 4.5 s); every acknowledgement was lost
        assertThat(started).isNotDone();
        assertThat(network.counters().lost()).isEqualTo(3);
        assertThat(ha.binding(HOA).orElseThrow().sequence()).isEqualTo(SequenceNumber.of(102));

        network.clearFaults(haTransport, mnTransport);
        time.advance(Duration.ofSeconds(1));   // the retransmission at 10.5 s gets through
        assertThat(started.join().sequence()).isEqualTo(SequenceNumber.of(103));
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
    }

    @Test
    void closeDeletesTheBindingAtTheHomeAgentBeforeTheNodeGoes() throws Exception {
        MobileNodeEngine mn = mobileNode(100, mnTransport, COA);
        mn.start();
        time.advance(Duration.ofSeconds(1));
        assertThat(ha.binding(HOA)).isPresent();

        mn.close();
        time.advance(Duration.ofSeconds(1));
        assertThat(ha.binding(HOA).filter(BindingRecord::isBound)).isEmpty();
        assertThat(mnTransport.isClosed()).isTrue();
    }
}
