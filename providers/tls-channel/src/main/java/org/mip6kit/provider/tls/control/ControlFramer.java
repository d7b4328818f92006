package org.mip6kit.provider.tls.control;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the octets arriving from TLS, split anywhere, into whole control messages (RFC 6618 §5.1)
 * using the container header's Length. Holds at most one partial message
 * ({@link ControlMessage#MAX_MESSAGE_OCTETS}); a bad header is reported as soon as its 4 octets
 * are in, and leaves the framer failed (the connection must be closed). Not thread-safe: one per
 * connection, fed by its reader.
 */
public final class ControlFramer {

    private final byte[] buffer = new byte[ControlMessage.MAX_MESSAGE_OCTETS];
    private int filled;
    private long streamOffset;
    private boolean failed;

    /**
     * Adds {@code chunk[offset, offset + length)} and returns the whole messages completed by it,
     * each the exact octets of one message (decode them with {@link ControlCodec#decode}).
     *
     * @throws ControlFormatException if a header is bad (offset counts from the start of that
     *         message); the framer then refuses further input
     * @throws IllegalStateException after a failure
     */
    public List<byte[]> offer(byte[] chunk, int offset, int length) throws ControlFormatException {
        if (failed) {
            throw new IllegalStateException("the framer failed on an earlier message; close the connection");
        }
        List<byte[]> complete = new ArrayList<>(1);
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            int need = filled < ControlCodec.HEADER_OCTETS ? ControlCodec.HEADER_OCTETS : declared();
            int take = Math.min(need - filled, end - pos);
            System.arraycopy(chunk, pos, buffer, filled, take);
            filled += take;
            pos += take;
            if (filled == ControlCodec.HEADER_OCTETS) {
                try {
                    ControlCodec.checkHeader(buffer, 0, filled);
                } catch (ControlFormatException e) {
                    failed = true;
                    throw e;
                }
            }
            if (filled >= ControlCodec.HEADER_OCTETS && filled == declared()) {
                complete.add(Arrays.copyOf(buffer, filled));
                streamOffset += filled;
                filled = 0;
            }
        }
        return complete;
    }

    /** Same as {@link #offer(byte[], int, int)} for the whole array. */
    public List<byte[]> offer(byte[] chunk) throws ControlFormatException {
        return offer(chunk, 0, chunk.length);
    }

    /** Octets held of a message not yet complete. */
    public int pending() {
        return filled;
    }

    /** Octets of the stream consumed by complete messages so far. */
    public long consumed() {
        return streamOffset;
    }

    private int declared() {
        return ((buffer[2] & 0xff) << 8) | (buffer[3] & 0xff);
    }
}
