package org.mip6kit.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The load generator's bookkeeping with 100 nodes against a real home agent in a forked JVM: every
 * Binding Update of every phase is answered, accepted and counted once, and the home agent's
 * binding count follows registration and deregistration. Nothing here looks at a time: the
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
        }
        assertThat(r.heapRegistered().get("bindings")).isEqualTo("100");
        assertThat(r.heapDeregistered().get("bindings")).isEqualTo("0");
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("| register | 100 |");
    }

    @Test
    void phasesOutsideTheListAreRefusedWithTheListOfPhases() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.Options.parse(new String[] {"--phases", "register,warp"}));
    }
}
