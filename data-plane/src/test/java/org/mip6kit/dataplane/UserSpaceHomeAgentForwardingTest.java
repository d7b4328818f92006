package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/** The home agent's packet rules (RFC 6275 §10.4.5, RFC 2473), driven through a fake TUN and socket. */
@Tag("small")
class UserSpaceHomeAgentForwardingTest {

    private static final Identity MN = Identity.nai("mn1@example.com");

    private final FakeLinks.Device tun = new FakeLinks.Device();
    private final FakeLinks.Socket raw = new FakeLinks.Socket(Packets.HA);
    private final UserSpaceHomeAgentForwarding ha = new UserSpaceHomeAgentForwarding(
            new HomeAgentDataPlaneSettings("ha0", 1500, Packets.HA,
                    List.of(new RoutedPrefix(Ipv6Address.parse("2001:db8:1::"), 64))), tun, raw, null);

    @Test
    void encapsulatesAPacketForABoundHomeAddressUnchangedToItsCareOf() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 58, 63, 64);

        assertThat(ha.fromHomeLink(packet, packet.length)).isNull();

        assertThat(raw.sent).hasSize(1);
        assertThat(raw.sent.get(0).destination()).isEqualTo(Packets.COA);
        assertThat(raw.sent.get(0).packet()).as("the inner packet, hop limit as the kernel left it").isEqualTo(packet);
        assertThat(ha.counters(Packets.HOA)).contains(new TrafficCounters(1, 104, 0, 0));
    }

    @Test
    void dropsAndCountsAPacketForAnUnboundHomeAddress() {
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(ha.fromHomeLink(packet, packet.length)).isEqualTo(DropReason.UNBOUND_DESTINATION);

        assertThat(raw.sent).isEmpty();
        assertThat(ha.counters()).containsEntry("dropped-unbound-destination", 1L);
    }

    @Test
    void theFirstPacketAfterPrepareTakesTheNewCareOf() {
        BindingChange created = change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA);
        ha.prepare(created);
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);
        ha.fromHomeLink(packet, packet.length);

        ha.prepare(change(BindingChange.Kind.MOVED, Optional.of(Packets.COA), Packets.COA2));
        ha.fromHomeLink(packet, packet.length);

        assertThat(raw.sent).extracting(FakeLinks.Sent::destination).containsExactly(Packets.COA, Packets.COA2);
        assertThat(ha.counters(Packets.HOA).orElseThrow().packetsToNode()).as("counters survive the move").isEqualTo(2);
    }

    @Test
    void anAbandonedMovePointsTheTunnelBack() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        BindingChange move = change(BindingChange.Kind.MOVED, Optional.of(Packets.COA), Packets.COA2);
        ha.prepare(move);

        ha.abandoned(move);

        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);
        ha.fromHomeLink(packet, packet.length);
        assertThat(raw.sent).extracting(FakeLinks.Sent::destination).containsExactly(Packets.COA);
    }

    @Test
    void anAbandonedCreationLeavesNoRoute() {
        BindingChange created = change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA);
        ha.prepare(created);

        ha.abandoned(created);

        assertThat(ha.counters(Packets.HOA)).isEmpty();
    }

    @Test
    void removalStopsForwarding() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));

        ha.removed(new BindingChange(BindingChange.Kind.DELETED, MN, Packets.HOA, Optional.of(Packets.COA),
                Packets.COA, Lifetime.ZERO, Optional.empty(), false));

        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);
        assertThat(ha.fromHomeLink(packet, packet.length)).isEqualTo(DropReason.UNBOUND_DESTINATION);
    }

    @Test
    void answersAPacketTooBigForTheTunnelWithPacketTooBigFromTheHomeAgent() throws Exception {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 58, 63, 1461 - 40);
        packet[40] = (byte) 128;

        assertThat(ha.fromHomeLink(packet, packet.length)).isEqualTo(DropReason.TOO_BIG);

        assertThat(raw.sent).isEmpty();
        assertThat(tun.written).hasSize(1);
        byte[] ptb = tun.written.get(0);
        Ipv6Header h = Ipv6Header.parse(ptb, ptb.length);
        assertThat(h.source()).isEqualTo(Packets.HA);
        assertThat(h.destination()).isEqualTo(Packets.CN);
        assertThat(ptb[40]).isEqualTo((byte) 2);
        assertThat(((ptb[44] & 0xff) << 24) | ((ptb[45] & 0xff) << 16) | ((ptb[46] & 0xff) << 8) | (ptb[47] & 0xff))
                .isEqualTo(1460);
    }

    @Test
    void aPacketThatFillsTheTunnelMtuExactlyIsSent() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 1460 - 40);

        assertThat(ha.fromHomeLink(packet, packet.length)).isNull();
    }

    @Test
    void forwardsAReverseTunnelledPacketFromTheCareOfIntoTheHost() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        byte[] packet = Packets.ipv6(Packets.HOA, Packets.CN, 64);

        assertThat(ha.fromTunnel(Packets.COA.toBytes(), packet, packet.length)).isNull();

        assertThat(tun.written).containsExactly(packet);
        assertThat(ha.counters(Packets.HOA)).contains(new TrafficCounters(0, 0, 1, 104));
    }

    @Test
    void dropsAndCountsASpoofedInnerSource() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        byte[] packet = Packets.ipv6(Packets.STRANGER, Packets.CN, 64);

        assertThat(ha.fromTunnel(Packets.COA.toBytes(), packet, packet.length))
                .isEqualTo(DropReason.SPOOFED_INNER_SOURCE);

        assertThat(tun.written).isEmpty();
        assertThat(ha.counters()).containsEntry("dropped-spoofed-inner-source", 1L)
                .containsEntry("dropped-unknown-tunnel-source", 0L);
    }

    @Test
    void dropsAndCountsATunnelPacketFromAnAddressThatIsNotTheCareOf() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        byte[] packet = Packets.ipv6(Packets.HOA, Packets.CN, 64);

        assertThat(ha.fromTunnel(Packets.STRANGER.toBytes(), packet, packet.length))
                .isEqualTo(DropReason.UNKNOWN_TUNNEL_SOURCE);

        assertThat(tun.written).isEmpty();
        assertThat(ha.counters()).containsEntry("dropped-unknown-tunnel-source", 1L);
    }

    @Test
    void dropsAMalformedPacket() {
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(ha.fromHomeLink(packet, 50)).isEqualTo(DropReason.MALFORMED);
        assertThat(ha.fromTunnel(Packets.COA.toBytes(), packet, 20)).isEqualTo(DropReason.MALFORMED);
        assertThat(ha.dropped(DropReason.MALFORMED)).isEqualTo(2);
    }

    @Test
    void neverTunnelsMulticast() {
        byte[] mld = Packets.ipv6(Packets.HA, Ipv6Address.parse("ff02::16"), 64);

        assertThat(ha.fromHomeLink(mld, mld.length)).isEqualTo(DropReason.NOT_TUNNELLED_SCOPE);
    }

    @Test
    void countsASendTheKernelRefused() {
        ha.prepare(change(BindingChange.Kind.CREATED, Optional.empty(), Packets.COA));
        raw.failNext = new java.io.IOException("no route");
        byte[] packet = Packets.ipv6(Packets.CN, Packets.HOA, 64);

        assertThat(ha.fromHomeLink(packet, packet.length)).isEqualTo(DropReason.SEND_FAILED);
        assertThat(ha.counters(Packets.HOA)).contains(TrafficCounters.ZERO);
    }

    private static BindingChange change(BindingChange.Kind kind, Optional<Ipv6Address> previous, Ipv6Address coa) {
        return new BindingChange(kind, MN, Packets.HOA, previous, coa, Lifetime.ofUnits(100), Optional.empty(), false);
    }
}
