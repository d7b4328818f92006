package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;

/**
 * {@code ./mip6kit demo --provider tls-channel} in both modes, in process: the whole story happens
 * over the provider's own channel (RFC 6618 UDP after a TLS bootstrap with the Home Agent Controller;
 * a DTLS association), the capture holds its datagrams and none of them shows a Mobility Header in
 * the clear, and the provider's credentials are gone afterwards.
 */
@Tag("medium")
class DemoTlsChannelTest {

    private static final String HOA = "2001:db8:1::100";

    @Test
    void rfc6618ModeBootstrapsWithTheControllerAndTellsTheWholeStoryOverProtectedUdp(@TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        CommandRun run = CommandRun.of("demo", "--provider", "tls-channel", "--pcap", pcap.toString());

        assertThat(run.exitCode()).as("%s", run).isZero();
        String out = run.out();
        assertThat(out).containsPattern("HA\\s+provider: rfc6618-provisioned: spi=\\d+ suite=AES_128_CBC_SHA valid until")
                .containsPattern("MN\\s+bootstrap: nai:mn1@example.com, home address " + HOA
                        + ", home agent 2001:db8:1::1 via udp \\[::1]:\\d+ or 127\\.0\\.0\\.1:\\d+");
        story(out, "nai:mn1@example.com");
        assertProtectedCapture(out, pcap);
    }

    @Test
    void dtlsModeRunsTheStoryInsideOneAssociation(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        CommandRun run = CommandRun.of("demo", "--provider", "tls-channel", "--provider-option", "mode=dtls",
                "--pcap", pcap.toString());

        assertThat(run.exitCode()).as("%s", run).isZero();
        String out = run.out();
        assertThat(out).containsPattern("MN\\s+bootstrap: psk_identity:mn1@example.com, home address " + HOA
                + ", home agent 2001:db8:1::1 via udp \\[::1]:\\d+");
        story(out, "psk_identity:mn1@example.com");
        assertProtectedCapture(out, pcap);
    }

    @Test
    void unknownDemoOptionExitsTwoWithTheOptionsTheProviderTakes(@TempDir Path dir) {
        Path pcap = dir.resolve("demo.pcap");
        CommandRun tls = CommandRun.of("demo", "--provider", "tls-channel", "--provider-option", "mode=ikev2",
                "--pcap", pcap.toString());
        assertThat(tls.exitCode()).as("%s", tls).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(tls.err()).contains("cannot run in the demo").contains("mode=rfc6618").contains("mode=dtls");

        CommandRun other = CommandRun.of("demo", "--provider-option", "mode=dtls", "--pcap", pcap.toString());
        assertThat(other.exitCode()).as("%s", other).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(other.err()).contains("auth-option-4285").contains("takes no demo options");
        assertThat(pcap).as("nothing started, nothing captured").doesNotExist();
    }

    private static void story(String out, String identity) {
        String id = Pattern.quote(identity);
        assertThat(out).containsPattern("HA\\s+binding created: " + HOA + " -> 2001:db8:2::100 \\(" + id + "\\)")
                .containsPattern("HA\\s+binding moved: " + HOA + " -> 192\\.0\\.2\\.100 \\(" + id + "\\)")
                .containsPattern("HA\\s+binding refreshed: " + HOA + " -> 192\\.0\\.2\\.100 \\(" + id + "\\)")
                .containsPattern("HA\\s+binding deleted: " + HOA + " -> 192\\.0\\.2\\.100 \\(" + id + "\\)")
                .containsPattern("MN\\s+deregistered: status=Binding Update accepted\\(0\\)")
                .doesNotContain("!!");
        Matcher written = Pattern.compile("keys\\s+tls-channel wrote fresh credentials into (\\S+) ").matcher(out);
        assertThat(written.find()).as("the credentials line").isTrue();
        assertThat(out).contains("removed " + written.group(1));
        assertThat(Path.of(written.group(1))).doesNotExist();
    }

    /** Every captured packet is a UDP datagram of the provider's channel; none is a readable Mobility Header. */
    private static void assertProtectedCapture(String out, Path pcap) throws Exception {
        Matcher summary = Pattern.compile("pcap\\s+\\S+: (\\d+) packets, 0 Binding Updates and 0 Binding "
                + "Acknowledgements and (\\d+) other").matcher(out);
        assertThat(summary.find()).as("the summary line in:%n%s", out).isTrue();
        List<PcapRecord> records;
        try (PcapReader reader = new PcapReader(pcap)) {
            records = reader.readAll();
        }
        assertThat(records).hasSize(Integer.parseInt(summary.group(1)));
        assertThat(records.size()).as("four Binding Updates and four acknowledgements at least").isGreaterThanOrEqualTo(8);
        for (PcapRecord r : records) {
            byte[] p = r.packet();
            int version = (p[0] & 0xF0) >>> 4;
            int protocol = version == 6 ? p[6] & 0xFF : p[9] & 0xFF;
            assertThat(protocol).as("the IP protocol of a captured packet (UDP)").isEqualTo(17);
        }
    }
}
