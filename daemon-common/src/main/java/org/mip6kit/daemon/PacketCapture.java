package org.mip6kit.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.pcap.PcapWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pcap file a daemon's {@code --pcap FILE} writes: a classic libpcap file (link type RAW, so
 * each record starts at the outermost IP header) that lives as long as the daemon and outlives
 * the transports written into it. Created owner-only ({@code 0600}): signalling names home
 * addresses and identities. An existing file is overwritten, as {@code tcpdump -w} does.
 *
 * <p><b>Size.</b> A file grows to at most {@code maxBytes} ({@code --pcap-max-bytes}, default
 * {@value #DEFAULT_MAX_BYTES} octets); the record that would pass it first rotates the file:
 * {@code FILE} becomes {@code FILE.1} (replacing the previous {@code FILE.1}) and a new
 * {@code FILE} starts with its own header, so the capture never takes more than twice
 * {@code maxBytes} and both files are complete pcap files. A single record larger than the cap
 * still goes whole into a file of its own.
 *
 * <p><b>Buffering.</b> Records are buffered ({@link PcapWriter#BUFFER_SIZE}) and reach the file
 * when the buffer fills, on {@link #flush()}, and on {@link #close()}; the daemons call
 * {@link #flushEvery} so that {@code tshark} on a running capture sees packets at most about a
 * second late.
 *
 * <p>Capture never disturbs signalling: a write that fails is logged once and capture stops;
 * the daemon goes on. Thread-safe.
 */
public final class PacketCapture implements Closeable {

    /** The size at which a capture file is rotated when not configured: 100 MB. */
    public static final long DEFAULT_MAX_BYTES = 100_000_000L;
    /** How often the daemons flush a running capture ({@link #flushEvery}). */
    public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);
    /** The smallest cap accepted: a header and a few records. */
    public static final long MIN_MAX_BYTES = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PacketCapture.class);

    private final Path file;
    private final Clock clock;
    private final long maxBytes;
    private PcapWriter writer;
    private Cancellable flushTask;
    private long written;
    private long recordsInFile;
    private long rotations;
    private boolean failed;
    private boolean closed;

    private PacketCapture(Path file, Clock clock, long maxBytes, PcapWriter writer) {
        this.file = file;
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.writer = writer;
    }

    /**
     * Creates (or truncates) {@code file}, writes the pcap file header, and rotates at
     * {@link #DEFAULT_MAX_BYTES}.
     *
     * @param clock where record timestamps come from
     * @throws IOException if the file cannot be created
     */
    public static PacketCapture open(Path file, Clock clock) throws IOException {
        return open(file, clock, DEFAULT_MAX_BYTES);
    }

    /**
     * Creates (or truncates) {@code file} and writes the pcap file header.
     *
     * @param clock where record timestamps come from
     * @param maxBytes the size at which the file is rotated to {@code FILE.1}; at least
     *                 {@link #MIN_MAX_BYTES}
     * @throws IOException if the file cannot be created
     * @throws IllegalArgumentException if {@code maxBytes} is below {@link #MIN_MAX_BYTES}
     */
    public static PacketCapture open(Path file, Clock clock, long maxBytes) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("the pcap size limit must be at least " + MIN_MAX_BYTES
                    + " octets, got " + maxBytes);
        }
        Path absolute = file.toAbsolutePath();
        return new PacketCapture(absolute, clock, maxBytes, newWriter(absolute));
    }

    private static PcapWriter newWriter(Path absolute) throws IOException {
        try {
            Files.createFile(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // overwritten below, keeping its permissions
        }
        OutputStream out = Files.newOutputStream(absolute, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new PcapWriter(out);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** The file a rotation moves the full capture to: {@code FILE.1}. */
    public Path rotatedFile() {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    /** Appends one packet (starting at its IP header), stamped with the clock's time now. */
    public synchronized void write(byte[] packet) {
        if (failed || closed) {
            return;
        }
        try {
            long record = 16L + packet.length;
            if (recordsInFile > 0 && writer.size() + record > maxBytes) {
                rotate();
            }
            writer.write(clock.instant(), packet);
            written++;
            recordsInFile++;
        } catch (IOException | RuntimeException e) {
            fail("capture to " + file + " stopped after " + written + " packets: " + e);
        }
    }

    private void rotate() throws IOException {
        writer.close();
        Files.move(file, rotatedFile(), StandardCopyOption.REPLACE_EXISTING);
        writer = newWriter(file);
        recordsInFile = 0;
        rotations++;
        LOG.info("capture {} reached {} octets; the full file is now {}", file, maxBytes, rotatedFile());
    }

    /** Sends buffered records to the file. Never throws; a failure stops capture as a failed write does. */
    public synchronized void flush() {
        if (failed || closed) {
            return;
        }
        try {
            writer.flush();
        } catch (IOException | RuntimeException e) {
            fail("capture to " + file + " stopped after " + written + " packets: " + e);
        }
    }

    /**
     * Flushes every {@code interval} on {@code scheduler} until {@link #close()}, so a running
     * capture can be read while it is written.
     */
    public synchronized void flushEvery(Scheduler scheduler, Duration interval) {
        Objects.requireNonNull(scheduler, "scheduler");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the flush interval must be positive, got " + interval);
        }
        if (closed) {
            return;
        }
        flushTask = scheduler.schedule(interval, () -> {
            flush();
            synchronized (this) {
                if (!closed && !failed) {
                    flushEvery(scheduler, interval);
                }
            }
        });
    }

    private void fail(String message) {
        failed = true;
        LOG.error("{}", message);
    }

    /** The packets written so far. */
    public synchronized long packetsWritten() {
        return written;
    }

    /** How often the file was rotated to {@link #rotatedFile()}. */
    public synchronized long rotations() {
        return rotations;
    }

    public Path file() {
        return file;
    }

    /** Flushes and closes the file. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (flushTask != null) {
            flushTask.cancel();
        }
        try {
            writer.close();
        } catch (IOException e) {
            LOG.warn("closing the capture {} failed: {}", file, e.toString());
        }
    }

    @Override
    public synchronized String toString() {
        return "PacketCapture[" + file + ", " + written + " packets, " + rotations + " rotations]";
    }
}
