package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;

/** The size cap, rotation and flushing of {@code --pcap}. */
@Tag("small")
class PacketCaptureTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    /** 100 octets of packet: a record of 116 octets. */
    private static final int PACKET = 100;
    private static final int RECORD = 16 + PACKET;
    private static final int HEADER = 24;

    @TempDir
    Path dir;

    private static byte[] packet(int n) {
        byte[] p = new byte[PACKET];
        Arrays.fill(p, (byte) n);
        p[0] = 0x60;
        return p;
    }

    private static List<PcapRecord> records(Path file) throws Exception {
        try (PcapReader reader = new PcapReader(file)) {
            return reader.readAll();
        }
    }

    @Test
    void rotatesToFileDotOneAtTheSizeCapAndBothFilesAreValidPcap() throws Exception {
        Path file = dir.resolve("ha.pcap");
        long cap = 2048; // header + 17 records of 116 octets
        int perFile = (int) ((cap - HEADER) / RECORD);
        try (PacketCapture capture = PacketCapture.open(file, CLOCK, cap)) {
            for (int i = 0; i < perFile * 3 + 5; i++) {
                capture.write(packet(i));
            }
            assertThat(capture.rotations()).isEqualTo(3);
            assertThat(capture.packetsWritten()).isEqualTo(perFile * 3 + 5);
        }

        assertThat(Files.size(file)).isLessThanOrEqualTo(cap);
        assertThat(Files.size(dir.resolve("ha.pcap.1"))).isLessThanOrEqualTo(cap);
        assertThat(dir.resolve("ha.pcap.2")).doesNotExist();
        List<PcapRecord> current = records(file);
        List<PcapRecord> previous = records(dir.resolve("ha.pcap.1"));
        assertThat(current).hasSize(5);
        assertThat(current.get(0).packet()[1]).isEqualTo((byte) (perFile * 3));
        assertThat(previous).hasSize(perFile);
        assertThat(previous.get(0).packet()[1]).isEqualTo((byte) (perFile * 2));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aRecordLargerThanTheCapGoesWholeIntoAFileOfItsOwn() throws Exception {
        Path file = dir.resolve("big.pcap");
        try (PacketCapture capture = PacketCapture.open(file, CLOCK, PacketCapture.MIN_MAX_BYTES)) {
            capture.write(packet(1));
            byte[] big = new byte[4000];
            big[0] = 0x60;
            capture.write(big);
            capture.write(packet(2));
        }
        assertThat(records(dir.resolve("big.pcap.1"))).singleElement()
                .satisfies(r -> assertThat(r.packet()).hasSize(4000));
        assertThat(records(file)).hasSize(1);
    }

    @Test
    void refusesACapTooSmallForAHeaderAndARecord() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PacketCapture.open(dir.resolve("x.pcap"), CLOCK, 100));
        assertThat(e.getMessage()).contains("at least " + PacketCapture.MIN_MAX_BYTES);
    }

    @Test
    void closeFlushesBufferedRecords() throws Exception {
        Path file = dir.resolve("ha.pcap");
        PacketCapture capture = PacketCapture.open(file, CLOCK);
        capture.write(packet(1));
        capture.write(packet(2));
        assertThat(Files.size(file)).as("buffered, not yet written").isEqualTo(HEADER);

        capture.close();

        assertThat(records(file)).hasSize(2);
    }

    @Test
    void flushesEverySecondOnTheSchedulerSoThatARunningCaptureCanBeRead() throws Exception {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        Path file = dir.resolve("ha.pcap");
        try (PacketCapture capture = PacketCapture.open(file, time.clock())) {
            capture.flushEvery(time, Duration.ofSeconds(1));
            capture.write(packet(1));
            assertThat(records(file)).isEmpty();

            time.advance(Duration.ofSeconds(1));
            assertThat(records(file)).hasSize(1);

            capture.write(packet(2));
            time.advance(Duration.ofSeconds(1));
            assertThat(records(file)).hasSize(2);
        }
        assertThat(time.pendingTasks()).as("close cancels the flush task").isZero();
    }
}
