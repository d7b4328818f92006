package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.Ipv6Address;

@Tag("small")
class TunnelRoutesTest {

    private final TunnelRoutes routes = new TunnelRoutes();

    @Test
    void routesAHomeAddressToItsCareOf() {
        routes.put(new TunnelBinding(Packets.HOA, new TunnelEndpoint.Ipv6InIpv6(Packets.COA), List.of()));

        assertThat(routes.route(Packets.HOA).endpoint()).isEqualTo(new TunnelEndpoint.Ipv6InIpv6(Packets.COA));
        assertThat(routes.route(Packets.HOA2)).isNull();
    }

    @Test
    void routesExtraPrefixesIntoTheSameTunnel() {
        RoutedPrefix mnp = new RoutedPrefix(Ipv6Address.parse("2001:db8:1:8::"), 64);
        routes.put(new TunnelBinding(Packets.HOA, new TunnelEndpoint.Ipv6InIpv6(Packets.COA), List.of(mnp)));

        assertThat(routes.route(Ipv6Address.parse("2001:db8:1:8::42")).homeAddress()).isEqualTo(Packets.HOA);
        assertThat(routes.route(Ipv6Address.parse("2001:db8:1:9::42"))).isNull();
    }

    @Test
    void aHomeAddressWinsOverAPrefixThatContainsIt() {
        Ipv6Address other = Ipv6Address.parse("2001:db8:1:8::1");
        routes.put(new TunnelBinding(Packets.HOA, new TunnelEndpoint.Ipv6InIpv6(Packets.COA),
                List.of(new RoutedPrefix(Ipv6Address.parse("2001:db8:1:8::"), 64))));
        routes.put(new TunnelBinding(other, new TunnelEndpoint.Ipv6InIpv6(Packets.COA2), List.of()));

        assertThat(routes.route(other).homeAddress()).isEqualTo(other);
        assertThat(routes.route(Ipv6Address.parse("2001:db8:1:8::2")).homeAddress()).isEqualTo(Packets.HOA);
    }

    @Test
    void aMoveKeepsTheCountersAndReplacesTheCareOfIndex() {
        TunnelBinding first = new TunnelBinding(Packets.HOA, new TunnelEndpoint.Ipv6InIpv6(Packets.COA), List.of());
        first.countToNode(100);
        routes.put(first);

        routes.put(first.movedTo(new TunnelEndpoint.Ipv6InIpv6(Packets.COA2), List.of()));

        assertThat(routes.byCareOf(Packets.COA)).isNull();
        assertThat(routes.byCareOf(Packets.COA2).homeAddress()).isEqualTo(Packets.HOA);
        assertThat(routes.route(Packets.HOA).counters()).isEqualTo(new TrafficCounters(1, 100, 0, 0));
    }

    @Test
    void removalTakesTheRoutesAway() {
        routes.put(new TunnelBinding(Packets.HOA, new TunnelEndpoint.Ipv6InIpv6(Packets.COA),
                List.of(new RoutedPrefix(Ipv6Address.parse("2001:db8:1:8::"), 64))));

        assertThat(routes.remove(Packets.HOA)).isPresent();

        assertThat(routes.route(Packets.HOA)).isNull();
        assertThat(routes.route(Ipv6Address.parse("2001:db8:1:8::1"))).isNull();
        assertThat(routes.byCareOf(Packets.COA)).isNull();
        assertThat(routes.size()).isZero();
    }

    @Test
    void refusesAPrefixWithHostBits() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new RoutedPrefix(Ipv6Address.parse("2001:db8:1:8::1"), 64));
    }
}
