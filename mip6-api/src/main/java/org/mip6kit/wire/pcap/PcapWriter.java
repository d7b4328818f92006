package org.mip6kit.wire.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * Writes IP packets to a classic libpcap capture file that Wireshark, tcpdump and
 * {@link PcapReader} open.
 *
 * <p>The file is written <strong>big-endian</strong> (network byte order, like every other
 * format in this project); readers detect the order from the magic number. File header:
 * <pre>
 *  a1 b2 c3 d4   magic (microsecond timestamps)
 *  00 02 00 04   version 2.4
 *  00 00 00 00   thiszone 0 (timestamps are UTC)
 *  00 00 00 00   sigfigs 0
 *  00 00 ff ff   snaplen 65535
 *  00 00 00 65   link type 101, LINKTYPE_RAW: each packet starts at its IPv4 or IPv6 header
 * </pre>
 * Each record: seconds and microseconds since 1970-01-01T00:00Z (the nanoseconds of the
 * {@link Instant} are truncated), captured length, original length (always equal), packet.
 *
 * <p>Thread-safe: {@link #write}, {@link #flush} and {@link #close} are synchronized, so records
 * from several threads never interleave. Records are buffered ({@value #BUFFER_SIZE} octets) and
 * reach the stream when the buffer fills, on {@link #flush()} and on {@link #close()}; the stream
 * only ever receives whole records, so a file being written can be opened at any time and holds
 * the header and whole records, up to the last flush. The header is flushed at once.
 */
public final class PcapWriter implements Closeable {

    /** The snapshot length written in the file header; longer packets are refused. */
    public static final int SNAP_LENGTH = 0xFFFF;

    static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    static final int MAGIC_NANOSECONDS = 0xA1B23C4D;
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;

    /** Octets of records held before they go to the stream. */
    public static final int BUFFER_SIZE = 64 * 1024;

    private static final long MAX_UNSIGNED_32 = 0xFFFF_FFFFL;

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int buffered;
    private long size;
    private boolean closed;

    /**
     * Creates {@code file}, or truncates it if it exists, and writes the file header.
     *
     * @throws IOException if the file cannot be created or written
     */
    public PcapWriter(Path file) throws IOException {
        this(Files.newOutputStream(Objects.requireNonNull(file, "file")));
    }

    /**
     * Writes the file header to {@code out}, which this writer then owns: {@link #close()}
     * closes it. If writing the header fails, {@code out} is closed.
     *
     * @throws IOException if the header cannot be written
     */
    public PcapWriter(OutputStream out) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        header.putInt(MAGIC_MICROSECONDS)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(SNAP_LENGTH)
                .putInt(PcapLinkType.RAW.code());
        try {
            out.write(header.array());
            out.flush();
            size = FILE_HEADER_LENGTH;
        } catch (IOException | RuntimeException e) {
            try {
                out.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Appends one packet.
     *
     * @param timestamp when the packet was sent or received; between 1970-01-01T00:00:00Z and
     *                  2106-02-07T06:28:15Z, the range of the file's unsigned 32-bit seconds
     * @param packet    the packet from its IP header on, at most {@link #SNAP_LENGTH} octets
     * @throws IllegalArgumentException if the timestamp is out of range or the packet too long
     * @throws IOException if the writer is closed or the stream fails
     */
    public synchronized void write(Instant timestamp, byte[] packet) throws IOException {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(packet, "packet");
        long seconds = timestamp.getEpochSecond();
        if (seconds < 0 || seconds > MAX_UNSIGNED_32) {
            throw new IllegalArgumentException("timestamp " + timestamp
                    + " outside the pcap range 1970-01-01T00:00:00Z..2106-02-07T06:28:15Z");
        }
        if (packet.length > SNAP_LENGTH) {
            throw new IllegalArgumentException("packet of " + packet.length + " octets exceeds the snap length "
                    + SNAP_LENGTH);
        }
        if (closed) {
            throw new IOException("pcap writer is closed");
        }
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_LENGTH + packet.length).order(ByteOrder.BIG_ENDIAN);
        record.putInt((int) seconds)
                .putInt(timestamp.getNano() / 1000)
                .putInt(packet.length)
                .putInt(packet.length)
                .put(packet);
        byte[] bytes = record.array();
        if (bytes.length > buffer.length - buffered) {
            drain();
        }
        if (bytes.length > buffer.length) {
            out.write(bytes);
        } else {
            System.arraycopy(bytes, 0, buffer, buffered, bytes.length);
            buffered += bytes.length;
        }
        size += bytes.length;
    }

    /**
     * How many octets the file holds once everything written is flushed: the header and every
     * record.
     */
    public synchronized long size() {
        return size;
    }

    /**
     * Sends the buffered records to the stream and flushes it.
     *
     * @throws IOException if the writer is closed or the stream fails
     */
    public synchronized void flush() throws IOException {
        if (closed) {
            throw new IOException("pcap writer is closed");
        }
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (buffered > 0) {
            out.write(buffer, 0, buffered);
            buffered = 0;
        }
    }

    /**
     * Writes the buffered records and closes the underlying stream (also if writing them fails).
     * Further writes fail; closing again does nothing.
     */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                drain();
                out.flush();
            } finally {
                out.close();
            }
        }
    }
}
