package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.inject.SecurityProviderChoice;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.packet.UdpEncapsulation;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;

/**
 * Runs {@code mip6kit demo} in this JVM (real UDP sockets on loopback, the real
 * {@code auth-option-4285} provider with the credentials of its own demo configuration) and
 * checks the story it prints and the pcap it writes.
 * That every Binding Update verified at the home agent and every acknowledgement at the mobile
 * node (RFC 4285 authenticators with the generated key) shows in the lines: the home agent
 * creates, moves, refreshes and deletes the binding, and the mobile node reports each
 * acknowledgement accepted. The pcap is checked independently: each packet parses, its Mobility
 * Header checksum verifies, and the messages are the ones the lines announced.
 */
@Tag("medium")
class DemoCommandTest {

    private static final String HOA = "2001:db8:1::100";
    private static final String NAI = "mn1@example.com";
    private static final int AUTHENTICATION_OPTION = 9;
    private static final int REPLAY_PROTECTION_OPTION = 10;

    @Test
    void demoRegistersMovesToIpv4WithNatDetectionRefreshesListsTheBindingAndDeregisters(@TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("demo.pcap");

        CommandRun run = CommandRun.of("demo", "--pcap", pcap.toString());

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.out()).as("no failure line").doesNotContain("!!");
        Lines lines = new Lines(run.out());

        Matcher written = lines.next("^keys\\s+auth-option-4285 wrote fresh credentials into (\\S+) \\(rwx------\\): "
                + "keys\\.txt \\(rw-------\\)$");
        int port = Integer.parseInt(lines.next("^HA\\s+2001:db8:1::1, home prefix 2001:db8:1::/64, .*udp \\[::1]:(\\d+) "
                + "and 127\\.0\\.0\\.1:(\\d+)$").group(1));
        lines.next("^MN\\s+bootstrap: nai:" + NAI + ", home address " + HOA + ", home agent 2001:db8:1::1 via udp "
                + "\\[::1]:" + port + " or 127\\.0\\.0\\.1:" + port + "$");

        // home registration from the IPv6 care-of address
        int registration = lines.bu("lifetime=600s flags=AH coa=2001:db8:2::100");
        lines.next("^\\s+udp \\[::1]:\\d+ -> \\[::1]:" + port + "; options: MN-ID " + NAI + ", .*$");
        lines.next("^HA\\s+binding created: " + HOA + " -> 2001:db8:2::100 \\(nai:" + NAI + "\\) seq=" + registration
                + " lifetime=8s$");
        lines.acceptedBa(registration, "8s");
        lines.next("^\\s+udp \\[::1]:" + port + " -> \\[::1]:\\d+; options: Binding Refresh Advice 4s, .*$");
        lines.next("^MN\\s+registered: status=Binding Update accepted\\(0\\) seq=" + registration
                + " granted=8s refresh-advice=4s, care-of address 2001:db8:2::100$");

        // care-of change to IPv4: RFC 5555 option and F flag, over IPv4, NAT detected
        lines.next("^MN\\s+care-of address 2001:db8:2::100 -> 192\\.0\\.2\\.100$");
        int move = lines.bu("lifetime=600s flags=AHF coa=192\\.0\\.2\\.100");
        assertThat(move).as("the move's sequence number follows the registration's").isGreaterThan(registration);
        lines.next("^\\s+udp 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port
                + "; options: IPv4 Care-of Address 192\\.0\\.2\\.100, MN-ID " + NAI + ", .*$");
        lines.next("^HA\\s+binding moved: " + HOA + " -> 192\\.0\\.2\\.100 \\(nai:" + NAI + "\\) seq=" + move
                + " lifetime=8s$");
        lines.acceptedBa(move, "8s");
        lines.next("^\\s+udp 127\\.0\\.0\\.1:" + port + " -> 127\\.0\\.0\\.1:\\d+; options: .*NAT Detection refresh "
                + "110s.*$");
        lines.next("^HA\\s+NAT detected \\(RFC 5555\\): the BU came from udp 127\\.0\\.0\\.1:\\d+, .*$");
        lines.next("^MN\\s+registered: status=Binding Update accepted\\(0\\) seq=" + move
                + " granted=8s .*care-of address 192\\.0\\.2\\.100$");

        // refresh at the home agent's advice
        lines.next("^== 3\\. refresh.*$");
        int refresh = lines.bu("lifetime=600s flags=AHF coa=192\\.0\\.2\\.100");
        assertThat(refresh).isGreaterThan(move);
        lines.next("^HA\\s+binding refreshed: " + HOA + " -> 192\\.0\\.2\\.100 \\(nai:" + NAI + "\\) seq=" + refresh
                + " lifetime=8s$");
        lines.acceptedBa(refresh, "8s");
        lines.next("^MN\\s+registered: status=Binding Update accepted\\(0\\) seq=" + refresh + " .*$");

        // the binding cache
        lines.next("^\\s+HOME ADDRESS\\s+CARE-OF ADDRESS\\s+IDENTITY\\s+LIFETIME LEFT\\s+SEQUENCE\\s+PROVIDER$");
        Matcher row = lines.next("^\\s+" + HOA + "\\s+192\\.0\\.2\\.100\\s+nai:" + NAI + "\\s+(\\d+)s of 8s\\s+"
                + refresh + "\\s+auth-option-4285$");
        assertThat(Integer.parseInt(row.group(1))).as("lifetime left").isBetween(1, 8);

        // deregistration from the home address
        lines.next("^MN\\s+care-of address 192\\.0\\.2\\.100 -> " + HOA + " \\(back on the home link\\)$");
        int deregistration = lines.bu("lifetime=0s flags=AH coa=" + HOA + " \\(the home address: deregistration\\)");
        assertThat(deregistration).isGreaterThan(refresh);
        lines.next("^HA\\s+binding deleted: " + HOA + " -> 192\\.0\\.2\\.100 \\(nai:" + NAI + "\\) seq="
                + deregistration + " lifetime=0s$");
        lines.acceptedBa(deregistration, "0s");
        lines.next("^MN\\s+deregistered: status=Binding Update accepted\\(0\\) seq=" + deregistration + "$");
        lines.next("^HA\\s+binding cache: empty .*$");

        Matcher summary = lines.next("^pcap\\s+" + Pattern.quote(pcap.toString())
                + ": (\\d+) packets, (\\d+) Binding Updates and (\\d+) Binding Acknowledgements, .*$");
        lines.next("^\\s+read it with: tshark -r " + Pattern.quote(pcap.toString()) + " -d udp\\.port==" + port
                + ",ipv6 .*$");
        Matcher removed = lines.next("^keys\\s+removed (\\S+)$");
        assertThat(removed.group(1)).as("the directory the provider wrote into").isEqualTo(written.group(1));
        assertThat(Path.of(removed.group(1))).as("the key directory is removed").doesNotExist();

        Capture capture = Capture.read(pcap);
        assertThat(capture.packets()).hasSize(Integer.parseInt(summary.group(1)));
        assertThat(capture.updates()).hasSize(Integer.parseInt(summary.group(2)));
        assertThat(capture.acknowledgements()).hasSize(Integer.parseInt(summary.group(3)));
        capture.checkStory(port, registration, move, refresh, deregistration);
    }

    @Test
    void unknownProviderExitsTwoListingTheProvidersFound(@TempDir Path dir) {
        Path pcap = dir.resolve("demo.pcap");

        CommandRun run = CommandRun.of("demo", "--provider", "nope", "--pcap", pcap.toString());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err())
                .contains("Unknown security provider 'nope'")
                .contains("chosen by --provider")
                .containsPattern("Providers found: .*auth-option-4285")
                .contains("docs/errors.md#unknown-provider");
        assertThat(run.out()).isEmpty();
        assertThat(pcap).as("nothing started, nothing captured").doesNotExist();
    }

    @Test
    void aProviderThatCannotRunInTheDemoExitsTwoWithItsReasonAndLeavesNothingBehind(@TempDir Path dir) {
        Path pcap = dir.resolve("demo.pcap");

        CommandRun run = CommandRun.of("demo", "--provider", NoDemoTestProvider.NAME, "--pcap", pcap.toString());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_BAD_INPUT);
        assertThat(run.err()).isEqualTo("provider " + NoDemoTestProvider.NAME + " cannot run in the demo: "
                + NoDemoTestProvider.REASON + System.lineSeparator());
        assertThat(run.out()).isEmpty();
        assertThat(pcap).as("nothing started, nothing captured").doesNotExist();
        assertThat(NoDemoTestProvider.lastDirectoryPermissions()).as("the directory the provider was handed")
                .isEqualTo("rwx------");
        assertThat(NoDemoTestProvider.lastDirectory()).as("removed afterwards").doesNotExist();
    }

    @Test
    void aPcapFileThatCannotBeCreatedFailsWithExitOneNamingIt(@TempDir Path dir) {
        Path pcap = dir.resolve("no-such-directory").resolve("demo.pcap");

        CommandRun run = CommandRun.of("demo", "--pcap", pcap.toString());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(Mip6kitCommand.EXIT_FAILURE);
        assertThat(run.err()).startsWith("mip6kit demo failed: cannot create the pcap file " + pcap);
    }

    // ------------------------------------------------------------------ helpers

    /** The demo's stdout, matched line by line in order. */
    private static final class Lines {
        private final List<String> lines;
        private final String text;
        private int at;

        Lines(String text) {
            this.text = text;
            this.lines = text.lines().toList();
        }

        /** The first line at or after the current position matching {@code regex}; moves past it. */
        Matcher next(String regex) {
            Pattern p = Pattern.compile(regex);
            for (int i = at; i < lines.size(); i++) {
                Matcher m = p.matcher(lines.get(i));
                if (m.matches()) {
                    at = i + 1;
                    return m;
                }
            }
            throw new AssertionError("no line matching\n  " + regex + "\nafter line " + at + " of:\n" + text);
        }

        /** A Binding Update the mobile node sent; returns its sequence number. */
        int bu(String rest) {
            return Integer.parseInt(next("^MN  -> HA  BU  seq=(\\d+) " + rest + "$").group(1));
        }

        /** The home agent's acknowledgement of {@code sequence}, accepted. */
        void acceptedBa(int sequence, String lifetime) {
            next("^HA  -> MN  BA  status=Binding Update accepted\\(0\\) seq=" + sequence + " lifetime=" + lifetime
                    + "$");
        }
    }

    /** One decoded packet of the capture. */
    private record Packet(MobilityPacket packet, MobilityMessage message) {
        int sequence() {
            return message instanceof BindingUpdate bu ? bu.sequence().value()
                    : ((BindingAcknowledgement) message).sequence().value();
        }
    }

    /** The pcap, every packet parsed and its Mobility Header decoded with the checksum verified. */
    private record Capture(List<Packet> packets) {

        static Capture read(Path file) throws Exception {
            SecurityProviderFactory provider = SecurityProviders.discover(DemoCommandTest.class.getClassLoader())
                    .select(SecurityProviderChoice.of("auth-option-4285", null)).factory();
            MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
            for (MobilityOptionCodec<?> codec : provider.optionCodecs()) {
                registry = registry.with(codec);
            }
            MobilityHeaderCodec codec = new MobilityHeaderCodec(registry);
            List<Packet> packets = new ArrayList<>();
            try (PcapReader reader = new PcapReader(file)) {
                for (PcapRecord r : reader.readAll()) {
                    MobilityPacket packet = MobilityPacketParser.parse(r.packet());
                    assertThat(MobilityHeaderCodec.checksumValid(packet.mobilityHeader(), packet.pseudoHeaderSource(),
                            packet.pseudoHeaderDestination())).as("checksum of packet %d", packets.size() + 1).isTrue();
                    packets.add(new Packet(packet, codec.decode(packet.mobilityHeader(), packet.pseudoHeaderSource(),
                            packet.pseudoHeaderDestination())));
                }
            }
            return new Capture(packets);
        }

        List<Packet> updates() {
            return packets.stream().filter(p -> p.message() instanceof BindingUpdate).toList();
        }

        List<Packet> acknowledgements() {
            return packets.stream().filter(p -> p.message() instanceof BindingAcknowledgement).toList();
        }

        void checkStory(int port, int registration, int move, int refresh, int deregistration) {
            assertThat(updates()).as("Binding Updates").isNotEmpty();
            assertThat(updates().size() + acknowledgements().size()).as("only BUs and BAs").isEqualTo(packets.size());
            for (Packet p : packets) {
                List<MobilityOption> options = p.message().options();
                assertThat(options).as("options of %s", p.message()).isNotEmpty();
                assertThat(options.get(options.size() - 1).type()).as("RFC 4285 authentication is the last option")
                        .isEqualTo(AUTHENTICATION_OPTION);
                assertThat(options).as("replay protection").anyMatch(o -> o.type() == REPLAY_PROTECTION_OPTION);
                UdpEncapsulation udp = p.packet().udpEncapsulation().orElseThrow();
                assertThat(p.message() instanceof BindingUpdate ? destinationPort(udp) : sourcePort(udp))
                        .as("the home agent's port").isEqualTo(port);
            }
            for (Packet p : updates()) {
                assertThat(p.message().option(MobileNodeIdentifier.class).map(MobileNodeIdentifier::nai))
                        .contains(NAI);
            }
            for (Packet ba : acknowledgements()) {
                assertThat(((BindingAcknowledgement) ba.message()).status()).isEqualTo(BindingAckStatus.ACCEPTED);
                assertThat(packets.subList(0, packets.indexOf(ba))).as("a BU precedes BA seq=%d", ba.sequence())
                        .anyMatch(p -> p.message() instanceof BindingUpdate && p.sequence() == ba.sequence());
            }

            Packet first = update(registration);
            assertThat(first.packet().source()).isEqualTo(Ipv6Address.parse("2001:db8:2::100"));
            assertThat(first.packet().homeAddressOption()).contains(Ipv6Address.parse(HOA));
            assertThat(first.packet().udpEncapsulation().orElseThrow()).isInstanceOf(UdpEncapsulation.OverIpv6.class);

            for (int sequence : new int[] {move, refresh}) {
                Packet v4 = update(sequence);
                BindingUpdate bu = (BindingUpdate) v4.message();
                assertThat(bu.has(BindingUpdate.Flag.FORCE_UDP_ENCAPSULATION)).isTrue();
                assertThat(bu.option(Ipv4CareOfAddress.class).map(Ipv4CareOfAddress::address))
                        .contains(Ipv4Address.parse("192.0.2.100"));
                assertThat(v4.packet().source()).as("RFC 5555: the inner source is the home address")
                        .isEqualTo(Ipv6Address.parse(HOA));
                UdpEncapsulation.OverIpv4 outer = (UdpEncapsulation.OverIpv4) v4.packet().udpEncapsulation()
                        .orElseThrow();
                assertThat(outer.source()).isEqualTo(Ipv4Address.parse("127.0.0.1"));
                Optional<NatDetection> nat = acknowledgement(sequence).message().option(NatDetection.class);
                assertThat(nat).as("the home agent saw 127.0.0.1, not 192.0.2.100: NAT Detection").isPresent();
                assertThat(nat.get().refreshTimeSeconds()).isEqualTo(110);
            }
            assertThat(acknowledgement(registration).message().option(NatDetection.class)).isEmpty();

            Packet last = update(deregistration);
            assertThat(((BindingUpdate) last.message()).lifetime().isZero()).isTrue();
            assertThat(last.packet().source()).isEqualTo(Ipv6Address.parse(HOA));
            assertThat(last.packet().homeAddressOption()).isEmpty();
            assertThat(((BindingAcknowledgement) acknowledgement(deregistration).message()).lifetime().isZero())
                    .isTrue();
        }

        private Packet update(int sequence) {
            return updates().stream().filter(p -> p.sequence() == sequence).findFirst()
                    .orElseThrow(() -> new AssertionError("no BU seq=" + sequence + " in the pcap"));
        }

        private Packet acknowledgement(int sequence) {
            return acknowledgements().stream().filter(p -> p.sequence() == sequence).findFirst()
                    .orElseThrow(() -> new AssertionError("no BA seq=" + sequence + " in the pcap"));
        }

        private static int sourcePort(UdpEncapsulation udp) {
            return udp instanceof UdpEncapsulation.OverIpv4 v4 ? v4.sourcePort()
                    : ((UdpEncapsulation.OverIpv6) udp).sourcePort();
        }

        private static int destinationPort(UdpEncapsulation udp) {
            return udp instanceof UdpEncapsulation.OverIpv4 v4 ? v4.destinationPort()
                    : ((UdpEncapsulation.OverIpv6) udp).destinationPort();
        }
    }
}
