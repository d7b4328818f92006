package org.mip6kit.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum,
 * and the IPv6 upper-layer pseudo-header of RFC 8200 §8.1 that the Mobility Header, UDP and
 * ICMPv6 checksums start from.
 */
public final class InternetChecksum {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {
    }

    /**
     * Adds {@code length} octets at {@code offset} to a running 32-bit one's complement sum
     * (an odd final octet is padded with zero, as RFC 1071 says).
     */
    public static long add(long sum, byte[] data, int offset, int length) {
        // The one's complement sum of 32-bit words folds to the same 16-bit result as that of
        // 16-bit words (RFC 1071 §2(B)), so eight octets are read at a time and added as two
        // 32-bit halves; a long cannot overflow for any length an IP packet can have.
        int i = offset;
        int end = offset + length;
        long wide = 0;
        for (; i + 7 < end; i += 8) {
            long v = (long) LONGS.get(data, i);
            wide += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        sum += (wide >>> 48) + ((wide >>> 32) & 0xFFFF) + ((wide >>> 16) & 0xFFFF) + (wide & 0xFFFF);
        for (; i + 1 < end; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < end) {
            sum += (data[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** Adds the IPv6 pseudo-header: source, destination, upper-layer length, next header. */
    public static long addIpv6PseudoHeader(long sum, Ipv6Address source, Ipv6Address destination,
                                           int upperLayerLength, int nextHeader) {
        sum += fold64(source.high()) + fold64(source.low());
        sum += fold64(destination.high()) + fold64(destination.low());
        sum += (upperLayerLength >>> 16) + (upperLayerLength & 0xFFFF);
        sum += nextHeader & 0xFF;
        return sum;
    }

    /** Folds the running sum to 16 bits and complements it. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** The checksum of a whole buffer with no pseudo-header (the IPv4 header checksum). */
    public static int compute(byte[] data, int offset, int length) {
        return finish(add(0, data, offset, length));
    }

    /**
     * The checksum of an upper-layer message over the IPv6 pseudo-header (RFC 8200 §8.1).
     * The caller zeroes the message's own checksum field first, or verifies by checking
     * that the result over the message as received is 0.
     */
    public static int ipv6(Ipv6Address source, Ipv6Address destination, int nextHeader,
                           byte[] message, int offset, int length) {
        long sum = addIpv6PseudoHeader(0, source, destination, length, nextHeader);
        return finish(add(sum, message, offset, length));
    }

    private static long fold64(long v) {
        return ((v >>> 48) & 0xFFFF) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }
}
