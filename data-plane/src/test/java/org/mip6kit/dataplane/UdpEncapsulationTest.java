package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * RFC 5555 §4: with an IPv4 care-of address the data goes in UDP through the signalling socket,
 * to and from the endpoint the Binding Update was observed from (the NAT's mapping).
 */
@Tag("small")
class UdpEncapsulationTest {

    private static final Identity MN = Identity.nai("mn1@example.com");
    private static final Ipv6Address V4_CARE_OF = Ipv6Address.parse("::ffff:192.0.2.100");

    private final InetSocketAddress mapping = address("198.51.100.2", 40001);
    private final InetSocketAddress haEndpoint = address("198.51.100.1", 4191);
    private final List<Object[]> sentOverUdp = new ArrayList<>();
    private final UdpDataPath udp = (peer, packet, offset, length) ->
            sentOverUdp.add(new Object[] {peer, Arrays.copyOfRange(packet, offset, offset + length)});

    private final FakeLinks.Device haTun = new FakeLinks.Device();
    private final UserSpaceHomeAgentForwarding ha = new UserSpaceHomeAgentForwarding(
            new HomeAgentDataPlaneSettings("ha0", 1500, Packets.HA,
                    List.of(new RoutedPrefix(Ipv6Address.parse("2001:db8:1::"), 64))), haTun,
            new FakeLinks.Socket(Packets.HA), null);

    private final FakeLinks.Device mnTun = new FakeLinks.Device();
    private final UserSpaceMobileNodeTunnel mn = new UserSpaceMobileNodeTunnel(
            new MobileNodeDataPlaneSettings("mn0", 1500, Packets.HOA, 191, 1000), mnTun, new FakeLinks.Socket(null),
            coa -> new FakeLinks.Socket(coa), null);

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private BindingChange createdBehindNat() {
        return new BindingChange(BindingChange.Kind.CREATED, MN, Packets.HOA, Optional.empty(), V4_CARE_OF,
                Lifetime.ofUnits(100), Optional.of(mapping), false);
    }

    @Test
    void theHomeAgentSendsToTheObservedMappingThroughTheSignallingSocket() {
        ha.attachUdp(udp);
        ha.prepare(createdBehindNat());
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(ha.fromHomeLink(packet, packet.length)).isNull();

        assertThat(sentOverUdp).hasSize(1);
        assertThat(sentOverUdp.get(0)[0]).isEqualTo(mapping);
        assertThat((byte[]) sentOverUdp.get(0)[1]).isEqualTo(packet);
    }

    @Test
    void withoutTheSignallingSocketTheHomeAgentCountsTheSendAsFailed() {
        ha.prepare(createdBehindNat());
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(ha.fromHomeLink(packet, packet.length)).isEqualTo(DropReason.SEND_FAILED);
    }

    @Test
    void theUdpTunnelLeaves28OctetsForItsHeaders() throws Exception {
        ha.attachUdp(udp);
        ha.prepare(createdBehindNat());
        byte[] fits = Packets.ipv6(Packets.CN, Packets.HOA, 1472 - 40);
        byte[] tooBig = Packets.ipv6(Packets.CN, Packets.HOA, 1473 - 40);

        assertThat(ha.fromHomeLink(fits, fits.length)).isNull();
        assertThat(ha.fromHomeLink(tooBig, tooBig.length)).isEqualTo(DropReason.TOO_BIG);

        byte[] ptb = haTun.written.get(0);
        assertThat(((ptb[46] & 0xff) << 8) | (ptb[47] & 0xff)).isEqualTo(1472);
    }

    @Test
    void theHomeAgentForwardsWhatTheMappingSendsAndDropsTheRest() {
        ha.prepare(createdBehindNat());
        byte[] fromHome = Packets.ipv6(Packets.HOA, Packets.CN, 64);
        byte[] spoofed = Packets.ipv6(Packets.STRANGER, Packets.CN, 64);

        assertThat(ha.fromUdpPeer(mapping, fromHome, fromHome.length)).isNull();
        assertThat(ha.fromUdpPeer(address("198.51.100.2", 40002), fromHome, fromHome.length))
                .isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);
        assertThat(ha.fromUdpPeer(mapping, spoofed, spoofed.length)).isEqualTo(DropReason.SPOOFED_INNER_SOURCE);

        assertThat(haTun.written).containsExactly(fromHome);
        assertThat(ha.counters(Packets.HOA).orElseThrow().packetsFromNode()).isEqualTo(1);
    }

    @Test
    void theMobileNodeSendsToTheHomeAgentsIpv4EndpointWithAnIpv4CareOf() {
        mn.attachUdp(udp, haEndpoint);
        mn.registrationChanged(new RegistrationChange(RegistrationChange.Kind.REGISTERED, MN, Packets.HOA, V4_CARE_OF,
                Lifetime.ofUnits(100), false), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.HOA, Packets.CN, 64);

        assertThat(mn.fromTun(packet, packet.length)).isNull();

        assertThat(sentOverUdp).hasSize(1);
        assertThat(sentOverUdp.get(0)[0]).isEqualTo(haEndpoint);
    }

    @Test
    void theMobileNodeDeliversOnlyWhatTheHomeAgentsEndpointSends() {
        mn.attachUdp(udp, haEndpoint);
        mn.registrationChanged(new RegistrationChange(RegistrationChange.Kind.REGISTERED, MN, Packets.HOA, V4_CARE_OF,
                Lifetime.ofUnits(100), false), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(mn.fromUdpPeer(haEndpoint, packet, packet.length)).isNull();
        assertThat(mn.fromUdpPeer(mapping, packet, packet.length)).isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);
        assertThat(mn.fromTunnel(Packets.HA.toBytes(), packet, packet.length))
                .as("no IPv6-in-IPv6 while the tunnel runs over UDP").isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);

        assertThat(mnTun.written).containsExactly(packet);
    }
}
