package org.mip6kit.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class HomeAddressOptionTest {

    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");

    /** The Destination Options header of TV1 (docs/protocol-notes.md#test-vectors). */
    private static final byte[] TV1_DESTINATION_OPTIONS = hex(
            "87"                                        // Next Header 135, Mobility Header
            + "02"                                      // Hdr Ext Len 2: 24 octets
            + "01 02 00 00"                             // PadN, 2 data octets          offset 2
            + "c9"                                      // Option Type 201: Home Address offset 6 = 8n+6
            + "10"                                      // Option Length 16
            + "20010db8000100000000000000000100");      // home address                 offset 8

    @Test
    void encodesDestinationOptionsHeaderAsPadNFourThenHomeAddressOption() {
        assertThat(new HomeAddressOption(HOA).encodeDestinationOptionsHeader(135)).isEqualTo(TV1_DESTINATION_OPTIONS);
    }

    @Test
    void writesHeaderAtGivenOffset() {
        byte[] out = new byte[30];

        new HomeAddressOption(HOA).writeDestinationOptionsHeader(out, 6, 50);

        assertThat(out[6]).isEqualTo((byte) 50);                   // Next Header 50, ESP (TV7's shape)
        assertThat(Ipv6Address.fromBytes(out, 14)).isEqualTo(HOA);
    }

    @Test
    void rejectsNextHeaderOutsideOneOctet() {
        assertThrows(IllegalArgumentException.class, () -> new HomeAddressOption(HOA).encodeDestinationOptionsHeader(256));
    }

    @Test
    void decodesHomeAddressFromTv1DestinationOptionsHeader() throws Exception {
        assertThat(decode(TV1_DESTINATION_OPTIONS)).contains(new HomeAddressOption(HOA));
    }

    @Test
    void skipsPad1PadNAndUnknownOptionsByTheirLength() throws Exception {
        byte[] header = hex("87 03"                     // NH 135, Hdr Ext Len 3: 32 octets
                + "00"                                  // Pad1                                 offset 2
                + "1e 03 aabbcc"                        // unknown type 0x1e, 3 octets (skip)   offset 3
                + "c2 00"                               // unknown type 0xc2, 0 octets (skip)   offset 8
                + "01 00"                               // PadN, 0 data octets                  offset 10
                + "00 00"                               // Pad1 Pad1                            offset 12
                + "c9 10 20010db8000100000000000000000100"); //                                 offset 14
        assertThat(decode(header)).contains(new HomeAddressOption(HOA));
    }

    @Test
    void returnsEmptyWhenHeaderCarriesNoHomeAddressOption() throws Exception {
        assertThat(decode(hex("87 00 01 04 00000000"))).isEmpty();
    }

    @Test
    void reportsOffsetsIntoTheGivenBuffer() {
        byte[] packet = new byte[40 + TV1_DESTINATION_OPTIONS.length];
        System.arraycopy(TV1_DESTINATION_OPTIONS, 0, packet, 40, TV1_DESTINATION_OPTIONS.length);
        packet[40 + 7] = 8;                             // Option Length 8

        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> HomeAddressOption.decodeDestinationOptionsHeader(packet, 40, TV1_DESTINATION_OPTIONS.length));

        assertThat(e.offset()).isEqualTo(47);
    }

    @Test
    void rejectsHomeAddressOptionWithLengthOtherThanSixteen() {
        byte[] header = hex("87 02 01 04 0000 0000"     // PadN(6)
                + "c9 0e 20010db800010000000000000000");   // HAO claiming 14 octets       offset 8
        MobilityHeaderFormatException e = rejects(header);

        assertField(e, "Home Address option length", 9);
    }

    @Test
    void rejectsSecondHomeAddressOption() {
        byte[] header = hex("87 05"
                + "01 02 0000"                          // PadN(4)                      offset 2
                + "c9 10 20010db8000100000000000000000100" //                           offset 6
                + "01 02 0000"                          // PadN(4)                      offset 24
                + "c9 10 20010db8000100000000000000000100" // second HAO                offset 28
                + "01 00");                             // PadN(2)                      offset 46
        assertField(rejects(header), "Home Address option", 28);
    }

    @Test
    void rejectsOptionOverrunningTheHeader() {
        byte[] header = hex("87 00 01 05 00000000");    // PadN claims 5 octets, 4 remain

        assertField(rejects(header), "Option Length", 3);
    }

    @Test
    void rejectsOptionWhoseLengthOctetLiesBeyondTheHeader() {
        byte[] header = hex("87 00 01 03 000000 1e");   // option type 0x1e in the last octet

        assertField(rejects(header), "Option Length", 8);
    }

    @Test
    void rejectsHeaderOverrunningThePacket() {
        byte[] header = TV1_DESTINATION_OPTIONS.clone();
        header[1] = 3;                                  // 32 octets, 24 available

        assertField(rejects(header), "Hdr Ext Len", 1);
    }

    @Test
    void rejectsHeaderShorterThanItsFirstTwoOctets() {
        assertField(rejects(hex("87")), "Destination Options header", 0);
    }

    private static Optional<HomeAddressOption> decode(byte[] header) throws MobilityHeaderFormatException {
        return HomeAddressOption.decodeDestinationOptionsHeader(header, 0, header.length);
    }

    private static MobilityHeaderFormatException rejects(byte[] header) {
        return assertThrows(MobilityHeaderFormatException.class, () -> decode(header));
    }

    private static void assertField(MobilityHeaderFormatException e, String field, int offset) {
        assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
        assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset);
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }
}
