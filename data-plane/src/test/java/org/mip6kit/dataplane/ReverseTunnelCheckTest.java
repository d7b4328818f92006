package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.Ipv6Address;

/** RFC 6275 §10.4.5: a reverse-tunnelled packet comes from the care-of address bound to its inner source. */
@Tag("small")
class ReverseTunnelCheckTest {

    private final TunnelRoutes routes = new TunnelRoutes();

    ReverseTunnelCheckTest() {
        routes.put(new TunnelBinding(Packets.HOA, new TunnelEndpoint.Ipv6InIpv6(Packets.COA),
                List.of(new RoutedPrefix(Ipv6Address.parse("2001:db8:1:8::"), 64))));
        routes.put(new TunnelBinding(Packets.HOA2, new TunnelEndpoint.Ipv6InIpv6(Packets.COA2), List.of()));
    }

    @Test
    void acceptsTheHomeAddressFromItsCareOf() {
        assertThat(ReverseTunnelCheck.checkIpv6InIpv6(routes, Packets.COA, inner(Packets.HOA))).isNull();
    }

    @Test
    void acceptsARegisteredPrefixFromTheBindingsCareOf() {
        assertThat(ReverseTunnelCheck.checkIpv6InIpv6(routes, Packets.COA,
                inner(Ipv6Address.parse("2001:db8:1:8::7")))).isNull();
    }

    @Test
    void dropsAnInnerSourceThatIsNoBoundHomeAddressAsSpoofed() {
        assertThat(ReverseTunnelCheck.checkIpv6InIpv6(routes, Packets.COA, inner(Packets.CN)))
                .isEqualTo(DropReason.SPOOFED_INNER_SOURCE);
    }

    @Test
    void dropsAnotherNodesHomeAddressFromThisCareOfAsSpoofed() {
        assertThat(ReverseTunnelCheck.checkIpv6InIpv6(routes, Packets.COA, inner(Packets.HOA2)))
                .isEqualTo(DropReason.SPOOFED_INNER_SOURCE);
    }

    @Test
    void dropsTheHomeAddressFromAnAddressThatIsNoCareOf() {
        assertThat(ReverseTunnelCheck.checkIpv6InIpv6(routes, Packets.STRANGER, inner(Packets.HOA)))
                .isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);
    }

    @Test
    void udpPacketsMustComeFromTheObservedMapping() throws Exception {
        TunnelRoutes udp = new TunnelRoutes();
        InetSocketAddress mapping = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 40001);
        udp.put(new TunnelBinding(Packets.HOA, new TunnelEndpoint.UdpEncapsulated(mapping), List.of()));

        assertThat(ReverseTunnelCheck.checkUdp(udp, mapping, inner(Packets.HOA))).isNull();
        assertThat(ReverseTunnelCheck.checkUdp(udp, new InetSocketAddress(mapping.getAddress(), 40002),
                inner(Packets.HOA))).isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);
        assertThat(ReverseTunnelCheck.checkUdp(udp, mapping, inner(Packets.CN)))
                .isEqualTo(DropReason.SPOOFED_INNER_SOURCE);
    }

    private static Ipv6Header inner(Ipv6Address source) {
        return new Ipv6Header(8, 59, 64, source, Packets.CN);
    }
}
