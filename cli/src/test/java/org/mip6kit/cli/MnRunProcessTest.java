package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.testing.LoopbackHomeAgent;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.pcap.PcapReader;

/**
 * {@code ./mip6kit mn run} as an operating-system process, as an operator starts it, against a
 * home agent engine in this JVM over UDP on loopback: it registers, moves to an IPv4 care-of
 * address when {@code mip6kit mn move} asks, and on SIGTERM deregisters before it exits with
 * status 0.
 *
 * <p>The launcher runs the command line exactly as installed; the only addition is the test
 * provider ({@link NaiTestProvider}, no keys), put on the class path through the launcher's
 * {@code MIP6KIT_JAVA} hook by a small wrapper script.
 */
@Tag("large")
class MnRunProcessTest {

    /** Enough for the launcher to build on a cold machine; a built launcher starts in about a second. */
    private static final Duration START_LIMIT = Duration.ofSeconds(300);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");

    @TempDir
    Path dir;

    @Test
    void registersMovesAndDeregistersOnSigtermThenExits0() throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        try (LoopbackHomeAgent ha = new LoopbackHomeAgent()) {
            Path config = dir.resolve("mn.yaml");
            Files.writeString(config, """
                    mobile-node:
                      home-address: 2001:db8:1::100
                      home-agent: 2001:db8:1::1
                      home-agent-endpoint: "[::1]:%d"
                      care-of: { address: 2001:db8:2::100 }
                    admin: { socket: mn.sock }
                    security:
                      provider: %s
                      %s: { nai: %s }
                    """.formatted(ha.port(), NaiTestProvider.NAME, NaiTestProvider.NAME, LoopbackHomeAgent.NAI));
            Path pcap = dir.resolve("mn.pcap");
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            ProcessBuilder builder = new ProcessBuilder(List.of(root.resolve("mip6kit").toString(), "mn", "run",
                    "--config", config.toString(), "--pcap", pcap.toString()))
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().put("MIP6KIT_JAVA", javaWithTestProvider().toString());
            Process process = builder.start();
            try {
                boolean registered = LoopbackHomeAgent.eventually(() -> ha.binding(HOA).isPresent() || !process.isAlive(),
                        START_LIMIT) && ha.binding(HOA).isPresent();
                assertThat(registered).as("registered; stderr:%n%s", read(err)).isTrue();
                assertThat(ha.binding(HOA).orElseThrow().careOfAddress())
                        .isEqualTo(Ipv6Address.parse("2001:db8:2::100"));
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("mn.sock"))))
                        .isEqualTo("rw-------");

                CommandRun status = CommandRun.of("mn", "status", "--config", config.toString());
                assertThat(status.exitCode()).as(status.toString()).isZero();
                assertThat(status.out()).contains("registered:      yes").contains("care-of address: 2001:db8:2::100");

                CommandRun move = CommandRun.of("mn", "move", "--coa", "192.0.2.10", "--config", config.toString());
                assertThat(move.exitCode()).as(move.toString()).isZero();
                BindingRecord moved = ha.binding(HOA).orElseThrow();
                assertThat(moved.careOfAddress()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));

                process.destroy();   // SIGTERM
                boolean exited = process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(exited).as("exited within %s; stderr:%n%s", STOP_LIMIT, read(err)).isTrue();
                assertThat(process.exitValue()).as("exit status; stderr:%n%s", read(err)).isZero();
                assertThat(ha.binding(HOA)).as("binding after SIGTERM").isEmpty();
                assertThat(ha.events()).anySatisfy(e -> {
                    assertThat(e.kind()).isEqualTo(EngineEvent.Kind.BINDING_DELETED);
                    assertThat(e.careOfAddress()).contains(Ipv6Address.parse("::ffff:192.0.2.10"));
                });
                String log = read(err);
                assertThat(log).contains("registration-accepted").contains("SIGTERM received")
                        .contains("deregistered identity=nai:mn1@example.org hoa=2001:db8:1::100");
                assertThat(Files.exists(dir.resolve("mn.sock"))).as("admin socket removed").isFalse();
                try (PcapReader reader = new PcapReader(pcap)) {
                    // BU+BA for the registration, the move and the deregistration
                    assertThat(reader.readAll()).hasSizeGreaterThanOrEqualTo(6);
                }
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void mnHomeDeregistersAndTheNodeKeepsRunningUntilMnMoveRegistersItAgain() throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        try (LoopbackHomeAgent ha = new LoopbackHomeAgent()) {
            Path config = dir.resolve("mn.yaml");
            Files.writeString(config, """
                    mobile-node:
                      home-address: 2001:db8:1::100
                      home-agent: 2001:db8:1::1
                      home-agent-endpoint: "[::1]:%d"
                      care-of: { address: 2001:db8:2::100 }
                    admin: { socket: mn.sock }
                    security:
                      provider: %s
                      %s: { nai: %s }
                    """.formatted(ha.port(), NaiTestProvider.NAME, NaiTestProvider.NAME, LoopbackHomeAgent.NAI));
            Path err = dir.resolve("stderr.txt");
            ProcessBuilder builder = new ProcessBuilder(List.of(root.resolve("mip6kit").toString(), "mn", "run",
                    "--config", config.toString()))
                    .directory(dir.toFile())
                    .redirectOutput(dir.resolve("stdout.txt").toFile())
                    .redirectError(err.toFile());
            builder.environment().put("MIP6KIT_JAVA", javaWithTestProvider().toString());
            Process process = builder.start();
            try {
                boolean registered = LoopbackHomeAgent.eventually(() -> ha.binding(HOA).isPresent() || !process.isAlive(),
                        START_LIMIT) && ha.binding(HOA).isPresent();
                assertThat(registered).as("registered; stderr:%n%s", read(err)).isTrue();

                CommandRun home = CommandRun.of("mn", "home", "--config", config.toString());
                assertThat(home.exitCode()).as(home.toString()).isZero();
                assertThat(ha.binding(HOA)).as("binding after mn home").isEmpty();
                assertThat(ha.events()).anySatisfy(e -> assertThat(e.kind()).isEqualTo(EngineEvent.Kind.BINDING_DELETED));
                assertThat(process.isAlive()).as("the node keeps running at home; stderr:%n%s", read(err)).isTrue();
                CommandRun status = CommandRun.of("mn", "status", "--config", config.toString());
                assertThat(status.exitCode()).as(status.toString()).isZero();
                assertThat(status.out()).contains("registered:      no");

                CommandRun away = CommandRun.of("mn", "move", "--coa", "192.0.2.10", "--config", config.toString());
                assertThat(away.exitCode()).as(away.toString()).isZero();
                assertThat(ha.binding(HOA).orElseThrow().careOfAddress())
                        .isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));

                process.destroy();   // SIGTERM
                assertThat(process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as("exit status; stderr:%n%s", read(err)).isZero();
                assertThat(ha.binding(HOA)).isEmpty();
            } finally {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A {@code MIP6KIT_JAVA} for the launcher: runs this JVM's java with the classes holding
     * {@link NaiTestProvider} (daemon-common's test-jar) and a services file naming it appended to
     * the launcher's {@code -cp}.
     */
    private Path javaWithTestProvider() throws Exception {
        Path services = dir.resolve("provider/META-INF/services/org.mip6kit.spi.SecurityProviderFactory");
        Files.createDirectories(services.getParent());
        Files.writeString(services, NaiTestProvider.class.getName() + "\n");
        Path providerClasses = Path.of(
                NaiTestProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = ProcessHandle.current().info().command().orElse("java");
        String extra = providerClasses + ":" + dir.resolve("provider");
        Path script = dir.resolve("java-with-test-provider");
        Files.writeString(script, """
                #!/usr/bin/env bash
                # The launcher's java command with the test provider appended to its class path.
                args=()
                while [ $# -gt 0 ]; do
                  if [ "$1" = "-cp" ]; then args+=("-cp" "$2:%s"); shift 2; else args+=("$1"); shift; fi
                done
                exec "%s" "${args[@]}"
                """.formatted(extra, java));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
