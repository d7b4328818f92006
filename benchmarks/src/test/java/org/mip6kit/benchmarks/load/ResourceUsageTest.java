package org.mip6kit.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The readings of a JVM's counters and the {@code STATS} line that carries them between the JVMs. */
@Tag("small")
class ResourceUsageTest {

    private static ResourceUsage reading(long cpu, String haThreads, long haCpu, long haBytes) {
        return new ResourceUsage(cpu, 3, 40, Map.of(
                PhaseCost.HOME_AGENT, new ResourceUsage.Threads(haThreads, haCpu, haBytes, haCpu / 2),
                PhaseCost.ECHO, new ResourceUsage.Threads("7", 5_000, 0, -1)));
    }

    /** The fields as {@code ServerProcess} splits the line: "key=value" separated by spaces. */
    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        for (String kv : line.split(" ")) {
            int eq = kv.indexOf('=');
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return f;
    }

    @Test
    void aReadingComesBackFromItsStatsLineUnchanged() {
        ResourceUsage r = reading(123_456_789, "21,22", 99_000, 4_096);
        assertThat(ResourceUsage.parse(fields(r.toFields()))).isEqualTo(r);
    }

    @Test
    void aGroupWithNoThreadsComesBackWithNoThreads() {
        ResourceUsage r = new ResourceUsage(1, 0, 0, Map.of(PhaseCost.ECHO, new ResourceUsage.Threads("", 0, 0, 0)));
        assertThat(ResourceUsage.parse(fields(r.toFields()))).isEqualTo(r);
    }

    @Test
    void aStatsLineWithoutTheProcessCpuIsRefusedNamingTheField() {
        Map<String, String> f = fields(reading(1, "2", 3, 4).toFields());
        f.remove("processCpuNanos");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceUsage.parse(f));
        assertThat(e).hasMessageContaining("processCpuNanos");
    }

    @Test
    void whatWasSpentIsTheDifferenceOfTwoReadings() {
        ResourceUsage.Spent s = reading(5_000_000, "21", 3_000_000, 10_000).since(reading(1_000_000, "21", 1_000_000,
                4_000));
        assertThat(s.processCpuNanos()).isEqualTo(4_000_000);
        assertThat(s.threadCpuNanos(PhaseCost.HOME_AGENT)).isEqualTo(2_000_000);
        assertThat(s.threadAllocatedBytes(PhaseCost.HOME_AGENT)).isEqualTo(6_000);
        assertThat(s.threadRunDelayNanos(PhaseCost.HOME_AGENT)).isEqualTo(1_000_000);
        assertThat(s.gcCount()).isZero();
    }

    @Test
    void aRunDelayUnknownAtEitherReadingIsUnknown() {
        ResourceUsage.Spent s = reading(5, "21", 3, 10).since(reading(1, "21", 1, 4));
        assertThat(s.threadRunDelayNanos(PhaseCost.ECHO)).as("unknown at both").isEqualTo(-1);
        assertThat(s.threadCpuNanos(PhaseCost.ECHO)).as("CPU still known").isZero();
    }

    @Test
    void aGroupWhoseThreadsChangedBetweenReadingsHasNoFigures() {
        ResourceUsage.Spent s = reading(5, "22", 3, 10).since(reading(1, "21", 1, 4));
        assertThat(s.threadCpuNanos(PhaseCost.HOME_AGENT)).isEqualTo(-1);
        assertThat(s.threadAllocatedBytes(PhaseCost.HOME_AGENT)).isEqualTo(-1);
        assertThat(s.threadRunDelayNanos(PhaseCost.HOME_AGENT)).isEqualTo(-1);
        assertThat(s.threadCpuNanos(PhaseCost.ECHO)).isZero();
    }

    @Test
    void thisThreadsCpuAndAllocationAreRead() {
        long id = Thread.currentThread().getId();
        ResourceUsage before = ResourceUsage.read(Map.of("me", ResourceUsage.thread(id)));
        long sink = 0;
        for (int i = 0; i < 2_000; i++) {
            sink += new byte[64 + (i & 7)].length;
        }
        ResourceUsage after = ResourceUsage.read(Map.of("me", ResourceUsage.thread(id)));
        ResourceUsage.Spent s = after.since(before);
        assertThat(sink).isPositive();
        assertThat(after.groups().get("me").ids()).isEqualTo(Long.toString(id));
        assertThat(s.threadAllocatedBytes("me")).as("2,000 arrays of 64+ octets").isGreaterThanOrEqualTo(2_000 * 64);
        assertThat(s.threadCpuNanos("me")).isGreaterThanOrEqualTo(0);
        assertThat(after.processCpuNanos()).isPositive();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxTheRunDelayOfThisThreadAndOfANamedThreadAreRead() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        Thread named = new Thread(() -> {
            running.countDown();
            try {
                read.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "resource-usage-test-thread");
        named.setDaemon(true);
        named.start();
        // The JVM gives the kernel task its name just before run(): wait for run().
        assertThat(running.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        ResourceUsage r = ResourceUsage.read(Map.of(
                "me", ResourceUsage.thread(Thread.currentThread().getId()),
                "named", ResourceUsage.named("resource-usage-test")));
        read.countDown();
        named.join();
        assertThat(r.groups().get("me").runDelayNanos()).isGreaterThanOrEqualTo(0);
        assertThat(r.groups().get("named").runDelayNanos()).isGreaterThanOrEqualTo(0);
    }
}
