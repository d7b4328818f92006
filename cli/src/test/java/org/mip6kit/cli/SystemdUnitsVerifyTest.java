package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;

/**
 * The systemd units as the distribution archive ships them ({@code systemd/mip6kit-ha.service},
 * {@code systemd/mip6kit-mn.service}), checked by {@code systemd-analyze verify} in a temporary
 * root laid out as the operator guide says to install: the archive unpacked in {@code /opt} and
 * linked as {@code /opt/mip6kit}, the units copied to {@code /etc/systemd/system}. With
 * {@code --root}, verify resolves {@code ExecStart=/opt/mip6kit/bin/mip6kit} inside that root, so
 * it checks the shipped path against the shipped layout, not against this host. Any line verify
 * prints (an unknown key, a bad value, a missing executable) fails the test; and the same check
 * with {@code bin/mip6kit} removed must complain, which shows it looks at the executable at all.
 *
 * <p>The root also holds what verify needs of the host: its own units ({@code sysinit.target}
 * and the other targets the units depend on by default) and {@code kill}, which
 * {@code ExecReload} runs.
 */
@Tag("large")
class SystemdUnitsVerifyTest {

    private static final List<String> UNITS = List.of("mip6kit-ha.service", "mip6kit-mn.service");

    @TempDir
    Path work;

    @Test
    void shippedUnitsPassSystemdAnalyzeVerifyWithoutAWarningInTheDocumentedLayout() throws Exception {
        Path analyze = HostRequirements.command("systemd-analyze", "systemd");
        Path root = installedRoot();

        Result verify = verify(analyze, root);

        assertThat(verify.output()).as("systemd-analyze verify printed (exit %d)", verify.exitCode()).isEmpty();
        assertThat(verify.exitCode()).isZero();
    }

    @Test
    void verifyInThatRootComplainsWhenTheLauncherIsMissing() throws Exception {
        Path analyze = HostRequirements.command("systemd-analyze", "systemd");
        Path root = installedRoot();
        Files.delete(root.resolve("opt/mip6kit/bin/mip6kit"));

        Result verify = verify(analyze, root);

        assertThat(verify.output()).contains("mip6kit-ha.service: Command /opt/mip6kit/bin/mip6kit is not executable")
                .contains("mip6kit-mn.service: Command /opt/mip6kit/bin/mip6kit is not executable");
        assertThat(verify.exitCode()).isNotZero();
    }

    @Test
    void unitsRunTheDaemonsAsNotifyServicesWithoutCapabilitiesOrWriteExecuteBan() throws Exception {
        Path root = installedRoot();
        for (String unit : UNITS) {
            List<String> lines = Files.readAllLines(root.resolve("etc/systemd/system").resolve(unit));
            assertThat(lines).as(unit).contains("Type=notify", "NotifyAccess=main", "CapabilityBoundingSet=",
                    "AmbientCapabilities=", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                    "PrivateTmp=yes", "User=mip6kit", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
                    "SystemCallArchitectures=native", "LockPersonality=yes");
            assertThat(lines).as(unit + ": the JVM's JIT needs W+X memory")
                    .noneMatch(l -> l.startsWith("MemoryDenyWriteExecute="));
        }
        assertThat(Files.readAllLines(root.resolve("etc/systemd/system/mip6kit-ha.service")))
                .contains("ExecStart=/opt/mip6kit/bin/mip6kit ha run --config /etc/mip6kit/ha.yaml",
                        "ExecReload=kill -HUP $MAINPID", "RuntimeDirectory=mip6kit-ha");
        assertThat(Files.readAllLines(root.resolve("etc/systemd/system/mip6kit-mn.service")))
                .contains("ExecStart=/opt/mip6kit/bin/mip6kit mn run --config /etc/mip6kit/mn.yaml",
                        "RuntimeDirectory=mip6kit-mn");
    }

    /** The temporary root: /opt/mip6kit-VERSION and its link, the units, the host's units and kill. */
    private Path installedRoot() throws Exception {
        Path repository = Mip6kitLauncherTest.repositoryRoot();
        String version = ExampleProviderJar.projectVersion(repository);
        Path archive = repository.resolve("cli/target/mip6kit-" + version + ".tar.gz");
        assertThat(archive).as("built by `mvn package` in cli").isRegularFile();
        Path root = Files.createDirectory(work.resolve("root"));
        Path opt = Files.createDirectories(root.resolve("opt"));
        Result untar = run(List.of("tar", "-xzf", archive.toString(), "-C", opt.toString()));
        assertThat(untar.exitCode()).as(untar.output()).isZero();
        Files.createSymbolicLink(opt.resolve("mip6kit"), Path.of("mip6kit-" + version));
        Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        for (String unit : UNITS) {
            Path shipped = opt.resolve("mip6kit/systemd").resolve(unit);
            assertThat(shipped).as("in the archive").isRegularFile();
            Files.copy(shipped, units.resolve(unit));
        }
        assertThat(opt.resolve("mip6kit/systemd/mip6kit-sysusers.conf")).isRegularFile();
        Path hostUnits = Path.of("/lib/systemd/system");
        assertThat(hostUnits.resolve("sysinit.target")).as("the host's systemd units").isRegularFile();
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        Result copy = run(List.of("cp", "-a", hostUnits.toString(), root.resolve("usr/lib/systemd").toString()));
        assertThat(copy.exitCode()).as(copy.output()).isZero();
        Path kill = HostRequirements.command("/bin/kill", "procps");
        Files.copy(kill, Files.createDirectories(root.resolve("usr/bin")).resolve("kill"));
        return root;
    }

    private Result verify(Path analyze, Path root) throws Exception {
        List<String> command = new ArrayList<>(List.of(analyze.toString(), "verify", "--root=" + root));
        command.addAll(UNITS);
        return run(command);
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(List<String> command) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
