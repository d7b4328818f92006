package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * A mobile router's packet rules (RFC 3963 §5.5): its mobile network prefixes enter the reverse
 * tunnel and are delivered from it like the home address; anything else is dropped and counted.
 */
@Tag("small")
class MobileRouterTunnelTest {

    private static final RoutedPrefix NETWORK = new RoutedPrefix(Ipv6Address.parse("2001:db8:100:1::"), 64);
    private static final RoutedPrefix SECOND = new RoutedPrefix(Ipv6Address.parse("2001:db8:200::"), 48);
    private static final Ipv6Address HOST = Ipv6Address.parse("2001:db8:100:1::5");
    private static final Ipv6Address HOST2 = Ipv6Address.parse("2001:db8:200:7::9");
    private static final Ipv6Address OUTSIDE = Ipv6Address.parse("2001:db8:100:2::5");

    private final FakeLinks.Device tun = new FakeLinks.Device();
    private final List<FakeLinks.Socket> senders = new ArrayList<>();
    private final UserSpaceMobileNodeTunnel router = new UserSpaceMobileNodeTunnel(
            new MobileNodeDataPlaneSettings("mr0", 1500, Packets.HOA, 191, 1000, List.of(NETWORK, SECOND)), tun,
            new FakeLinks.Socket(null), coa -> {
                FakeLinks.Socket s = new FakeLinks.Socket(coa);
                senders.add(s);
                return s;
            }, null);

    @Test
    void reverseTunnelsPacketsFromEveryMobileNetworkPrefix() {
        registered();
        byte[] first = Packets.ipv6(HOST, Packets.CN, 64);
        byte[] second = Packets.ipv6(HOST2, Packets.CN, 32);

        assertThat(router.fromTun(first, first.length)).isNull();
        assertThat(router.fromTun(second, second.length)).isNull();

        assertThat(senders.get(0).sent).extracting(FakeLinks.Sent::packet).containsExactly(first, second);
        assertThat(senders.get(0).sent).extracting(FakeLinks.Sent::destination).containsOnly(Packets.HA);
        assertThat(router.counters()).containsEntry("packets-to-home-agent", 2L);
    }

    @Test
    void dropsAForwardedPacketFromOutsideThePrefixes() {
        registered();
        byte[] packet = Packets.ipv6(OUTSIDE, Packets.CN, 64);

        assertThat(router.fromTun(packet, packet.length)).isEqualTo(DropReason.NOT_FROM_HOME_ADDRESS);

        assertThat(senders.get(0).sent).isEmpty();
        assertThat(router.counters()).containsEntry("dropped-not-from-home-address", 1L);
    }

    @Test
    void deliversPacketsForTheMobileNetworkToTheTunDevice() {
        registered();
        byte[] packet = Packets.ipv6(Packets.CN, HOST, 64);

        assertThat(router.fromTunnel(Packets.HA.toBytes(), packet, packet.length)).isNull();

        assertThat(tun.written).containsExactly(packet);
        assertThat(router.counters()).containsEntry("packets-from-home-agent", 1L);
    }

    @Test
    void dropsAndCountsADecapsulatedPacketForNeitherTheHomeAddressNorAPrefix() {
        registered();
        byte[] packet = Packets.ipv6(Packets.CN, OUTSIDE, 64);

        assertThat(router.fromTunnel(Packets.HA.toBytes(), packet, packet.length))
                .isEqualTo(DropReason.NOT_FOR_HOME_ADDRESS);

        assertThat(tun.written).isEmpty();
        assertThat(router.counters()).containsEntry("dropped-not-for-home-address", 1L)
                .containsEntry("packets-from-home-agent", 0L);
    }

    @Test
    void dropsAPacketForThePrefixThatDidNotComeFromTheHomeAgent() {
        registered();
        byte[] packet = Packets.ipv6(Packets.CN, HOST, 64);

        assertThat(router.fromTunnel(Packets.STRANGER.toBytes(), packet, packet.length))
                .isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);
        assertThat(tun.written).isEmpty();
    }

    @Test
    void aMobileHostDoesNotForwardForAPrefix() {
        UserSpaceMobileNodeTunnel host = new UserSpaceMobileNodeTunnel(
                new MobileNodeDataPlaneSettings("mn0", 1500, Packets.HOA, 191, 1000), tun,
                new FakeLinks.Socket(null), FakeLinks.Socket::new, null);
        host.registrationChanged(change(), Packets.HA);
        byte[] in = Packets.ipv6(Packets.CN, HOST, 64);
        byte[] out = Packets.ipv6(HOST, Packets.CN, 64);

        assertThat(host.fromTunnel(Packets.HA.toBytes(), in, in.length)).isEqualTo(DropReason.NOT_FOR_HOME_ADDRESS);
        assertThat(host.fromTun(out, out.length)).isEqualTo(DropReason.NOT_FROM_HOME_ADDRESS);
    }

    @Test
    void rejectsAPrefixContainingTheHomeAddress() {
        RoutedPrefix home = new RoutedPrefix(Ipv6Address.parse("2001:db8:1::"), 64);

        assertThatThrownBy(() -> new MobileNodeDataPlaneSettings("mr0", 1500, Packets.HOA, 191, 1000, List.of(home)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains the home address");
    }

    private void registered() {
        router.registrationChanged(change(), Packets.HA);
    }

    private static RegistrationChange change() {
        return new RegistrationChange(RegistrationChange.Kind.REGISTERED, Identity.nai("mr1@example.org"), Packets.HOA,
                Packets.COA, Lifetime.ofUnits(100), false);
    }
}
