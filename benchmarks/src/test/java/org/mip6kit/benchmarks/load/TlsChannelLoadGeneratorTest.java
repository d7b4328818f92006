package org.mip6kit.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code --provider tls-channel}: 40 rfc6618 nodes bootstrap with the Home Agent Controller of a
 * real home agent in a forked JVM, and every Binding Update of every phase is sealed, answered by
 * a sealed Binding Acknowledgement that the node's own path opens and verifies, accepted and
 * counted once; every echoed Binding Update comes back and is refused by the node's path (it is
 * sealed for the other direction). Nothing here looks at how long anything took.
 */
@Tag("medium")
class TlsChannelLoadGeneratorTest {

    @Test
    void everyNodeBootstrapsAndEveryBindingUpdateIsAnsweredBySealedAcceptedAcknowledgement() throws Exception {
        LoadGenerator.Options o = LoadGenerator.Options.parse(new String[] {
                "--provider", "tls-channel", "--nodes", "40", "--window", "8", "--repeats", "1", "--seconds", "0.2",
                "--warmup-seconds", "0.2", "--server-heap", "256m", "--timeout-ms", "5000",
                "--bootstrap-concurrency", "4"});
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        LoadGenerator.Report r = LoadGenerator.run(o, new PrintStream(text, true, StandardCharsets.UTF_8));

        PhaseResult boot = r.phase("bootstrap");
        assertThat(boot.sent()).isEqualTo(40);
        assertThat(boot.accepted()).as("nodes provisioned by the controller").isEqualTo(40);
        assertThat(boot.failures()).isEmpty();
        assertThat(boot.latency().getTotalCount()).isEqualTo(40);
        assertThat(boot.cost().server().processCpuNanos()).as("the controller's TLS work").isPositive();
        for (String phase : List.of("register", "deregister")) {
            PhaseResult p = r.phase(phase);
            assertThat(p.sent()).as(phase).isEqualTo(40);
            assertThat(p.completed()).as(phase).isEqualTo(40);
            assertThat(p.accepted()).as(phase).isEqualTo(40);
            assertThat(p.failures()).as(phase).isEmpty();
        }
        for (String phase : List.of("ha-unloaded", "ha-loaded", "ha-50pct")) {
            PhaseResult p = r.phase(phase);
            assertThat(p.completed()).as(phase).isEqualTo(p.sent()).isEqualTo(p.accepted()).isPositive();
            assertThat(p.cost().server().threadCpuNanos(PhaseCost.HOME_AGENT)).as(phase + ": the RFC 6618 port's thread")
                    .isPositive();
            assertThat(p.cost().client().threadCpuNanos(PhaseCost.RECEIVER)).as(phase + ": the client's receiver")
                    .isPositive();
        }
        for (String phase : List.of("echo-unloaded", "echo-loaded", "echo-50pct")) {
            PhaseResult p = r.phase(phase);
            assertThat(p.completed()).as(phase + ": every request echoed").isEqualTo(p.sent()).isPositive();
            assertThat(p.accepted()).as(phase + ": an echo is no acknowledgement").isZero();
            assertThat(p.failures()).as(phase + ": no echoed BU opened as if the home agent had sealed it").isEmpty();
        }
        assertThat(r.phase("move")).isNull();
        assertThat(r.phase("restart-storm")).isNull();
        assertThat(r.heapRegistered().get("bindings")).isEqualTo("40");
        assertThat(r.heapDeregistered().get("bindings")).isEqualTo("0");
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("| bootstrap | 40 |", "| register | 40 |",
                "Registration through tls-channel rfc6618");
    }

    @Test
    void moveAndRestartAreRefusedForTlsChannelAndLeftOutOfItsDefaultPhases() {
        assertThat(LoadGenerator.Options.parse(new String[] {"--provider", "tls-channel"}).phases)
                .containsExactly("register", "memory", "ceiling", "deregister");
        assertThat(LoadGenerator.Options.parse(new String[0]).phases).as("auth-option-4285 unchanged")
                .containsExactlyElementsOf(LoadGenerator.DEFAULT_PHASES);
        for (String phases : new String[] {"register,move", "register,restart"}) {
            assertThat(assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(
                    new String[] {"--provider", "tls-channel", "--phases", phases}))).hasMessageContaining("tls-channel");
        }
        assertThat(assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(
                new String[] {"--provider", "tls-channel", "--phases", "ceiling"}))).hasMessageContaining("register");
        assertThat(assertThrows(IllegalArgumentException.class, () -> LoadGenerator.Options.parse(
                new String[] {"--provider", "ipsec"}))).hasMessageContaining("tls-channel");
    }
}
