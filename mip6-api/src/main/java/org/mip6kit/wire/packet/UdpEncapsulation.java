package org.mip6kit.wire.packet;

import java.util.Objects;
import org.mip6kit.wire.InternetChecksum;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * The outer IP and UDP headers that carry a mobile node's IPv6 signalling through an IPv4
 * network (RFC 5555, docs/protocol-notes.md#rfc-5555-udp): the outer addresses and the two UDP ports.
 *
 * <pre>
 *  +----------------------+-------------+--------------------------------------------+
 *  | IPv4 (proto 17)      | UDP         | IPv6 / [Destination Options HAO | RH2] / MH |
 *  | or IPv6 (NH 17) [ext]| sport dport | (the inner packet, see MobilityPacket)     |
 *  +----------------------+-------------+--------------------------------------------+
 * </pre>
 *
 * <p>The home agent listens on {@link MobilityPacket#DSMIPV6_UDP_PORT}; the mobile node picks
 * its source port and the home agent answers to the port it saw. {@link OverIpv4} is the form
 * RFC 5555 defines; {@link OverIpv6} is this project's labelled extension (the same UDP tunnel
 * over an IPv6 outer header) and is not interoperable with other implementations.
 */
public sealed interface UdpEncapsulation permits UdpEncapsulation.OverIpv4, UdpEncapsulation.OverIpv6 {

    /** IP protocol / IPv6 Next Header value of UDP. */
    int UDP_PROTOCOL = 17;

    /** UDP source port, 0..65535. */
    int sourcePort();

    /** UDP destination port, 0..65535. */
    int destinationPort();

    /**
     * The Internet checksum of a UDP datagram over this encapsulation's pseudo-header (RFC 768
     * for IPv4, RFC 8200 §8.1 for IPv6). With the datagram's checksum field zeroed the result is
     * the value to send (a result of 0 is sent as 0xFFFF); over a datagram as received the result
     * is 0 when the checksum is right.
     *
     * @param datagram the buffer holding the UDP header and payload
     * @param offset   where the UDP header starts
     * @param length   UDP header plus payload, in octets
     */
    int udpChecksum(byte[] datagram, int offset, int length);

    /**
     * RFC 5555 UDP encapsulation in IPv4.
     *
     * @param source          outer IPv4 source (the mobile node's IPv4 care-of address, or the
     *                        home agent's IPv4 address on the way back)
     * @param destination     outer IPv4 destination
     * @param sourcePort      UDP source port, 0..65535
     * @param destinationPort UDP destination port, 0..65535
     */
    record OverIpv4(Ipv4Address source, Ipv4Address destination, int sourcePort, int destinationPort)
            implements UdpEncapsulation {

        /**
         * @throws NullPointerException if an address is null
         * @throws IllegalArgumentException if a port is outside 0..65535
         */
        public OverIpv4 {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
            checkPort("source", sourcePort);
            checkPort("destination", destinationPort);
        }

        @Override
        public int udpChecksum(byte[] datagram, int offset, int length) {
            int s = source.toInt();
            int d = destination.toInt();
            long sum = (s >>> 16) + (s & 0xFFFF) + (d >>> 16) + (d & 0xFFFF) + UDP_PROTOCOL + length;
            return InternetChecksum.finish(InternetChecksum.add(sum, datagram, offset, length));
        }
    }

    /**
     * The same UDP tunnel over an outer IPv6 header. <strong>Project extension</strong>, not in
     * RFC 5555; only mip6kit peers understand it.
     *
     * @param source          outer IPv6 source
     * @param destination     outer IPv6 destination
     * @param sourcePort      UDP source port, 0..65535
     * @param destinationPort UDP destination port, 0..65535
     */
    record OverIpv6(Ipv6Address source, Ipv6Address destination, int sourcePort, int destinationPort)
            implements UdpEncapsulation {

        /**
         * @throws NullPointerException if an address is null
         * @throws IllegalArgumentException if a port is outside 0..65535
         */
        public OverIpv6 {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(destination, "destination");
            checkPort("source", sourcePort);
            checkPort("destination", destinationPort);
        }

        @Override
        public int udpChecksum(byte[] datagram, int offset, int length) {
            return InternetChecksum.ipv6(source, destination, UDP_PROTOCOL, datagram, offset, length);
        }
    }

    private static void checkPort(String which, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException(which + " port " + port + " outside 0..65535");
        }
    }
}
