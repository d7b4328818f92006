package org.mip6kit.provider.tls.protect;

/**
 * The 4-bit packet type (PType) in front of the 28-bit SPI of an RFC 6618 packet (RFC 6618 §6).
 * A fixed field with three defined values; any other value is reported as
 * {@link VerifyFailure#UNKNOWN_PTYPE} by {@link PacketProtection#peekType(byte[])} callers.
 */
public enum PacketType {
    /** 0: a packet sent in the clear; SPI and sequence number are zero. Never carries signalling. */
    PLAINTEXT(0),
    /** 1: a protected IP packet (data traffic tunnelled through the home agent). */
    IP_PACKET(1),
    /** 8: a protected Mobility Header message with no IP header in front of it (BU, BA, ...). */
    MOBILITY_HEADER(8);

    private final int code;

    PacketType(int code) {
        this.code = code;
    }

    /** The 4-bit value on the wire. */
    public int code() {
        return code;
    }

    /** The type with this 4-bit value, or {@code null} if the value is not defined. */
    public static PacketType ofCode(int code) {
        switch (code) {
            case 0:
                return PLAINTEXT;
            case 1:
                return IP_PACKET;
            case 8:
                return MOBILITY_HEADER;
            default:
                return null;
        }
    }
}
