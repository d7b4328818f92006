package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mip6kit mn}: usage, and the errors that stop before any daemon or socket is involved:
 * a wrong file is {@code <file>: <key>: <problem>} and exit 2, an unknown provider is listed and
 * exit 2, an absent daemon is exit 1.
 */
@Tag("small")
class MnCommandTest {

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("mn.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static final String VALID = """
            mobile-node:
              home-address: 2001:db8:1::100
              home-agent: 2001:db8:1::1
              home-agent-endpoint: "[::1]:4191"
              care-of: { address: 2001:db8:2::100 }
            admin: { socket: mn.sock }
            security:
              provider: no-such-provider
            """;

    @Test
    void mnWithoutASubcommandPrintsItsUsageAndExits2() {
        CommandRun run = CommandRun.of("mn");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command: mn run, mn move, mn home or mn status").contains("move").contains("home")
                .contains("status").contains("run");
    }

    @Test
    void mnRunNeedsAConfigFile() {
        CommandRun run = CommandRun.of("mn", "run");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--config");
    }

    @Test
    void mnRunWithAMisspeltKeyPrintsFileKeyAndProblemAndExits2() throws Exception {
        Path f = file(VALID.replace("home-address:", "home-adress:"));
        CommandRun run = CommandRun.of("mn", "run", "--config", f.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith(f.toAbsolutePath() + ": mobile-node.home-adress: unknown key");
        assertThat(Files.exists(dir.resolve("mn.sock"))).isFalse();
    }

    @Test
    void mnRunWithAMissingFileSaysItDoesNotExistAndExits2() {
        Path missing = dir.resolve("absent.yaml");
        CommandRun run = CommandRun.of("mn", "run", "--config", missing.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(missing.toString()).contains("does not exist")
                .contains("docs/errors.md#config-file");
    }

    @Test
    void mnRunWithAnUnknownProviderFailsClosedAndExits2() throws Exception {
        Path f = file(VALID);
        CommandRun run = CommandRun.of("mn", "run", "--config", f.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-provider").contains("docs/errors.md#unknown-provider");
        assertThat(Files.exists(dir.resolve("mn.sock"))).isFalse();
    }

    @Test
    void mnMoveRefusesSomethingThatIsNotAnAddressBeforeTalkingToAnyone() {
        CommandRun run = CommandRun.of("mn", "move", "--coa", "192.0.2.999", "--socket", dir.resolve("x").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--coa").contains("192.0.2.999").contains("not an IPv6 or IPv4 address");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"127.0.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1",
            "255.255.255.255", "::1"})
    void mnMoveRefusesACareOfAddressTheHomeAgentWouldAnswer174(String address) {
        CommandRun run = CommandRun.of("mn", "move", "--coa", address, "--socket", dir.resolve("x").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--coa").contains(address);
    }

    @Test
    void mnMoveTakesConfigOrSocketNotBoth() throws Exception {
        Path f = file(VALID);
        CommandRun run = CommandRun.of("mn", "move", "--coa", "192.0.2.10", "--config", f.toString(),
                "--socket", dir.resolve("mn.sock").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("mutually exclusive");
    }

    @Test
    void mnMoveWithABrokenConfigFileNamesTheKeyAndExits2() throws Exception {
        Path f = file(VALID.replace("admin: { socket: mn.sock }", "admin: { sockett: mn.sock }"));
        CommandRun run = CommandRun.of("mn", "move", "--coa", "192.0.2.10", "--config", f.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains(f.toAbsolutePath() + ": admin.sockett: unknown key")
                .doesNotContain("Exception");
    }

    @Test
    void mnStatusWithNoDaemonRunningExits1AndSaysSo() {
        Path socket = dir.resolve("mn.sock");
        CommandRun run = CommandRun.of("mn", "status", "--socket", socket.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no daemon is running on " + socket.toAbsolutePath());
    }

    @Test
    void mnStatusFindsTheSocketThroughTheConfigFile() throws Exception {
        Path f = file(VALID.replace("socket: mn.sock", "socket: run/other.sock"));
        CommandRun run = CommandRun.of("mn", "status", "--config", f.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(dir.resolve("run/other.sock").toAbsolutePath().toString());
    }
}
