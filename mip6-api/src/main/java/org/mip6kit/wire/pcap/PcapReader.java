package org.mip6kit.wire.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads IP packets from a classic libpcap capture file (not pcapng).
 *
 * <p>Accepts both byte orders and both timestamp resolutions, told apart by the magic number:
 * {@code a1b2c3d4} (microseconds) and {@code a1b23c4d} (nanoseconds), written in either order.
 * The link-layer header is removed according to {@link PcapLinkType}: nothing for RAW, IPV4 and
 * IPV6; the Ethernet II header (and one 802.1Q tag) for ETHERNET; the 16-octet cooked header for
 * LINUX_SLL. Ethernet and SLL frames whose EtherType / protocol is neither IPv4 (0x0800) nor
 * IPv6 (0x86DD) are skipped. The rest of the frame is returned as captured: Ethernet padding of
 * short frames is not removed (a Mobility Header packet is never short enough to be padded).
 *
 * <p>Strict about the file: a truncated header or record, a fractional-second field out of
 * range, or a record whose captured length exceeds the file's snapshot length or
 * {@link #MAX_RECORD_LENGTH} is a {@link PcapFormatException} naming the record number and its
 * byte offset. After such an error the reader stays failed and throws the same exception again.
 *
 * <p>Not thread-safe: one thread reads a file from start to end.
 */
public final class PcapReader implements Closeable {

    /** The largest captured length accepted for one record, whatever the file header says: 256 KiB. */
    public static final int MAX_RECORD_LENGTH = 256 * 1024;

    private static final int MAGIC_MICROSECONDS_SWAPPED = Integer.reverseBytes(PcapWriter.MAGIC_MICROSECONDS);
    private static final int MAGIC_NANOSECONDS_SWAPPED = Integer.reverseBytes(PcapWriter.MAGIC_NANOSECONDS);
    private static final int MAGIC_PCAPNG = 0x0A0D0D0A;
    private static final int ETHERNET_HEADER = 14;
    private static final int VLAN_TAG = 4;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int SLL_HEADER = 16;

    private final InputStream in;
    private final ByteOrder byteOrder;
    private final boolean nanosecondTimestamps;
    private final long snapLength;
    private final long recordLimit;
    private final PcapLinkType linkType;
    private long position;
    private long recordsRead;
    private PcapFormatException failure;
    private boolean closed;

    /**
     * Opens {@code file} and reads its file header.
     *
     * @throws PcapFormatException if the file header is truncated or garbled, or names a link
     *         type this reader does not support (the file is closed again)
     * @throws IOException if the file cannot be opened or read
     */
    public PcapReader(Path file) throws IOException {
        this(Files.newInputStream(Objects.requireNonNull(file, "file")));
    }

    /**
     * Reads the file header from {@code in}, which this reader then owns: {@link #close()} closes
     * it, and so does a failure in this constructor.
     *
     * @throws PcapFormatException if the file header is truncated or garbled, or names a link
     *         type this reader does not support
     * @throws IOException if the stream fails
     */
    public PcapReader(InputStream in) throws IOException {
        this.in = new BufferedInputStream(Objects.requireNonNull(in, "in"));
        try {
            byte[] header = new byte[PcapWriter.FILE_HEADER_LENGTH];
            int n = readFully(header);
            if (n < header.length) {
                throw new PcapFormatException("file header truncated: " + n + " of " + header.length
                        + " octets", 0, 0);
            }
            int magic = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).getInt(0);
            if (magic == PcapWriter.MAGIC_MICROSECONDS || magic == PcapWriter.MAGIC_NANOSECONDS) {
                byteOrder = ByteOrder.BIG_ENDIAN;
            } else if (magic == MAGIC_MICROSECONDS_SWAPPED || magic == MAGIC_NANOSECONDS_SWAPPED) {
                byteOrder = ByteOrder.LITTLE_ENDIAN;
            } else if (magic == MAGIC_PCAPNG) {
                throw new PcapFormatException("this is a pcapng file; only classic pcap is read "
                        + "(convert with: editcap -F pcap in.pcapng out.pcap)", 0, 0);
            } else {
                throw new PcapFormatException(String.format("magic number 0x%08x is not a pcap magic "
                        + "(a1b2c3d4 or a1b23c4d, in either byte order)", magic), 0, 0);
            }
            nanosecondTimestamps = magic == PcapWriter.MAGIC_NANOSECONDS || magic == MAGIC_NANOSECONDS_SWAPPED;
            ByteBuffer fields = ByteBuffer.wrap(header).order(byteOrder);
            int major = Short.toUnsignedInt(fields.getShort(4));
            int minor = Short.toUnsignedInt(fields.getShort(6));
            if (major != 2) {
                throw new PcapFormatException("format version " + major + "." + minor + ", expected 2.x", 0, 0);
            }
            snapLength = Integer.toUnsignedLong(fields.getInt(16));
            recordLimit = snapLength == 0 ? MAX_RECORD_LENGTH : Math.min(snapLength, MAX_RECORD_LENGTH);
            int network = fields.getInt(20);
            if ((network >>> 16) != 0) {
                throw new PcapFormatException(String.format("link-type field 0x%08x has FCS or extension bits, "
                        + "which this reader does not support", network), 0, 0);
            }
            linkType = PcapLinkType.fromCode(network).orElseThrow(() -> new PcapFormatException(
                    "link type " + network + " is not supported; supported: " + Arrays.toString(PcapLinkType.values()),
                    0, 0));
        } catch (IOException | RuntimeException e) {
            try {
                this.in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The byte order the file was written in. */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** True for the {@code a1b23c4d} magic (nanosecond timestamps), false for microseconds. */
    public boolean nanosecondTimestamps() {
        return nanosecondTimestamps;
    }

    /** The snapshot length from the file header (unsigned). */
    public long snapLength() {
        return snapLength;
    }

    /** The file's link-layer header type. */
    public PcapLinkType linkType() {
        return linkType;
    }

    /**
     * The next IPv4 or IPv6 packet, skipping frames of other protocols.
     *
     * @return the record, or empty at the end of the file (which must fall on a record boundary)
     * @throws PcapFormatException if the file is truncated or garbled at the next record
     * @throws IOException if the reader is closed or the stream fails
     */
    public Optional<PcapRecord> next() throws IOException {
        if (closed) {
            throw new IOException("pcap reader is closed");
        }
        if (failure != null) {
            throw failure;
        }
        try {
            return readRecord();
        } catch (PcapFormatException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * All remaining packets, in file order.
     *
     * @throws PcapFormatException if the file is truncated or garbled
     * @throws IOException if the reader is closed or the stream fails
     */
    public List<PcapRecord> readAll() throws IOException {
        List<PcapRecord> records = new ArrayList<>();
        for (Optional<PcapRecord> r = next(); r.isPresent(); r = next()) {
            records.add(r.get());
        }
        return records;
    }

    /**
     * The number of the file record (1 for the first, as Wireshark counts frames) that the last
     * {@link #next()} returned; records of other protocols that were passed over are counted.
     * 0 before the first record.
     */
    public long lastRecordNumber() {
        return recordsRead;
    }

    /** Closes the underlying stream. Closing again does nothing. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }

    private Optional<PcapRecord> readRecord() throws IOException {
        while (true) {
            long offset = position;
            long number = recordsRead + 1;
            byte[] header = new byte[PcapWriter.RECORD_HEADER_LENGTH];
            int n = readFully(header);
            if (n == 0) {
                return Optional.empty();
            }
            if (n < header.length) {
                throw new PcapFormatException("record header truncated: " + n + " of " + header.length
                        + " octets", number, offset);
            }
            ByteBuffer fields = ByteBuffer.wrap(header).order(byteOrder);
            long seconds = Integer.toUnsignedLong(fields.getInt(0));
            long fraction = Integer.toUnsignedLong(fields.getInt(4));
            long capturedLength = Integer.toUnsignedLong(fields.getInt(8));
            long fractionLimit = nanosecondTimestamps ? 1_000_000_000L : 1_000_000L;
            if (fraction >= fractionLimit) {
                throw new PcapFormatException((nanosecondTimestamps ? "nanoseconds " : "microseconds ") + fraction
                        + " not below " + fractionLimit, number, offset);
            }
            if (capturedLength > recordLimit) {
                throw new PcapFormatException("captured length " + capturedLength + " exceeds "
                        + (recordLimit == snapLength ? "the snapshot length " : "the reader's limit ")
                        + recordLimit, number, offset);
            }
            byte[] frame = new byte[(int) capturedLength];
            n = readFully(frame);
            if (n < frame.length) {
                throw new PcapFormatException("record data truncated: " + n + " of " + frame.length + " octets",
                        number, offset);
            }
            recordsRead = number;
            Instant timestamp = Instant.ofEpochSecond(seconds, nanosecondTimestamps ? fraction : fraction * 1000);
            byte[] packet = stripLinkLayer(frame, number, offset);
            if (packet != null) {
                return Optional.of(new PcapRecord(timestamp, packet));
            }
        }
    }

    /** The IP packet inside {@code frame}, or null for a frame that carries something else. */
    private byte[] stripLinkLayer(byte[] frame, long number, long offset) throws PcapFormatException {
        int headerLength;
        int protocol;
        switch (linkType) {
            case RAW, IPV4, IPV6 -> {
                return frame;
            }
            case ETHERNET -> {
                if (frame.length < ETHERNET_HEADER) {
                    throw new PcapFormatException("Ethernet frame of " + frame.length
                            + " octets is shorter than its " + ETHERNET_HEADER + "-octet header", number, offset);
                }
                headerLength = ETHERNET_HEADER;
                protocol = readShort(frame, 12);
                if (protocol == ETHERTYPE_VLAN) {
                    headerLength += VLAN_TAG;
                    if (frame.length < headerLength) {
                        throw new PcapFormatException("802.1Q-tagged Ethernet frame of " + frame.length
                                + " octets is shorter than its " + headerLength + "-octet header", number, offset);
                    }
                    protocol = readShort(frame, 16);
                }
            }
            case LINUX_SLL -> {
                if (frame.length < SLL_HEADER) {
                    throw new PcapFormatException("Linux cooked frame of " + frame.length
                            + " octets is shorter than its " + SLL_HEADER + "-octet header", number, offset);
                }
                headerLength = SLL_HEADER;
                protocol = readShort(frame, 14);
            }
            default -> throw new AssertionError("link type " + linkType + " accepted but not handled");
        }
        if (protocol != ETHERTYPE_IPV4 && protocol != ETHERTYPE_IPV6) {
            return null;
        }
        return Arrays.copyOfRange(frame, headerLength, frame.length);
    }

    /** Reads until {@code buffer} is full or the stream ends; returns the number of octets read. */
    private int readFully(byte[] buffer) throws IOException {
        int total = 0;
        while (total < buffer.length) {
            int n = in.read(buffer, total, buffer.length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        position += total;
        return total;
    }

    private static int readShort(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
    }
}
