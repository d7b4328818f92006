package org.mip6kit.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv6 address as an immutable value of 128 bits.
 *
 * <p>Used instead of {@link Inet6Address} because the JDK silently turns IPv4-mapped
 * addresses ({@code ::ffff:a.b.c.d}, which RFC 5555 puts in the inner IPv6 header) into
 * {@link Inet4Address}, and because two {@code long}s compare and hash without allocation.
 * {@link #toString()} prints the RFC 5952 canonical text form.
 */
public final class Ipv6Address implements Comparable<Ipv6Address> {

    /** The unspecified address {@code ::} (RFC 4291 §2.5.2). */
    public static final Ipv6Address UNSPECIFIED = new Ipv6Address(0L, 0L);

    private final long high;
    private final long low;

    private Ipv6Address(long high, long low) {
        this.high = high;
        this.low = low;
    }

    /** The address whose first 64 bits are {@code high} and last 64 bits are {@code low}. */
    public static Ipv6Address of(long high, long low) {
        return high == 0 && low == 0 ? UNSPECIFIED : new Ipv6Address(high, low);
    }

    /** Reads 16 octets at {@code offset}. */
    public static Ipv6Address fromBytes(byte[] bytes, int offset) {
        if (bytes == null || offset < 0 || offset > bytes.length - 16) {
            throw new IllegalArgumentException("an IPv6 address needs 16 octets at offset " + offset);
        }
        return of(readLong(bytes, offset), readLong(bytes, offset + 8));
    }

    /** The address held in exactly 16 octets. */
    public static Ipv6Address fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != 16) {
            throw new IllegalArgumentException("an IPv6 address is 16 octets, got "
                    + (bytes == null ? "null" : bytes.length));
        }
        return fromBytes(bytes, 0);
    }

    /** The IPv4-mapped address {@code ::ffff:a.b.c.d} (RFC 4291 §2.5.5.2). */
    public static Ipv6Address ipv4Mapped(Ipv4Address v4) {
        return of(0L, 0x0000_FFFF_0000_0000L | (v4.toInt() & 0xFFFF_FFFFL));
    }

    /**
     * Parses an IPv6 literal such as {@code 2001:db8::1} or {@code ::ffff:192.0.2.1}.
     *
     * @throws IllegalArgumentException if {@code text} is not an IPv6 literal; no name lookup
     *         is ever made
     */
    public static Ipv6Address parse(String text) {
        if (text == null || text.indexOf(':') < 0 || text.indexOf('%') >= 0 || text.length() > 45) {
            throw new IllegalArgumentException("not an IPv6 address literal: " + text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == ':' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException("not an IPv6 address literal: " + text);
            }
        }
        InetAddress parsed;
        try {
            // A literal made only of hex digits, ':' and '.' is never looked up in DNS.
            parsed = InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address literal: " + text, e);
        }
        if (parsed instanceof Inet4Address v4) {
            return ipv4Mapped(Ipv4Address.fromBytes(v4.getAddress(), 0));
        }
        return fromBytes(parsed.getAddress());
    }

    /** The first 64 bits. */
    public long high() {
        return high;
    }

    /** The last 64 bits. */
    public long low() {
        return low;
    }

    /** A fresh copy of the 16 octets. */
    public byte[] toBytes() {
        byte[] out = new byte[16];
        writeTo(out, 0);
        return out;
    }

    /** Writes the 16 octets at {@code offset}. */
    public void writeTo(byte[] out, int offset) {
        writeLong(out, offset, high);
        writeLong(out, offset + 8, low);
    }

    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    public boolean isMulticast() {
        return (high >>> 56) == 0xFF;
    }

    public boolean isLoopback() {
        return high == 0 && low == 1;
    }

    public boolean isLinkLocal() {
        return (high >>> 54) == (0xFE80L >>> 6);
    }

    /** True for {@code ::ffff:0:0/96}. */
    public boolean isIpv4Mapped() {
        return high == 0 && (low >>> 32) == 0xFFFFL;
    }

    /** The embedded IPv4 address of an IPv4-mapped address. */
    public Ipv4Address embeddedIpv4() {
        if (!isIpv4Mapped()) {
            throw new IllegalStateException(this + " is not an IPv4-mapped address");
        }
        return Ipv4Address.of((int) low);
    }

    /** True when the first {@code prefixLength} bits equal those of {@code prefix}. */
    public boolean hasPrefix(Ipv6Address prefix, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0..128");
        }
        if (prefixLength <= 64) {
            long mask = prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
            return (high & mask) == (prefix.high & mask);
        }
        long mask = prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
        return high == prefix.high && (low & mask) == (prefix.low & mask);
    }

    /** This address with every bit after {@code prefixLength} cleared. */
    public Ipv6Address maskedTo(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0..128");
        }
        if (prefixLength <= 64) {
            long mask = prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
            return of(high & mask, 0);
        }
        long mask = prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
        return of(high, low & mask);
    }

    /** The JDK form; an IPv4-mapped address comes back as the JDK's {@link Inet4Address}. */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new AssertionError("16 octets are always a valid address", e);
        }
    }

    @Override
    public int compareTo(Ipv6Address o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6Address a && a.high == high && a.low == low;
    }

    @Override
    public int hashCode() {
        long h = high * 0x9E3779B97F4A7C15L ^ low;
        return (int) (h ^ (h >>> 32));
    }

    /** RFC 5952 text: lower case, leading zeros dropped, the longest run (2+) of zero groups as {@code ::}. */
    @Override
    public String toString() {
        if (isIpv4Mapped()) {
            return "::ffff:" + embeddedIpv4();
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (high >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static void writeLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
