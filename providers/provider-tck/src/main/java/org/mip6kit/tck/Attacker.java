package org.mip6kit.tck;

import java.net.InetSocketAddress;

import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.transport.InMemoryProviderNetwork.Kind;
import org.mip6kit.wire.Ipv6Address;

/**
 * The kit's attacker: a host of its own on the kit's network ({@link Deployment#ATTACKER_ADDRESS}
 * on {@link Deployment#OUTSIDE_INTERFACE}) that puts any packet on the wire — replays, tampered
 * and forged packets, any source address and port, any Home Address option — but always from
 * outside every tunnel: what it sends to a host arrives on that host's outside interface, never
 * on a tunnel interface, and reaches a NAT's inside only through a mapping the NAT already made.
 */
public final class Attacker {

    private final InMemoryProviderNetwork.Host host;
    private final Ipv6Address address;

    Attacker(InMemoryProviderNetwork.Host host, Ipv6Address address) {
        this.host = host;
        this.address = address;
    }

    public InMemoryProviderNetwork.Host host() {
        return host;
    }

    /** The attacker's own address. */
    public Ipv6Address address() {
        return address;
    }

    /** An endpoint of the attacker's own, for packets it sends without spoofing. */
    public InetSocketAddress endpoint(int port) {
        return new InetSocketAddress(address.toInetAddress(), port);
    }

    /** Sends {@code packet} as it is (source included, however spoofed); the clock is not advanced. */
    public void send(Packet packet) {
        if (packet.kind() == Kind.UDP) {
            host.sendSpoofedDatagram(packet.source(), packet.destination(), packet.octets());
        } else {
            host.sendSpoofedMobilityHeader(packet.octets(), packet.addressing().orElseThrow());
        }
    }
}
