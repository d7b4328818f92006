package org.mip6kit.provider.tls.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class ControlCodecTest {

    private static final String RAND = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    /** Header (Ver 0, Reserved 0, Identifier, Length over the whole message) then the lines. */
    private static byte[] wire(int firstOctet, int identifier, String lines) {
        byte[] text = lines.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = 4 + text.length;
        out.write(firstOctet);
        out.write(identifier);
        out.write(length >>> 8);
        out.write(length & 0xff);
        out.writeBytes(text);
        return out.toByteArray();
    }

    private static byte[] init(String extraLines) {
        return wire(0x00, 1, "message-type: MHAuth-Init\r\nmn-id: mn1@example.net\r\nmn-rand: " + RAND
                + "\r\nauth-method: psk\r\n" + extraLines + "\r\n");
    }

    @Test
    void decodesAnInitFieldByField() throws Exception {
        ControlMessage m = ControlCodec.decode(init(""));
        assertThat(m.version()).isEqualTo(0);
        assertThat(m.identifier()).isEqualTo(1);
        assertThat(m.type()).isEqualTo(ControlMessageType.INIT);
        assertThat(m.get("mn-id")).hasValue("mn1@example.net");
        assertThat(m.get("mn-rand")).hasValue(RAND);
        assertThat(m.fields()).extracting(ControlMessage.Field::name).containsExactly("mn-id", "mn-rand", "auth-method");
    }

    @Test
    void reEncodingGivesTheSameOctets() throws Exception {
        byte[] in = init("x-unknown: kept as it is\r\n");
        assertThat(ControlCodec.encode(ControlCodec.decode(in))).isEqualTo(in);
    }

    @Test
    void encodeThenDecodeRoundTrips() throws Exception {
        ControlMessage m = ControlMessage.builder(ControlMessageType.DONE_RESP, 2)
                .field("status-code", "200").field("mip6-haa-ip6", "2001:db8::1").field("mip6-port", "7872")
                .field("mip6-ip6-hnp", "2001:db8:1::/64").field("mip6-sa-validity-end", "2026-05-01T12:00:00Z")
                .build();
        byte[] b = ControlCodec.encode(m);
        assertThat(((b[2] & 0xff) << 8) | (b[3] & 0xff)).isEqualTo(b.length);
        assertThat(ControlCodec.decode(b)).isEqualTo(m);
    }

    @Test
    void unknownMessageTypeIsKeptNotRefused() throws Exception {
        ControlMessage m = ControlCodec.decode(wire(0, 3, "message-type: MHAuth-Future\r\n\r\n"));
        assertThat(m.type().isKnown()).isFalse();
        assertThat(m.type().name()).isEqualTo("MHAuth-Future");
    }

    @Test
    void rejectsAnotherVersion() {
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(
                wire(0x20, 1, "message-type: MHAuth-Init\r\n\r\n")));
        assertThat(e.field()).isEqualTo("Ver");
        assertThat(e.reply()).isEqualTo(StatusCode.BAD_REQUEST);
    }

    @Test
    void rejectsReservedBitsSet() {
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(
                wire(0x01, 1, "message-type: MHAuth-Init\r\n\r\n")));
        assertThat(e.field()).isEqualTo("Reserved");
    }

    @Test
    void rejectsIdentifierZero() {
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(
                wire(0, 0, "message-type: MHAuth-Init\r\n\r\n")));
        assertThat(e.field()).isEqualTo("Identifier");
        assertThat(e.offset()).isEqualTo(1);
    }

    @Test
    void rejectsLengthLongerThanTheOctets() {
        byte[] b = init("");
        byte[] cut = Arrays.copyOf(b, b.length - 1);
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(cut));
        assertThat(e.field()).isEqualTo("Length");
        assertThat(e.offset()).isEqualTo(2);
    }

    @Test
    void rejectsTrailingOctetsAfterLength() {
        byte[] b = init("");
        byte[] longer = Arrays.copyOf(b, b.length + 3);
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(longer));
        assertThat(e.field()).isEqualTo("Length");
        assertThat(e.offset()).isEqualTo(b.length);
    }

    @Test
    void rejectsOctetsAfterTheEmptyLine() {
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\r\n\r\nmn-id: late\r\n");
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b));
        assertThat(e.field()).isEqualTo("end");
    }

    @Test
    void rejectsALineWithoutColon() {
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\r\nmn-id mn1\r\n\r\n");
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b));
        assertThat(e.field()).isEqualTo("line");
        assertThat(e.offset()).isEqualTo(4 + "message-type: MHAuth-Init\r\n".length());
    }

    @Test
    void rejectsNonHexValue() {
        String bad = RAND.substring(0, 62) + "zz";
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\r\nmn-rand: " + bad + "\r\n\r\n");
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b));
        assertThat(e.field()).isEqualTo("mn-rand");
        assertThat(e.offset()).isEqualTo(4 + "message-type: MHAuth-Init\r\nmn-rand: ".length());
        assertThat(e.getMessage()).doesNotContain(bad);
    }

    @Test
    void rejectsARandThatIsNot32Octets() {
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\r\nmn-rand: " + RAND.substring(2) + "\r\n\r\n");
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b));
        assertThat(e.field()).isEqualTo("mn-rand");
    }

    @Test
    void rejectsADuplicatedField() {
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\r\nmn-id: a\r\nmn-id: b\r\n\r\n");
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b));
        assertThat(e.field()).isEqualTo("mn-id");
    }

    @Test
    void rejectsABareLineFeed() {
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\nmn-id: a\r\n\r\n");
        assertThat(assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b)).field()).isEqualTo("line");
    }

    @Test
    void rejectsNonAsciiOctets() {
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\r\nmn-id: m\u00e9\r\n\r\n");
        assertThat(assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b)).field()).isEqualTo("mn-id");
    }

    @Test
    void rejectsAFirstLineThatIsNotTheType() {
        byte[] b = wire(0, 1, "mn-id: long-enough-to-pass-length\r\n\r\n");
        assertThat(assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b)).field())
                .isEqualTo("message-type");
    }

    @Test
    void rejectsAMessageWithoutTheEmptyLine() {
        byte[] b = wire(0, 1, "message-type: MHAuth-Init\r\nmn-id: a\r\n");
        assertThat(assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b)).field()).isEqualTo("line");
    }

    @Test
    void rejectsAnOversizeLength() {
        byte[] b = {0, 1, (byte) 0x20, 0x01, 'x'};
        ControlFormatException e = assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b));
        assertThat(e.field()).isEqualTo("Length");
        assertThat(e.getMessage()).contains("8193");
    }

    @Test
    void refusesToEncodeAnOversizeMessage() {
        ControlMessage.Builder m = ControlMessage.builder(ControlMessageType.INIT, 1);
        for (int i = 0; i < 3; i++) {
            m.field("x-pad-" + i, "a".repeat(3000));
        }
        ControlMessage big = m.build();
        assertThrows(IllegalArgumentException.class, () -> ControlCodec.encode(big));
    }

    @Test
    void rejectsMoreThanTheMaximumOfFields() {
        StringBuilder lines = new StringBuilder("message-type: MHAuth-Init\r\n");
        for (int i = 0; i <= ControlMessage.MAX_FIELDS; i++) {
            lines.append("x-").append(i).append(": v\r\n");
        }
        byte[] b = wire(0, 1, lines.append("\r\n").toString());
        assertThat(assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b)).getMessage())
                .contains("more than " + ControlMessage.MAX_FIELDS);
    }

    @Test
    void rejectsAnSpiBeyond28Bits() {
        byte[] b = wire(0, 2, "message-type: MHAuth-Done-resp\r\nmip6-spi: 268435456\r\n\r\n");
        assertThat(assertThrows(ControlFormatException.class, () -> ControlCodec.decode(b)).field()).isEqualTo("mip6-spi");
    }

    @Test
    void toStringHidesKeysAndAuth() {
        String key = "a1b2c3d4".repeat(4);
        ControlMessage m = ControlMessage.builder(ControlMessageType.DONE_RESP, 2)
                .field("mip6-mn-to-ha-ikey", key).field("auth", RAND).build();
        assertThat(m.toString()).doesNotContain(key).doesNotContain(RAND).contains("mip6-mn-to-ha-ikey");
    }
}
