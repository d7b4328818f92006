package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class Mip6kitCommandTest {

    @Test
    void withoutACommandPrintsUsageAndExits2() {
        CommandRun run = CommandRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command.").contains("decode");
    }

    @Test
    void versionNamesTheProjectVersion() {
        CommandRun run = CommandRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("mip6kit ").doesNotContain("${").doesNotContain("unknown");
    }

    @Test
    void unknownCommandIsAUsageError() {
        CommandRun run = CommandRun.of("decod");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("decod").contains("Try 'mip6kit --help'");
    }

    @Test
    void decodeHelpDocumentsTheJsonKeysAndExitCodes() {
        CommandRun run = CommandRun.of("decode", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--pcap=FILE").contains("--src=IPV6").contains("--json")
                .contains("pseudoHeaderSource").contains("Exit codes:");
    }
}
