package org.mip6kit.provider.auth4285;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntUnaryOperator;

/**
 * What the home agent remembers to refuse a byte-identical replay inside the timestamp window,
 * per security association (a row of the {@link KeyTable}): the {@value #REMEMBERED} newest
 * timestamps it accepted under that association, and a <em>floor</em>.
 *
 * <ul>
 * <li>A timestamp equal to a remembered one is a replay.</li>
 * <li>When a newly accepted timestamp finds every place taken by timestamps still inside the
 *     window, the oldest of them (or the new one, if it is older still) is forgotten and becomes
 *     the floor: from then on a timestamp at or below the floor is refused as a possible replay.
 *     This fails closed. A genuine Binding Update can be refused only when it arrives after
 *     {@value #REMEMBERED} + 1 newer ones of the same association were accepted, within one
 *     window; the mobile node's next retransmission carries a new timestamp.</li>
 * <li>A remembered timestamp expires when it leaves the window (timestamp + window before the
 *     home agent's clock): the window check refuses a copy of it on its own. Expired places are
 *     reused; there is no timer.</li>
 * </ul>
 *
 * Memory lasts past deregistration and binding expiry exactly as long as it must, and
 * {@link #size} falls back to zero when nodes go quiet (docs/protocol-notes.md#state-that-outlives-a-binding). Only authenticated messages reach it, so a forger cannot fill it.
 *
 * <p><b>Layout.</b> {@value #STRIDE} {@code long}s per row (the floor, then the remembered
 * timestamps), in pages of {@value #PAGE_ROWS} rows allocated when a row of the page first
 * records a timestamp, so associations that never send cost nothing. A page stays once
 * allocated: the memory is bounded by the key table. Timestamps are the raw 64-bit NTP values,
 * compared as signed numbers, which orders them in time under {@link NtpTimestamp}'s era rule
 * (1968–2104). {@link Long#MIN_VALUE} (1968) marks an empty place; it is always outside the
 * window.
 *
 * <p>Thread-safe: each page is guarded by its own monitor.
 */
final class ReplayMemory {

    /** Timestamps remembered per association, besides the floor. */
    static final int REMEMBERED = 2;
    /** Rows per page. */
    static final int PAGE_ROWS = 1024;

    static final int STRIDE = 1 + REMEMBERED;
    private static final long EMPTY = Long.MIN_VALUE;

    /** What {@link #record} found. */
    enum Outcome {
        /** Not seen before: now remembered. */
        FIRST_SEEN,
        /** Accepted before under this association: a replay. */
        SEEN_BEFORE,
        /** At or below the floor: possibly a replay of a timestamp that had to be forgotten. */
        AT_OR_BELOW_FLOOR,
        /**
         * Not a replay by what this memory holds, but nothing was recorded: the memory was
         * {@link #moveTo moved} to a successor (a key table reload); record it there.
         */
        MOVED
    }

    private final int rows;
    private final long windowNtp;
    private final AtomicReferenceArray<long[]> pages;
    /** Set once, by {@link #moveTo}, before any page is copied; read under each page's monitor. */
    private volatile boolean moved;

    /**
     * @param rows the associations (rows {@code 0 .. rows - 1})
     * @param window the replay window
     */
    ReplayMemory(int rows, Duration window) {
        this.rows = rows;
        this.windowNtp = ntpUnitsRoundedUp(window);
        this.pages = new AtomicReferenceArray<>((rows + PAGE_ROWS - 1) / PAGE_ROWS);
    }

    /**
     * Records that association {@code row} sent {@code ntpTimestamp}, unless it is a replay by
     * the rules of the class comment. The caller has already checked that the timestamp lies
     * inside the window of {@code now}. Allocates only the row's page, the first time.
     */
    Outcome record(int row, long ntpTimestamp, Instant now) {
        long horizon = horizon(now);
        long[] page = page(row);
        int floor = (row % PAGE_ROWS) * STRIDE;
        synchronized (page) {
            if (ntpTimestamp <= page[floor]) {
                return Outcome.AT_OR_BELOW_FLOOR;
            }
            if (moved) {
                for (int i = floor + 1; i < floor + STRIDE; i++) {
                    if (page[i] == ntpTimestamp) {
                        return Outcome.SEEN_BEFORE;
                    }
                }
                return Outcome.MOVED;
            }
            int free = -1;
            int oldest = -1;
            for (int i = floor + 1; i < floor + STRIDE; i++) {
                long t = page[i];
                if (t == ntpTimestamp) {
                    return Outcome.SEEN_BEFORE;
                }
                if (t < horizon) {
                    free = free < 0 ? i : free;
                } else if (oldest < 0 || t < page[oldest]) {
                    oldest = i;
                }
            }
            if (free >= 0) {
                page[free] = ntpTimestamp;
            } else if (ntpTimestamp < page[oldest]) {
                page[floor] = ntpTimestamp;
            } else {
                page[floor] = page[oldest];
                page[oldest] = ntpTimestamp;
            }
            return Outcome.FIRST_SEEN;
        }
    }

    /**
     * Hands what this memory holds over to {@code successor}, the memory of a reloaded key
     * table: row {@code r} goes to row {@code rowInSuccessor.applyAsInt(r)}, or nowhere when that
     * is negative (the association was removed). From the moment this is called every
     * {@link #record} here answers {@link Outcome#MOVED} instead of recording (after still
     * refusing what this memory knows to be a replay), so nothing recorded here is lost: a page
     * is copied under its monitor, and a record that held the monitor first is copied with it.
     * Call once, before {@code successor} is used by anyone else.
     */
    void moveTo(ReplayMemory successor, IntUnaryOperator rowInSuccessor) {
        moved = true;
        for (int p = 0; p < pages.length(); p++) {
            long[] page = pages.get(p);
            if (page == null) {
                continue;
            }
            synchronized (page) {
                for (int floor = 0; floor < page.length; floor += STRIDE) {
                    int to = rowInSuccessor.applyAsInt(p * PAGE_ROWS + floor / STRIDE);
                    if (to >= 0 && hasAny(page, floor)) {
                        successor.merge(to, page, floor);
                    }
                }
            }
        }
    }

    private static boolean hasAny(long[] page, int floor) {
        for (int i = floor; i < floor + STRIDE; i++) {
            if (page[i] != EMPTY) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds another memory's row (floor and timestamps at {@code from[at ..]}) to row {@code row}:
     * the higher floor; the newest {@value #REMEMBERED} timestamps of both, any older one raising
     * the floor (failing closed, as {@link #record} does).
     */
    private void merge(int row, long[] from, int at) {
        long[] page = page(row);
        int floor = (row % PAGE_ROWS) * STRIDE;
        synchronized (page) {
            long[] all = new long[2 * REMEMBERED];
            System.arraycopy(page, floor + 1, all, 0, REMEMBERED);
            System.arraycopy(from, at + 1, all, REMEMBERED, REMEMBERED);
            Arrays.sort(all);
            long newFloor = Math.max(page[floor], from[at]);
            int kept = 0;
            for (int i = all.length - 1; i >= 0; i--) {
                long t = all[i];
                if (t == EMPTY || (i < all.length - 1 && t == all[i + 1])) {
                    continue;
                }
                if (kept < REMEMBERED) {
                    page[floor + 1 + kept++] = t;
                } else {
                    newFloor = Math.max(newFloor, t);
                }
            }
            while (kept < REMEMBERED) {
                page[floor + 1 + kept++] = EMPTY;
            }
            page[floor] = newFloor;
        }
    }

    /**
     * Writes row {@code row}'s floor and remembered timestamps ({@value #STRIDE} values,
     * big-endian), for a durable store, to {@code out} at its position, without allocating;
     * false, writing nothing, when the row holds nothing. {@code out} must have
     * {@value #STRIDE} × 8 octets left.
     */
    boolean copyInto(int row, java.nio.ByteBuffer out) {
        if (row < 0 || row >= rows) {
            return false;
        }
        long[] page = pages.get(row / PAGE_ROWS);
        if (page == null) {
            return false;
        }
        int floor = (row % PAGE_ROWS) * STRIDE;
        synchronized (page) {
            if (!hasAny(page, floor)) {
                return false;
            }
            for (int i = floor; i < floor + STRIDE; i++) {
                out.putLong(page[i]);
            }
            return true;
        }
    }

    /**
     * Takes back what {@link #copyInto} gave for row {@code row} before a restart, merged with what
     * the row holds (the higher floor, the newest timestamps; failing closed as {@link #record}).
     */
    void restore(int row, long[] values) {
        if (values.length != STRIDE) {
            throw new IllegalArgumentException("a row is " + STRIDE + " values, got " + values.length);
        }
        merge(row, values, 0);
    }

    /** Associations remembering a timestamp still inside the window at {@code now} (a scan). */
    int size(Instant now) {
        long horizon = horizon(now);
        int count = 0;
        for (int p = 0; p < pages.length(); p++) {
            long[] page = pages.get(p);
            if (page == null) {
                continue;
            }
            synchronized (page) {
                for (int floor = 0; floor < page.length; floor += STRIDE) {
                    for (int i = floor + 1; i < floor + STRIDE; i++) {
                        if (page[i] >= horizon) {
                            count++;
                            break;
                        }
                    }
                }
            }
        }
        return count;
    }

    /** Pages allocated so far. */
    int pagesAllocated() {
        int n = 0;
        for (int p = 0; p < pages.length(); p++) {
            n += pages.get(p) == null ? 0 : 1;
        }
        return n;
    }

    void close() {
        for (int p = 0; p < pages.length(); p++) {
            pages.set(p, null);
        }
    }

    private long[] page(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        int p = row / PAGE_ROWS;
        long[] page = pages.get(p);
        if (page == null) {
            long[] fresh = new long[Math.min(PAGE_ROWS, rows - p * PAGE_ROWS) * STRIDE];
            Arrays.fill(fresh, EMPTY);
            page = pages.compareAndSet(p, null, fresh) ? fresh : pages.get(p);
        }
        return page;
    }

    /**
     * The oldest timestamp still inside the window at {@code now}, one unit (2^-32 s) early so
     * rounding never forgets a timestamp the window check would still accept.
     */
    private long horizon(Instant now) {
        return NtpTimestamp.of(now) - windowNtp - 1;
    }

    private static long ntpUnitsRoundedUp(Duration d) {
        long fraction = (((long) d.getNano() << 32) + 999_999_999L) / 1_000_000_000L;
        return (d.getSeconds() << 32) + fraction;
    }
}
