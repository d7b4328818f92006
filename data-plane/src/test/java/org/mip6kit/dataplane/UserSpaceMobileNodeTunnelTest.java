package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.Lifetime;

/** The mobile node's packet rules (RFC 6275 §11.3.1), driven through a fake TUN and sockets. */
@Tag("small")
class UserSpaceMobileNodeTunnelTest {

    private final FakeLinks.Device tun = new FakeLinks.Device();
    private final FakeLinks.Socket receiver = new FakeLinks.Socket(null);
    private final List<FakeLinks.Socket> senders = new ArrayList<>();
    private final UserSpaceMobileNodeTunnel mn = new UserSpaceMobileNodeTunnel(
            new MobileNodeDataPlaneSettings("mn0", 1500, Packets.HOA, 191, 1000), tun, receiver, coa -> {
                FakeLinks.Socket s = new FakeLinks.Socket(coa);
                senders.add(s);
                return s;
            }, null);

    @Test
    void reverseTunnelsFromTheCareOfTheAcknowledgementAccepted() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.HOA, Packets.CN, 64);

        assertThat(mn.fromTun(packet, packet.length)).isNull();

        assertThat(senders).hasSize(1);
        assertThat(senders.get(0).local).isEqualTo(Packets.COA);
        assertThat(senders.get(0).sent).hasSize(1);
        assertThat(senders.get(0).sent.get(0).destination()).isEqualTo(Packets.HA);
        assertThat(senders.get(0).sent.get(0).packet()).isEqualTo(packet);
    }

    @Test
    void aMoveSwitchesTheOuterSourceAndClosesTheOldSocket() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);

        mn.registrationChanged(change(RegistrationChange.Kind.MOVED, Packets.COA2), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.HOA, Packets.CN, 64);
        mn.fromTun(packet, packet.length);

        assertThat(senders).extracting(s -> s.local).containsExactly(Packets.COA, Packets.COA2);
        assertThat(senders.get(0).closed).isTrue();
        assertThat(senders.get(0).sent).isEmpty();
        assertThat(senders.get(1).sent).hasSize(1);
        assertThat(mn.counters()).containsEntry("endpoint-switches", 2L);
    }

    @Test
    void aRefreshAtTheSameCareOfKeepsTheSocket() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);

        mn.registrationChanged(change(RegistrationChange.Kind.REFRESHED, Packets.COA), Packets.HA);

        assertThat(senders).hasSize(1);
        assertThat(senders.get(0).closed).isFalse();
    }

    @Test
    void nothingIsTunnelledAfterDeregistration() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);

        mn.registrationChanged(change(RegistrationChange.Kind.DEREGISTERED, Packets.COA), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.HOA, Packets.CN, 64);

        assertThat(mn.fromTun(packet, packet.length)).isEqualTo(DropReason.NOT_REGISTERED);
        assertThat(senders.get(0).closed).isTrue();
    }

    @Test
    void onlyTheHomeAddressEntersTheTunnel() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.COA, Packets.CN, 64);

        assertThat(mn.fromTun(packet, packet.length)).isEqualTo(DropReason.NOT_FROM_HOME_ADDRESS);
    }

    @Test
    void deliversWhatTheHomeAgentTunnelledToTheHomeAddress() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(mn.fromTunnel(Packets.HA.toBytes(), packet, packet.length)).isNull();

        assertThat(tun.written).containsExactly(packet);
        assertThat(mn.counters()).containsEntry("packets-from-home-agent", 1L).containsEntry("bytes-from-home-agent", 104L);
    }

    @Test
    void dropsATunnelPacketThatDidNotComeFromTheHomeAgent() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(mn.fromTunnel(Packets.STRANGER.toBytes(), packet, packet.length))
                .isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);
        assertThat(tun.written).isEmpty();
    }

    @Test
    void dropsATunnelledPacketForAnotherAddress() {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA2, 64);

        assertThat(mn.fromTunnel(Packets.HA.toBytes(), packet, packet.length))
                .isEqualTo(DropReason.NOT_FOR_HOME_ADDRESS);
    }

    @Test
    void answersATooBigPacketWithPacketTooBigToTheHost() throws Exception {
        mn.registrationChanged(change(RegistrationChange.Kind.REGISTERED, Packets.COA), Packets.HA);
        byte[] packet = Packets.ipv6(Packets.HOA, Packets.CN, 1461 - 40);

        assertThat(mn.fromTun(packet, packet.length)).isEqualTo(DropReason.TOO_BIG);

        Ipv6Header h = Ipv6Header.parse(tun.written.get(0), tun.written.get(0).length);
        assertThat(h.destination()).isEqualTo(Packets.HOA);
        assertThat(h.nextHeader()).isEqualTo(58);
    }

    private static RegistrationChange change(RegistrationChange.Kind kind, org.mip6kit.wire.Ipv6Address coa) {
        return new RegistrationChange(kind, Identity.nai("mn1@example.com"), Packets.HOA, coa,
                kind == RegistrationChange.Kind.DEREGISTERED ? Lifetime.ZERO : Lifetime.ofUnits(100), false);
    }
}
