package org.mip6kit.dataplane;

import java.net.InetSocketAddress;

import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's checks on a packet that arrived through a tunnel (RFC 6275 §10.4.5: the
 * packet must come from the care-of address registered for the home address that is its inner
 * source; RFC 3963 §6.6 widens the inner source to the mobile router's registered prefixes).
 * Pure: a verdict from the forwarding table and the two addresses.
 */
public final class ReverseTunnelCheck {

    private ReverseTunnelCheck() {
    }

    /**
     * Judges a packet decapsulated from IPv6-in-IPv6.
     *
     * @param routes the forwarding table
     * @param outerSource the outer header's source address (the sender of the tunnel packet)
     * @param inner the inner packet's header
     * @return null when the packet may be forwarded (the binding is then
     *         {@code routes.route(inner.source())}); otherwise why it is dropped:
     *         {@link DropReason#SPOOFED_INNER_SOURCE} when the outer source is some binding's
     *         care-of address but the inner source is not that binding's,
     *         {@link DropReason#UNKNOWN_TUNNEL_SOURCE} when the outer source is no binding's
     *         care-of address
     */
    public static DropReason checkIpv6InIpv6(TunnelRoutes routes, Ipv6Address outerSource, Ipv6Header inner) {
        TunnelBinding owner = routes.route(inner.source());
        if (owner != null && owner.endpoint() instanceof TunnelEndpoint.Ipv6InIpv6 v6
                && v6.careOf().equals(outerSource) && owner.mayUseSource(inner.source())) {
            return null;
        }
        return routes.byCareOf(outerSource) != null ? DropReason.SPOOFED_INNER_SOURCE
                : DropReason.UNKNOWN_TUNNEL_SOURCE;
    }

    /**
     * Judges a packet that arrived UDP-encapsulated (RFC 5555 §4): the outer endpoint must be
     * the one the binding's Binding Update was observed from (its NAT mapping).
     */
    public static DropReason checkUdp(TunnelRoutes routes, InetSocketAddress outerPeer, Ipv6Header inner) {
        InetSocketAddress peer = TunnelRoutes.normalise(outerPeer);
        TunnelBinding owner = routes.route(inner.source());
        if (owner != null && owner.endpoint() instanceof TunnelEndpoint.UdpEncapsulated udp
                && TunnelRoutes.normalise(udp.peer()).equals(peer) && owner.mayUseSource(inner.source())) {
            return null;
        }
        return routes.byUdpPeer(peer) != null ? DropReason.SPOOFED_INNER_SOURCE : DropReason.UNKNOWN_TUNNEL_SOURCE;
    }
}
