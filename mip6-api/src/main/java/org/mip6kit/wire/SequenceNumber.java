package org.mip6kit.wire;

/**
 * A 16-bit Binding Update sequence number, compared modulo 2^16 (RFC 6275 §9.5.1).
 *
 * <p>{@code x} is newer than {@code y} exactly when {@code 1 <= (x - y) mod 65536 <= 32767};
 * after 15, the values 16..32782 are newer and 0..15, 32783..65535 are not.
 */
public record SequenceNumber(int value) implements Comparable<SequenceNumber> {

    public static final SequenceNumber ZERO = new SequenceNumber(0);

    public SequenceNumber {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("sequence number " + value + " outside 0..65535");
        }
    }

    /** The number {@code value}; every value is made once and then shared (the decoder asks for one per message). */
    public static SequenceNumber of(int value) {
        if (value < 0 || value > 0xFFFF) {
            return new SequenceNumber(value); // throws
        }
        SequenceNumber[] made = Shared.MADE;
        SequenceNumber n = made[value];
        if (n == null) {
            // A race makes two equal objects, one of them kept: harmless (final fields, compared by value).
            n = new SequenceNumber(value);
            made[value] = n;
        }
        return n;
    }

    /** The numbers made so far; a table of 65,536 references, allocated on the first {@link #of}. */
    private static final class Shared {
        static final SequenceNumber[] MADE = new SequenceNumber[0x10000];
    }

    /** True when this number is newer than {@code other} in the RFC 6275 modulo-2^16 sense. */
    public boolean isNewerThan(SequenceNumber other) {
        int d = (value - other.value) & 0xFFFF;
        return d >= 1 && d <= 0x7FFF;
    }

    /** The next number, wrapping from 65535 to 0. */
    public SequenceNumber next() {
        return new SequenceNumber((value + 1) & 0xFFFF);
    }

    /**
     * Orders by the modulo-2^16 rule: negative when {@code this} is older. Not a total order
     * over all 65536 values (it is circular); use it only between numbers less than 2^15 apart.
     */
    @Override
    public int compareTo(SequenceNumber o) {
        return value == o.value ? 0 : (isNewerThan(o) ? 1 : -1);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
