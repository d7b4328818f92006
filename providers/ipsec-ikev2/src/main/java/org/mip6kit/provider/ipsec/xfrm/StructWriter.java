package org.mip6kit.provider.ipsec.xfrm;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes into a zero-filled fixed-size struct image: host-order integers, network-order ports. */
final class StructWriter {
    private final ByteBuffer buffer;
    private final int base;

    StructWriter(ByteBuffer buffer) {
        this.buffer = buffer;
        this.base = buffer.position();
    }

    ByteOrder order() { return buffer.order(); }

    StructWriter u8(int at, int value) { buffer.put(base + at, (byte) value); return this; }

    StructWriter u16(int at, int value) { buffer.putShort(base + at, (short) value); return this; }

    StructWriter be16(int at, int value) {
        buffer.put(base + at, (byte) (value >>> 8));
        buffer.put(base + at + 1, (byte) value);
        return this;
    }

    StructWriter u32(int at, int value) { buffer.putInt(base + at, value); return this; }

    StructWriter be32(int at, int value) {
        for (int i = 0; i < 4; i++) {
            buffer.put(base + at + i, (byte) (value >>> (24 - 8 * i)));
        }
        return this;
    }

    StructWriter u64(int at, long value) { buffer.putLong(base + at, value); return this; }

    /** An xfrm_address_t: the address octets at the front of a zeroed 16-octet field. */
    StructWriter address(int at, InetAddress address) {
        byte[] octets = address.getAddress();
        for (int i = 0; i < octets.length; i++) {
            buffer.put(base + at + i, octets[i]);
        }
        return this;
    }

    /** Moves the buffer's position past a struct of {@code size} octets. */
    void finish(int size) { buffer.position(base + size); }

    static int familyOf(InetAddress address) {
        return address instanceof Inet4Address ? XfrmSelector.AF_INET : XfrmSelector.AF_INET6;
    }

    static void requireFamily(String field, InetAddress address, int family) {
        if (address == null) {
            throw new NullPointerException(field);
        }
        if (familyOf(address) != family) {
            throw new IllegalArgumentException(field + " " + address.getHostAddress() + " is not of family " + family);
        }
    }

    static int checkU8(String field, int value) {
        if (value < 0 || value > 0xff) throw new IllegalArgumentException(field + " out of 0..255: " + value);
        return value;
    }

    static int checkU16(String field, int value) {
        if (value < 0 || value > 0xffff) throw new IllegalArgumentException(field + " out of 0..65535: " + value);
        return value;
    }
}
