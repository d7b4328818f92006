package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.provider.auth4285.ReplayMemory.Outcome.AT_OR_BELOW_FLOOR;
import static org.mip6kit.provider.auth4285.ReplayMemory.Outcome.FIRST_SEEN;
import static org.mip6kit.provider.auth4285.ReplayMemory.Outcome.SEEN_BEFORE;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The home agent's replay memory: the {@value ReplayMemory#REMEMBERED} newest timestamps per
 * association, a floor below which everything is refused, expiry by the window alone, and pages
 * allocated on first use.
 */
@Tag("small")
class ReplayMemoryTest {

    private static final Duration WINDOW = Duration.ofSeconds(7);
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    private static long at(long millisFromNow) {
        return NtpTimestamp.of(NOW.plusMillis(millisFromNow));
    }

    @Test
    void timestampAcceptedBeforeIsSeenBefore() {
        ReplayMemory memory = new ReplayMemory(1, WINDOW);
        assertThat(memory.record(0, at(0), NOW)).isEqualTo(FIRST_SEEN);
        assertThat(memory.record(0, at(0), NOW.plusSeconds(3))).isEqualTo(SEEN_BEFORE);
    }

    @Test
    void timestampEvictedWhileInsideTheWindowBecomesTheFloorAndIsRefusedAfterwards() {
        ReplayMemory memory = new ReplayMemory(1, WINDOW);
        assertThat(memory.record(0, at(0), NOW)).isEqualTo(FIRST_SEEN);
        assertThat(memory.record(0, at(100), NOW)).isEqualTo(FIRST_SEEN);
        assertThat(memory.record(0, at(200), NOW)).as("a third inside the window evicts the oldest")
                .isEqualTo(FIRST_SEEN);

        assertThat(memory.record(0, at(0), NOW.plusSeconds(1))).as("the evicted one, replayed")
                .isEqualTo(AT_OR_BELOW_FLOOR);
        assertThat(memory.record(0, at(-50), NOW.plusSeconds(1))).as("never seen, but older than the floor")
                .isEqualTo(AT_OR_BELOW_FLOOR);
        assertThat(memory.record(0, at(100), NOW.plusSeconds(1))).isEqualTo(SEEN_BEFORE);
        assertThat(memory.record(0, at(200), NOW.plusSeconds(1))).isEqualTo(SEEN_BEFORE);
        assertThat(memory.record(0, at(150), NOW.plusSeconds(1))).as("between the floor and the newest")
                .isEqualTo(FIRST_SEEN);
    }

    @Test
    void timestampOlderThanEveryRememberedOneIsAcceptedOnceAndBecomesTheFloor() {
        ReplayMemory memory = new ReplayMemory(1, WINDOW);
        memory.record(0, at(100), NOW);
        memory.record(0, at(200), NOW);
        assertThat(memory.record(0, at(50), NOW)).as("reordered, not a replay").isEqualTo(FIRST_SEEN);
        assertThat(memory.record(0, at(50), NOW)).isEqualTo(AT_OR_BELOW_FLOOR);
        assertThat(memory.record(0, at(100), NOW)).as("the two newer ones are still remembered")
                .isEqualTo(SEEN_BEFORE);
    }

    @Test
    void associationsDoNotShareMemory() {
        ReplayMemory memory = new ReplayMemory(3, WINDOW);
        memory.record(0, at(0), NOW);
        memory.record(0, at(1), NOW);
        memory.record(0, at(2), NOW);
        assertThat(memory.record(1, at(0), NOW)).isEqualTo(FIRST_SEEN);
        assertThat(memory.record(2, at(2), NOW)).isEqualTo(FIRST_SEEN);
    }

    @Test
    void sizeCountsAssociationsWithATimestampInsideTheWindowAndFallsBackToZero() {
        ReplayMemory memory = new ReplayMemory(5000, WINDOW);
        assertThat(memory.size(NOW)).isZero();
        memory.record(3, at(0), NOW);
        memory.record(3, at(10), NOW);
        memory.record(4999, at(2000), NOW);
        assertThat(memory.size(NOW)).isEqualTo(2);
        assertThat(memory.size(NOW.plusMillis(7011))).as("row 3 has left the window, row 4999 not yet").isEqualTo(1);
        assertThat(memory.size(NOW.plusMillis(9001))).isZero();
    }

    @Test
    void pagesAreAllocatedOnlyForRowsThatRecordedATimestamp() {
        ReplayMemory memory = new ReplayMemory(10 * ReplayMemory.PAGE_ROWS + 1, WINDOW);
        assertThat(memory.pagesAllocated()).as("configured, silent associations cost no page").isZero();
        memory.record(0, at(0), NOW);
        memory.record(ReplayMemory.PAGE_ROWS - 1, at(0), NOW);
        assertThat(memory.pagesAllocated()).isEqualTo(1);
        memory.record(10 * ReplayMemory.PAGE_ROWS, at(0), NOW);
        assertThat(memory.pagesAllocated()).as("the last page, of one row").isEqualTo(2);
    }

    @Test
    void timestampsAcrossTheNtpEraWrapIn2036KeepTheirTimeOrder() {
        Instant wrap = Instant.parse("2036-02-07T06:28:16Z"); // NTP seconds wrap to 0 here
        long before = NtpTimestamp.of(wrap.minusSeconds(1));
        long after = NtpTimestamp.of(wrap);
        long later = NtpTimestamp.of(wrap.plusSeconds(1));
        assertThat(before >>> 63).as("era 0: top bit set").isEqualTo(1);
        assertThat(after >>> 63).as("era 1: top bit clear").isZero();

        ReplayMemory memory = new ReplayMemory(1, WINDOW);
        memory.record(0, before, wrap);
        memory.record(0, after, wrap);
        memory.record(0, later, wrap);
        assertThat(memory.record(0, before, wrap)).as("the oldest, 2036-02-07T06:28:15Z, was evicted")
                .isEqualTo(AT_OR_BELOW_FLOOR);
        assertThat(memory.record(0, after, wrap)).isEqualTo(SEEN_BEFORE);
        assertThat(memory.size(wrap.plusSeconds(7))).isEqualTo(1);
    }
}
