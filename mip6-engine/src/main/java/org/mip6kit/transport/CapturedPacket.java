package org.mip6kit.transport;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.UdpEncapsulation;

/**
 * One packet as the {@link InMemoryNetwork}'s tap saw it leave its sender: the time on the
 * network's clock, the addressing the sender asked for, the sender's own outer UDP endpoint
 * (before any NAT) when the packet travels encapsulated, and the Mobility Header octets.
 * {@link #toPacket()} rebuilds the whole IP packet, ready for a pcap file
 * ({@code org.mip6kit.wire.pcap.PcapWriter}). Immutable: the octets are copied in and out.
 *
 * @param timestamp   when the packet was sent, on the network's clock
 * @param addressing  the addressing given to {@code send}; {@code outerPeer} is the destination endpoint
 * @param outerSource the sender's outer UDP endpoint, present exactly when {@code outerPeer} is
 * @param octets      the Mobility Header octets
 */
public record CapturedPacket(Instant timestamp, Addressing addressing, Optional<InetSocketAddress> outerSource,
                             byte[] octets) {

    /**
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code outerSource} is present without an outer peer or
     *         the other way round, or the two endpoints are not of one address family
     */
    public CapturedPacket {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(addressing, "addressing");
        Objects.requireNonNull(outerSource, "outerSource");
        octets = Objects.requireNonNull(octets, "octets").clone();
        if (outerSource.isPresent() != addressing.outerPeer().isPresent()) {
            throw new IllegalArgumentException("an outer source goes with an outer peer, and only with one");
        }
        if (outerSource.isPresent()
                && outerSource.get().getAddress().getClass() != addressing.outerPeer().get().getAddress().getClass()) {
            throw new IllegalArgumentException("outer source " + outerSource.get() + " and outer peer "
                    + addressing.outerPeer().get() + " are not of one address family");
        }
    }

    /** A copy of the Mobility Header octets. */
    @Override
    public byte[] octets() {
        return octets.clone();
    }

    /**
     * The whole packet: the inner IPv6 packet with its Home Address option or type 2 routing
     * header, inside IPv4/UDP (RFC 5555) or IPv6/UDP (project extension) when encapsulated.
     *
     * @throws IllegalArgumentException if the octets are empty (the network never captures such a packet)
     */
    public MobilityPacket toPacket() {
        MobilityPacket inner = new MobilityPacket(addressing.source(), addressing.destination(),
                addressing.homeAddressOption(), addressing.routingHeader(), Optional.empty(), octets);
        if (outerSource.isEmpty()) {
            return inner;
        }
        InetSocketAddress from = outerSource.get();
        InetSocketAddress to = addressing.outerPeer().orElseThrow();
        UdpEncapsulation encapsulation;
        if (from.getAddress() instanceof Inet4Address) {
            encapsulation = new UdpEncapsulation.OverIpv4(Ipv4Address.fromBytes(from.getAddress().getAddress(), 0),
                    Ipv4Address.fromBytes(to.getAddress().getAddress(), 0), from.getPort(), to.getPort());
        } else if (from.getAddress() instanceof Inet6Address) {
            encapsulation = new UdpEncapsulation.OverIpv6(Ipv6Address.fromBytes(from.getAddress().getAddress()),
                    Ipv6Address.fromBytes(to.getAddress().getAddress()), from.getPort(), to.getPort());
        } else {
            throw new IllegalStateException("unknown address family: " + from);
        }
        return inner.withUdpEncapsulation(encapsulation);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapturedPacket p && timestamp.equals(p.timestamp) && addressing.equals(p.addressing)
                && outerSource.equals(p.outerSource) && Arrays.equals(octets, p.octets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, addressing, outerSource) * 31 + Arrays.hashCode(octets);
    }

    @Override
    public String toString() {
        return "CapturedPacket[" + timestamp + ", " + addressing
                + outerSource.map(s -> ", outerSource=" + s).orElse("") + ", " + octets.length + " octets]";
    }
}
