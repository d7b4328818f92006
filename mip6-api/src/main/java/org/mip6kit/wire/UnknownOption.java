package org.mip6kit.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A mobility option whose type no registered codec knows. RFC 6275 §6.2.1: a receiver skips
 * it and processes the rest; it keeps its octets so it can be shown, forwarded or re-encoded
 * unchanged (with no alignment requirement).
 */
public final class UnknownOption implements MobilityOption {

    private final int type;
    private final byte[] data;

    public UnknownOption(int type, byte[] data) {
        if (type < 2 || type > 255) {
            throw new IllegalArgumentException("option type " + type + " outside 2..255 (0 and 1 are padding)");
        }
        if (data == null || data.length > 255) {
            throw new IllegalArgumentException("option data is 0..255 octets");
        }
        this.type = type;
        this.data = data.clone();
    }

    @Override
    public int type() {
        return type;
    }

    /** A copy of the option data (after Type and Length). */
    public byte[] data() {
        return data.clone();
    }

    int dataLength() {
        return data.length;
    }

    void writeData(byte[] out, int offset) {
        System.arraycopy(data, 0, out, offset, data.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownOption u && u.type == type && Arrays.equals(u.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "UnknownOption[type=" + type + ", data=" + HexFormat.of().formatHex(data) + "]";
    }
}
