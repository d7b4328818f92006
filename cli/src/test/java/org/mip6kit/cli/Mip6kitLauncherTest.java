package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code ./mip6kit} launcher as an operating-system process, from a directory
 * other than the repository root, as a user would.
 */
@Tag("large")
class Mip6kitLauncherTest {

    /** Enough for a first-run build on a cold machine; a built launcher answers in about a second. */
    private static final long TIMEOUT_SECONDS = 300;

    @Test
    void launcherDecodesABindingAcknowledgementFromAnyWorkingDirectory(@TempDir Path workingDirectory)
            throws Exception {
        Path launcher = repositoryRoot().resolve("mip6kit");
        Path out = workingDirectory.resolve("stdout.txt");
        Path err = workingDirectory.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(List.of(launcher.toString(), "decode",
                WireFixtures.TV2_MH.replace(" ", ""), "--src", WireFixtures.HA, "--dst", WireFixtures.HOA))
                .directory(workingDirectory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Process process = builder.start();
        try {
            boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);

            assertThat(finished).as("./mip6kit finished within %d s", TIMEOUT_SECONDS).isTrue();
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
            assertThat(stdout)
                    .contains("Binding Acknowledgement(6), 16 octets, Header Len 1")
                    .contains("checksum: 0x5fd9, verified (pseudo-header 2001:db8:1::1 -> 2001:db8:1::100)")
                    .contains("status: Binding Update accepted(0), accepted")
                    .contains("sequence: 1");
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code MIP6KIT_ROOT} (surefire sets it), else the nearest directory upwards holding {@code mip6kit}. */
    static Path repositoryRoot() throws IOException {
        String fromEnvironment = System.getenv("MIP6KIT_ROOT");
        if (fromEnvironment != null && !fromEnvironment.isBlank()
                && Files.isRegularFile(Path.of(fromEnvironment, "mip6kit"))) {
            return Path.of(fromEnvironment).toRealPath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mip6kit")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.toRealPath();
            }
        }
        throw new IllegalStateException("cannot find the repository root: MIP6KIT_ROOT is not set and no directory "
                + "above " + Path.of("").toAbsolutePath() + " holds the mip6kit launcher");
    }
}
