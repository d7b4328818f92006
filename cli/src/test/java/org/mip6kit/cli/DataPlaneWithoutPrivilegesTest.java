package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.testing.HostRequirements;

/**
 * {@code ha run} with {@code data-plane.enabled} but without CAP_NET_ADMIN and CAP_NET_RAW (root
 * with both taken out of its bounding set by {@code setpriv}): the daemon stops at start with
 * exit status 1 and one message naming the step, the errno, what it needs and where to read
 * more; no interface is left behind.
 */
@Tag("large")
class DataPlaneWithoutPrivilegesTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void withoutNetAdminTheHomeAgentStopsWithAClearMessageAndExitStatusOne() throws Exception {
        HostRequirements.root("taking CAP_NET_ADMIN away from a root process");
        Path setpriv = HostRequirements.command("setpriv", "util-linux");
        Path root = Mip6kitLauncherTest.repositoryRoot();
        String tun = "dpnp" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        Path keys = work.resolve("keys.txt");
        Files.createFile(keys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keys, "mn1@example.com 256 hmac-sha1 key="
                + HexFormat.of().formatHex(new SecureRandom().generateSeed(16)) + "\n");
        Files.writeString(work.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: auth-option-4285
                  auth-option-4285:
                    key-table: keys.txt
                data-plane:
                  enabled: true
                  tun-name: %s
                """.formatted(tun));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = root.resolve("cli/target/mip6kit-cli.jar") + ":" + root.resolve("cli/target/lib") + "/*";

        try (DaemonsEndToEndProcesses processes = new DaemonsEndToEndProcesses(work)) {
            Result r = processes.run("ha-run", Duration.ofSeconds(60), List.of(setpriv.toString(), "--bounding-set",
                    "-net_admin,-net_raw", "--", java, "-cp", classPath, "org.mip6kit.cli.Mip6kitCommand", "ha", "run",
                    "--config", "ha.yaml"));

            assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
            assertThat(r.out() + r.err()).contains("the data plane could not create TUN device " + tun)
                    .contains("Operation not permitted (errno 1)")
                    .contains("CAP_NET_ADMIN")
                    .contains("docs/errors.md#data-plane-start");
        }
        assertThat(Path.of("/sys/class/net", tun)).doesNotExist();
        assertThat(work.resolve("ha.sock")).doesNotExist();
    }
}
