package org.mip6kit.wire;

import java.util.Objects;

/**
 * The type 2 routing header (RFC 6275 §6.4): a correspondent or home agent sends to a mobile
 * node's care-of address and names the home address here as the final destination. Of the
 * Mobility Header messages only a Binding Acknowledgement travels with it (docs/protocol-notes.md#home-address-option-and-type-2-routing-header).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  | Hdr Ext Len=2 | Routing Type=2|Segments Left=1|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                            Reserved                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +                                                               +
 *  |                                                               |
 *  +                          Home Address                         +
 *  |                                                               |
 *  +                                                               +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>24 octets, IPv6 Next Header value 43. Reserved is sent as zero and ignored on receipt.
 * Whether the address is one of the receiver's own home addresses is the engine's decision.
 *
 * @param homeAddress the mobile node's home address, the packet's final destination
 */
public record Type2RoutingHeader(Ipv6Address homeAddress) {

    /** IPv6 Next Header value of a routing header (RFC 8200 §4.4). */
    public static final int ROUTING_NEXT_HEADER = 43;
    /** Routing Type of the type 2 routing header. */
    public static final int ROUTING_TYPE = 2;
    /** Hdr Ext Len: 2 units of 8 octets beyond the first 8. */
    public static final int HDR_EXT_LEN = 2;
    /** Segments Left: always 1. */
    public static final int SEGMENTS_LEFT = 1;
    /** Total length in octets. */
    public static final int LENGTH = 24;

    /**
     * @throws NullPointerException if {@code homeAddress} is null
     */
    public Type2RoutingHeader {
        Objects.requireNonNull(homeAddress, "homeAddress");
    }

    /**
     * The 24 octets of the header.
     *
     * @param nextHeader the header that follows (135 for a Mobility Header), 0..255
     * @throws IllegalArgumentException if {@code nextHeader} is outside 0..255
     */
    public byte[] encode(int nextHeader) {
        byte[] out = new byte[LENGTH];
        writeTo(out, 0, nextHeader);
        return out;
    }

    /**
     * Writes the 24 octets of {@link #encode} into {@code out} at {@code offset}.
     *
     * @throws IllegalArgumentException if {@code nextHeader} is outside 0..255
     * @throws IndexOutOfBoundsException if {@code out} has fewer than 24 octets from {@code offset}
     */
    public void writeTo(byte[] out, int offset, int nextHeader) {
        if (nextHeader < 0 || nextHeader > 255) {
            throw new IllegalArgumentException("next header " + nextHeader + " outside 0..255");
        }
        Objects.checkFromIndexSize(offset, LENGTH, out.length);
        out[offset] = (byte) nextHeader;
        out[offset + 1] = (byte) HDR_EXT_LEN;
        out[offset + 2] = (byte) ROUTING_TYPE;
        out[offset + 3] = (byte) SEGMENTS_LEFT;
        out[offset + 4] = 0;
        out[offset + 5] = 0;
        out[offset + 6] = 0;
        out[offset + 7] = 0;
        homeAddress.writeTo(out, offset + 8);
    }

    /**
     * Decodes the routing header at {@code offset}, which must be a type 2 routing header.
     *
     * <p>Checks in order: Routing Type is 2; Hdr Ext Len is 2 and Segments Left is 1 (RFC 6275
     * §6.4: otherwise drop and send ICMPv6 Parameter Problem code 0 pointing at the field);
     * the 24 octets fit in {@code available}. Offsets in the exceptions are indices into
     * {@code bytes}, so a caller passing a whole packet gets packet offsets.
     *
     * @param bytes     the buffer, usually a whole packet
     * @param offset    where the header starts (its Next Header octet)
     * @param available how many octets of {@code bytes} from {@code offset} belong to the packet
     * @throws MobilityHeaderFormatException with {@link FormatReaction#ICMP_PARAMETER_PROBLEM} and
     *         the field's offset for a wrong Hdr Ext Len or Segments Left, or for another Routing
     *         Type with Segments Left above zero (RFC 8200 §4.4); with
     *         {@link FormatReaction#SILENT_DISCARD} for another Routing Type with Segments Left
     *         zero (which RFC 8200 would let a node skip, but which never carries a Mobility
     *         Header this project accepts) and for a truncated header
     * @throws IndexOutOfBoundsException if {@code offset} and {@code available} do not lie
     *         inside {@code bytes} (a caller's bug, not a malformed packet)
     */
    public static Type2RoutingHeader decode(byte[] bytes, int offset, int available)
            throws MobilityHeaderFormatException {
        Objects.checkFromIndexSize(offset, available, bytes.length);
        if (available < 4) {
            throw new MobilityHeaderFormatException("Routing header", offset, FormatReaction.SILENT_DISCARD,
                    "needs " + LENGTH + " octets, the packet has " + available + " left");
        }
        int hdrExtLen = bytes[offset + 1] & 0xFF;
        int routingType = bytes[offset + 2] & 0xFF;
        int segmentsLeft = bytes[offset + 3] & 0xFF;
        if (routingType != ROUTING_TYPE) {
            throw new MobilityHeaderFormatException("Routing Type", offset + 2,
                    segmentsLeft == 0 ? FormatReaction.SILENT_DISCARD : FormatReaction.ICMP_PARAMETER_PROBLEM,
                    "is " + routingType + ", only the type 2 routing header of RFC 6275 §6.4 is accepted");
        }
        if (hdrExtLen != HDR_EXT_LEN) {
            throw new MobilityHeaderFormatException("Hdr Ext Len", offset + 1, FormatReaction.ICMP_PARAMETER_PROBLEM,
                    "is " + hdrExtLen + ", a type 2 routing header must say " + HDR_EXT_LEN + " (RFC 6275 §6.4)");
        }
        if (segmentsLeft != SEGMENTS_LEFT) {
            throw new MobilityHeaderFormatException("Segments Left", offset + 3, FormatReaction.ICMP_PARAMETER_PROBLEM,
                    "is " + segmentsLeft + ", a type 2 routing header must say " + SEGMENTS_LEFT + " (RFC 6275 §6.4)");
        }
        if (available < LENGTH) {
            throw new MobilityHeaderFormatException("Routing header", offset, FormatReaction.SILENT_DISCARD,
                    "needs " + LENGTH + " octets, the packet has " + available + " left");
        }
        return new Type2RoutingHeader(Ipv6Address.fromBytes(bytes, offset + 8));
    }
}
