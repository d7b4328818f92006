package org.mip6kit.wire;

import java.time.Duration;

/**
 * A binding lifetime or refresh interval on the wire: a 16-bit count of 4-second units
 * (RFC 6275 §6.1.7, §6.1.8, §6.2.4). Zero asks for deletion; the largest value, 0xFFFF,
 * is 262 140 seconds.
 */
public record Lifetime(int units) {

    /** Seconds in one unit. */
    public static final int UNIT_SECONDS = 4;
    public static final int MAX_UNITS = 0xFFFF;
    public static final Lifetime ZERO = new Lifetime(0);
    public static final Lifetime MAX = new Lifetime(MAX_UNITS);

    public Lifetime {
        if (units < 0 || units > MAX_UNITS) {
            throw new IllegalArgumentException("lifetime " + units + " units outside 0..65535 (4 s each)");
        }
    }

    /** The lifetime of {@code units}; every value is made once and then shared (the decoder asks for one per message). */
    public static Lifetime ofUnits(int units) {
        if (units < 0 || units > MAX_UNITS) {
            return new Lifetime(units); // throws
        }
        Lifetime[] made = Shared.MADE;
        Lifetime l = made[units];
        if (l == null) {
            // A race makes two equal objects, one of them kept: harmless (final fields, compared by value).
            l = new Lifetime(units);
            made[units] = l;
        }
        return l;
    }

    /** The lifetimes made so far; a table of 65,536 references, allocated on the first {@link #ofUnits}. */
    private static final class Shared {
        static final Lifetime[] MADE = new Lifetime[MAX_UNITS + 1];
    }

    /**
     * The lifetime for a duration, rounded down to whole 4-second units and clamped to
     * {@link #MAX} (a sender may ask for less than it wants, never more than the field holds).
     *
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public static Lifetime ofDuration(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a lifetime cannot be negative: " + d);
        }
        long units = d.getSeconds() / UNIT_SECONDS;
        return new Lifetime((int) Math.min(units, MAX_UNITS));
    }

    public static Lifetime ofSeconds(long seconds) {
        return ofDuration(Duration.ofSeconds(seconds));
    }

    public long seconds() {
        return (long) units * UNIT_SECONDS;
    }

    public Duration toDuration() {
        return Duration.ofSeconds(seconds());
    }

    public boolean isZero() {
        return units == 0;
    }

    /** The smaller of the two. */
    public Lifetime min(Lifetime other) {
        return units <= other.units ? this : other;
    }

    @Override
    public String toString() {
        return seconds() + "s";
    }
}
