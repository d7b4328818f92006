package org.mip6kit.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class Type2RoutingHeaderTest {

    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");

    /** The routing header of TV2 (docs/protocol-notes.md#test-vectors). */
    private static final byte[] TV2_ROUTING_HEADER = hex(
            "87"                                        // Next Header 135, Mobility Header
            + "02"                                      // Hdr Ext Len 2: 24 octets       offset 1
            + "02"                                      // Routing Type 2                 offset 2
            + "01"                                      // Segments Left 1                offset 3
            + "00000000"                                // Reserved
            + "20010db8000100000000000000000100");      // Home Address                   offset 8

    @Test
    void encodesTv2RoutingHeader() {
        assertThat(new Type2RoutingHeader(HOA).encode(135)).isEqualTo(TV2_ROUTING_HEADER);
    }

    @Test
    void rejectsNextHeaderOutsideOneOctet() {
        assertThrows(IllegalArgumentException.class, () -> new Type2RoutingHeader(HOA).encode(-1));
    }

    @Test
    void decodesHomeAddressFromTv2RoutingHeader() throws Exception {
        assertThat(decode(TV2_ROUTING_HEADER)).isEqualTo(new Type2RoutingHeader(HOA));
    }

    @Test
    void ignoresReservedField() throws Exception {
        byte[] header = TV2_ROUTING_HEADER.clone();
        header[4] = (byte) 0xff;

        assertThat(decode(header).homeAddress()).isEqualTo(HOA);
    }

    @Test
    void rejectsRoutingHeaderWithHdrExtLenOtherThanTwo() {
        byte[] header = TV2_ROUTING_HEADER.clone();
        header[1] = 3;

        assertField(rejects(header), "Hdr Ext Len", 1, FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsRoutingHeaderWithSegmentsLeftOtherThanOne() {
        byte[] header = TV2_ROUTING_HEADER.clone();
        header[3] = 0;

        assertField(rejects(header), "Segments Left", 3, FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsOtherRoutingTypeWithSegmentsLeftWithParameterProblem() {
        byte[] header = TV2_ROUTING_HEADER.clone();
        header[2] = 0;                                  // type 0, Segments Left 1

        assertField(rejects(header), "Routing Type", 2, FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsOtherRoutingTypeWithNoSegmentsLeftSilently() {
        byte[] header = TV2_ROUTING_HEADER.clone();
        header[2] = 4;                                  // type 4 (SRH), Segments Left 0
        header[3] = 0;

        assertField(rejects(header), "Routing Type", 2, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsRoutingHeaderTruncatedBeforeHomeAddressEnds() {
        byte[] header = Arrays.copyOf(TV2_ROUTING_HEADER, 23);

        assertField(rejects(header), "Routing header", 0, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsRoutingHeaderTruncatedBeforeSegmentsLeft() {
        byte[] header = Arrays.copyOf(TV2_ROUTING_HEADER, 3);

        assertField(rejects(header), "Routing header", 0, FormatReaction.SILENT_DISCARD);
    }

    @Test
    void reportsOffsetOfOffendingFieldInTheGivenBuffer() {
        byte[] packet = new byte[40 + TV2_ROUTING_HEADER.length];
        System.arraycopy(TV2_ROUTING_HEADER, 0, packet, 40, TV2_ROUTING_HEADER.length);
        packet[43] = 2;                                 // Segments Left 2

        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> Type2RoutingHeader.decode(packet, 40, TV2_ROUTING_HEADER.length));

        assertField(e, "Segments Left", 43, FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    private static Type2RoutingHeader decode(byte[] header) throws MobilityHeaderFormatException {
        return Type2RoutingHeader.decode(header, 0, header.length);
    }

    private static MobilityHeaderFormatException rejects(byte[] header) {
        return assertThrows(MobilityHeaderFormatException.class, () -> decode(header));
    }

    private static void assertField(MobilityHeaderFormatException e, String field, int offset, FormatReaction reaction) {
        assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
        assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset);
        assertThat(e.reaction()).as(e.getMessage()).isEqualTo(reaction);
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }
}
