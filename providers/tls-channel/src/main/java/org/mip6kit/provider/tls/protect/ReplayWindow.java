package org.mip6kit.provider.tls.protect;

import java.util.Arrays;

/**
 * The receiving side's anti-replay window for one direction of a security association, as ESP's
 * (RFC 4303 §3.4.3), over 32-bit sequence numbers with no extended sequence numbers; RFC 6618 §6
 * and §9.3 ask for ESP-style replay protection.
 *
 * <pre>
 *           too old           |&lt;-------- size ---------&gt;|    new (window slides right)
 *   ... ----------------------[ h-size+1  ...  h-1   h ]---------------------&gt;  sequence
 *                              bit set = already received
 * </pre>
 *
 * Unlike ESP, where the first packet carries 1, RFC 6618 sequence numbers start at 0 (see
 * {@link OutboundSequence}): an empty window accepts any number, 0 included.
 *
 * <p>The protocol (RFC 4303 §3.4.3): {@link #check(long)} before the integrity check, so that
 * obvious replays cost no HMAC; {@link #update(long)} only after the ICV verified, so that a
 * forged packet cannot move the window. {@code update} checks again under the lock: when several
 * threads verify copies of the same datagram at once, exactly one {@code update} returns
 * {@link Verdict#NEW}. Thread-safe; the lock is held for a few word operations.
 */
public final class ReplayWindow {

    /** The ESP default window size. */
    public static final int DEFAULT_SIZE = 64;
    /** The smallest window ESP allows. */
    public static final int MIN_SIZE = 32;
    /** The largest window this class offers. */
    public static final int MAX_SIZE = 1024;

    /** What the window says about a sequence number. */
    public enum Verdict {
        /** Not seen and not too old (from {@code check}), or now recorded (from {@code update}). */
        NEW,
        /** Already received. */
        REPLAYED,
        /** Left of the window. */
        TOO_OLD
    }

    private final int size;
    private final int capacity;
    private final long[] seen;
    /** Highest sequence number recorded, or -1 while none has been. */
    private long highest = -1;

    /** A window of {@link #DEFAULT_SIZE} (64). */
    public ReplayWindow() {
        this(DEFAULT_SIZE);
    }

    /** A window of {@code size} sequence numbers, {@value #MIN_SIZE}..{@value #MAX_SIZE}. */
    public ReplayWindow(int size) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("replay window size " + size + " out of range " + MIN_SIZE + ".."
                    + MAX_SIZE + " (RFC 4303 §3.4.3)");
        }
        this.size = size;
        this.seen = new long[(size + 63) / 64];
        this.capacity = seen.length * 64;
    }

    /** The window size. */
    public int size() {
        return size;
    }

    /** The highest sequence number recorded, or -1 if none. */
    public synchronized long highest() {
        return highest;
    }

    /**
     * Whether {@code sequence} could be accepted; changes nothing. Call before the ICV check.
     *
     * @param sequence 0..0xFFFFFFFF
     */
    public synchronized Verdict check(long sequence) {
        return judge(checkedRange(sequence));
    }

    /**
     * Records {@code sequence} if it is still acceptable, sliding the window when it is the new
     * highest. Call only after the ICV verified. Of several threads updating with the same number,
     * exactly one gets {@link Verdict#NEW}.
     *
     * @param sequence 0..0xFFFFFFFF
     */
    public synchronized Verdict update(long sequence) {
        Verdict verdict = judge(checkedRange(sequence));
        if (verdict != Verdict.NEW) {
            return verdict;
        }
        if (sequence > highest) {
            long advance = highest < 0 ? capacity : sequence - highest;
            if (advance >= capacity) {
                Arrays.fill(seen, 0L);
            } else {
                for (long s = highest + 1; s < sequence; s++) {
                    clear(s);
                }
            }
            highest = sequence;
        }
        set(sequence);
        return Verdict.NEW;
    }

    private Verdict judge(long sequence) {
        if (highest < 0 || sequence > highest) {
            return Verdict.NEW;
        }
        if (highest - sequence >= size) {
            return Verdict.TOO_OLD;
        }
        return isSet(sequence) ? Verdict.REPLAYED : Verdict.NEW;
    }

    private static long checkedRange(long sequence) {
        if (sequence < 0 || sequence > OutboundSequence.MAX) {
            throw new IllegalArgumentException("sequence number " + sequence + " is not a 32-bit unsigned value");
        }
        return sequence;
    }

    private boolean isSet(long sequence) {
        int bit = (int) (sequence % capacity);
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }

    private void set(long sequence) {
        int bit = (int) (sequence % capacity);
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long sequence) {
        int bit = (int) (sequence % capacity);
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }

    @Override
    public synchronized String toString() {
        return "ReplayWindow[size=" + size + ", highest=" + highest + "]";
    }
}
