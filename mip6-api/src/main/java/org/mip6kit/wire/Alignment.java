package org.mip6kit.wire;

/**
 * An option alignment requirement {@code xn+y} (RFC 6275 §6.2, RFC 8200 §4.2): the option's
 * Type octet must sit at an offset from the start of the Mobility Header that is {@code y}
 * modulo {@code x}. {@code x} is 1, 2, 4 or 8.
 */
public record Alignment(int x, int y) {

    /** No requirement. */
    public static final Alignment NONE = new Alignment(1, 0);

    public Alignment {
        if (x != 1 && x != 2 && x != 4 && x != 8) {
            throw new IllegalArgumentException("alignment multiple must be 1, 2, 4 or 8, got " + x);
        }
        if (y < 0 || y >= x) {
            throw new IllegalArgumentException("alignment offset must be in 0.." + (x - 1) + ", got " + y);
        }
    }

    public static Alignment of(int x, int y) {
        return new Alignment(x, y);
    }

    /** Octets of padding needed before an option that would otherwise start at {@code offset}. */
    public int paddingBefore(int offset) {
        return Math.floorMod(y - offset, x);
    }

    @Override
    public String toString() {
        return x == 1 ? "none" : (y == 0 ? x + "n" : x + "n+" + y);
    }
}
