package org.mip6kit.engine;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fixed number of token buckets on an injected clock, one chosen per key by a seeded hash:
 * a rate limit per sender (an identity, a source prefix) whose memory does not grow with the
 * number of senders. Keys that hash to the same bucket share it; with the seed drawn per
 * instance, a sender cannot choose to share another's. Each bucket holds at most {@code burst}
 * permits, refilled at {@code perSecond}. Thread-safe.
 */
final class TokenBucketTable {

    private final Clock clock;
    private final double perNano;
    private final double burst;
    private final long seed = ThreadLocalRandom.current().nextLong();
    private final int mask;
    private final double[] tokens;
    private final long[] lastNanos;

    /**
     * @param buckets how many buckets; rounded up to a power of two, at least 1
     */
    TokenBucketTable(Clock clock, double perSecond, int burst, int buckets) {
        if (perSecond <= 0 || burst < 1 || buckets < 1) {
            throw new IllegalArgumentException("rate must be positive, burst and buckets at least 1");
        }
        this.clock = clock;
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        int n = Integer.highestOneBit(Math.max(1, buckets - 1)) << (buckets > 1 ? 1 : 0);
        this.mask = n - 1;
        this.tokens = new double[n];
        this.lastNanos = new long[n];
        java.util.Arrays.fill(tokens, burst);
        java.util.Arrays.fill(lastNanos, nanos());
    }

    /** Takes a permit from {@code key}'s bucket if one is available now. */
    synchronized boolean tryAcquire(long key) {
        int b = bucketOf(key);
        long now = nanos();
        if (now > lastNanos[b]) {
            tokens[b] = Math.min(burst, tokens[b] + (now - lastNanos[b]) * perNano);
            lastNanos[b] = now;
        }
        if (tokens[b] >= 1) {
            tokens[b] -= 1;
            return true;
        }
        return false;
    }

    int buckets() {
        return mask + 1;
    }

    private int bucketOf(long key) {
        long h = (key ^ seed) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        h *= 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private long nanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
