package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.testing.HostRequirements;

/**
 * A wrong {@code security.ipsec-ikev2} section, a charon that is not there, and mode kernel on a
 * kernel without ESP stop {@code ./mip6kit ha run} at start-up with one message naming what is
 * wrong — the file and key for configuration errors (exit 2), the VICI socket, the missing kernel
 * options — and never the pre-shared key. Each case is {@code docs/examples/ha-ipsec.yaml} with
 * one thing changed, its key made with the commands in its comments; the VICI socket points into
 * the test's directory, where no charon listens.
 */
@Tag("large")
class IpsecConfigErrorsTest {

    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private DaemonsEndToEndProcesses processes;
    private String launcher;
    private String ha;
    private String psk;

    @BeforeEach
    void keysAsDocumented() throws Exception {
        HostRequirements.command("openssl", "openssl");
        Path root = Mip6kitLauncherTest.repositoryRoot();
        launcher = root.resolve("mip6kit").toString();
        processes = new DaemonsEndToEndProcesses(work);
        Path examples = Files.createDirectories(work.resolve("docs/examples"));
        Path haYaml = Files.copy(root.resolve("docs/examples/ha-ipsec.yaml"), examples.resolve("ha-ipsec.yaml"));
        // The keys live beside the configuration, as its comments say ("in this directory").
        Result made = processes.run("create-keys", START_LIMIT, List.of("sh", "-c", "cd " + examples + " && "
                + TlsChannelDaemonsEndToEndTest.credentialCommand(haYaml)));
        assertThat(made.exitCode()).as("%s", made).isZero();
        ha = Files.readString(haYaml).replace("vici-socket: /var/run/charon.vici",
                "vici-socket: " + work.resolve("no-charon.vici"));
        psk = Files.readString(examples.resolve("mn1.psk")).strip();
        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("%s", version).isZero();
    }

    @AfterEach
    void endProcesses() throws InterruptedException {
        processes.close();
    }

    @Test
    void anUnknownModeIsRefusedWithTheKnownOnes() throws Exception {
        Result r = ha("ha-unknown-mode", y -> y.replace("mode: libipsec", "mode: transport"));
        refused(r, "security.ipsec-ikev2.mode");
        assertThat(r.err()).contains("libipsec").contains("kernel");
    }

    @Test
    void aWorldReadablePskTableIsRefused() throws Exception {
        Files.setPosixFilePermissions(work.resolve("docs/examples/ipsec-psk-table"),
                PosixFilePermissions.fromString("rw-r--r--"));
        refused(ha("ha-world-readable", UnaryOperator.identity()), "security.ipsec-ikev2.psk-table");
    }

    @Test
    void aPoolOutsideTheHomePrefixIsRefused() throws Exception {
        Result r = ha("ha-pool-outside", y -> y.replace("pool: 2001:db8:1::100/124", "pool: 2001:db8:9::/124"));
        refused(r, "security.ipsec-ikev2.pool");
        assertThat(r.err()).contains("2001:db8:1::/64");
    }

    @Test
    void noCharonStopsTheHomeAgentNamingTheSocket() throws Exception {
        Result r = ha("ha-no-charon", UnaryOperator.identity());
        assertThat(r.exitCode()).as("%s", r).isNotZero();
        assertThat(r.err()).contains("the home agent could not start").contains("no-charon.vici")
                .contains("is charon running");
        assertThat(r.err() + r.out()).doesNotContain(psk);
    }

    @Test
    void modeKernelOnAKernelWithoutEspStopsTheHomeAgentNamingTheMissingOptions() throws Exception {
        HostRequirements.root("the XFRM netlink probe of mode kernel");
        Result r = ha("ha-kernel", y -> y.replace("mode: libipsec", "mode: kernel"));
        assertThat(r.exitCode()).as("%s", r).isNotZero();
        assertThat(r.err()).contains("mode kernel").contains("docs/errors.md#kernel-esp");
        // This kernel lacks ESP (on a kernel with ESP the mode runs, and this test does not apply).
        assertThat(r.err()).contains("CONFIG_INET6_ESP");
    }

    private Result ha(String label, UnaryOperator<String> edit) throws Exception {
        Path file = Files.writeString(work.resolve("docs/examples/" + label + ".yaml"), edit.apply(ha));
        return processes.run(label, START_LIMIT, List.of(launcher, "ha", "run", "--config", file.toString()));
    }

    /** Exit 2; stderr names the configuration file and the key; never the key itself. */
    private void refused(Result r, String key) {
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        String file = r.command().get(r.command().size() - 1);
        assertThat(r.err()).as("%s", r).contains(file).contains(key);
        assertThat(r.err() + r.out()).as("a secret in the message: %s", r).doesNotContain(psk)
                .doesNotContain(psk.toUpperCase());
    }
}
