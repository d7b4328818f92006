package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.transport.InMemoryProviderNetwork.Fate;
import org.mip6kit.transport.InMemoryProviderNetwork.Host;
import org.mip6kit.transport.InMemoryProviderNetwork.Kind;
import org.mip6kit.transport.InMemoryProviderNetwork.Packet;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * Hosts, UDP endpoints, NAT, taps, injection, raw Mobility Header sockets and streams of the
 * in-memory provider network, on virtual time. A home agent "ha" with eth0 and tun0, a mobile
 * node "mn" with wlan0.
 */
@Tag("small")
class InMemoryProviderNetworkTest {

    static final int DSMIP_PORT = 4191;

    final VirtualTime time = new VirtualTime();
    final InMemoryProviderNetwork net = new InMemoryProviderNetwork(time);
    final Host ha = net.host("ha").iface("eth0", "2001:db8::1", "192.0.2.1").iface("tun0", "2001:db8:1::1");
    final Host mn = net.host("mn").iface("wlan0", "2001:db8:2::100", "198.51.100.7");

    static InetSocketAddress at(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Ipv6Address v6(String literal) {
        return Ipv6Address.parse(literal);
    }

    List<Datagram> started(UdpEndpoint endpoint) {
        List<Datagram> received = new ArrayList<>();
        endpoint.start(received::add);
        return received;
    }

    @Test
    void datagramBetweenHostsArrivesInAScheduledTaskWithPeerAndObservedInterface() {
        UdpEndpoint haEndpoint = ha.network().bindUdp(at("::", DSMIP_PORT));
        UdpEndpoint mnEndpoint = mn.network().bindUdp(at("198.51.100.7", 0));
        List<Datagram> atHa = started(haEndpoint);

        mnEndpoint.send(ascii("bu"), at("192.0.2.1", DSMIP_PORT)).toCompletableFuture().join();
        assertThat(atHa).as("nothing arrives inside send").isEmpty();
        time.runDue();

        assertThat(atHa).hasSize(1);
        Datagram d = atHa.get(0);
        assertThat(d.payload()).isEqualTo(ascii("bu"));
        assertThat(d.peer()).isEqualTo(mnEndpoint.localAddress());
        assertThat(d.observed()).isEqualTo(Observed.on("eth0", at("192.0.2.1", DSMIP_PORT)));
    }

    @Test
    void portZeroBindsDistinctEphemeralPorts() {
        UdpEndpoint first = mn.network().bindUdp(at("198.51.100.7", 0));
        UdpEndpoint second = mn.network().bindUdp(at("198.51.100.7", 0));

        assertThat(first.localAddress().getPort()).isGreaterThanOrEqualTo(49152);
        assertThat(second.localAddress().getPort()).isGreaterThanOrEqualTo(49152)
                .isNotEqualTo(first.localAddress().getPort());
        assertThat(first.localAddress().getAddress()).isEqualTo(at("198.51.100.7", 0).getAddress());
    }

    @Test
    void bindingAnAddressInUseFailsNamingTheAddress() {
        ha.network().bindUdp(at("2001:db8::1", DSMIP_PORT));

        assertThatThrownBy(() -> ha.network().bindUdp(at("2001:db8::1", DSMIP_PORT)))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining(at("2001:db8::1", DSMIP_PORT).toString()).hasMessageContaining("in use");
        assertThatThrownBy(() -> ha.network().bindUdp(at("::", DSMIP_PORT)))
                .as("the wildcard overlaps a specific address on the same port")
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining("in use");
    }

    @Test
    void bindingAnAddressOfAnotherHostFails() {
        assertThatThrownBy(() -> ha.network().bindUdp(at("198.51.100.7", 0)))
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining("198.51.100.7")
                .hasMessageContaining("ha");
    }

    @Test
    void natRebindingChangesThePeerTheReceiverObservesAndStrandsTheOldMapping() {
        mn.behindNat("203.0.113.1");
        UdpEndpoint haEndpoint = ha.network().bindUdp(at("192.0.2.1", DSMIP_PORT));
        UdpEndpoint mnEndpoint = mn.network().bindUdp(at("198.51.100.7", 0));
        List<Datagram> atHa = started(haEndpoint);
        List<Datagram> atMn = started(mnEndpoint);

        mnEndpoint.send(ascii("first"), haEndpoint.localAddress());
        time.runDue();
        InetSocketAddress before = atHa.get(0).peer();
        haEndpoint.send(ascii("reply"), before);
        time.runDue();
        mn.rebindNat();
        mnEndpoint.send(ascii("second"), haEndpoint.localAddress());
        time.runDue();
        InetSocketAddress after = atHa.get(1).peer();
        haEndpoint.send(ascii("to the old mapping"), before);
        time.runDue();

        assertThat(before.getAddress()).isEqualTo(at("203.0.113.1", 0).getAddress());
        assertThat(after.getAddress()).isEqualTo(before.getAddress());
        assertThat(after.getPort()).isNotEqualTo(before.getPort());
        assertThat(atMn).extracting(Datagram::payload).containsExactly(ascii("reply"));
        assertThat(atMn.get(0).observed()).isEqualTo(Observed.on("wlan0", mnEndpoint.localAddress()));
        assertThat(net.counters().undeliverable()).isEqualTo(1);
    }

    @Test
    void injectedDatagramOnTun0ShowsIngressTun0() {
        UdpEndpoint haEndpoint = ha.network().bindUdp(at("::", DSMIP_PORT));
        List<Datagram> atHa = started(haEndpoint);

        ha.injectDatagram("tun0", at("2001:db8:1::100", 5000), at("2001:db8:1::1", DSMIP_PORT), ascii("tunnelled"));
        time.runDue();

        assertThat(atHa).hasSize(1);
        assertThat(atHa.get(0).observed()).isEqualTo(Observed.on("tun0", at("2001:db8:1::1", DSMIP_PORT)));
        assertThat(atHa.get(0).peer()).isEqualTo(at("2001:db8:1::100", 5000));
    }

    @Test
    void injectingOnAnInterfaceTheHostLacksFails() {
        assertThatThrownBy(() -> ha.injectDatagram("wlan0", at("::1", 1), at("2001:db8::1", 1), new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wlan0");
    }

    @Test
    void tapsRecordDropAndDuplicateDatagrams() {
        UdpEndpoint haEndpoint = ha.network().bindUdp(at("192.0.2.1", DSMIP_PORT));
        UdpEndpoint mnEndpoint = mn.network().bindUdp(at("198.51.100.7", 0));
        List<Datagram> atHa = started(haEndpoint);
        List<Packet> seen = new ArrayList<>();
        net.addTap(p -> {
            seen.add(p);
            return Fate.DELIVER;
        });
        net.addTap(p -> switch (new String(p.payload(), StandardCharsets.US_ASCII)) {
            case "drop" -> Fate.DROP;
            case "twice" -> Fate.DUPLICATE;
            default -> Fate.DELIVER;
        });

        for (String payload : List.of("drop", "twice", "once")) {
            mnEndpoint.send(ascii(payload), haEndpoint.localAddress());
        }
        time.runDue();

        assertThat(seen).extracting(p -> new String(p.payload(), StandardCharsets.US_ASCII))
                .containsExactly("drop", "twice", "once");
        assertThat(seen.get(0).kind()).isEqualTo(Kind.UDP);
        assertThat(seen.get(0).source()).isEqualTo(mnEndpoint.localAddress());
        assertThat(atHa).extracting(d -> new String(d.payload(), StandardCharsets.US_ASCII))
                .containsExactly("twice", "twice", "once");
        assertThat(net.counters()).isEqualTo(new InMemoryProviderNetwork.Counters(3, 3, 1, 1, 0));
    }

    @Test
    void closedEndpointsSendFailsAndItsPortIsFreeAgain() {
        UdpEndpoint endpoint = mn.network().bindUdp(at("198.51.100.7", 5000));
        endpoint.close();
        endpoint.close();

        CompletableFuture<Void> sent = endpoint.send(ascii("late"), at("192.0.2.1", DSMIP_PORT)).toCompletableFuture();

        assertThatThrownBy(sent::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining("closed");
        assertThat(mn.network().bindUdp(at("198.51.100.7", 5000)).localAddress().getPort()).isEqualTo(5000);
    }

    @Test
    void datagramsArrivingBeforeStartWaitForIt() {
        UdpEndpoint haEndpoint = ha.network().bindUdp(at("192.0.2.1", DSMIP_PORT));
        UdpEndpoint mnEndpoint = mn.network().bindUdp(at("198.51.100.7", 0));
        mnEndpoint.send(ascii("early"), haEndpoint.localAddress());
        time.runDue();

        List<Datagram> atHa = started(haEndpoint);
        time.runDue();

        assertThat(atHa).extracting(Datagram::payload).containsExactly(ascii("early"));
    }

    // ---- raw Mobility Header sockets ----

    static byte[] brr(Ipv6Address source, Ipv6Address destination) {
        return MobilityHeaderCodec.standard().encode(BindingRefreshRequest.create(), source, destination);
    }

    @Test
    void mobilityHeaderReachesSocketsOnTheIngressInterfaceOrOnNone() {
        SignallingTransport onTun0 = ha.network().openMobilityHeaderSocket(Optional.of("tun0"));
        SignallingTransport onAny = ha.network().openMobilityHeaderSocket(Optional.empty());
        SignallingTransport onEth0 = ha.network().openMobilityHeaderSocket(Optional.of("eth0"));
        SignallingTransport mnSocket = mn.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> tun0 = new ArrayList<>();
        List<Inbound> any = new ArrayList<>();
        List<Inbound> eth0 = new ArrayList<>();
        onTun0.start(tun0::add);
        onAny.start(any::add);
        onEth0.start(eth0::add);
        Addressing addressing = Addressing.of(v6("2001:db8:2::100"), v6("2001:db8:1::1"));
        byte[] octets = brr(addressing.source(), addressing.destination());

        mnSocket.send(octets, addressing).toCompletableFuture().join();
        time.runDue();

        Inbound expected = new Inbound(octets, addressing, Observed.on("tun0", at("2001:db8:1::1", 0)));
        assertThat(tun0).containsExactly(expected);
        assertThat(any).containsExactly(expected);
        assertThat(eth0).isEmpty();
    }

    @Test
    void injectedMobilityHeaderOnTun0ShowsIngressTun0AndKeepsItsAddressing() {
        SignallingTransport socket = ha.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> received = new ArrayList<>();
        socket.start(received::add);
        Addressing withHao = new Addressing(v6("2001:db8:2::100"), v6("2001:db8::1"),
                Optional.of(v6("2001:db8:1::100")), Optional.empty(), Optional.empty());
        byte[] octets = brr(withHao.pseudoHeaderSource(), withHao.pseudoHeaderDestination());

        ha.injectMobilityHeader("tun0", octets, withHao);
        time.runDue();

        assertThat(received).containsExactly(new Inbound(octets, withHao, Observed.on("tun0", at("2001:db8::1", 0))));
    }

    @Test
    void mobilityHeaderSocketSendsPlainIpv6OnlyFromTheHostsOwnAddresses() {
        SignallingTransport socket = mn.network().openMobilityHeaderSocket(Optional.empty());
        Addressing withHao = new Addressing(v6("2001:db8:2::100"), v6("2001:db8::1"),
                Optional.of(v6("2001:db8:1::100")), Optional.empty(), Optional.empty());
        Addressing forged = Addressing.of(v6("2001:db8::dead"), v6("2001:db8::1"));
        byte[] octets = brr(v6("2001:db8:2::100"), v6("2001:db8::1"));

        assertThatThrownBy(() -> socket.send(octets, withHao).toCompletableFuture().join())
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining("plain IPv6 only");
        assertThatThrownBy(() -> socket.send(octets, forged).toCompletableFuture().join())
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining("2001:db8::dead");
    }

    // ---- tunnels ----

    /** The mobile node's tunnel interface tun0 joined to the home agent's ipsec1; an attacker with eth0. */
    Host tunnelled() {
        mn.iface("eth0", "2001:db8:2::7");
        net.tunnel(mn, "tun0", ha, "ipsec1");
        return net.host("attacker").iface("eth0", "2001:db8:ffff::bad");
    }

    static Addressing withHao(String source, String destination, String homeAddress) {
        return new Addressing(v6(source), v6(destination), Optional.of(v6(homeAddress)), Optional.empty(),
                Optional.empty());
    }

    @Test
    void mobilityHeaderToTheTunnelPeerArrivesOnItsTunnelInterfaceWithTheHomeAddressOption() {
        tunnelled();
        SignallingTransport atHa = ha.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> received = new ArrayList<>();
        atHa.start(received::add);
        Addressing bu = withHao("2001:db8:2::7", "2001:db8::1", "2001:db8:1::100");
        byte[] octets = brr(bu.pseudoHeaderSource(), bu.pseudoHeaderDestination());

        mn.network().openMobilityHeaderSocket(Optional.empty()).send(octets, bu).toCompletableFuture().join();
        time.runDue();

        assertThat(received).containsExactly(new Inbound(octets, bu, Observed.on("ipsec1", at("2001:db8::1", 0))));
        assertThat(ha.isTunnelEnd("ipsec1")).isTrue();
        assertThat(ha.isTunnelEnd("eth0")).isFalse();
    }

    @Test
    void theSamePacketFromAHostOutsideTheTunnelArrivesOnTheOutsideInterface() {
        Host attacker = tunnelled();
        SignallingTransport atHa = ha.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> received = new ArrayList<>();
        atHa.start(received::add);
        Addressing bu = withHao("2001:db8:2::7", "2001:db8::1", "2001:db8:1::100");
        byte[] octets = brr(bu.pseudoHeaderSource(), bu.pseudoHeaderDestination());

        attacker.sendSpoofedMobilityHeader(octets, bu);
        time.runDue();

        assertThat(received).containsExactly(new Inbound(octets, bu, Observed.on("eth0", at("2001:db8::1", 0))));
    }

    @Test
    void replyThroughTheTunnelReachesTheOtherEndWithItsRoutingHeader() {
        tunnelled();
        SignallingTransport atMn = mn.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> received = new ArrayList<>();
        atMn.start(received::add);
        Addressing ba = new Addressing(v6("2001:db8::1"), v6("2001:db8:2::7"), Optional.empty(),
                Optional.of(v6("2001:db8:1::100")), Optional.empty());
        byte[] octets = brr(ba.pseudoHeaderSource(), ba.pseudoHeaderDestination());

        ha.network().openMobilityHeaderSocket(Optional.empty()).send(octets, ba).toCompletableFuture().join();
        time.runDue();

        assertThat(received).containsExactly(new Inbound(octets, ba, Observed.on("tun0", at("2001:db8:2::7", 0))));
    }

    @Test
    void aSocketBoundToAnOrdinaryInterfaceBypassesTheTunnelAndThenSendsPlainIpv6Only() {
        tunnelled();
        SignallingTransport onEth0 = mn.network().openMobilityHeaderSocket(Optional.of("eth0"));
        SignallingTransport atHa = ha.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> received = new ArrayList<>();
        atHa.start(received::add);
        Addressing plain = Addressing.of(v6("2001:db8:2::7"), v6("2001:db8::1"));
        byte[] octets = brr(plain.source(), plain.destination());

        onEth0.send(octets, plain).toCompletableFuture().join();
        time.runDue();

        assertThat(received).extracting(Inbound::observed).containsExactly(Observed.on("eth0", at("2001:db8::1", 0)));
        Addressing bu = withHao("2001:db8:2::7", "2001:db8::1", "2001:db8:1::100");
        assertThatThrownBy(() -> onEth0.send(octets, bu).toCompletableFuture().join())
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining("outside a tunnel");
    }

    @Test
    void anAddressOnATunnelInterfaceReachedFromOutsideArrivesOnTheOutsideInterface() {
        Host attacker = tunnelled();
        mn.iface("tun0", "2001:db8:1::100");
        SignallingTransport atMn = mn.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> received = new ArrayList<>();
        atMn.start(received::add);
        Addressing forged = Addressing.of(v6("2001:db8::1"), v6("2001:db8:1::100"));
        byte[] octets = brr(forged.source(), forged.destination());

        attacker.sendSpoofedMobilityHeader(octets, forged);
        ha.network().openMobilityHeaderSocket(Optional.empty()).send(octets, forged).toCompletableFuture().join();
        time.runDue();

        assertThat(received).extracting(Inbound::observed).containsExactly(
                Observed.on("wlan0", at("2001:db8:1::100", 0)), Observed.on("tun0", at("2001:db8:1::100", 0)));
        assertThat(mn.outsideInterface()).contains("wlan0");
    }

    @Test
    void tunnelsJoinTwoDifferentHostsOnInterfacesNotAlreadyEndingOne() {
        tunnelled();
        Host other = net.host("other").iface("eth0", "2001:db8:3::1");

        assertThatThrownBy(() -> net.tunnel(ha, "ipsec1", other, "tun0")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ipsec1");
        assertThatThrownBy(() -> net.tunnel(other, "a", other, "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> net.tunnel(new InMemoryProviderNetwork(time).host("elsewhere"), "a", ha, "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tunnelsCarryMobilityHeaderOnlyUdpTakesTheOrdinaryRoute() {
        tunnelled();
        UdpEndpoint haEndpoint = ha.network().bindUdp(at("::", DSMIP_PORT));
        List<Datagram> atHa = started(haEndpoint);

        mn.network().bindUdp(at("2001:db8:2::7", 0)).send(ascii("bu"), at("2001:db8::1", DSMIP_PORT));
        time.runDue();

        assertThat(atHa).extracting(Datagram::observed).containsExactly(Observed.on("eth0", at("2001:db8::1",
                DSMIP_PORT)));
    }

    // ---- spoofing and release ----

    @Test
    void spoofedDatagramCarriesTheSourceItWasGivenAndPassesTheTaps() {
        Host attacker = tunnelled();
        UdpEndpoint haEndpoint = ha.network().bindUdp(at("::", DSMIP_PORT));
        List<Datagram> atHa = started(haEndpoint);
        List<Packet> seen = new ArrayList<>();
        net.addTap(p -> {
            seen.add(p);
            return Fate.DELIVER;
        });

        attacker.sendSpoofedDatagram(at("2001:db8:2::7", 5000), at("2001:db8::1", DSMIP_PORT), ascii("forged"));
        time.runDue();

        assertThat(atHa).extracting(Datagram::peer).containsExactly(at("2001:db8:2::7", 5000));
        assertThat(seen).extracting(Packet::fromHost).containsExactly("attacker");
    }

    @Test
    void releasedPacketArrivesLateAlongItsOriginalRouteThroughTheTunnelAndPassesNoTap() {
        tunnelled();
        SignallingTransport atHa = ha.network().openMobilityHeaderSocket(Optional.empty());
        List<Inbound> received = new ArrayList<>();
        atHa.start(received::add);
        List<Packet> held = new ArrayList<>();
        InMemoryProviderNetwork.Tap holdAll = p -> {
            held.add(p);
            return Fate.DROP;
        };
        net.addTap(holdAll);
        Addressing bu = withHao("2001:db8:2::7", "2001:db8::1", "2001:db8:1::100");
        byte[] octets = brr(bu.pseudoHeaderSource(), bu.pseudoHeaderDestination());
        mn.network().openMobilityHeaderSocket(Optional.empty()).send(octets, bu).toCompletableFuture().join();
        time.runDue();
        assertThat(received).isEmpty();

        net.release(held.get(0));
        time.runDue();

        assertThat(held).hasSize(1);
        assertThat(held.get(0).tunnel()).contains("tun0");
        assertThat(held.get(0).addressing()).contains(bu);
        assertThat(received).containsExactly(new Inbound(octets, bu, Observed.on("ipsec1", at("2001:db8::1", 0))));
    }

    // ---- streams ----

    @Test
    void streamsCarryBytesBothWaysBetweenHosts() throws Exception {
        List<StreamConnection> accepted = new ArrayList<>();
        ProviderNetwork haNetwork = ha.network();
        InetSocketAddress listening = haNetwork.listenTcp(at("2001:db8::1", 0), accepted::add).localAddress();

        CompletableFuture<StreamConnection> connecting = mn.network().connectTcp(listening).toCompletableFuture();
        assertThat(connecting).as("the connect completes in a scheduler task").isNotDone();
        time.runDue();
        StreamConnection client = connecting.join();
        StreamConnection server = accepted.get(0);

        client.output().write(ascii("hello"));
        assertThat(server.input().readNBytes(5)).isEqualTo(ascii("hello"));
        server.output().write(ascii("world"));
        assertThat(client.input().readNBytes(5)).isEqualTo(ascii("world"));
        assertThat(client.remote()).isEqualTo(listening);
        assertThat(server.remote()).isEqualTo(client.local());
        assertThat(client.local().getAddress()).isEqualTo(at("2001:db8:2::100", 0).getAddress());

        client.close();
        assertThat(server.input().read()).as("the peer sees end of stream").isEqualTo(-1);
        assertThatThrownBy(() -> server.output().write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void closingAConnectionWakesAReadBlockedOnIt() throws Exception {
        List<StreamConnection> accepted = new ArrayList<>();
        InetSocketAddress listening = ha.network().listenTcp(at("192.0.2.1", 0), accepted::add).localAddress();
        CompletableFuture<StreamConnection> connecting = mn.network().connectTcp(listening).toCompletableFuture();
        time.runDue();
        StreamConnection client = connecting.join();
        CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
            try {
                return client.input().read();
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(read).isNotDone();

        client.close();

        assertThat(read.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }

    @Test
    void connectingWhereNothingListensFailsNamingTheAddress() {
        CompletableFuture<StreamConnection> connecting = mn.network().connectTcp(at("192.0.2.1", 443))
                .toCompletableFuture();
        time.runDue();

        assertThatThrownBy(connecting::join).hasCauseInstanceOf(SecurityProviderException.class)
                .hasMessageContaining(at("192.0.2.1", 443).toString()).hasMessageContaining("refused");
    }

    // ---- event-driven stream reading ----

    StreamConnection[] connected() {
        List<StreamConnection> accepted = new ArrayList<>();
        InetSocketAddress listening = ha.network().listenTcp(at("2001:db8::1", 0), accepted::add).localAddress();
        CompletableFuture<StreamConnection> connecting = mn.network().connectTcp(listening).toCompletableFuture();
        time.runDue();
        return new StreamConnection[] {connecting.join(), accepted.get(0)};
    }

    static String joined(List<byte[]> chunks) {
        StringBuilder b = new StringBuilder();
        chunks.forEach(c -> b.append(new String(c, StandardCharsets.US_ASCII)));
        return b.toString();
    }

    @Test
    void startReadingDeliversWhatThePeerWroteInASchedulerTaskInOrder() throws Exception {
        StreamConnection[] ends = connected();
        List<byte[]> received = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        ends[1].startReading(received::add, () -> ended.add("end"));

        ends[0].output().write(ascii("one "));
        ends[0].output().write(ascii("two "));
        assertThat(received).as("nothing is delivered inside write").isEmpty();
        time.runDue();
        ends[0].output().write(ascii("three"));
        time.runDue();

        assertThat(joined(received)).isEqualTo("one two three");
        assertThat(received).allSatisfy(c -> assertThat(c).isNotEmpty());
        assertThat(ended).isEmpty();
    }

    @Test
    void bytesWrittenBeforeStartReadingAreDeliveredFirst() throws Exception {
        StreamConnection[] ends = connected();
        ends[0].output().write(ascii("early "));
        List<byte[]> received = new ArrayList<>();
        ends[1].startReading(received::add, () -> { });
        ends[0].output().write(ascii("late"));

        time.runDue();

        assertThat(joined(received)).isEqualTo("early late");
    }

    @Test
    void aWholeExchangeRunsOnTheClockThreadWhenTheTestRunsDueTasks() throws Exception {
        StreamConnection[] ends = connected();
        StreamConnection client = ends[0];
        StreamConnection server = ends[1];
        List<String> atClient = new ArrayList<>();
        Thread clockThread = Thread.currentThread();
        List<Thread> deliveringThreads = new ArrayList<>();
        server.startReading(chunk -> {
            deliveringThreads.add(Thread.currentThread());
            int n = Integer.parseInt(new String(chunk, StandardCharsets.US_ASCII));
            if (n < 5) {
                write(server, Integer.toString(n + 1));
            }
        }, () -> { });
        client.startReading(chunk -> {
            deliveringThreads.add(Thread.currentThread());
            String text = new String(chunk, StandardCharsets.US_ASCII);
            atClient.add(text);
            write(client, Integer.toString(Integer.parseInt(text) + 1));
        }, () -> { });

        write(client, "0");
        time.runDue();

        assertThat(atClient).containsExactly("1", "3", "5");
        assertThat(deliveringThreads).as("0, 2, 4, 6 at the server; 1, 3, 5 at the client").hasSize(7)
                .containsOnly(clockThread);
    }

    static void write(StreamConnection c, String text) {
        try {
            c.output().write(ascii(text));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void thePeersCloseEndsReadingOnceAfterTheLastBytes() throws Exception {
        StreamConnection[] ends = connected();
        List<String> events = new ArrayList<>();
        ends[1].startReading(c -> events.add(new String(c, StandardCharsets.US_ASCII)), () -> events.add("ended"));

        ends[0].output().write(ascii("last"));
        ends[0].close();
        time.runDue();
        ends[0].close();
        time.runDue();

        assertThat(events).containsExactly("last", "ended");
    }

    @Test
    void closingLocallyEndsReadingOnceAndDropsWhatWasBuffered() throws Exception {
        StreamConnection[] ends = connected();
        List<String> events = new ArrayList<>();
        ends[0].output().write(ascii("unread"));
        ends[1].startReading(c -> events.add(new String(c, StandardCharsets.US_ASCII)), () -> events.add("ended"));

        ends[1].close();
        time.runDue();
        ends[1].close();
        time.runDue();

        assertThat(events).containsExactly("ended");
        assertThatThrownBy(() -> ends[0].output().write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void startReadingTwiceOrThenReadingTheInputStreamFails() throws Exception {
        StreamConnection[] ends = connected();
        ends[1].startReading(c -> { }, () -> { });

        assertThatThrownBy(() -> ends[1].startReading(c -> { }, () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        assertThatThrownBy(() -> ends[1].input().read()).isInstanceOf(IOException.class)
                .hasMessageContaining("event-driven");
    }
}
