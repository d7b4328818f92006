package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;

/**
 * The README's first command, exactly as a user runs it: {@code ./mip6kit demo} as an operating
 * system process from a directory of its own. It must finish with exit 0, leave
 * {@code mip6kit-demo.pcap} in that directory, and the capture must read in Wireshark's
 * dissector (tshark) as Binding Updates (MH type 5) answered by Binding Acknowledgements (6).
 */
@Tag("large")
class DemoLauncherTest {

    /** Room for a first-run build by the launcher; the demo itself takes about five seconds. */
    private static final long DEMO_TIMEOUT_SECONDS = 120;
    private static final long TSHARK_TIMEOUT_SECONDS = 60;
    private static final Pattern TSHARK_HINT = Pattern.compile("tshark -r mip6kit-demo\\.pcap -d udp\\.port==(\\d+),ipv6");

    @Test
    void readmeDemoExitsZeroAndItsPcapDecodesInTsharkAsBindingUpdatesAndAcknowledgements(@TempDir Path workingDirectory)
            throws Exception {
        Path tshark = HostRequirements.command("tshark", "tshark");
        Path launcher = Mip6kitLauncherTest.repositoryRoot().resolve("mip6kit");
        Path out = workingDirectory.resolve("stdout.txt");
        Path err = workingDirectory.resolve("stderr.txt");

        Process demo = new ProcessBuilder(List.of(launcher.toString(), "demo"))
                .directory(workingDirectory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        String stdout;
        try {
            boolean finished = demo.waitFor(DEMO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertThat(finished).as("./mip6kit demo finished within %d s; stdout:%n%s%nstderr:%n%s",
                    DEMO_TIMEOUT_SECONDS, stdout, stderr).isTrue();
            assertThat(demo.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", stdout, stderr).isZero();
        } finally {
            demo.destroyForcibly();
            demo.waitFor(10, TimeUnit.SECONDS);
        }

        Path pcap = workingDirectory.resolve("mip6kit-demo.pcap");
        assertThat(pcap).as("written in the current directory").isRegularFile();
        Matcher hint = TSHARK_HINT.matcher(stdout);
        assertThat(hint.find()).as("the demo prints how to read the capture:%n%s", stdout).isTrue();
        String port = hint.group(1);

        Path fields = workingDirectory.resolve("tshark.txt");
        Path tsharkErr = workingDirectory.resolve("tshark-stderr.txt");
        Process decode = new ProcessBuilder(List.of(tshark.toString(), "-r", pcap.toString(),
                "-d", "udp.port==" + port + ",ipv6", "-T", "fields", "-e", "mip6.mhtype"))
                .directory(workingDirectory.toFile())
                .redirectOutput(fields.toFile())
                .redirectError(tsharkErr.toFile())
                .start();
        try {
            assertThat(decode.waitFor(TSHARK_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("tshark finished").isTrue();
            assertThat(decode.exitValue()).as("tshark exit; stderr:%n%s", Files.readString(tsharkErr)).isZero();
        } finally {
            decode.destroyForcibly();
            decode.waitFor(10, TimeUnit.SECONDS);
        }
        List<String> types = Files.readAllLines(fields).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        assertThat(types).as("MH types tshark decoded").contains("5", "6").containsOnly("5", "6");
        assertThat(types.stream().filter("5"::equals).count()).as("Binding Updates").isGreaterThanOrEqualTo(4);
        assertThat(types.stream().filter("6"::equals).count()).as("Binding Acknowledgements")
                .isGreaterThanOrEqualTo(4);
        assertThat(types.get(0)).as("the capture starts with the first Binding Update").isEqualTo("5");
    }
}
