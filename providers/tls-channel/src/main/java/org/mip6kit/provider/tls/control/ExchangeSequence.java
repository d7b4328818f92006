package org.mip6kit.provider.tls.control;

/**
 * The identifier rule of RFC 6618 §5.1: the mobile node's first request carries Identifier 1,
 * each later request the previous one plus one, each response its request's; so at most 255
 * exchanges fit in one connection. Pure; not thread-safe.
 */
public final class ExchangeSequence {

    /** Most request/response exchanges in one connection. */
    public static final int MAX_EXCHANGES = 255;

    private int last;

    /** The identifier the next request must carry, or 0 once 255 exchanges were used. */
    public int next() {
        return last >= MAX_EXCHANGES ? 0 : last + 1;
    }

    /**
     * Accepts {@code identifier} as the next request's.
     *
     * @return false (nothing changes) if it is not exactly {@link #next()}: a repeated, skipped
     *         or out-of-range identifier, or a 256th exchange
     */
    public boolean accept(int identifier) {
        if (last >= MAX_EXCHANGES || identifier != last + 1) {
            return false;
        }
        last = identifier;
        return true;
    }

    /** The identifier of the last accepted request (0 before the first). */
    public int current() {
        return last;
    }
}
