package org.mip6kit.wire.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mip6kit.wire.packet.PacketTestVectors.COA;
import static org.mip6kit.wire.packet.PacketTestVectors.HA;
import static org.mip6kit.wire.packet.PacketTestVectors.HOA;
import static org.mip6kit.wire.packet.PacketTestVectors.TV1_MH;
import static org.mip6kit.wire.packet.PacketTestVectors.TV1_PACKET;
import static org.mip6kit.wire.packet.PacketTestVectors.TV2_MH;
import static org.mip6kit.wire.packet.PacketTestVectors.TV2_PACKET;
import static org.mip6kit.wire.packet.PacketTestVectors.TV6_MH;
import static org.mip6kit.wire.packet.PacketTestVectors.TV6_PACKET;
import static org.mip6kit.wire.packet.PacketTestVectors.V4_COA;
import static org.mip6kit.wire.packet.PacketTestVectors.V4_HA;
import static org.mip6kit.wire.packet.PacketTestVectors.hex;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.HomeAddressOption;
import org.mip6kit.wire.InternetChecksum;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.Type2RoutingHeader;

@Tag("small")
class MobilityPacketParserTest {

    private static final int HOP_BY_HOP = 0;
    private static final int UDP = 17;
    private static final int ROUTING = 43;
    private static final int DESTINATION_OPTIONS = 60;
    private static final int MH = 135;

    /** Destination Options header with only padding: NH, Hdr Ext Len 0, PadN of 4 data octets. */
    private static byte[] paddingOnlyOptions(int nextHeader) {
        return hex(String.format("%02x 00 01 04 00000000", nextHeader));
    }

    private static final UdpEncapsulation.OverIpv6 OVER_IPV6 =
            new UdpEncapsulation.OverIpv6(COA, HA, 49152, MobilityPacket.DSMIPV6_UDP_PORT);

    // ---- well-formed packets -------------------------------------------------------------

    @Test
    void parsesTv1BindingUpdateWithHomeAddressOption() throws Exception {
        MobilityPacket packet = MobilityPacketParser.parse(TV1_PACKET);

        assertThat(packet.source()).isEqualTo(COA);
        assertThat(packet.destination()).isEqualTo(HA);
        assertThat(packet.homeAddressOption()).contains(HOA);
        assertThat(packet.type2RoutingHeader()).isEmpty();
        assertThat(packet.udpEncapsulation()).isEmpty();
        assertThat(packet.mobilityHeader()).isEqualTo(TV1_MH);
        assertThat(packet.pseudoHeaderSource()).isEqualTo(HOA);
    }

    @Test
    void parsesTv2BindingAckWithType2RoutingHeader() throws Exception {
        MobilityPacket packet = MobilityPacketParser.parse(TV2_PACKET);

        assertThat(packet.source()).isEqualTo(HA);
        assertThat(packet.destination()).isEqualTo(COA);
        assertThat(packet.homeAddressOption()).isEmpty();
        assertThat(packet.type2RoutingHeader()).contains(HOA);
        assertThat(packet.mobilityHeader()).isEqualTo(TV2_MH);
        assertThat(packet.pseudoHeaderDestination()).isEqualTo(HOA);
    }

    @Test
    void parsesTv6BindingUpdateInIpv4Udp() throws Exception {
        MobilityPacket packet = MobilityPacketParser.parse(TV6_PACKET);

        assertThat(packet.udpEncapsulation()).contains(new UdpEncapsulation.OverIpv4(V4_COA, V4_HA, 49152, 4191));
        assertThat(packet.source()).isEqualTo(Ipv6Address.ipv4Mapped(V4_COA));
        assertThat(packet.destination()).isEqualTo(HA);
        assertThat(packet.homeAddressOption()).contains(HOA);
        assertThat(packet.mobilityHeader()).isEqualTo(TV6_MH);
        assertThat(packet.toBytes()).isEqualTo(TV6_PACKET);
    }

    @Test
    void parsesUdpEncapsulationOverIpv6() throws Exception {
        MobilityPacket built = MobilityPacket.of(COA, HA, TV1_MH).withHomeAddressOption(HOA)
                .withUdpEncapsulation(OVER_IPV6);

        assertThat(MobilityPacketParser.parse(built.toBytes())).isEqualTo(built);
    }

    @Test
    void skipsHopByHopOptionsHeaderRightAfterIpv6Header() throws Exception {
        byte[] bytes = ipv6(HOP_BY_HOP, COA, HA, paddingOnlyOptions(DESTINATION_OPTIONS),
                new HomeAddressOption(HOA).encodeDestinationOptionsHeader(MH), TV1_MH);

        MobilityPacket packet = MobilityPacketParser.parse(bytes);

        assertThat(packet.homeAddressOption()).contains(HOA);
        assertThat(packet.mobilityHeader()).isEqualTo(TV1_MH);
    }

    @Test
    void skipsDestinationOptionsHeaderWithoutHomeAddressOptionBeforeRoutingHeader() throws Exception {
        byte[] bytes = ipv6(DESTINATION_OPTIONS, HA, COA, paddingOnlyOptions(ROUTING),
                new Type2RoutingHeader(HOA).encode(MH), TV2_MH);

        MobilityPacket packet = MobilityPacketParser.parse(bytes);

        assertThat(packet.homeAddressOption()).isEmpty();
        assertThat(packet.type2RoutingHeader()).contains(HOA);
    }

    @Test
    void acceptsZeroUdpChecksumOverIpv4AsNoChecksum() throws Exception {
        byte[] bytes = TV6_PACKET.clone();
        bytes[26] = 0;                                                  // UDP checksum 0: not computed
        bytes[27] = 0;

        assertThat(MobilityPacketParser.parse(bytes).mobilityHeader()).isEqualTo(TV6_MH);
    }

    @Test
    void skipsIpv4HeaderOptions() throws Exception {
        byte[] bytes = concat(Arrays.copyOf(TV6_PACKET, 20), hex("01010101"),   // four NOP options
                Arrays.copyOfRange(TV6_PACKET, 20, TV6_PACKET.length));
        bytes[0] = 0x46;                                                // IHL 6
        bytes[3] = (byte) bytes.length;                                 // total length 128
        fixIpv4HeaderChecksum(bytes);

        assertThat(MobilityPacketParser.parse(bytes).mobilityHeader()).isEqualTo(TV6_MH);
    }

    // ---- IPv6 header ---------------------------------------------------------------------

    @Test
    void rejectsEmptyPacket() {
        MobilityHeaderFormatException e = rejects(new byte[0]);

        assertField(e, "Version", 0, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsIpVersionOtherThanFourOrSix() {
        byte[] bytes = TV1_PACKET.clone();
        bytes[0] = 0x50;                                                // version 5

        assertField(rejects(bytes), "Version", 0, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsIpv6HeaderShorterThanFortyOctets() {
        assertField(rejects(Arrays.copyOf(TV1_PACKET, 39)), "IPv6 header", 0, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsTrailingOctetsAfterIpv6PayloadLength() {
        byte[] bytes = Arrays.copyOf(TV1_PACKET, TV1_PACKET.length + 1);

        assertField(rejects(bytes), "Payload Length", 4, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsIpv6PayloadLengthLongerThanPacket() {
        byte[] bytes = Arrays.copyOf(TV1_PACKET, TV1_PACKET.length - 1);

        assertField(rejects(bytes), "Payload Length", 4, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsPacketEndingWhereMobilityHeaderShouldStart() {
        byte[] bytes = ipv6(MH, HOA, HA);

        assertField(rejects(bytes), "Mobility Header", 40, FormatReaction.SILENT_DISCARD);
    }

    // ---- next header chain ---------------------------------------------------------------

    @Test
    void rejectsFragmentHeaderNamingItsNextHeaderValue() {
        byte[] bytes = TV1_PACKET.clone();
        bytes[6] = 44;                                                  // IPv6 NH: Fragment

        MobilityHeaderFormatException e = rejects(bytes);

        assertField(e, "Next Header", 6, FormatReaction.SILENT_DISCARD);
        assertThat(e.getMessage()).contains("44 (Fragment header)");
    }

    @Test
    void rejectsEspNamingItsNextHeaderValue() {
        byte[] bytes = TV1_PACKET.clone();
        bytes[40] = 50;                                                 // DestOpt NH: ESP (TV7's shape)

        MobilityHeaderFormatException e = rejects(bytes);

        assertField(e, "Next Header", 40, FormatReaction.SILENT_DISCARD);
        assertThat(e.getMessage()).contains("50 (ESP)");
    }

    @Test
    void rejectsNextHeaderThatCannotLeadToMobilityHeader() {
        byte[] bytes = TV1_PACKET.clone();
        bytes[6] = 59;                                                  // No Next Header

        MobilityHeaderFormatException e = rejects(bytes);

        assertField(e, "Next Header", 6, FormatReaction.SILENT_DISCARD);
        assertThat(e.getMessage()).contains("59 (No Next Header)");
    }

    @Test
    void rejectsHopByHopOptionsHeaderAfterAnotherExtensionHeader() {
        byte[] bytes = ipv6(DESTINATION_OPTIONS, HOA, HA, paddingOnlyOptions(HOP_BY_HOP),
                paddingOnlyOptions(MH), TV1_MH);

        assertField(rejects(bytes), "Next Header", 40, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsExtensionHeaderOverrunningPacket() {
        byte[] bytes = TV1_PACKET.clone();
        bytes[41] = 0x10;                                               // DestOpt Hdr Ext Len 16: 136 octets

        assertField(rejects(bytes), "Hdr Ext Len", 41, FormatReaction.SILENT_DISCARD);
    }

    // ---- type 2 routing header -----------------------------------------------------------

    @Test
    void rejectsRoutingHeaderWithSegmentsLeftOtherThanOne() {
        byte[] bytes = TV2_PACKET.clone();
        bytes[43] = 2;                                                  // RH2 Segments Left 2

        assertField(rejects(bytes), "Segments Left", 43, FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsRoutingHeaderWithHdrExtLenOtherThanTwo() {
        byte[] bytes = TV2_PACKET.clone();
        bytes[41] = 4;                                                  // RH2 Hdr Ext Len 4

        assertField(rejects(bytes), "Hdr Ext Len", 41, FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsRoutingHeaderOfTypeOtherThanTwo() {
        byte[] bytes = TV2_PACKET.clone();
        bytes[42] = 0;                                                  // Routing Type 0, Segments Left 1

        assertField(rejects(bytes), "Routing Type", 42, FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsSecondRoutingHeader() {
        byte[] bytes = ipv6(ROUTING, HA, COA, new Type2RoutingHeader(HOA).encode(ROUTING),
                new Type2RoutingHeader(HOA).encode(MH), TV2_MH);

        assertField(rejects(bytes), "Next Header", 40, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsPacketEndingInsideType2RoutingHeader() {
        byte[] bytes = ipv6(ROUTING, HA, COA, Arrays.copyOf(new Type2RoutingHeader(HOA).encode(MH), 16));

        assertField(rejects(bytes), "Routing header", 40, FormatReaction.SILENT_DISCARD);
    }

    // ---- Home Address option -------------------------------------------------------------

    @Test
    void rejectsHomeAddressOptionsInTwoDestinationOptionsHeaders() {
        byte[] bytes = ipv6(DESTINATION_OPTIONS, COA, HA,
                new HomeAddressOption(HOA).encodeDestinationOptionsHeader(DESTINATION_OPTIONS),
                new HomeAddressOption(HOA).encodeDestinationOptionsHeader(MH), TV1_MH);

        assertField(rejects(bytes), "Home Address option", 64, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsTwoHomeAddressOptionsInOneDestinationOptionsHeader() {
        byte[] header = hex("87 05"                                     // NH 135, Hdr Ext Len 5: 48 octets
                + "01 02 0000"                                          // PadN(4)              offset 2
                + "c9 10 20010db8000100000000000000000100"              // HAO                  offset 6
                + "01 02 0000"                                          // PadN(4)              offset 24
                + "c9 10 20010db8000100000000000000000100"              // second HAO           offset 28
                + "01 00");                                             // PadN(2)              offset 46
        byte[] bytes = ipv6(DESTINATION_OPTIONS, COA, HA, header, TV1_MH);

        assertField(rejects(bytes), "Home Address option", 40 + 28, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsOptionOverrunningDestinationOptionsHeader() {
        byte[] bytes = TV1_PACKET.clone();
        bytes[43] = 0x20;                                               // PadN length 32 > header

        assertField(rejects(bytes), "Option Length", 43, FormatReaction.SILENT_DISCARD);
    }

    // ---- IPv4 and UDP (RFC 5555) ---------------------------------------------------------

    @Test
    void rejectsIpv4HeaderShorterThanTwentyOctets() {
        assertField(rejects(Arrays.copyOf(TV6_PACKET, 19)), "IPv4 header", 0, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsIpv4HeaderLengthBelowFive() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[0] = 0x44;                                                // IHL 4

        assertField(rejects(bytes), "IHL", 0, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsTrailingOctetsAfterIpv4TotalLength() {
        byte[] bytes = Arrays.copyOf(TV6_PACKET, TV6_PACKET.length + 1);

        assertField(rejects(bytes), "Total Length", 2, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsIpv4Fragment() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[6] = 0x20;                                                // MF set
        fixIpv4HeaderChecksum(bytes);

        assertField(rejects(bytes), "Fragment Offset", 6, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsIpv4HeaderChecksumThatDoesNotVerify() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[11] ^= 1;

        assertField(rejects(bytes), "Header Checksum", 10, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsIpv4ProtocolOtherThanUdp() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[9] = 6;                                                   // TCP
        fixIpv4HeaderChecksum(bytes);

        MobilityHeaderFormatException e = rejects(bytes);

        assertField(e, "Protocol", 9, FormatReaction.SILENT_DISCARD);
        assertThat(e.getMessage()).contains("6 (TCP)");
    }

    @Test
    void rejectsUdpLengthOtherThanDatagramLength() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[25] = 0x67;                                               // UDP length 103, 104 follow

        assertField(rejects(bytes), "UDP Length", 24, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsUdpChecksumThatDoesNotVerify() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[27] ^= 1;

        assertField(rejects(bytes), "UDP Checksum", 26, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsZeroUdpChecksumOverIpv6() {
        byte[] bytes = MobilityPacket.of(COA, HA, TV1_MH).withUdpEncapsulation(OVER_IPV6).toBytes();
        bytes[46] = 0;
        bytes[47] = 0;

        assertField(rejects(bytes), "UDP Checksum", 46, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsUdpPayloadThatIsNotIpv6() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[28] = 0x45;                                               // inner version 4
        zeroUdpChecksumOverIpv4(bytes);

        assertField(rejects(bytes), "Version", 28, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsEmptyUdpDatagram() {
        byte[] bytes = Arrays.copyOf(TV6_PACKET, 28);
        bytes[3] = 28;                                                  // total length 28
        bytes[25] = 8;                                                  // UDP length 8
        fixIpv4HeaderChecksum(bytes);
        zeroUdpChecksumOverIpv4(bytes);

        assertField(rejects(bytes), "Version", 28, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void reportsInnerPacketErrorsAtOffsetsFromOuterPacketStart() {
        byte[] bytes = TV6_PACKET.clone();
        bytes[28 + 5] = 0x37;                                           // inner payload length 55, 56 follow
        zeroUdpChecksumOverIpv4(bytes);

        assertField(rejects(bytes), "Payload Length", 28 + 4, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsUdpInsideUdpEncapsulation() {
        byte[] bytes = MobilityPacket.of(COA, HA, TV1_MH).withUdpEncapsulation(OVER_IPV6).toBytes();
        bytes[48 + 6] = UDP;                                            // inner IPv6 NH: UDP
        fixUdpChecksum(bytes, OVER_IPV6, 40);

        assertField(rejects(bytes), "Next Header", 54, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsHomeAddressOptionInOuterIpv6HeaderOfUdpEncapsulation() {
        byte[] inner = MobilityPacket.of(HOA, HA, TV1_MH).toBytes();
        byte[] udp = concat(hex("c000 105f"), new byte[] {0, (byte) (8 + inner.length), 0, 0}, inner);
        byte[] bytes = ipv6(DESTINATION_OPTIONS, COA, HA,
                new HomeAddressOption(HOA).encodeDestinationOptionsHeader(UDP), udp);
        fixUdpChecksum(bytes, OVER_IPV6, 64);

        assertField(rejects(bytes), "Next Header", 40, FormatReaction.SILENT_DISCARD);
    }

    // ---- parsing in place ------------------------------------------------------------------

    @Test
    void parsingInPlaceGivesTheSamePacketAsParsingACopy() throws Exception {
        for (byte[] vector : vectors()) {
            byte[] buffer = Arrays.copyOf(vector, vector.length + 7); // a receive buffer, longer than the packet
            MobilityPacket inPlace = MobilityPacketParser.parseInPlace(buffer, vector.length);
            MobilityPacket copied = MobilityPacketParser.parse(vector);

            assertThat(inPlace).isEqualTo(copied);
            assertThat(inPlace.hashCode()).isEqualTo(copied.hashCode());
            assertThat(inPlace.toBytes()).isEqualTo(copied.toBytes());
            assertThat(inPlace.withHomeAddressOption(HOA)).isEqualTo(copied.withHomeAddressOption(HOA));
        }
    }

    @Test
    void mobilityHeaderOfAPacketParsedInPlaceIsACopyThatOutlivesTheBuffer() throws Exception {
        byte[] buffer = TV1_PACKET.clone();
        MobilityPacket inPlace = MobilityPacketParser.parseInPlace(buffer, buffer.length);
        byte[] header = inPlace.mobilityHeader();
        MobilityPacket detached = inPlace.withUdpEncapsulation(OVER_IPV6);

        Arrays.fill(buffer, (byte) 0x5A); // the transport reuses its buffer for the next datagram

        assertThat(header).isEqualTo(MobilityPacketParser.parse(TV1_PACKET).mobilityHeader());
        assertThat(detached.mobilityHeader()).isEqualTo(header);
    }

    @Test
    void parsingInPlaceRejectsWhatParsingRejects() {
        for (byte[] vector : vectors()) {
            for (int length = 0; length < vector.length; length++) {
                int cut = length;
                assertThrows(MobilityHeaderFormatException.class,
                        () -> MobilityPacketParser.parseInPlace(vector.clone(), cut), "truncated to " + cut);
            }
        }
    }

    // ---- no exception but the format exception, whatever the octets -------------------

    @Test
    void throwsOnlyFormatExceptionForEveryTruncation() {
        for (byte[] vector : vectors()) {
            for (int length = 0; length < vector.length; length++) {
                byte[] truncated = Arrays.copyOf(vector, length);
                assertThrows(MobilityHeaderFormatException.class, () -> MobilityPacketParser.parse(truncated),
                        "truncated to " + length);
            }
        }
    }

    @Test
    void throwsOnlyFormatExceptionForEverySingleOctetValue() {
        for (byte[] vector : vectors()) {
            for (int position = 0; position < vector.length; position++) {
                for (int value = 0; value < 256; value++) {
                    byte[] mutated = vector.clone();
                    mutated[position] = (byte) value;
                    try {
                        MobilityPacketParser.parse(mutated);
                    } catch (MobilityHeaderFormatException expected) {
                        // the only exception allowed
                    } catch (RuntimeException e) {
                        throw new AssertionError("octet " + position + " = " + value + " threw " + e, e);
                    }
                }
            }
        }
    }

    private static List<byte[]> vectors() {
        return List.of(TV1_PACKET, TV2_PACKET, TV6_PACKET,
                MobilityPacket.of(COA, HA, TV1_MH).withHomeAddressOption(HOA).withType2RoutingHeader(HOA)
                        .withUdpEncapsulation(OVER_IPV6).toBytes(),
                ipv6(HOP_BY_HOP, COA, HA, paddingOnlyOptions(DESTINATION_OPTIONS),
                        new HomeAddressOption(HOA).encodeDestinationOptionsHeader(MH), TV1_MH));
    }

    // ---- helpers -------------------------------------------------------------------------

    private static MobilityHeaderFormatException rejects(byte[] bytes) {
        return assertThrows(MobilityHeaderFormatException.class, () -> MobilityPacketParser.parse(bytes));
    }

    private static void assertField(MobilityHeaderFormatException e, String field, int offset, FormatReaction reaction) {
        assertThat(e.field()).as("field of: %s", e.getMessage()).isEqualTo(field);
        assertThat(e.offset()).as("offset of: %s", e.getMessage()).isEqualTo(offset);
        assertThat(e.reaction()).as("reaction of: %s", e.getMessage()).isEqualTo(reaction);
    }

    /** An IPv6 header (hop limit 64, correct payload length) followed by {@code rest}. */
    private static byte[] ipv6(int nextHeader, Ipv6Address source, Ipv6Address destination, byte[]... rest) {
        byte[] payload = concat(rest);
        byte[] header = new byte[40];
        header[0] = 0x60;
        header[4] = (byte) (payload.length >>> 8);
        header[5] = (byte) payload.length;
        header[6] = (byte) nextHeader;
        header[7] = 64;
        source.writeTo(header, 8);
        destination.writeTo(header, 24);
        return concat(header, payload);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static void fixIpv4HeaderChecksum(byte[] bytes) {
        int headerLength = (bytes[0] & 0x0F) * 4;
        bytes[10] = 0;
        bytes[11] = 0;
        int checksum = InternetChecksum.compute(bytes, 0, headerLength);
        bytes[10] = (byte) (checksum >>> 8);
        bytes[11] = (byte) checksum;
    }

    private static void zeroUdpChecksumOverIpv4(byte[] bytes) {
        bytes[26] = 0;
        bytes[27] = 0;
    }

    private static void fixUdpChecksum(byte[] bytes, UdpEncapsulation encapsulation, int udpOffset) {
        bytes[udpOffset + 6] = 0;
        bytes[udpOffset + 7] = 0;
        int checksum = encapsulation.udpChecksum(bytes, udpOffset, bytes.length - udpOffset);
        bytes[udpOffset + 6] = (byte) (checksum >>> 8);
        bytes[udpOffset + 7] = (byte) checksum;
    }
}
