package org.mip6kit.provider.tls.protect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending side's sequence counter for one direction of a security association (RFC 6618 §6,
 * RFC 4303 §3.3.3): hands out 32-bit sequence numbers in increasing order, starting at 0 as
 * RFC 6618 counts, and refuses to wrap — after 0xFFFFFFFF the association must be replaced
 * (bootstrap again with the Home Agent Controller).
 *
 * <p>Thread-safe and lock-free: concurrent callers each get a different number.
 */
public final class OutboundSequence {

    /** The largest 32-bit sequence number. */
    public static final long MAX = 0xFFFF_FFFFL;

    private final AtomicLong next;

    /** A counter whose first number is 0. */
    public OutboundSequence() {
        this(0);
    }

    /**
     * A counter whose first number is {@code first} (0..0xFFFFFFFF), e.g. to go on after a restart.
     */
    public OutboundSequence(long first) {
        if (first < 0 || first > MAX) {
            throw new IllegalArgumentException("first sequence number " + first + " out of range 0.." + MAX);
        }
        this.next = new AtomicLong(first);
    }

    /**
     * The next sequence number.
     *
     * @throws SequenceExhaustedException once 0xFFFFFFFF has been handed out (and on every later call)
     */
    public long next() {
        long n = next.getAndUpdate(v -> v > MAX ? v : v + 1);
        if (n > MAX) {
            throw new SequenceExhaustedException();
        }
        return n;
    }

    /** How many numbers are left before {@link #next()} refuses. */
    public long remaining() {
        return Math.max(0, MAX + 1 - next.get());
    }

    /** Thrown when the 32-bit sequence space of a direction is used up; the association must be replaced. */
    public static final class SequenceExhaustedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        SequenceExhaustedException() {
            super("RFC 6618 sequence numbers of this security association are used up (0xFFFFFFFF sent); "
                    + "bootstrap a new association with the Home Agent Controller (RFC 6618 §4.3, RFC 4303 §3.3.3)");
        }
    }
}
