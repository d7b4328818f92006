package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.packet.UdpEncapsulation;

/** Routing, NAT, taps and lifecycle of the in-memory network, on virtual time. */
@Tag("small")
class InMemoryNetworkTest {

    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address COA2 = Ipv6Address.parse("2001:db8:4::100");
    static final Ipv4Address V4_COA = Ipv4Address.parse("192.0.2.100");
    static final InetSocketAddress MN_OUTER = endpoint("192.0.2.100", 49152);
    static final InetSocketAddress HA_OUTER = endpoint("198.51.100.1", 4191);
    static final InetSocketAddress NAT_OUTSIDE = endpoint("203.0.113.7", 61000);

    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();

    final VirtualTime time = new VirtualTime();
    final InMemoryNetwork network = new InMemoryNetwork(time, 1L);

    static InetSocketAddress endpoint(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static BindingUpdate bu(int sequence, Ipv4Address ipv4CareOf) {
        return new BindingUpdate(SequenceNumber.of(sequence),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofSeconds(600), ipv4CareOf == null ? List.of() : List.of(new Ipv4CareOfAddress(ipv4CareOf)));
    }

    static Addressing buFromCareOf() {
        return new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.empty());
    }

    static byte[] encode(MobilityMessage message, Addressing a) {
        return CODEC.encode(message, a.pseudoHeaderSource(),
                a.pseudoHeaderDestination());
    }

    @Test
    void deliversByIpv6DestinationInAScheduledTaskNeverInsideSend() throws Exception {
        InMemoryTransport ha = network.attach(HA);
        InMemoryTransport mn = network.attach(COA);
        List<Inbound> atHa = new ArrayList<>();
        ha.start(atHa::add);
        Addressing to = buFromCareOf();
        byte[] mh = encode(bu(1, null), to);

        mn.send(mh, to).toCompletableFuture().join();
        assertThat(atHa).as("nothing arrives before the scheduler runs the delivery").isEmpty();
        time.runDue();

        assertThat(atHa).hasSize(1);
        Inbound in = atHa.get(0);
        assertThat(in.octets()).isEqualTo(mh);
        assertThat(in.addressing()).isEqualTo(to);
        assertThat(in.observed()).isEqualTo(Observed.NOTHING);
        assertThat(CODEC.decode(in.octets(), in.addressing().pseudoHeaderSource(),
                in.addressing().pseudoHeaderDestination())).isEqualTo(bu(1, null));
        assertThat(network.counters()).isEqualTo(new InMemoryNetwork.Counters(1, 1, 0, 0, 0, 0));
    }

    @Test
    void receiverGetsACopyTheSenderCannotChangeAfterSending() {
        InMemoryTransport ha = network.attach(HA);
        InMemoryTransport mn = network.attach(COA);
        List<Inbound> atHa = new ArrayList<>();
        ha.start(atHa::add);
        byte[] mh = {1, 2, 3, 4};
        mn.send(mh, buFromCareOf());
        mh[0] = 99;
        time.runDue();
        assertThat(atHa.get(0).octets()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void encapsulatedPacketGoesToTheOwnerOfTheOuterEndpointWhateverItsIpv6Destination() {
        InMemoryTransport ownerOfHaIpv6 = network.attach(HA);
        InMemoryTransport ha = network.attach();
        ha.addOuterEndpoint(HA_OUTER);
        InMemoryTransport mn = network.attach();
        mn.addOuterEndpoint(MN_OUTER);
        List<Inbound> atHa = new ArrayList<>();
        List<Inbound> atIpv6Owner = new ArrayList<>();
        ha.start(atHa::add);
        ownerOfHaIpv6.start(atIpv6Owner::add);

        Addressing to = Addressing.of(Ipv6Address.ipv4Mapped(V4_COA), HA).withOuterPeer(HA_OUTER);
        mn.send(encode(bu(2, V4_COA), to), to);
        time.runDue();

        assertThat(atIpv6Owner).isEmpty();
        assertThat(atHa).hasSize(1);
        Addressing seen = atHa.get(0).addressing();
        assertThat(seen.source()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.100"));
        assertThat(seen.destination()).isEqualTo(HA);
        assertThat(seen.homeAddressOption()).isEmpty();
        assertThat(seen.outerPeer()).contains(MN_OUTER);
    }

    @Test
    void natRewritesTheOuterSourceTheHomeAgentObservesAndRoutesItsReplyBack() throws Exception {
        InMemoryTransport ha = network.attach(HA);
        ha.addOuterEndpoint(HA_OUTER);
        InMemoryTransport mn = network.attach();
        mn.addOuterEndpoint(MN_OUTER);
        network.addNat(MN_OUTER, NAT_OUTSIDE);
        List<Inbound> atHa = new ArrayList<>();
        List<Inbound> atMn = new ArrayList<>();
        ha.start(atHa::add);
        mn.start(atMn::add);

        Addressing buTo = Addressing.of(HOA, HA).withOuterPeer(HA_OUTER);
        mn.send(encode(bu(3, V4_COA), buTo), buTo);
        time.runDue();
        Inbound bu = atHa.get(0);
        InetSocketAddress observed = bu.addressing().outerPeer().orElseThrow();
        assertThat(observed).isEqualTo(NAT_OUTSIDE);
        BindingUpdate decoded = (BindingUpdate) CODEC.decode(bu.octets(), HOA, HA);
        assertThat(decoded.option(Ipv4CareOfAddress.class).orElseThrow().address().toString())
                .as("the IPv4 CoA option names the inside address, so the HA can detect the NAT")
                .isNotEqualTo(observed.getAddress().getHostAddress());

        Addressing baTo = new Addressing(HA, Ipv6Address.ipv4Mapped(V4_COA), Optional.empty(), Optional.of(HOA),
                Optional.of(observed));
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, EnumSet.noneOf(
                BindingAcknowledgement.Flag.class), SequenceNumber.of(3), Lifetime.ofSeconds(600), List.of());
        ha.send(encode(ba, baTo), baTo);
        time.runDue();
        assertThat(atMn).hasSize(1);
        assertThat(atMn.get(0).addressing().outerPeer()).contains(HA_OUTER);
        assertThat(atMn.get(0).addressing().routingHeader()).contains(HOA);
        assertThat(CODEC.decode(atMn.get(0).octets(), HA, HOA)).isEqualTo(ba);
    }

    @Test
    void withoutNatTheObservedOuterSourceIsTheSendersOwnEndpointOfThatFamily() {
        InMemoryTransport ha = network.attach();
        ha.addOuterEndpoint(HA_OUTER);
        InMemoryTransport mn = network.attach();
        InetSocketAddress ipv6Outer = endpoint("2001:db8:9::5", 5000);
        mn.addOuterEndpoint(ipv6Outer);
        mn.addOuterEndpoint(MN_OUTER);
        List<Inbound> atHa = new ArrayList<>();
        ha.start(atHa::add);
        Addressing to = Addressing.of(HOA, HA).withOuterPeer(HA_OUTER);
        mn.send(new byte[] {1}, to);
        time.runDue();
        assertThat(atHa.get(0).addressing().outerPeer()).contains(MN_OUTER);
    }

    @Test
    void encapsulatedSendFailsWhenTheSenderOwnsNoOuterEndpointOfThePeersFamily() {
        InMemoryTransport mn = network.attach(COA);
        Addressing to = Addressing.of(HOA, HA).withOuterPeer(HA_OUTER);
        assertThatThrownBy(() -> mn.send(new byte[] {1}, to).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IPv4 outer endpoint");
        assertThat(network.counters().sent()).isZero();
    }

    @Test
    void movingMobileNodeReceivesAtItsNewCareOfAddressAndNotAtTheOldOne() {
        InMemoryTransport ha = network.attach(HA);
        InMemoryTransport mn = network.attach(COA);
        List<Inbound> atMn = new ArrayList<>();
        mn.start(atMn::add);

        mn.removeLocalAddress(COA);
        mn.addLocalAddress(COA2);
        assertThat(mn.localAddresses()).containsExactly(COA2);
        ha.send(new byte[] {1}, Addressing.of(HA, COA));
        ha.send(new byte[] {2}, Addressing.of(HA, COA2));
        time.runDue();

        assertThat(atMn).extracting(i -> i.octet(0)).containsExactly(2);
        assertThat(network.counters().undeliverable()).isEqualTo(1);
        assertThat(network.counters().delivered()).isEqualTo(1);
    }

    @Test
    void packetInFlightToAnAddressGivenUpBeforeItArrivesIsUndeliverable() {
        network.setDefaultFaults(InMemoryNetwork.Faults.NONE.withDelay(Duration.ofMillis(100)));
        InMemoryTransport ha = network.attach(HA);
        InMemoryTransport mn = network.attach(COA);
        List<Inbound> atMn = new ArrayList<>();
        mn.start(atMn::add);
        ha.send(new byte[] {1}, Addressing.of(HA, COA));
        time.advance(Duration.ofMillis(50));
        mn.removeLocalAddress(COA);
        time.advance(Duration.ofMillis(50));
        assertThat(atMn).isEmpty();
        assertThat(network.counters().undeliverable()).isEqualTo(1);
    }

    @Test
    void anAddressOrEndpointHasOneOwner() {
        network.attach(HA).addOuterEndpoint(HA_OUTER);
        InMemoryTransport other = network.attach();
        assertThatThrownBy(() -> other.addLocalAddress(HA)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(HA.toString());
        assertThatThrownBy(() -> other.addOuterEndpoint(HA_OUTER)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> network.attach(COA, HA)).isInstanceOf(IllegalStateException.class);
        assertThat(network.attach(COA).localAddresses())
                .as("a refused attach took no address").containsExactly(COA);
    }

    @Test
    void packetWithNoOwnerIsCountedUndeliverableAndDropped() {
        InMemoryTransport mn = network.attach(COA);
        mn.send(new byte[] {1}, buFromCareOf()).toCompletableFuture().join();
        mn.send(new byte[] {1}, Addressing.of(COA, HA).withOuterPeer(HA_OUTER));
        time.runDue();
        InMemoryNetwork.Counters c = network.counters();
        assertThat(c.sent()).isEqualTo(1);
        assertThat(c.undeliverable()).isEqualTo(1);
        assertThat(c.delivered()).isZero();
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void packetsThatArriveBeforeStartWaitForIt() {
        InMemoryTransport ha = network.attach(HA);
        InMemoryTransport mn = network.attach(COA);
        mn.send(new byte[] {1}, buFromCareOf());
        mn.send(new byte[] {2}, buFromCareOf());
        time.runDue();
        assertThat(network.counters().inFlight()).isEqualTo(2);
        List<Inbound> atHa = new ArrayList<>();
        ha.start(atHa::add);
        assertThat(atHa).as("start does not deliver synchronously either").isEmpty();
        time.runDue();
        assertThat(atHa).extracting(i -> i.octet(0)).containsExactly(1, 2);
        assertThat(network.counters().inFlight()).isZero();
    }

    @Test
    void tapSeesEveryPacketSentStampedWithTheClockAndRebuildsItForPcap() throws Exception {
        InMemoryTransport ha = network.attach(HA);
        ha.addOuterEndpoint(HA_OUTER);
        InMemoryTransport mn = network.attach(COA);
        mn.addOuterEndpoint(MN_OUTER);
        network.addNat(MN_OUTER, NAT_OUTSIDE);
        network.setFaults(mn, ha, InMemoryNetwork.Faults.NONE.withLoss(1.0));
        ha.start(i -> { });
        List<CapturedPacket> captured = new ArrayList<>();
        network.addTap(captured::add);

        Instant t0 = time.now();
        Addressing plain = buFromCareOf();
        byte[] mh = encode(bu(4, null), plain);
        mn.send(mh, plain);
        time.advance(Duration.ofSeconds(2));
        Addressing encapsulated = Addressing.of(Ipv6Address.ipv4Mapped(V4_COA), HA).withOuterPeer(HA_OUTER);
        mn.send(encode(bu(5, V4_COA), encapsulated), encapsulated);
        time.advance(Duration.ofSeconds(1));
        mn.send(new byte[] {7}, Addressing.of(COA, Ipv6Address.parse("2001:db8:99::1")));
        time.runDue();

        assertThat(network.counters().lost()).isEqualTo(2);
        assertThat(network.counters().undeliverable()).isEqualTo(1);
        assertThat(captured).as("lost and undeliverable packets were still sent").hasSize(3);
        assertThat(captured).extracting(CapturedPacket::timestamp)
                .containsExactly(t0, t0.plusSeconds(2), t0.plusSeconds(3));

        MobilityPacket first = MobilityPacketParser.parse(captured.get(0).toPacket().toBytes());
        assertThat(first.source()).isEqualTo(COA);
        assertThat(first.homeAddressOption()).contains(HOA);
        assertThat(first.mobilityHeader()).isEqualTo(mh);
        assertThat(first.udpEncapsulation()).isEmpty();

        CapturedPacket second = captured.get(1);
        assertThat(second.outerSource()).as("captured at the sender, before the NAT").contains(MN_OUTER);
        MobilityPacket reparsed = MobilityPacketParser.parse(second.toPacket().toBytes());
        assertThat(reparsed.udpEncapsulation()).contains(new UdpEncapsulation.OverIpv4(V4_COA,
                Ipv4Address.parse("198.51.100.1"), 49152, 4191));
        assertThat(reparsed.source()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.100"));
    }

    @Test
    void removedTapSeesNothingMore() {
        InMemoryTransport mn = network.attach(COA);
        List<CapturedPacket> captured = new ArrayList<>();
        java.util.function.Consumer<CapturedPacket> tap = captured::add;
        network.addTap(tap);
        mn.send(new byte[] {1}, buFromCareOf());
        assertThat(network.removeTap(tap)).isTrue();
        mn.send(new byte[] {2}, buFromCareOf());
        assertThat(captured).hasSize(1);
    }

    @Test
    void closedTransportRefusesSendsReleasesItsAddressesAndClosesIdempotently() {
        InMemoryTransport ha = network.attach(HA);
        InMemoryTransport mn = network.attach(COA);
        ha.start(i -> { });
        mn.close();
        mn.close();
        assertThat(mn.isClosed()).isTrue();
        assertThatThrownBy(() -> mn.send(new byte[] {1}, buFromCareOf()).toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> mn.start(i -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> mn.addLocalAddress(COA2)).isInstanceOf(IllegalStateException.class);

        ha.send(new byte[] {1}, Addressing.of(HA, COA));
        time.runDue();
        assertThat(network.counters().undeliverable()).isEqualTo(1);
        assertThat(network.attach(COA).localAddresses()).as("the address is free again").containsExactly(COA);
    }

    @Test
    void receiverThatThrowsIsCountedAndTheNetworkKeepsDelivering() {
        InMemoryTransport ha = network.attach(HA);
        InMemoryTransport mn = network.attach(COA);
        List<Inbound> atHa = new ArrayList<>();
        ha.start(i -> {
            atHa.add(i);
            if (i.octet(0) == 1) {
                throw new IllegalStateException("receiver bug");
            }
        });
        mn.send(new byte[] {1}, buFromCareOf());
        mn.send(new byte[] {2}, buFromCareOf());
        time.runDue();
        assertThat(atHa).hasSize(2);
        assertThat(network.counters().receiverFailures()).isEqualTo(1);
    }

    @Test
    void refusesEmptyAndOversizedMessages() {
        InMemoryTransport mn = network.attach(COA);
        assertThatThrownBy(() -> mn.send(new byte[0], buFromCareOf()).toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mn.send(new byte[MobilityHeaderCodec.MAX_LENGTH + 1], buFromCareOf())
                .toCompletableFuture().join()).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void natMappingsDoNotOverlapAndCanBeRemoved() {
        network.addNat(MN_OUTER, NAT_OUTSIDE);
        assertThatThrownBy(() -> network.addNat(MN_OUTER, endpoint("203.0.113.8", 1)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> network.attach().addOuterEndpoint(NAT_OUTSIDE))
                .isInstanceOf(IllegalStateException.class);
        assertThat(network.removeNat(MN_OUTER)).isTrue();
        assertThat(network.removeNat(MN_OUTER)).isFalse();
    }
}
