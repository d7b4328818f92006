package org.mip6kit.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;

@Tag("small")
class PcapWriterTest {

    /** TV1 (docs/protocol-notes.md#test-vectors): BU CoA -> HA with a Home Address option, 96 octets. */
    private static final byte[] TV1_PACKET = hex("6000000000383c40"
            + "20010db8000200000000000000000100 20010db8000100000000000000000001"
            + "870201020000c91020010db8000100000000000000000100"
            + "3b0305005f7d0001d00000960100031020010db8000200000000000000000100");

    private static final Instant NEW_YEAR = Instant.parse("2024-01-01T00:00:00.123456789Z");

    @TempDir
    Path directory;

    @Test
    void writesBigEndianFileHeaderForRawIpPackets() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new PcapWriter(out).close();

        assertThat(out.toByteArray()).isEqualTo(hex(
                "a1b2c3d4"                  // magic: microsecond timestamps, written big-endian
                + "0002 0004"               // version 2.4
                + "00000000"                // thiszone 0
                + "00000000"                // sigfigs 0
                + "0000ffff"                // snaplen 65535
                + "00000065"));             // LINKTYPE_RAW (101)
    }

    @Test
    void writesRecordWithMicrosecondTimestampAndEqualLengths() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(out)) {
            writer.write(NEW_YEAR, hex("60 00 00 00"));
        }

        assertThat(Arrays.copyOfRange(out.toByteArray(), 24, out.size())).isEqualTo(hex(
                "65920080"                  // seconds: 1704067200
                + "0001e240"                // microseconds: 123456 (nanoseconds truncated)
                + "00000004"                // captured length
                + "00000004"                // original length
                + "60000000"));
    }

    @Test
    void roundTripsPacketsThroughATemporaryFile() throws Exception {
        Path file = directory.resolve("tv1.pcap");
        Instant second = NEW_YEAR.plusSeconds(1);
        try (PcapWriter writer = new PcapWriter(file)) {
            writer.write(NEW_YEAR, TV1_PACKET);
            writer.write(second, new byte[0]);
        }

        List<PcapRecord> records;
        try (PcapReader reader = new PcapReader(file)) {
            assertThat(reader.linkType()).isEqualTo(PcapLinkType.RAW);
            records = reader.readAll();
        }

        assertThat(records).containsExactly(
                new PcapRecord(Instant.parse("2024-01-01T00:00:00.123456Z"), TV1_PACKET),
                new PcapRecord(Instant.parse("2024-01-01T00:00:01.123456Z"), new byte[0]));
        MobilityPacket packet = MobilityPacketParser.parse(records.get(0).packet());
        assertThat(packet.toBytes()).isEqualTo(TV1_PACKET);
    }

    @Test
    void truncatesAnExistingFile() throws Exception {
        Path file = directory.resolve("old.pcap");
        Files.write(file, new byte[1000]);

        new PcapWriter(file).close();

        assertThat(Files.size(file)).isEqualTo(24);
    }

    @Test
    void keepsRecordsWholeWhenThreadsWriteAtOnce() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int threads = 4;
        int perThread = 200;
        try (PcapWriter writer = new PcapWriter(out)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    byte[] packet = new byte[50 + t];
                    Arrays.fill(packet, (byte) t);
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            writer.write(NEW_YEAR, packet);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }

        List<PcapRecord> records = new PcapReader(new ByteArrayInputStream(out.toByteArray())).readAll();
        assertThat(records).hasSize(threads * perThread);
        for (PcapRecord r : records) {
            byte[] packet = r.packet();
            byte[] expected = new byte[packet.length];
            Arrays.fill(expected, (byte) (packet.length - 50));
            assertThat(packet).isEqualTo(expected);
        }
    }

    /** Counts the calls that reach the stream: one per buffer, not one per packet. */
    private static final class CountingStream extends ByteArrayOutputStream {
        int writes;
        int flushes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Test
    void buffersRecordsUntilFlushSoThatAFloodIsNotOneWritePerPacket() throws Exception {
        CountingStream out = new CountingStream();
        PcapWriter writer = new PcapWriter(out);
        int header = out.size();
        for (int i = 0; i < 100; i++) {
            writer.write(NEW_YEAR, TV1_PACKET);
        }
        assertThat(out.size()).as("nothing past the header before a flush").isEqualTo(header);
        assertThat(writer.size()).isEqualTo(24 + 100 * (16 + TV1_PACKET.length));

        writer.flush();
        assertThat(out.writes).as("header, then one write for the 100 records").isEqualTo(2);
        assertThat(new PcapReader(new ByteArrayInputStream(out.toByteArray())).readAll()).hasSize(100);
        writer.close();
    }

    @Test
    void keepsRecordsWholeWhenTheBufferFills() throws Exception {
        CountingStream out = new CountingStream();
        try (PcapWriter writer = new PcapWriter(out)) {
            for (int i = 0; i < 2000; i++) {
                writer.write(NEW_YEAR, TV1_PACKET);
            }
            // whatever reached the stream without a flush is whole records
            assertThat((out.size() - 24) % (16 + TV1_PACKET.length)).isZero();
            assertThat(out.size()).isGreaterThan(24);
            writer.write(NEW_YEAR, new byte[PcapWriter.SNAP_LENGTH]);
        }
        assertThat(new PcapReader(new ByteArrayInputStream(out.toByteArray())).readAll()).hasSize(2001);
    }

    @Test
    void closeWritesTheBufferedRecords() throws Exception {
        Path file = directory.resolve("closed.pcap");
        PcapWriter writer = new PcapWriter(file);
        writer.write(NEW_YEAR, TV1_PACKET);
        writer.write(NEW_YEAR, TV1_PACKET);
        assertThat(Files.size(file)).isEqualTo(24);

        writer.close();

        assertThat(new PcapReader(file).readAll()).hasSize(2);
    }

    @Test
    void rejectsTimestampBefore1970() throws Exception {
        try (PcapWriter writer = new PcapWriter(new ByteArrayOutputStream())) {
            assertThrows(IllegalArgumentException.class,
                    () -> writer.write(Instant.parse("1969-12-31T23:59:59Z"), TV1_PACKET));
        }
    }

    @Test
    void rejectsTimestampAfterUnsigned32BitSeconds() throws Exception {
        try (PcapWriter writer = new PcapWriter(new ByteArrayOutputStream())) {
            assertThrows(IllegalArgumentException.class,
                    () -> writer.write(Instant.ofEpochSecond(0x1_0000_0000L), TV1_PACKET));
        }
    }

    @Test
    void rejectsPacketLongerThanSnapLength() throws Exception {
        try (PcapWriter writer = new PcapWriter(new ByteArrayOutputStream())) {
            assertThrows(IllegalArgumentException.class, () -> writer.write(NEW_YEAR, new byte[65536]));
        }
    }

    @Test
    void refusesToWriteAfterClose() throws Exception {
        PcapWriter writer = new PcapWriter(new ByteArrayOutputStream());
        writer.close();

        assertThrows(IOException.class, () -> writer.write(NEW_YEAR, TV1_PACKET));
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }
}
