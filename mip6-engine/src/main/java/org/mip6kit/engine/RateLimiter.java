package org.mip6kit.engine;

import java.time.Clock;
import java.time.Duration;

/**
 * A token bucket on an injected clock: at most {@code burst} permits at once, refilled at
 * {@code perSecond}. Used for MAX_UPDATE_RATE (RFC 6275 §11.8: 3 BUs per second to one
 * destination), Binding Errors and failure log lines. Thread-safe.
 */
public final class RateLimiter {

    private final Clock clock;
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    public RateLimiter(Clock clock, double perSecond, int burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.clock = clock;
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    /** Takes a permit if one is available now. */
    public synchronized boolean tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until a permit will be available (zero if one is now). Does not take it. */
    public synchronized Duration timeUntilAvailable() {
        refill();
        if (tokens >= 1) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
    }

    private void refill() {
        long now = nanos();
        if (now > lastNanos) {
            tokens = Math.min(burst, tokens + (now - lastNanos) * perNano);
            lastNanos = now;
        }
    }

    private long nanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
