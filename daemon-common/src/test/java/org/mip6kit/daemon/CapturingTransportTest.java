package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.packet.UdpEncapsulation;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;

/**
 * Capture writes every sent and received message as the whole packet that travelled, readable
 * by {@link PcapReader} and decodable with a valid Mobility Header checksum.
 */
@Tag("small")
class CapturingTransportTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456Z");
    private static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();

    @TempDir
    Path dir;

    /** Records what the decorator hands on, and lets the test deliver received messages. */
    private static final class FakeTransport implements SignallingTransport {
        final List<byte[]> sent = new ArrayList<>();
        Consumer<Inbound> receiver;
        boolean failSends;
        /** When set, a send returns this stage: one that completes when the test says. */
        CompletableFuture<Void> completesLater;
        boolean closed;

        @Override
        public void start(Consumer<Inbound> r) {
            receiver = r;
        }

        @Override
        public CompletionStage<Void> send(byte[] octets, Addressing to) {
            if (failSends) {
                return CompletableFuture.failedFuture(new java.io.IOException("buffer full"));
            }
            sent.add(octets);
            return completesLater != null ? completesLater : CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static byte[] bindingUpdate(Addressing a) {
        return CODEC.encode(new BindingUpdate(SequenceNumber.of(7),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofSeconds(600), List.of()), a.pseudoHeaderSource(), a.pseudoHeaderDestination());
    }

    private static byte[] bindingAck(Addressing a) {
        return CODEC.encode(new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(), SequenceNumber.of(7),
                Lifetime.ofSeconds(600), List.of()), a.pseudoHeaderSource(), a.pseudoHeaderDestination());
    }

    private List<PcapRecord> records(Path file) throws Exception {
        try (PcapReader reader = new PcapReader(file)) {
            return reader.readAll();
        }
    }

    @Test
    void receivedAndSentMessagesAreWrittenAsWholeUdpOverIpv6Packets() throws Exception {
        Path file = dir.resolve("cap.pcap");
        FakeTransport fake = new FakeTransport();
        InetSocketAddress local = new InetSocketAddress(InetAddress.getByName("::1"), 4191);
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("::1"), 40001);
        List<Inbound> delivered = new ArrayList<>();
        try (PacketCapture capture = PacketCapture.open(file, Clock.fixed(T0, ZoneOffset.UTC))) {
            CapturingTransport t = new CapturingTransport(fake, local, capture);
            t.start(delivered::add);
            Addressing bu = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.of(peer));
            byte[] buOctets = bindingUpdate(bu);
            fake.receiver.accept(new Inbound(buOctets, bu, Observed.NOTHING));
            Addressing ba = new Addressing(HA, COA, Optional.empty(), Optional.of(HOA), Optional.of(peer));
            byte[] baOctets = bindingAck(ba);
            t.send(baOctets, ba).toCompletableFuture().join();

            assertThat(delivered).hasSize(1);
            assertThat(fake.sent).containsExactly(baOctets);
            assertThat(capture.packetsWritten()).isEqualTo(2);
        }

        List<PcapRecord> records = records(file);
        assertThat(records).hasSize(2);
        assertThat(records).extracting(PcapRecord::timestamp).containsOnly(T0);

        MobilityPacket received = MobilityPacketParser.parse(records.get(0).packet());
        assertThat(received.udpEncapsulation()).contains(new UdpEncapsulation.OverIpv6(
                Ipv6Address.parse("::1"), Ipv6Address.parse("::1"), 40001, 4191));
        assertThat(received.source()).isEqualTo(COA);
        assertThat(received.destination()).isEqualTo(HA);
        assertThat(received.homeAddressOption()).contains(HOA);
        assertThat(CODEC.decode(received.mobilityHeader(), received.pseudoHeaderSource(),
                received.pseudoHeaderDestination())).isInstanceOf(BindingUpdate.class);

        MobilityPacket sent = MobilityPacketParser.parse(records.get(1).packet());
        assertThat(sent.udpEncapsulation()).contains(new UdpEncapsulation.OverIpv6(
                Ipv6Address.parse("::1"), Ipv6Address.parse("::1"), 4191, 40001));
        assertThat(sent.type2RoutingHeader()).contains(HOA);
        BindingAcknowledgement decoded = (BindingAcknowledgement) CODEC.decode(sent.mobilityHeader(),
                sent.pseudoHeaderSource(), sent.pseudoHeaderDestination());
        assertThat(decoded.status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(decoded.sequence()).isEqualTo(SequenceNumber.of(7));
    }

    @Test
    void ipv4PeerOnAWildcardSocketIsWrittenOverIpv4FromTheUnspecifiedAddress() throws Exception {
        Path file = dir.resolve("cap.pcap");
        FakeTransport fake = new FakeTransport();
        InetSocketAddress wildcard = new InetSocketAddress(InetAddress.getByName("::"), 4191);
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 50000);
        try (PacketCapture capture = PacketCapture.open(file, Clock.fixed(T0, ZoneOffset.UTC))) {
            CapturingTransport t = new CapturingTransport(fake, wildcard, capture);
            t.start(in -> { });
            // RFC 5555: the inner source is the home address, the care-of address in the IPv4 CoA option.
            Addressing bu = new Addressing(HOA, HA, Optional.empty(), Optional.empty(), Optional.of(peer));
            byte[] octets = CODEC.encode(new BindingUpdate(SequenceNumber.of(9),
                    EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                    Lifetime.ofSeconds(600), List.of(new Ipv4CareOfAddress(Ipv4Address.parse("192.0.2.7")))),
                    HOA, HA);
            fake.receiver.accept(new Inbound(octets, bu, Observed.NOTHING));
        }

        MobilityPacket p = MobilityPacketParser.parse(records(file).get(0).packet());
        assertThat(p.udpEncapsulation()).contains(new UdpEncapsulation.OverIpv4(
                Ipv4Address.parse("192.0.2.7"), Ipv4Address.ANY, 50000, 4191));
        assertThat(p.source()).isEqualTo(HOA);
        BindingUpdate decoded = (BindingUpdate) CODEC.decode(p.mobilityHeader(), p.pseudoHeaderSource(),
                p.pseudoHeaderDestination());
        assertThat(decoded.option(Ipv4CareOfAddress.class).map(Ipv4CareOfAddress::address))
                .contains(Ipv4Address.parse("192.0.2.7"));
    }

    @Test
    void messageWithoutAnOuterPeerIsWrittenAsTheBareIpv6Packet() throws Exception {
        Path file = dir.resolve("cap.pcap");
        FakeTransport fake = new FakeTransport();
        try (PacketCapture capture = PacketCapture.open(file, Clock.fixed(T0, ZoneOffset.UTC))) {
            CapturingTransport t = new CapturingTransport(fake,
                    new InetSocketAddress(InetAddress.getByName("::1"), 4191), capture);
            Addressing ba = Addressing.of(HA, HOA);
            t.send(bindingAck(ba), ba).toCompletableFuture().join();
        }

        byte[] packet = records(file).get(0).packet();
        assertThat(packet[0] >>> 4).as("IP version").isEqualTo(6);
        MobilityPacket p = MobilityPacketParser.parse(packet);
        assertThat(p.udpEncapsulation()).isEmpty();
        assertThat(MobilityHeaderCodec.checksumValid(p.mobilityHeader(), HA, HOA)).isTrue();
    }

    @Test
    void aSentMessageIsWrittenAtHandOffSoABindingUpdateComesBeforeAnAckThatArrivesBeforeItsSendCompletes()
            throws Exception {
        Path file = dir.resolve("cap.pcap");
        FakeTransport fake = new FakeTransport();
        fake.completesLater = new CompletableFuture<>();
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("::1"), 4191);
        try (PacketCapture capture = PacketCapture.open(file, Clock.fixed(T0, ZoneOffset.UTC))) {
            CapturingTransport t = new CapturingTransport(fake,
                    new InetSocketAddress(InetAddress.getByName("::1"), 40001), capture);
            t.start(in -> { });
            Addressing bu = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.of(peer));
            CompletableFuture<Void> sending = t.send(bindingUpdate(bu), bu).toCompletableFuture();
            Addressing ba = new Addressing(HA, COA, Optional.empty(), Optional.of(HOA), Optional.of(peer));
            fake.receiver.accept(new Inbound(bindingAck(ba), ba, Observed.NOTHING));
            assertThat(sending).isNotDone();
            fake.completesLater.complete(null);
            assertThat(capture.packetsWritten()).isEqualTo(2);
        }

        List<PcapRecord> records = records(file);
        assertThat(records).hasSize(2);
        MobilityPacket first = MobilityPacketParser.parse(records.get(0).packet());
        MobilityPacket second = MobilityPacketParser.parse(records.get(1).packet());
        assertThat(CODEC.decode(first.mobilityHeader(), first.pseudoHeaderSource(), first.pseudoHeaderDestination()))
                .isInstanceOf(BindingUpdate.class);
        assertThat(CODEC.decode(second.mobilityHeader(), second.pseudoHeaderSource(),
                second.pseudoHeaderDestination())).isInstanceOf(BindingAcknowledgement.class);
    }

    @Test
    void aSendThatFailsAfterTheHandOffStaysInTheCaptureAndTheFailureReachesTheCaller() throws Exception {
        Path file = dir.resolve("cap.pcap");
        FakeTransport fake = new FakeTransport();
        fake.failSends = true;
        try (PacketCapture capture = PacketCapture.open(file, Clock.fixed(T0, ZoneOffset.UTC))) {
            CapturingTransport t = new CapturingTransport(fake,
                    new InetSocketAddress(InetAddress.getByName("::1"), 4191), capture);
            Addressing ba = Addressing.of(HA, HOA).withOuterPeer(
                    new InetSocketAddress(InetAddress.getByName("::1"), 40001));

            assertThat(t.send(bindingAck(ba), ba).toCompletableFuture()).isCompletedExceptionally();
            assertThat(capture.packetsWritten()).isEqualTo(1);
        }
        assertThat(records(file)).hasSize(1);
    }

    @Test
    void closingTheTransportClosesTheInnerOneButNotTheCapture() throws Exception {
        FakeTransport fake = new FakeTransport();
        try (PacketCapture capture = PacketCapture.open(dir.resolve("cap.pcap"), Clock.systemUTC())) {
            new CapturingTransport(fake, new InetSocketAddress(InetAddress.getByName("::1"), 4191), capture).close();
            assertThat(fake.closed).isTrue();

            capture.write(MobilityPacket.of(HA, HOA, bindingAck(Addressing.of(HA, HOA))).toBytes());
            assertThat(capture.packetsWritten()).isEqualTo(1);
        }
    }

    @Test
    void captureFileIsOwnerOnlyAndOverwritten() throws Exception {
        Path file = dir.resolve("cap.pcap");
        Files.writeString(file, "old content that is not a pcap file at all");
        try (PacketCapture capture = PacketCapture.open(file, Clock.systemUTC())) {
            capture.write(MobilityPacket.of(HA, HOA, bindingAck(Addressing.of(HA, HOA))).toBytes());
        }
        assertThat(records(file)).hasSize(1);

        Path fresh = dir.resolve("fresh.pcap");
        PacketCapture.open(fresh, Clock.systemUTC()).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");
    }
}
