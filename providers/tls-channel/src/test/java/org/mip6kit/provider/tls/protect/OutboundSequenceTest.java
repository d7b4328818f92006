package org.mip6kit.provider.tls.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class OutboundSequenceTest {

    @Test
    void startsAtZeroAndCountsUp() {
        OutboundSequence s = new OutboundSequence();
        assertThat(s.next()).isZero();
        assertThat(s.next()).isEqualTo(1);
        assertThat(s.remaining()).isEqualTo(0xFFFF_FFFFL - 1);
    }

    @Test
    void refusesToWrapAfterTheLast32BitNumber() {
        OutboundSequence s = new OutboundSequence(0xFFFF_FFFEL);
        assertThat(s.next()).isEqualTo(0xFFFF_FFFEL);
        assertThat(s.next()).isEqualTo(0xFFFF_FFFFL);
        assertThat(s.remaining()).isZero();
        assertThatThrownBy(s::next).isInstanceOf(OutboundSequence.SequenceExhaustedException.class)
                .hasMessageContaining("Home Agent Controller");
        assertThatThrownBy(s::next).isInstanceOf(OutboundSequence.SequenceExhaustedException.class);
    }

    @Test
    void firstNumberIsRangeChecked() {
        assertThatThrownBy(() -> new OutboundSequence(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OutboundSequence(1L << 32)).isInstanceOf(IllegalArgumentException.class);
    }
}
