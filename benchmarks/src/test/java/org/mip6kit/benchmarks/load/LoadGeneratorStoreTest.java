package org.mip6kit.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator's durable-store options with 100 nodes against real home agents in forked
 * JVMs: {@code --compare-store} runs every measurement against both home agents in every round,
 * every Binding Update is answered and accepted, the journal of the home agent with the store
 * really holds the changes, and its directory is gone after the run; {@code --store journal}
 * makes a restarted home agent read its bindings back. Nothing here looks at how long anything
 * took (docs/performance.md).
 */
@Tag("medium")
class LoadGeneratorStoreTest {

    @TempDir
    Path stateDir;

    private static LoadGenerator.Report run(String... args) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        return LoadGenerator.run(LoadGenerator.Options.parse(args), new PrintStream(text, true, StandardCharsets.UTF_8));
    }

    private static long accepted(LoadGenerator.Report r, String prefix) {
        return r.phases().stream().filter(p -> p.name().startsWith(prefix)).mapToLong(PhaseResult::accepted).sum();
    }

    @Test
    void compareStoreRunsEveryMeasurementAgainstBothHomeAgentsInEveryRoundAndTheJournalHoldsTheChanges()
            throws Exception {
        LoadGenerator.Report r = run("--compare-store", "--nodes", "100", "--window", "8", "--repeats", "2",
                "--seconds", "0.2", "--warmup-seconds", "0.2", "--server-heap", "256m", "--timeout-ms", "5000",
                "--state-dir", stateDir.toString());

        for (String prefix : List.of(LoadGenerator.OFF, LoadGenerator.ON)) {
            PhaseResult register = r.phase(prefix + "register");
            assertThat(register).as(prefix + "register").isNotNull();
            assertThat(register.sent()).as(prefix + "register sent").isEqualTo(100);
            assertThat(register.accepted()).as(prefix + "register accepted").isEqualTo(100);
            assertThat(register.failures()).as(prefix + "register").isEmpty();
            for (String m : LoadGenerator.COMPARE_MEASUREMENTS) {
                List<PhaseResult> rounds = r.all(prefix + m);
                assertThat(rounds).as(prefix + m + ": once per round").hasSize(2);
                for (PhaseResult p : rounds) {
                    assertThat(p.sent()).as(prefix + m).isPositive();
                    assertThat(p.completed()).as(prefix + m + " completed").isEqualTo(p.sent());
                    assertThat(p.accepted()).as(prefix + m + " accepted").isEqualTo(p.sent());
                    assertThat(p.latency().getTotalCount()).as(prefix + m).isEqualTo(p.completed());
                    assertThat(p.window()).as(prefix + m).isEqualTo(m.endsWith("-unloaded") ? 1 : 8);
                    assertThat(p.cost().measured()).as(prefix + m + " cost read").isTrue();
                }
            }
        }
        // Every accepted change of the home agent with the store is a journal entry (the warm-up's too).
        long entries = Long.parseLong(r.store().get("entries"));
        long syncs = Long.parseLong(r.store().get("syncs"));
        assertThat(r.store().get("kind")).isEqualTo(HomeAgentServer.STORE_JOURNAL);
        assertThat(entries).as("journal entries").isGreaterThanOrEqualTo(accepted(r, LoadGenerator.ON));
        assertThat(syncs).as("syncs").isPositive().isLessThanOrEqualTo(entries);
        assertThat(Long.parseLong(r.store().get("bytes"))).as("journal file").isPositive();
        assertThat(r.heapRegistered().get("bindings")).isEqualTo("100");
        try (Stream<Path> left = Files.list(stateDir)) {
            assertThat(left).as("the journal's directory is deleted after the run").isEmpty();
        }
    }

    @Test
    void withTheJournalARestartedHomeAgentRestoresEveryBindingBeforeTheStorm() throws Exception {
        LoadGenerator.Report r = run("--store", "journal", "--nodes", "100", "--window", "8", "--server-heap", "256m",
                "--timeout-ms", "5000", "--phases", "register,restart,deregister", "--state-dir", stateDir.toString());

        assertThat(r.ready().get("store")).isEqualTo(HomeAgentServer.STORE_JOURNAL);
        assertThat(r.restart().get("restored")).as("bindings read back from the journal").isEqualTo("100");
        for (String phase : List.of("register", "restart-storm", "deregister")) {
            assertThat(r.phase(phase).accepted()).as(phase).isEqualTo(100);
        }
        assertThat(Long.parseLong(r.store().get("entries"))).as("entries since the restart")
                .isGreaterThanOrEqualTo(200);
        try (Stream<Path> left = Files.list(stateDir)) {
            assertThat(left).as("the journal's directory is deleted after the run").isEmpty();
        }
    }

    @Test
    void withoutAStoreARestartedHomeAgentRestoresNothing() throws Exception {
        LoadGenerator.Report r = run("--nodes", "20", "--window", "4", "--server-heap", "256m", "--timeout-ms", "5000",
                "--phases", "register,restart");

        assertThat(r.ready().get("store")).isEqualTo(HomeAgentServer.STORE_NONE);
        assertThat(r.restart().get("restored")).isEqualTo("0");
        assertThat(r.store().get("entries")).isEqualTo("0");
    }

    @Test
    void storeTakesNoneOrJournalAndNamesBoth() {
        assertThat(LoadGenerator.Options.parse(new String[0]).store).as("default").isEqualTo("none");
        assertThat(LoadGenerator.Options.parse(new String[] {"--store", "journal"}).store).isEqualTo("journal");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.Options.parse(new String[] {"--store", "rocksdb"})))
                .hasMessageContaining("none").hasMessageContaining("journal");
    }

    @Test
    void syncDelayIsBoundedAsStateSyncDelayIs() {
        assertThat(LoadGenerator.Options.parse(new String[0]).syncDelayMillis).as("default").isEqualTo(2);
        assertThat(LoadGenerator.Options.parse(new String[] {"--sync-delay-ms", "0"}).syncDelayMillis).isZero();
        for (String bad : new String[] {"-1", "1001"}) {
            assertThat(assertThrows(IllegalArgumentException.class,
                    () -> LoadGenerator.Options.parse(new String[] {"--sync-delay-ms", bad})))
                    .as(bad).hasMessageContaining("0 .. 1000");
        }
    }

    @Test
    void compareStoreIsAFlagThatRefusesAStoreOfItsOwnChoosing() {
        LoadGenerator.Options o = LoadGenerator.Options.parse(new String[] {"--compare-store", "--nodes", "10"});
        assertThat(o.compareStore).isTrue();
        assertThat(o.nodes).as("the flag takes no value").isEqualTo(10);
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> LoadGenerator.Options.parse(new String[] {"--compare-store", "--store", "journal"})))
                .hasMessageContaining("--compare-store");
    }

    @Test
    void compareStoreRefusesPhasesCaptureAndHistogramItDoesNotRun() {
        for (String[] extra : List.of(new String[] {"--phases", "register"}, new String[] {"--pcap", "/tmp/x.pcap"},
                new String[] {"--class-histogram", "/tmp/h.txt"})) {
            String[] args = Stream.concat(Stream.of("--compare-store"), Stream.of(extra)).toArray(String[]::new);
            assertThat(assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(args)))
                    .as(extra[0]).hasMessageContaining("its own phases");
        }
    }

    @Test
    void theStoreOptionsAreForRfc4285Only() {
        for (String[] args : List.of(new String[] {"--provider", "tls-channel", "--store", "journal"},
                new String[] {"--provider", "tls-channel", "--compare-store"})) {
            assertThat(assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(args)))
                    .hasMessageContaining("auth-option-4285 only");
        }
    }

    @Test
    void theRatioOfEveryRoundIsOnOverOffOfThatRound() {
        PhaseResult off1 = phase(100);
        PhaseResult off2 = phase(200);
        PhaseResult on1 = phase(80);
        PhaseResult on2 = phase(50);
        double[] r = LoadGenerator.ratios(List.of(off1, off2), List.of(on1, on2), PhaseResult::completed);
        assertThat(r).containsExactly(0.8, 0.25);
        assertThat(LoadGenerator.medianOf(new double[] {0.25, 0.8})).isEqualTo(0.525);
        assertThat(LoadGenerator.medianOf(new double[] {0.1, 0.25, 0.8})).isEqualTo(0.25);
        assertThat(LoadGenerator.medianOf(new double[0])).isNaN();
    }

    private static PhaseResult phase(long completed) {
        return new PhaseResult("x", "ha", 1, 0, completed, completed, completed, 1.0, NodeFleet.newHistogram(),
                java.util.Map.of(), NodeFleet.newHistogram(), NodeFleet.newHistogram(), 0, PhaseCost.UNMEASURED);
    }
}
