package org.mip6kit.provider.ipsec.vici;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class ViciCodecTest {

    /** Builds a byte array from ints and strings (strings as ASCII octets). */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof Integer i) {
                out.write(i);
            } else {
                out.writeBytes(((String) p).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    /** The encoding example of strongSwan's vici/README.md, annotated as there. */
    private static final byte[] README_EXAMPLE = bytes(
            3, 4, "key1", 0, 6, "value1",          // key1 = value1
            1, 8, "section1",                      // section1 {
            1, 11, "sub-section",                  //   sub-section {
            3, 4, "key2", 0, 6, "value2",          //     key2 = value2
            2,                                     //   }
            4, 5, "list1",                         //   list1 = [
            5, 0, 5, "item1",                      //     item1
            5, 0, 5, "item2",                      //     item2
            6,                                     //   ]
            2);                                    // }

    private static final ViciMessage README_TREE = ViciMessage.builder()
            .add("key1", "value1")
            .section("section1", ViciMessage.builder()
                    .section("sub-section", ViciMessage.builder().add("key2", "value2").build())
                    .list("list1", "item1", "item2")
                    .build())
            .build();

    @Test
    void encodesTheReadmeExample() {
        assertThat(ViciCodec.encodeMessage(README_TREE)).isEqualTo(README_EXAMPLE);
    }

    @Test
    void decodesTheReadmeExample() throws Exception {
        ViciMessage m = ViciCodec.decodeMessage(README_EXAMPLE);
        assertThat(m).isEqualTo(README_TREE);
        assertThat(m.section("section1").orElseThrow().list("list1"))
                .extracting(ViciValue::text).containsExactly("item1", "item2");
    }

    @Test
    void encodesTheVersionRequestWithLengthTypeAndName() {
        // docs/providers/ipsec-ikev2.md#vici-in-brief:
        // 00 00 00 09 | CMD_REQUEST 00 | nameLen 07 | "version" | empty message
        assertThat(ViciCodec.encodePacket(ViciPacket.request("version", ViciMessage.EMPTY)))
                .isEqualTo(bytes(0, 0, 0, 9, 0, 7, "version"));
    }

    @Test
    void decodesAResponsePacket() throws Exception {
        ViciPacket p = ViciCodec.decodePacket(bytes(1, 3, 6, "daemon", 0, 6, "charon"));
        assertThat(p.type()).isEqualTo(ViciPacketType.CMD_RESPONSE);
        assertThat(p.name()).isNull();
        assertThat(p.message().text("daemon")).contains("charon");
    }

    @Test
    void roundTripsEveryPacketType() throws Exception {
        ViciPacket[] packets = {
            ViciPacket.request("list-sas", ViciMessage.builder().add("ike", "mip6").build()),
            ViciPacket.response(README_TREE),
            ViciPacket.control(ViciPacketType.CMD_UNKNOWN, null),
            ViciPacket.control(ViciPacketType.EVENT_REGISTER, "ike-updown"),
            ViciPacket.control(ViciPacketType.EVENT_UNREGISTER, "ike-updown"),
            ViciPacket.control(ViciPacketType.EVENT_CONFIRM, null),
            ViciPacket.control(ViciPacketType.EVENT_UNKNOWN, null),
            ViciPacket.event("list-sa", README_TREE),
        };
        for (ViciPacket p : packets) {
            byte[] seg = ViciCodec.encodePacket(p);
            assertThat(seg[4] & 0xFF).isEqualTo(p.type().code());
            byte[] body = java.util.Arrays.copyOfRange(seg, 4, seg.length);
            assertThat(ViciCodec.decodePacket(body)).isEqualTo(p);
        }
    }

    @Test
    void roundTripsBinaryValuesAndEmptyLists() throws Exception {
        byte[] blob = new byte[ViciValue.MAX_LENGTH];
        for (int i = 0; i < blob.length; i++) {
            blob[i] = (byte) i;
        }
        ViciMessage m = ViciMessage.builder().add("blob", ViciValue.of(blob))
                .list("empty", java.util.List.of()).build();
        assertThat(ViciCodec.decodeMessage(ViciCodec.encodeMessage(m))).isEqualTo(m);
    }

    private static ViciFormatException rejects(byte[] message) {
        return assertThrows(ViciFormatException.class, () -> ViciCodec.decodeMessage(message));
    }

    @Test
    void rejectsUnknownElementType() {
        assertThat(rejects(bytes(3, 1, "k", 0, 0, 9)).offset()).isEqualTo(5);
    }

    @Test
    void rejectsUnclosedSection() {
        ViciFormatException e = rejects(bytes(1, 1, "s", 3, 1, "k", 0, 0));
        assertThat(e.element()).isEqualTo("SECTION_START");
        assertThat(e.offset()).isZero();
    }

    @Test
    void rejectsSectionEndWithoutSection() {
        assertThat(rejects(bytes(3, 1, "k", 0, 0, 2)).element()).isEqualTo("SECTION_END");
    }

    @Test
    void rejectsUnclosedList() {
        assertThat(rejects(bytes(4, 1, "l", 5, 0, 1, "x")).element()).isEqualTo("LIST_START");
    }

    @Test
    void rejectsKeyValueInsideList() {
        assertThat(rejects(bytes(4, 1, "l", 3, 1, "k", 0, 0, 6)).offset()).isEqualTo(3);
    }

    @Test
    void rejectsNestedList() {
        assertThat(rejects(bytes(4, 1, "l", 4, 1, "m", 6, 6)).element()).isEqualTo("LIST_START");
    }

    @Test
    void rejectsItemOutsideList() {
        assertThat(rejects(bytes(5, 0, 1, "x")).element()).isEqualTo("LIST_ITEM");
    }

    @Test
    void rejectsListEndWithoutList() {
        assertThat(rejects(bytes(6)).element()).isEqualTo("LIST_END");
    }

    @Test
    void rejectsTruncatedValue() {
        ViciFormatException e = rejects(bytes(3, 1, "k", 0, 5, "abc"));
        assertThat(e.element()).isEqualTo("KEY_VALUE value");
        assertThat(e.offset()).isEqualTo(5);
    }

    @Test
    void rejectsTruncatedName() {
        assertThat(rejects(bytes(3, 9, "ab")).element()).isEqualTo("KEY_VALUE name");
    }

    @Test
    void rejectsNonPrintableName() {
        ViciFormatException e = rejects(bytes(3, 2, "a", 0x07, 0, 0));
        assertThat(e.offset()).isEqualTo(3);
    }

    @Test
    void rejectsEmptyName() {
        assertThat(rejects(bytes(1, 0, 2)).element()).isEqualTo("SECTION_START name");
    }

    @Test
    void rejectsDuplicateKeyInSection() {
        assertThat(rejects(bytes(3, 1, "k", 0, 0, 3, 1, "k", 0, 0)).offset()).isEqualTo(5);
    }

    @Test
    void rejectsNestingBeyondTheBound() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i <= ViciCodec.MAX_DEPTH; i++) {
            out.writeBytes(bytes(1, 1, "s"));
        }
        for (int i = 0; i <= ViciCodec.MAX_DEPTH; i++) {
            out.write(2);
        }
        assertThat(rejects(out.toByteArray()).offset()).isEqualTo(3 * ViciCodec.MAX_DEPTH);
    }

    @Test
    void acceptsNestingAtTheBound() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ViciCodec.MAX_DEPTH; i++) {
            out.writeBytes(bytes(1, 1, "s"));
        }
        for (int i = 0; i < ViciCodec.MAX_DEPTH; i++) {
            out.write(2);
        }
        assertThat(ViciCodec.decodeMessage(out.toByteArray()).section("s")).isPresent();
    }

    @Test
    void rejectsTrailingBytesAfterMessagelessPacket() {
        ViciFormatException e = assertThrows(ViciFormatException.class,
                () -> ViciCodec.decodePacket(bytes(5, 0)));
        assertThat(e.offset()).isEqualTo(1);
    }

    @Test
    void rejectsUnknownPacketType() {
        assertThrows(ViciFormatException.class, () -> ViciCodec.decodePacket(bytes(8)));
    }

    @Test
    void rejectsSegmentsOverCharonsLimit() {
        assertThrows(ViciFormatException.class, () -> ViciCodec.checkSegmentLength(512 * 1024 + 1));
        assertThrows(ViciFormatException.class, () -> ViciCodec.checkSegmentLength(0));
        assertThrows(ViciFormatException.class, () -> ViciCodec.checkSegmentLength(-1));
    }

    @Test
    void secretValuesNeverPrint() {
        ViciMessage m = ViciMessage.builder().add("id", "mn@example.org")
                .addSecret("data", "hunter2-psk").build();
        assertThat(m.toString()).contains("mn@example.org").contains("<secret>")
                .doesNotContain("hunter2");
        assertThat(ViciCodec.encodeMessage(m)).isEqualTo(
                bytes(3, 2, "id", 0, 14, "mn@example.org", 3, 4, "data", 0, 11, "hunter2-psk"));
    }
}
