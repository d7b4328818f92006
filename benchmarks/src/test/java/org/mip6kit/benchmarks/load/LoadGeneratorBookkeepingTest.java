package org.mip6kit.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.OS;

/**
 * The load generator's bookkeeping with 100 nodes against a real home agent in a forked JVM: every
 * Binding Update of every phase is answered, accepted and counted once, and the home agent's
 * binding count follows registration and deregistration; every echoed Binding Update is verified;
 * every phase carries what it cost both JVMs. Nothing here looks at how long anything took: the
 * numbers are measurements, not test results (docs/performance.md).
 */
@Tag("medium")
class LoadGeneratorBookkeepingTest {

    @Test
    void everyBindingUpdateOfEveryPhaseIsAnsweredAcceptedAndCountedOnce() throws Exception {
        LoadGenerator.Options o = LoadGenerator.Options.parse(new String[] {
                "--nodes", "100", "--window", "8", "--repeats", "1", "--seconds", "0.2", "--warmup-seconds", "0.2",
                "--server-heap", "256m", "--timeout-ms", "5000"});
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        LoadGenerator.Report r = LoadGenerator.run(o, new PrintStream(text, true, StandardCharsets.UTF_8));

        for (String phase : List.of("register", "move", "restart-storm", "deregister")) {
            PhaseResult p = r.phase(phase);
            assertThat(p).as(phase).isNotNull();
            assertThat(p.sent()).as(phase + " sent").isEqualTo(100);
            assertThat(p.completed()).as(phase + " completed").isEqualTo(100);
            assertThat(p.accepted()).as(phase + " accepted").isEqualTo(100);
            assertThat(p.failures()).as(phase + " failures").isEmpty();
            assertThat(p.latency().getTotalCount()).as(phase + " latencies recorded").isEqualTo(100);
        }
        for (String phase : List.of("ha-unloaded", "ha-loaded", "ha-50pct")) {
            PhaseResult p = r.phase(phase);
            assertThat(p.completed()).as(phase).isEqualTo(p.sent()).isEqualTo(p.accepted());
            assertThat(p.latency().getTotalCount()).as(phase).isEqualTo(p.completed());
        }
        for (String phase : List.of("echo-unloaded", "echo-loaded", "echo-50pct")) {
            PhaseResult p = r.phase(phase);
            assertThat(p.completed()).as(phase + ": every request echoed").isEqualTo(p.sent()).isPositive();
            assertThat(p.accepted()).as(phase + ": an echo is no acknowledgement").isZero();
            assertThat(p.failures()).as(phase + ": every echoed BU's authenticator verified").isEmpty();
        }
        for (PhaseResult p : r.phases()) {
            String phase = p.name() + " (" + p.target() + ")";
            PhaseCost c = p.cost();
            assertThat(c.measured()).as(phase + " cost read").isTrue();
            assertThat(c.work()).as(phase).isEqualTo(p.target().equals("echo") ? PhaseCost.ECHO : PhaseCost.HOME_AGENT);
            // Process CPU comes from times(2), in clock ticks (10 ms): a 100-node phase may read 0.
            assertThat(c.server().processCpuNanos()).as(phase + " server CPU").isGreaterThanOrEqualTo(0);
            assertThat(c.server().threadCpuNanos(c.work())).as(phase + " server work thread CPU").isPositive();
            assertThat(c.server().threadAllocatedBytes(c.work())).as(phase + " server work thread heap")
                    .isGreaterThanOrEqualTo(0);
            assertThat(c.client().processCpuNanos()).as(phase + " client CPU").isGreaterThanOrEqualTo(0);
            assertThat(c.client().threadCpuNanos(PhaseCost.SENDER)).as(phase + " client sender CPU").isPositive();
            assertThat(c.client().threadCpuNanos(PhaseCost.RECEIVER)).as(phase + " client receiver CPU").isPositive();
            assertThat(c.client().threadAllocatedBytes(PhaseCost.SENDER)).as(phase + " client sender heap")
                    .isPositive();
            for (ResourceUsage.Spent side : List.of(c.server(), c.client())) {
                assertThat(side.gcCount()).as(phase + " GCs").isGreaterThanOrEqualTo(0);
                assertThat(side.gcMillis()).as(phase + " GC time").isGreaterThanOrEqualTo(0);
            }
            assertThat(p.serverThreadCpuMicros()).as(phase + " per exchange").isPositive();
            if (OS.current() == OS.LINUX) {
                assertThat(p.serverThreadRunDelayMillis()).as(phase + " server run delay").isGreaterThanOrEqualTo(0);
                assertThat(p.runDelayMillis(false, PhaseCost.SENDER)).as(phase + " sender run delay")
                        .isGreaterThanOrEqualTo(0);
                assertThat(p.runDelayMillis(false, PhaseCost.RECEIVER)).as(phase + " receiver run delay")
                        .isGreaterThanOrEqualTo(0);
            }
            assertThat(p.line()).as(phase).contains(" srvThreadWait=", " cliSendWait=", " srvCpu=", " srvThread=", " srvAlloc=", " srvGc=", " cliCpu=",
                    " cliSend=", " cliRecv=", " cliAlloc=", " cliGc=");
        }
        assertThat(r.phases().stream().mapToLong(p -> p.cost().server().processCpuNanos()).sum())
                .as("server process CPU over the whole run").isPositive();
        assertThat(r.phases().stream().mapToLong(p -> p.cost().client().processCpuNanos()).sum())
                .as("client process CPU over the whole run").isPositive();
        // The home agent builds, signs and allocates per BU; the echo thread only moves datagrams.
        assertThat(r.phase("ha-loaded").cost().server().threadAllocatedBytes(PhaseCost.HOME_AGENT)).isPositive();
        for (String phase : List.of("echo-50pct", "ha-50pct")) {
            PhaseResult p = r.phase(phase);
            assertThat(p.sendLag().getTotalCount()).as(phase + ": a lag for every paced send").isEqualTo(p.sent());
            assertThat(p.onSchedule().getTotalCount()).as(phase + ": on schedule, a subset")
                    .isLessThanOrEqualTo(p.latency().getTotalCount());
            assertThat(p.line()).as(phase).contains(" lagP99=", " onScheduleP99=");
        }
        for (String phase : List.of("register", "ha-loaded", "echo-loaded")) {
            assertThat(r.phase(phase).sendLag().getTotalCount()).as(phase + ": not paced, no lag").isZero();
        }
        assertThat(r.heapRegistered().get("bindings")).isEqualTo("100");
        assertThat(r.heapDeregistered().get("bindings")).isEqualTo("0");
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("| register | 100 |",
                "| Phase | Exchanges | Server CPU µs |");
    }

    @Test
    void phasesOutsideTheListAreRefusedWithTheListOfPhases() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.Options.parse(new String[] {"--phases", "register,warp"}));
    }

    @Test
    void pinCpusTakesTwoTasksetCpuListsAndRefusesAnythingElseNamingTheForm() {
        LoadGenerator.Options o = LoadGenerator.Options.parse(new String[] {"--pin-cpus", "0/1-3,5"});
        assertThat(o.clientCpus).isEqualTo("0");
        assertThat(o.serverCpus).isEqualTo("1-3,5");
        assertThat(LoadGenerator.Options.parse(new String[0]).clientCpus).as("no pinning by default").isNull();
        for (String bad : new String[] {"0", "0/", "/1", "0/1/2", "a/1", "0;rm/1"}) {
            assertThat(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> LoadGenerator.Options.parse(new String[] {"--pin-cpus", bad})))
                    .as(bad).hasMessageContaining("CLIENT/SERVER");
        }
    }
}
