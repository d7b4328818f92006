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
 * A wrong {@code security.tls-channel} section stops {@code ./mip6kit ha run} / {@code mn run}
 * at start-up with exit 2 and one message naming the file and the key — and never a secret (the
 * pre-shared key, the private key). Each case is the example configuration
 * ({@code docs/examples/ha-rfc6618.yaml}, {@code mn-rfc6618.yaml}) with one thing wrong, its
 * credentials made with the openssl commands written in its comments; the fixed ports of the
 * example are replaced with port 0, so that a configuration wrongly accepted binds nothing
 * another test needs (and is then killed at the command's time limit, failing the case).
 */
@Tag("large")
class TlsChannelConfigErrorsTest {

    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    /** A JVM start on a busy machine; a daemon that wrongly starts is killed at this limit. */
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final String HA_CONFIG = "docs/examples/ha-rfc6618.yaml";
    private static final String MN_CONFIG = "docs/examples/mn-rfc6618.yaml";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private DaemonsEndToEndProcesses processes;
    private String launcher;
    private String ha;
    private String mn;
    private String psk;
    private String privateKey;

    @BeforeEach
    void credentialsAsDocumented() throws Exception {
        HostRequirements.command("openssl", "openssl");
        Path root = Mip6kitLauncherTest.repositoryRoot();
        launcher = root.resolve("mip6kit").toString();
        processes = new DaemonsEndToEndProcesses(work);
        Path examples = Files.createDirectories(work.resolve("docs/examples"));
        Path haYaml = Files.copy(root.resolve(HA_CONFIG), examples.resolve("ha-rfc6618.yaml"));
        Files.copy(root.resolve(MN_CONFIG), examples.resolve("mn-rfc6618.yaml"));
        String command = TlsChannelDaemonsEndToEndTest.credentialCommand(haYaml);
        Result made = processes.run("create-credentials", START_LIMIT,
                List.of("sh", "-c", "cd '" + examples + "' && " + command));
        assertThat(made.exitCode()).as("%s", made).isZero();
        ha = Files.readString(haYaml).replace("[::1]:6618", "[::1]:0").replace("[::1]:7872", "[::1]:0");
        mn = Files.readString(examples.resolve("mn-rfc6618.yaml"));
        psk = Files.readString(examples.resolve("tls/mn1.psk")).strip();
        privateKey = pemBody(Files.readString(examples.resolve("tls/hac.key")));
        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("%s", version).isZero();
    }

    @AfterEach
    void endProcesses() throws InterruptedException {
        processes.close();
    }

    @Test
    void anUnknownKeyInTheHomeAgentsSectionIsNamedWithItsFile() throws Exception {
        Result r = ha("ha-unknown-key", y -> y.replace("    psk-table: tls/psk-table",
                "    psk-table: tls/psk-table\n    psk-tabel: tls/psk-table"));
        refused(r, "security.tls-channel.psk-tabel");
        assertThat(r.err()).contains("unknown key");
    }

    @Test
    void anUnknownKeyInTheMobileNodesSectionIsNamedWithItsFile() throws Exception {
        Result r = mn("mn-unknown-key", y -> y.replace("    hac-name: hac.example.net",
                "    hac-name: hac.example.net\n    hac-nmae: hac.example.net"));
        refused(r, "security.tls-channel.hac-nmae");
        assertThat(r.err()).contains("unknown key");
    }

    @Test
    void aMissingPskTableIsNamedWithItsPath() throws Exception {
        Files.delete(work.resolve("docs/examples/tls/psk-table"));
        Result r = ha("ha-missing-psk-table", UnaryOperator.identity());
        refused(r, "security.tls-channel.psk-table");
        assertThat(r.err()).contains("psk-table");
    }

    @Test
    void aWorldReadablePskTableIsRefused() throws Exception {
        Files.setPosixFilePermissions(work.resolve("docs/examples/tls/psk-table"),
                PosixFilePermissions.fromString("rw-r--r--"));
        Result r = ha("ha-world-readable-psk-table", UnaryOperator.identity());
        refused(r, "security.tls-channel.psk-table");
        assertThat(r.err()).contains("rw-r--r--");
    }

    @Test
    void aWorldReadablePskFileOfTheMobileNodeIsRefused() throws Exception {
        Files.setPosixFilePermissions(work.resolve("docs/examples/tls/mn1.psk"),
                PosixFilePermissions.fromString("rw-r--r--"));
        Result r = mn("mn-world-readable-psk-file", UnaryOperator.identity());
        refused(r, "security.tls-channel.psk-file");
        assertThat(r.err()).contains("rw-r--r--");
    }

    @Test
    void aPrivateKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        Result other = processes.run("other-key", START_LIMIT, List.of("sh", "-c",
                "umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
                        + "-out docs/examples/tls/other.key"));
        assertThat(other.exitCode()).as("%s", other).isZero();
        String otherKey = pemBody(Files.readString(work.resolve("docs/examples/tls/other.key")));
        Result r = ha("ha-key-mismatch", y -> y.replace("private-key: tls/hac.key", "private-key: tls/other.key"));
        refused(r, "security.tls-channel.");
        assertThat(r.err()).as("names the key file and the chain it does not match").contains("other.key")
                .contains("hac.pem").containsAnyOf("security.tls-channel.private-key",
                        "security.tls-channel.certificate-chain");
        assertThat(r.err()).doesNotContain(otherKey);
    }

    @Test
    void anUnknownModeIsRefusedWithTheKnownOnes() throws Exception {
        Result r = ha("ha-unknown-mode", y -> y.replace("mode: rfc6618", "mode: rfc6618bis"));
        refused(r, "security.tls-channel.mode");
        assertThat(r.err()).contains("rfc6618bis").contains("rfc6618");
    }

    private Result ha(String label, UnaryOperator<String> edit) throws Exception {
        Path file = Files.writeString(work.resolve("docs/examples/" + label + ".yaml"), edit.apply(ha));
        return processes.run(label, START_LIMIT, List.of(launcher, "ha", "run", "--config", file.toString()));
    }

    private Result mn(String label, UnaryOperator<String> edit) throws Exception {
        Path file = Files.writeString(work.resolve("docs/examples/" + label + ".yaml"), edit.apply(mn));
        return processes.run(label, START_LIMIT, List.of(launcher, "mn", "run", "--config", file.toString()));
    }

    /** Exit 2; stderr names the configuration file and the key; nothing secret; nothing opened. */
    private void refused(Result r, String key) {
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        String file = r.command().get(r.command().size() - 1);
        assertThat(r.err()).as("%s", r).contains(file).contains(key);
        assertThat(r.err() + r.out()).as("a secret in the message: %s", r)
                .doesNotContain(psk).doesNotContain(psk.toUpperCase()).doesNotContain(privateKey)
                .doesNotContain("PRIVATE KEY-----");
        assertThat(work.resolve("docs/examples/ha.sock")).as("no admin socket left").doesNotExist();
        assertThat(work.resolve("docs/examples/mn.sock")).as("no admin socket left").doesNotExist();
    }

    /** The base64 body of a PEM file, on one line. */
    private static String pemBody(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat).substring(0, 40);
    }
}
