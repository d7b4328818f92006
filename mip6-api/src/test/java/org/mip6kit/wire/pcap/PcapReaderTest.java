package org.mip6kit.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("small")
class PcapReaderTest {

    private static final int MICROSECONDS = 0xA1B2C3D4;
    private static final int NANOSECONDS = 0xA1B23C4D;
    private static final int SECONDS = 1_704_067_200;          // 2024-01-01T00:00:00Z

    /** The first octets of an IPv6 packet; the reader does not look inside. */
    private static final byte[] IPV6 = hex("6000000000003b40");
    private static final byte[] IPV4 = hex("4500001400010000");

    @TempDir
    Path directory;

    @Test
    void readsLittleEndianMicrosecondFile() throws Exception {
        byte[] file = new PcapFile(ByteOrder.LITTLE_ENDIAN, MICROSECONDS, 65535, 101)
                .record(SECONDS, 250_000, IPV6)
                .bytes();
        assertThat(Arrays.copyOf(file, 4)).isEqualTo(hex("d4c3b2a1"));   // magic as a little-endian writer leaves it

        try (PcapReader reader = open(file)) {
            assertThat(reader.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(reader.nanosecondTimestamps()).isFalse();
            assertThat(reader.snapLength()).isEqualTo(65535);
            assertThat(reader.next()).contains(new PcapRecord(Instant.parse("2024-01-01T00:00:00.25Z"), IPV6));
            assertThat(reader.next()).isEmpty();
        }
    }

    @Test
    void readsBigEndianNanosecondFile() throws Exception {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, NANOSECONDS, 65535, 101)
                .record(SECONDS, 123_456_789, IPV6)
                .bytes();

        try (PcapReader reader = open(file)) {
            assertThat(reader.nanosecondTimestamps()).isTrue();
            assertThat(reader.next().map(PcapRecord::timestamp))
                    .contains(Instant.parse("2024-01-01T00:00:00.123456789Z"));
        }
    }

    @Test
    void readsLittleEndianNanosecondFile() throws Exception {
        byte[] file = new PcapFile(ByteOrder.LITTLE_ENDIAN, NANOSECONDS, 65535, 229)
                .record(SECONDS, 1, IPV6)
                .bytes();

        try (PcapReader reader = open(file)) {
            assertThat(reader.linkType()).isEqualTo(PcapLinkType.IPV6);
            assertThat(reader.next()).contains(new PcapRecord(Instant.ofEpochSecond(SECONDS, 1), IPV6));
        }
    }

    @Test
    void returnsPacketsOfLinkTypeIpv4AsCaptured() throws Exception {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 228).record(SECONDS, 0, IPV4).bytes();

        try (PcapReader reader = open(file)) {
            assertThat(reader.linkType()).isEqualTo(PcapLinkType.IPV4);
            assertThat(reader.next().map(PcapRecord::packet)).contains(IPV4);
        }
    }

    @Test
    void stripsEthernetHeaderOfIpv4AndIpv6Frames() throws Exception {
        byte[] file = new PcapFile(ByteOrder.LITTLE_ENDIAN, MICROSECONDS, 65535, 1)
                .record(SECONDS, 0, concat(ethernet(0x86DD), IPV6))
                .record(SECONDS, 1, concat(ethernet(0x0800), IPV4))
                .bytes();

        try (PcapReader reader = open(file)) {
            assertThat(reader.next().map(PcapRecord::packet)).contains(IPV6);
            assertThat(reader.next().map(PcapRecord::packet)).contains(IPV4);
            assertThat(reader.next()).isEmpty();
        }
    }

    @Test
    void stripsEthernetHeaderWithOneVlanTag() throws Exception {
        byte[] tagged = concat(Arrays.copyOf(ethernet(0x8100), 14), hex("0064 86dd"), IPV6); // VID 100, IPv6
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 1).record(SECONDS, 0, tagged).bytes();

        try (PcapReader reader = open(file)) {
            assertThat(reader.next().map(PcapRecord::packet)).contains(IPV6);
        }
    }

    @Test
    void skipsEthernetFramesThatAreNeitherIpv4NorIpv6() throws Exception {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 1)
                .record(SECONDS, 0, concat(ethernet(0x0806), new byte[28]))        // ARP
                .record(SECONDS, 1, concat(ethernet(0x86DD), IPV6))
                .bytes();

        try (PcapReader reader = open(file)) {
            assertThat(reader.next().map(PcapRecord::timestamp)).contains(Instant.ofEpochSecond(SECONDS, 1000));
            assertThat(reader.next()).isEmpty();
        }
    }

    @Test
    void stripsLinuxCookedHeader() throws Exception {
        byte[] sll = hex("0000"                     // packet type: to us
                + "0001"                            // ARPHRD_ETHER
                + "0006"                            // link-layer address length
                + "020000000001 0000"               // address, padded to 8
                + "86dd");                          // protocol: IPv6
        byte[] file = new PcapFile(ByteOrder.LITTLE_ENDIAN, MICROSECONDS, 65535, 113)
                .record(SECONDS, 0, concat(sll, IPV6))
                .bytes();

        try (PcapReader reader = open(file)) {
            assertThat(reader.linkType()).isEqualTo(PcapLinkType.LINUX_SLL);
            assertThat(reader.next().map(PcapRecord::packet)).contains(IPV6);
        }
    }

    @Test
    void rejectsEthernetFrameShorterThanItsHeader() {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 1).record(SECONDS, 0, new byte[13]).bytes();

        PcapFormatException e = rejectsFirstRecord(file);

        assertThat(e.recordNumber()).isEqualTo(1);
        assertThat(e.byteOffset()).isEqualTo(24);
    }

    @Test
    void rejectsTruncatedRecordDataNamingRecordAndOffset() {
        byte[] whole = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 101)
                .record(SECONDS, 0, IPV6)
                .record(SECONDS, 1, IPV6)
                .bytes();
        byte[] file = Arrays.copyOf(whole, whole.length - 1);

        PcapFormatException e = assertThrows(PcapFormatException.class, () -> {
            try (PcapReader reader = open(file)) {
                reader.next();
                reader.next();
            }
        });

        assertThat(e.recordNumber()).isEqualTo(2);
        assertThat(e.byteOffset()).isEqualTo(24 + 16 + IPV6.length);
        assertThat(e.getMessage()).contains("record 2", "offset 48", "truncated");
    }

    @Test
    void rejectsTruncatedRecordHeader() {
        byte[] whole = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 101).record(SECONDS, 0, IPV6).bytes();

        PcapFormatException e = rejectsFirstRecord(Arrays.copyOf(whole, 24 + 10));

        assertThat(e.recordNumber()).isEqualTo(1);
        assertThat(e.byteOffset()).isEqualTo(24);
    }

    @Test
    void rejectsTruncatedFileHeader() {
        byte[] whole = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 101).bytes();

        PcapFormatException e = assertThrows(PcapFormatException.class, () -> open(Arrays.copyOf(whole, 20)));

        assertThat(e.recordNumber()).isZero();
        assertThat(e.byteOffset()).isZero();
    }

    @Test
    void rejectsRecordLongerThanSnapLength() {
        byte[] file = new PcapFile(ByteOrder.LITTLE_ENDIAN, MICROSECONDS, 4, 101).record(SECONDS, 0, IPV6).bytes();

        assertThat(rejectsFirstRecord(file).getMessage()).contains("snapshot length 4");
    }

    @Test
    void rejectsRecordLongerThan256KiBWhateverTheSnapLength() {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 0x7FFF_FFFF, 101)
                .recordHeader(SECONDS, 0, PcapReader.MAX_RECORD_LENGTH + 1)
                .bytes();

        assertThat(rejectsFirstRecord(file).getMessage()).contains("262144");
    }

    @Test
    void rejectsMicrosecondFieldOfOneSecondOrMore() {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 101)
                .record(SECONDS, 1_000_000, IPV6)
                .bytes();

        rejectsFirstRecord(file);
    }

    @Test
    void rejectsPcapngFileWithHowToConvert() {
        byte[] file = hex("0a0d0d0a 0000001c 4d3c2b1a 0001 0000 ffffffffffffffff 0000001c");

        PcapFormatException e = assertThrows(PcapFormatException.class, () -> open(file));

        assertThat(e.getMessage()).contains("pcapng", "editcap");
    }

    @Test
    void rejectsUnknownMagicNumber() {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, 0x12345678, 65535, 101).bytes();

        assertThat(assertThrows(PcapFormatException.class, () -> open(file)).getMessage()).contains("0x12345678");
    }

    @Test
    void rejectsVersionOtherThanTwo() {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 101).bytes();
        file[5] = 3;                                // major version 3

        assertThrows(PcapFormatException.class, () -> open(file));
    }

    @Test
    void rejectsUnsupportedLinkTypeListingTheSupportedOnes() {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 105).bytes();   // IEEE 802.11

        assertThat(assertThrows(PcapFormatException.class, () -> open(file)).getMessage())
                .contains("link type 105", "RAW(101)");
    }

    @Test
    void staysFailedAfterFormatError() throws Exception {
        byte[] file = new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 4, 101)
                .record(SECONDS, 0, IPV6)
                .record(SECONDS, 0, hex("60000000"))
                .bytes();

        try (PcapReader reader = open(file)) {
            PcapFormatException first = assertThrows(PcapFormatException.class, reader::next);
            assertThat(assertThrows(PcapFormatException.class, reader::next)).isSameAs(first);
        }
    }

    @Test
    void keepsReturningEmptyAtEndOfFile() throws Exception {
        try (PcapReader reader = open(new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 101).bytes())) {
            assertThat(reader.next()).isEmpty();
            assertThat(reader.next()).isEmpty();
        }
    }

    @Test
    void opensFileFromPath() throws Exception {
        Path file = directory.resolve("le.pcap");
        Files.write(file, new PcapFile(ByteOrder.LITTLE_ENDIAN, MICROSECONDS, 65535, 101).record(SECONDS, 0, IPV6).bytes());

        try (PcapReader reader = new PcapReader(file)) {
            assertThat(reader.readAll()).extracting(PcapRecord::packet).containsExactly(IPV6);
        }
    }

    @Test
    void refusesToReadAfterClose() throws Exception {
        PcapReader reader = open(new PcapFile(ByteOrder.BIG_ENDIAN, MICROSECONDS, 65535, 101).bytes());
        reader.close();

        assertThrows(IOException.class, reader::next);
    }

    @Test
    void recordCopiesItsPacket() {
        byte[] packet = IPV6.clone();
        PcapRecord record = new PcapRecord(Instant.EPOCH, packet);
        packet[0] = 0;
        record.packet()[1] = 1;

        assertThat(record.packet()).isEqualTo(IPV6);
    }

    // ---- helpers -------------------------------------------------------------------------

    private static PcapReader open(byte[] file) throws IOException {
        return new PcapReader(new ByteArrayInputStream(file));
    }

    private static PcapFormatException rejectsFirstRecord(byte[] file) {
        return assertThrows(PcapFormatException.class, () -> {
            try (PcapReader reader = open(file)) {
                reader.next();
            }
        });
    }

    /** Ethernet II header: destination, source, EtherType. */
    private static byte[] ethernet(int etherType) {
        return concat(hex("020000000002 020000000001"), new byte[] {(byte) (etherType >>> 8), (byte) etherType});
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    /** Builds a classic pcap file in either byte order, as libpcap on a big- or little-endian host would. */
    private static final class PcapFile {
        private final ByteOrder order;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        PcapFile(ByteOrder order, int magic, int snapLength, int linkType) {
            this.order = order;
            out.writeBytes(ByteBuffer.allocate(24).order(order)
                    .putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(snapLength).putInt(linkType).array());
        }

        PcapFile record(int seconds, int fraction, byte[] packet) {
            recordHeader(seconds, fraction, packet.length);
            out.writeBytes(packet);
            return this;
        }

        PcapFile recordHeader(int seconds, int fraction, int length) {
            out.writeBytes(ByteBuffer.allocate(16).order(order)
                    .putInt(seconds).putInt(fraction).putInt(length).putInt(length).array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
