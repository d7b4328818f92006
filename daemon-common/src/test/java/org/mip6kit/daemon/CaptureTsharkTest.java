package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;

/**
 * The pcap of {@code --pcap} is readable by Wireshark (tshark, an implementation we did not
 * write): both packets dissect as UDP → IPv6 → Mobility Header with the sequence number sent,
 * good UDP checksums and no malformed-packet or warning expert info.
 */
@Tag("large")
class CaptureTsharkTest {

    @TempDir
    Path dir;

    @Test
    void tsharkDissectsTheCapturedBindingUpdateAndAcknowledgement() throws Exception {
        Path tshark = HostRequirements.command("tshark", "tshark");
        Path pcap = dir.resolve("ha.pcap");
        UdpCaptureRig.Exchange ports = UdpCaptureRig.run(pcap);

        String fields = run(tshark, "fields", "-r", pcap.toString(),
                "-d", "udp.port==" + ports.homeAgent().getPort() + ",ipv6",
                "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=;",
                "-e", "udp.srcport", "-e", "udp.dstport", "-e", "udp.checksum.status",
                "-e", "ipv6.dst", "-e", "mip6.mhtype", "-e", "mip6.bu.seqnr", "-e", "mip6.ba.seqnr",
                "-e", "mip6.ba.status");
        String problems = run(tshark, "expert", "-r", pcap.toString(),
                "-d", "udp.port==" + ports.homeAgent().getPort() + ",ipv6",
                "-o", "udp.check_checksum:TRUE",
                "-Y", "_ws.malformed || _ws.expert.severity >= warning");

        List<String> lines = fields.lines().toList();
        int ha = ports.homeAgent().getPort();
        int mn = ports.mobileNode().getPort();
        assertThat(lines).containsExactly(
                mn + ";" + ha + ";1;::1,2001:db8:1::1;5;4711;;",
                ha + ";" + mn + ";1;::1,2001:db8:2::100;6;;4711;0");
        assertThat(problems).as("frames with malformed or warning expert info").isBlank();
    }

    private Path dirFor(String name) {
        return dir.resolve("tshark-" + name);
    }

    private String run(Path tshark, String name, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(tshark.toString());
        command.addAll(List.of(args));
        Path out = dirFor(name + ".out");
        Path err = dirFor(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
            assertThat(p.exitValue()).as("tshark exit; stderr: %s", Files.readString(err)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
