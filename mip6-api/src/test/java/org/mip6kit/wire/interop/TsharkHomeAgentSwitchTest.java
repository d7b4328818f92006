package org.mip6kit.wire.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.wire.HomeAgentSwitch;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.UnknownOption;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.pcap.PcapWriter;

/**
 * mip6kit → tshark for the RFC 5142 Home Agent Switch (MH Type 12), which
 * {@link TsharkInteropTest}'s generator does not produce: Wireshark's {@code packet-mip6.c}
 * reads the address count and every address mip6kit wrote, in order, for 0, 1, 3 and 127
 * addresses (the largest that fits), with and without a trailing option.
 *
 * <p>Malformed and expert flags are not compared here: tshark 4.0.17 looks for the options of a
 * Home Agent Switch one octet before the end of the address list (the last octet of the last
 * address is read as an option type), and somewhere inside the fixed part when the list is
 * empty, so it reports options that are not there and marks every such message, however it is
 * laid out (docs/protocol-notes.md#oracle-mistakes, item 13). The count and the addresses it does read
 * from the right place.
 */
@Tag("large")
class TsharkHomeAgentSwitchTest {

    private static final Ipv6Address OLD_HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address MOBILE_NODE = Ipv6Address.parse("2001:db8:1::100");

    @TempDir
    Path workDir;

    @Test
    void tsharkReadsTheAddressCountAndEveryAddressInOrder() throws Exception {
        Path tshark = HostRequirements.command("tshark", "tshark");
        List<HomeAgentSwitch> messages = List.of(
                HomeAgentSwitch.to(List.of()),
                HomeAgentSwitch.to(addresses(1)),
                HomeAgentSwitch.to(addresses(3)),
                new HomeAgentSwitch(addresses(2), List.of(new UnknownOption(200, new byte[] {7, 7}))),
                HomeAgentSwitch.to(addresses(HomeAgentSwitch.MAX_ADDRESSES)));
        Path pcap = workDir.resolve("has.pcap");
        try (PcapWriter writer = new PcapWriter(pcap)) {
            Instant t = Instant.parse("2024-01-01T00:00:00Z");
            for (HomeAgentSwitch m : messages) {
                byte[] mh = MobilityHeaderCodec.standard().encode(m, OLD_HOME_AGENT, MOBILE_NODE);
                writer.write(t, MobilityPacket.of(OLD_HOME_AGENT, MOBILE_NODE, mh).toBytes());
                t = t.plusMillis(1);
            }
        }
        Path config = Files.createDirectories(workDir.resolve("wireshark-config"));
        ExternalCommand.Result result = ExternalCommand.run("tshark", List.of(tshark.toString(), "-n",
                        "-r", pcap.toString(), "-T", "fields", "-E", "separator=|", "-E", "occurrence=a",
                        "-e", "mip6.mhtype", "-e", "mip6.has.num_addrs", "-e", "mip6.has.address"),
                workDir, Duration.ofSeconds(60), Map.of("WIRESHARK_CONFIG_DIR", config.toString())).requireSuccess();
        List<String> lines = Files.readAllLines(result.stdout(), StandardCharsets.UTF_8);
        assertEquals(messages.size(), lines.size(), "frames; stderr:\n" + result.stderr());
        for (int i = 0; i < messages.size(); i++) {
            String[] f = lines.get(i).split("\\|", -1);
            HomeAgentSwitch m = messages.get(i);
            String where = "frame " + (i + 1) + " (" + m.homeAgents().size() + " addresses)";
            assertEquals("12", f[0], where + " MH Type");
            assertEquals(String.valueOf(m.homeAgents().size()), f[1], where + " # of Addresses");
            List<Ipv6Address> shown = f[2].isEmpty() ? List.of()
                    : Arrays.stream(f[2].split(",")).map(Ipv6Address::parse).toList();
            assertEquals(m.homeAgents(), shown, where + " Home Agent Addresses");
        }
    }

    private static List<Ipv6Address> addresses(int n) {
        List<Ipv6Address> out = new ArrayList<>();
        for (int i = 2; i < n + 2; i++) {
            out.add(Ipv6Address.parse("2001:db8:1::" + Integer.toHexString(i)));
        }
        return out;
    }
}
