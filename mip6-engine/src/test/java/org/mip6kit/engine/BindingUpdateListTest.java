package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/** The Binding Update List entry (RFC 6275 §11.1): sequence numbers, back-off and MAX_UPDATE_RATE per destination. */
@Tag("small")
class BindingUpdateListTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address OTHER = Ipv6Address.parse("2001:db8:9::1");

    private final VirtualTime time = new VirtualTime();

    @Test
    void everyBindingUpdateTakesAFreshLargerSequenceNumberWrappingAt65536() {
        BindingUpdateList bul = new BindingUpdateList(time.clock(), 3, () -> SequenceNumber.of(65534));
        BindingUpdateList.Entry e = bul.entry(HA);
        assertThat(e.lastSequenceSent()).isEmpty();
        SequenceNumber a = e.nextSequence();
        SequenceNumber b = e.nextSequence();
        SequenceNumber c = e.nextSequence();
        assertThat(a.value()).isEqualTo(65534);
        assertThat(b.value()).isEqualTo(65535);
        assertThat(c.value()).isZero();
        assertThat(b.isNewerThan(a)).isTrue();
        assertThat(c.isNewerThan(b)).isTrue();
        assertThat(e.lastSequenceSent()).contains(c);
    }

    @Test
    void resynchronisingAfter135MakesTheNextNumberThePeersPlusOne() {
        BindingUpdateList.Entry e = new BindingUpdateList(time.clock(), 3, () -> SequenceNumber.of(10)).entry(HA);
        e.nextSequence();
        e.resynchronise(SequenceNumber.of(40000));
        assertThat(e.nextSequence().value()).isEqualTo(40001);
    }

    @Test
    void theTimeoutDoublesUpToTheMaximumAndRestartsForANewBindingUpdate() {
        BindingUpdateList.Entry e = new BindingUpdateList(time.clock(), 3, () -> SequenceNumber.ZERO).entry(HA);
        e.beginTransmissions(Duration.ofMillis(1500));
        Duration[] seen = new Duration[7];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = e.currentTimeout();
            e.backOff(Duration.ofSeconds(32));
        }
        assertThat(seen).containsExactly(Duration.ofMillis(1500), Duration.ofSeconds(3), Duration.ofSeconds(6),
                Duration.ofSeconds(12), Duration.ofSeconds(24), Duration.ofSeconds(32), Duration.ofSeconds(32));
        assertThat(e.retransmissions()).isEqualTo(7);
        e.beginTransmissions(Duration.ofSeconds(1));
        assertThat(e.retransmissions()).isZero();
        assertThat(e.currentTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void noMoreThanTheRateLeavesInAnySecondAndEachDestinationHasItsOwnLimit() {
        BindingUpdateList bul = new BindingUpdateList(time.clock(), 3, () -> SequenceNumber.ZERO);
        BindingUpdateList.Entry e = bul.entry(HA);
        assertThat(e.trySend()).isTrue();
        assertThat(e.trySend()).isFalse();
        assertThat(bul.entry(OTHER).trySend()).isTrue();
        Duration wait = e.untilSendAllowed();
        assertThat(wait).isBetween(Duration.ofMillis(333), Duration.ofMillis(334));
        int sent = 1;
        for (int ms = 1; ms < 1000; ms++) {
            time.advance(Duration.ofMillis(1));
            if (e.trySend()) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(3);
        assertThat(bul.entry(HA)).isSameAs(e);
        assertThat(bul.entries()).hasSize(2);
    }
}
