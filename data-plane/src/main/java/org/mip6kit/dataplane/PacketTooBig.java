package org.mip6kit.dataplane;

import org.mip6kit.wire.InternetChecksum;
import org.mip6kit.wire.Ipv6Address;

/**
 * The ICMPv6 Packet Too Big message a tunnel entry point sends back to the source of a packet
 * that does not fit the tunnel (RFC 2473 §7.1, RFC 4443 §3.2):
 * <pre>
 *  IPv6 header: source = the tunnel entry point, destination = the packet's source,
 *               next header 58, hop limit 255
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type (2)    |   Code (0)    |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             MTU                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    as much of the invoking packet as fits in 1280 octets      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The checksum covers the IPv6 pseudo-header (RFC 8200 §8.1).
 */
public final class PacketTooBig {

    /** ICMPv6 type of Packet Too Big. */
    public static final int TYPE = 2;
    /** The IPv6 minimum link MTU, which no ICMPv6 error may exceed (RFC 4443 §2.4 (c)). */
    public static final int MINIMUM_MTU = 1280;
    /** The ICMPv6 header of Packet Too Big: type, code, checksum, MTU. */
    static final int ICMP_HEADER = 8;
    private static final int HOP_LIMIT = 255;

    private PacketTooBig() {
    }

    /**
     * Whether an ICMPv6 error may answer this packet (RFC 4443 §2.4 (e)): not when its source is
     * unspecified or multicast, and not when it is itself an ICMPv6 error message (type below 128).
     */
    public static boolean mayAnswer(byte[] packet, Ipv6Header header) {
        if (header.source().isUnspecified() || header.source().isMulticast()) {
            return false;
        }
        if (header.nextHeader() == Ipv6Header.ICMPV6 && header.payloadLength() >= 1) {
            return (packet[Ipv6Header.LENGTH] & 0xff) >= 128;
        }
        return true;
    }

    /**
     * Builds the message.
     *
     * @param entryPoint the tunnel entry point's address, the message's source
     * @param invoking the packet that was too big, {@code invoking[0, length)}
     * @param header its parsed header (its source is the message's destination)
     * @param mtu the MTU the packet must fit, at least {@value #MINIMUM_MTU}
     * @return the whole IPv6 packet
     */
    public static byte[] build(Ipv6Address entryPoint, byte[] invoking, int length, Ipv6Header header, int mtu) {
        if (mtu < MINIMUM_MTU) {
            throw new IllegalArgumentException("the MTU of a Packet Too Big is at least " + MINIMUM_MTU + ", not " + mtu);
        }
        int quoted = Math.min(length, MINIMUM_MTU - Ipv6Header.LENGTH - ICMP_HEADER);
        int icmpLength = ICMP_HEADER + quoted;
        byte[] out = new byte[Ipv6Header.LENGTH + icmpLength];
        out[0] = 0x60;
        out[4] = (byte) (icmpLength >>> 8);
        out[5] = (byte) icmpLength;
        out[6] = (byte) Ipv6Header.ICMPV6;
        out[7] = (byte) HOP_LIMIT;
        entryPoint.writeTo(out, 8);
        header.source().writeTo(out, 24);
        int icmp = Ipv6Header.LENGTH;
        out[icmp] = (byte) TYPE;
        out[icmp + 1] = 0;
        out[icmp + 4] = (byte) (mtu >>> 24);
        out[icmp + 5] = (byte) (mtu >>> 16);
        out[icmp + 6] = (byte) (mtu >>> 8);
        out[icmp + 7] = (byte) mtu;
        System.arraycopy(invoking, 0, out, icmp + ICMP_HEADER, quoted);
        int checksum = InternetChecksum.ipv6(entryPoint, header.source(), Ipv6Header.ICMPV6, out, icmp, icmpLength);
        out[icmp + 2] = (byte) (checksum >>> 8);
        out[icmp + 3] = (byte) checksum;
        return out;
    }
}
