package org.mip6kit.provider.ipsec.xfrm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Bounded reads over one window of a netlink message. Every read checks the length first and
 * reports the field name and the absolute offset; netlink integers are in the given host order,
 * ports and SPIs in network order.
 */
final class StructReader {
    private final byte[] data;
    private final int base;
    private final int limit;
    private final ByteOrder order;

    StructReader(byte[] data, int base, int limit, ByteOrder order) {
        this.data = data;
        this.base = base;
        this.limit = limit;
        this.order = order;
    }

    ByteOrder order() { return order; }

    int base() { return base; }

    int limit() { return limit; }

    /** A reader over {@code [base + from, base + from + length)}, checked to lie inside this one. */
    StructReader window(String field, int from, int length) throws NetlinkFormatException {
        require(field, from, length);
        return new StructReader(data, base + from, base + from + length, order);
    }

    void require(String field, int at, int length) throws NetlinkFormatException {
        if (at < 0 || length < 0 || base + at + length > limit) {
            throw new NetlinkFormatException(field, base + at,
                    "needs " + length + " octets, " + Math.max(0, limit - base - at) + " left");
        }
    }

    int u8(String field, int at) throws NetlinkFormatException {
        require(field, at, 1);
        return data[base + at] & 0xff;
    }

    int u16(String field, int at) throws NetlinkFormatException {
        require(field, at, 2);
        return ByteBuffer.wrap(data, base + at, 2).order(order).getShort() & 0xffff;
    }

    int be16(String field, int at) throws NetlinkFormatException {
        require(field, at, 2);
        return ((data[base + at] & 0xff) << 8) | (data[base + at + 1] & 0xff);
    }

    int u32(String field, int at) throws NetlinkFormatException {
        require(field, at, 4);
        return ByteBuffer.wrap(data, base + at, 4).order(order).getInt();
    }

    int be32(String field, int at) throws NetlinkFormatException {
        require(field, at, 4);
        return ByteBuffer.wrap(data, base + at, 4).order(ByteOrder.BIG_ENDIAN).getInt();
    }

    long u64(String field, int at) throws NetlinkFormatException {
        require(field, at, 8);
        return ByteBuffer.wrap(data, base + at, 8).order(order).getLong();
    }

    byte[] bytes(String field, int at, int length) throws NetlinkFormatException {
        require(field, at, length);
        return Arrays.copyOfRange(data, base + at, base + at + length);
    }

    /** An xfrm_address_t (16 octets): IPv4 in the first four octets, IPv6 in all sixteen. */
    InetAddress address(String field, int at, int family) throws NetlinkFormatException {
        require(field, at, 16);
        int length;
        if (family == XfrmSelector.AF_INET) {
            length = 4;
        } else if (family == XfrmSelector.AF_INET6) {
            length = 16;
        } else {
            throw new NetlinkFormatException(field, base + at, "unknown address family " + family);
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(data, base + at, base + at + length));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
