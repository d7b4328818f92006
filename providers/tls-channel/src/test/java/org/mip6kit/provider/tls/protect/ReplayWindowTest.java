package org.mip6kit.provider.tls.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.provider.tls.protect.ReplayWindow.Verdict;

/** RFC 4303 §3.4.3 anti-replay, with RFC 6618's sequence numbers starting at 0. */
@Tag("small")
class ReplayWindowTest {

    @Test
    void emptyWindowAcceptsSequenceZeroOnce() {
        ReplayWindow w = new ReplayWindow();
        assertThat(w.check(0)).isEqualTo(Verdict.NEW);
        assertThat(w.update(0)).isEqualTo(Verdict.NEW);
        assertThat(w.check(0)).isEqualTo(Verdict.REPLAYED);
        assertThat(w.update(0)).isEqualTo(Verdict.REPLAYED);
    }

    @Test
    void checkChangesNothing() {
        ReplayWindow w = new ReplayWindow();
        w.check(500);
        assertThat(w.highest()).isEqualTo(-1);
        assertThat(w.update(3)).isEqualTo(Verdict.NEW);
    }

    @Test
    void outOfOrderInsideTheWindowIsAcceptedOnce() {
        ReplayWindow w = new ReplayWindow(64);
        assertThat(w.update(10)).isEqualTo(Verdict.NEW);
        assertThat(w.update(8)).isEqualTo(Verdict.NEW);
        assertThat(w.update(9)).isEqualTo(Verdict.NEW);
        assertThat(w.update(8)).isEqualTo(Verdict.REPLAYED);
        assertThat(w.highest()).isEqualTo(10);
    }

    @Test
    void windowSlidesAndForgetsWhatFallsOffTheLeft() {
        ReplayWindow w = new ReplayWindow(64);
        w.update(100);
        w.update(99);
        assertThat(w.update(163)).isEqualTo(Verdict.NEW); // 100 is now the left edge: 163 - 100 = 63
        assertThat(w.check(100)).isEqualTo(Verdict.REPLAYED);
        assertThat(w.check(99)).isEqualTo(Verdict.TOO_OLD);
        assertThat(w.check(101)).isEqualTo(Verdict.NEW);
        assertThat(w.update(164)).isEqualTo(Verdict.NEW);
        assertThat(w.check(100)).isEqualTo(Verdict.TOO_OLD);
    }

    @Test
    void slotsReusedAfterTheWindowMovedAreClear() {
        ReplayWindow w = new ReplayWindow(64);
        for (long s = 0; s < 64; s++) {
            w.update(s);
        }
        // 64..127 use the same bit positions as 0..63; none of them was received
        assertThat(w.update(100)).isEqualTo(Verdict.NEW);
        for (long s = 64; s < 100; s++) {
            assertThat(w.check(s)).as("seq " + s).isEqualTo(Verdict.NEW);
        }
        assertThat(w.check(37)).isEqualTo(Verdict.REPLAYED); // left edge: 100 - 63
        assertThat(w.check(36)).isEqualTo(Verdict.TOO_OLD);
    }

    @Test
    void bigJumpClearsEverything() {
        ReplayWindow w = new ReplayWindow(1024);
        for (long s = 0; s < 1024; s++) {
            w.update(s);
        }
        assertThat(w.update(1_000_000)).isEqualTo(Verdict.NEW);
        assertThat(w.check(999_000)).isEqualTo(Verdict.NEW);
        assertThat(w.check(1_000_000 - 1024)).isEqualTo(Verdict.TOO_OLD);
        assertThat(w.check(1_000_000 - 1023)).isEqualTo(Verdict.NEW);
    }

    @Test
    void sizeNotAMultipleOf64KeepsItsOwnEdge() {
        ReplayWindow w = new ReplayWindow(100);
        w.update(200);
        assertThat(w.check(101)).isEqualTo(Verdict.NEW);
        assertThat(w.check(100)).isEqualTo(Verdict.TOO_OLD);
    }

    @Test
    void highestSequenceNumberWorks() {
        ReplayWindow w = new ReplayWindow();
        assertThat(w.update(0xFFFF_FFFFL)).isEqualTo(Verdict.NEW);
        assertThat(w.update(0xFFFF_FFFFL)).isEqualTo(Verdict.REPLAYED);
        assertThat(w.check(0)).isEqualTo(Verdict.TOO_OLD);
    }

    @Test
    void sizeAndSequenceAreRangeChecked() {
        assertThatThrownBy(() -> new ReplayWindow(31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow(1025)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow().check(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow().update(1L << 32)).isInstanceOf(IllegalArgumentException.class);
    }
}
