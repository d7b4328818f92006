package org.mip6kit.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.mip6kit.wire.pcap.PcapWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pcap file a daemon's {@code --pcap FILE} writes: one classic libpcap file (link type
 * RAW, so each record starts at the outermost IP header) that lives as long as the daemon and
 * outlives the transports written into it. Created owner-only ({@code 0600}): signalling names
 * home addresses and identities. An existing file is overwritten, as {@code tcpdump -w} does.
 *
 * <p>Capture never disturbs signalling: a write that fails is logged once and capture stops;
 * the daemon goes on. Thread-safe.
 */
public final class PacketCapture implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(PacketCapture.class);

    private final Path file;
    private final Clock clock;
    private final PcapWriter writer;
    private final AtomicLong written = new AtomicLong();
    private volatile boolean failed;
    private volatile boolean closed;

    private PacketCapture(Path file, Clock clock, PcapWriter writer) {
        this.file = file;
        this.clock = clock;
        this.writer = writer;
    }

    /**
     * Creates (or truncates) {@code file} and writes the pcap file header.
     *
     * @param clock where record timestamps come from
     * @throws IOException if the file cannot be created
     */
    public static PacketCapture open(Path file, Clock clock) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        Path absolute = file.toAbsolutePath();
        try {
            Files.createFile(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // overwritten below, keeping its permissions
        }
        OutputStream out = Files.newOutputStream(absolute, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new PacketCapture(absolute, clock, new PcapWriter(out));
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Appends one packet (starting at its IP header), stamped with the clock's time now. */
    public void write(byte[] packet) {
        if (failed || closed) {
            return;
        }
        try {
            writer.write(clock.instant(), packet);
            written.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                failed = true;
                LOG.error("capture to {} stopped after {} packets: {}", file, written.get(), e.toString());
            }
        }
    }

    /** The packets written so far. */
    public long packetsWritten() {
        return written.get();
    }

    public Path file() {
        return file;
    }

    /** Flushes and closes the file. Idempotent; never throws. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            LOG.warn("closing the capture {} failed: {}", file, e.toString());
        }
    }

    @Override
    public String toString() {
        return "PacketCapture[" + file + ", " + written.get() + " packets]";
    }
}
