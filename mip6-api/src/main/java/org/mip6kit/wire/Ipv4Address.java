package org.mip6kit.wire;

/**
 * An IPv4 address as an immutable 32-bit value (RFC 5555 options carry these).
 * {@link #toString()} prints dotted-quad text.
 */
public final class Ipv4Address implements Comparable<Ipv4Address> {

    /** {@code 0.0.0.0}: in an IPv4 Home Address option it asks the home agent to allocate one. */
    public static final Ipv4Address ANY = new Ipv4Address(0);

    private final int value;

    private Ipv4Address(int value) {
        this.value = value;
    }

    /** The address whose 32 bits, most significant first, are {@code value}. */
    public static Ipv4Address of(int value) {
        return value == 0 ? ANY : new Ipv4Address(value);
    }

    /** Reads 4 octets at {@code offset}. */
    public static Ipv4Address fromBytes(byte[] bytes, int offset) {
        if (bytes == null || offset < 0 || offset > bytes.length - 4) {
            throw new IllegalArgumentException("an IPv4 address needs 4 octets at offset " + offset);
        }
        return of(((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF));
    }

    /**
     * Parses dotted-quad text, four decimal octets with no leading zeros.
     *
     * @throws IllegalArgumentException if {@code text} is not such a literal
     */
    public static Ipv4Address parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not an IPv4 address literal: null");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address literal: " + text);
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new IllegalArgumentException("not an IPv4 address literal: " + text);
            }
            int octet = 0;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("not an IPv4 address literal: " + text);
                }
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address literal: " + text);
            }
            v = (v << 8) | octet;
        }
        return of(v);
    }

    /** The 32 bits, most significant first. */
    public int toInt() {
        return value;
    }

    public byte[] toBytes() {
        byte[] out = new byte[4];
        writeTo(out, 0);
        return out;
    }

    public void writeTo(byte[] out, int offset) {
        out[offset] = (byte) (value >>> 24);
        out[offset + 1] = (byte) (value >>> 16);
        out[offset + 2] = (byte) (value >>> 8);
        out[offset + 3] = (byte) value;
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Address a && a.value == value;
    }

    @Override
    public int hashCode() {
        return value * 0x9E3779B9;
    }

    @Override
    public String toString() {
        return ((value >>> 24) & 0xFF) + "." + ((value >>> 16) & 0xFF) + "." + ((value >>> 8) & 0xFF) + "." + (value & 0xFF);
    }
}
