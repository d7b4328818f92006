package org.mip6kit.dataplane;

import org.mip6kit.wire.Ipv6Address;

/**
 * The fixed IPv6 header of a packet the data plane forwards (RFC 8200 §3), read strictly:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Source Address (16 octets, offset 8)          |
 * |              Destination Address (16 octets, offset 24)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The data plane forwards the packet's octets unchanged; it reads only what its rules need.
 *
 * @param payloadLength the Payload Length field (never 0: jumbograms are not forwarded)
 * @param nextHeader the Next Header field
 * @param hopLimit the Hop Limit field
 * @param source the source address
 * @param destination the destination address
 */
public record Ipv6Header(int payloadLength, int nextHeader, int hopLimit, Ipv6Address source,
                         Ipv6Address destination) {

    /** Octets in the fixed header. */
    public static final int LENGTH = 40;
    /** Next Header value of ICMPv6. */
    public static final int ICMPV6 = 58;
    /** Next Header value of an encapsulated IPv6 packet (RFC 2473). */
    public static final int IPV6 = 41;

    public Ipv6Header {
        if (payloadLength < 1 || payloadLength > 0xffff || nextHeader < 0 || nextHeader > 255 || hopLimit < 0
                || hopLimit > 255 || source == null || destination == null) {
            throw new IllegalArgumentException("invalid IPv6 header field");
        }
    }

    /**
     * Reads the header of the packet in {@code packet[0, length)}.
     *
     * @throws PacketFormatException when the packet is shorter than the header, is not version
     *         6, has payload length 0 (a jumbogram) or a payload length other than
     *         {@code length - 40}
     */
    public static Ipv6Header parse(byte[] packet, int length) throws PacketFormatException {
        if (length < LENGTH || length > packet.length) {
            throw new PacketFormatException("IPv6 header", 0, "the packet has " + length + " octets, fewer than "
                    + LENGTH);
        }
        int version = (packet[0] & 0xff) >>> 4;
        if (version != 6) {
            throw new PacketFormatException("Version", 0, "is " + version + ", not 6");
        }
        int payload = ((packet[4] & 0xff) << 8) | (packet[5] & 0xff);
        if (payload == 0) {
            throw new PacketFormatException("Payload Length", 4, "is 0 (jumbograms are not forwarded)");
        }
        if (payload != length - LENGTH) {
            throw new PacketFormatException("Payload Length", 4, "says " + payload + " but " + (length - LENGTH)
                    + " octets follow the header");
        }
        return new Ipv6Header(payload, packet[6] & 0xff, packet[7] & 0xff, Ipv6Address.fromBytes(packet, 8),
                Ipv6Address.fromBytes(packet, 24));
    }
}
