package org.mip6kit.dataplane;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Optional;

import org.mip6kit.spi.BindingChange;
import org.mip6kit.wire.Ipv6Address;

/**
 * Where a binding's tunnel ends at the mobile node's side: an IPv6 care-of address reached with
 * IPv6-in-IPv6 (RFC 2473, outer header 40 octets), or the UDP endpoint a Binding Update with an
 * IPv4 care-of address was observed from (RFC 5555 §4, outer IPv4 and UDP headers, 28 octets).
 */
public sealed interface TunnelEndpoint {

    /** Octets the encapsulation adds in front of the inner IPv6 packet. */
    int overhead();

    /** The endpoint a binding change points at: the observed UDP peer for an IPv4 care-of address. */
    static TunnelEndpoint of(BindingChange change) {
        Optional<InetSocketAddress> peer = change.outerPeer();
        if (change.careOf().isIpv4Mapped() || peer.isPresent() && peer.get().getAddress() instanceof Inet4Address) {
            InetSocketAddress p = peer.orElseThrow(() -> new IllegalArgumentException("an IPv4 care-of address "
                    + change.careOf() + " without the UDP endpoint it was seen from"));
            return new UdpEncapsulated(p);
        }
        return new Ipv6InIpv6(change.careOf());
    }

    /** IPv6-in-IPv6 to an IPv6 care-of address. */
    record Ipv6InIpv6(Ipv6Address careOf) implements TunnelEndpoint {
        /** The outer IPv6 header. */
        public static final int OVERHEAD = 40;

        public Ipv6InIpv6 {
            if (careOf == null || careOf.isIpv4Mapped() || careOf.isMulticast() || careOf.isUnspecified()) {
                throw new IllegalArgumentException("an IPv6-in-IPv6 endpoint needs a unicast IPv6 care-of address");
            }
        }

        @Override
        public int overhead() {
            return OVERHEAD;
        }

        @Override
        public String toString() {
            return "ipv6-in-ipv6 " + careOf;
        }
    }

    /** RFC 5555 UDP encapsulation to the endpoint (after any NAT) the Binding Update came from. */
    record UdpEncapsulated(InetSocketAddress peer) implements TunnelEndpoint {
        /** Outer IPv4 header (20) and UDP header (8). */
        public static final int OVERHEAD = 28;

        public UdpEncapsulated {
            if (peer == null || peer.getAddress() == null || peer.getPort() == 0) {
                throw new IllegalArgumentException("a UDP endpoint needs a resolved address and a port");
            }
        }

        @Override
        public int overhead() {
            return OVERHEAD;
        }

        @Override
        public String toString() {
            return "udp " + peer.getAddress().getHostAddress() + ":" + peer.getPort();
        }
    }
}
