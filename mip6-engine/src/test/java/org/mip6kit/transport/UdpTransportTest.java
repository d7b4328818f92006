package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.packet.UdpEncapsulation;

/**
 * RFC 5555 UDP encapsulation over loopback sockets (127.0.0.1 and ::1, ephemeral ports). The
 * "mobile node" side of the IPv4 cases is a plain {@link DatagramSocket}, so what reaches the
 * home agent transport is built independently of the transport's own sending code.
 */
@Tag("medium")
class UdpTransportTest {

    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final Ipv6Address MAPPED_LOOPBACK = Ipv6Address.parse("::ffff:127.0.0.1");
    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    static final int TIMEOUT_SECONDS = 5;

    /** TV6 of docs/protocol-notes.md#test-vectors without its outer IPv4 and UDP headers: the datagram's payload. */
    static final byte[] TV6_INNER = HexFormat.of().parseHex(
            "6000000000383c4000000000000000000000ffffc000026420010db8000100000000000000000001"
                    + "870201020000c91020010db8000100000000000000000100"
                    + "3b03050020cf0007c10000961d0680000000000020060000c000026401020000");

    final List<AutoCloseable> toClose = new ArrayList<>();
    final BlockingQueue<Inbound> atHa = new LinkedBlockingQueue<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    static InetAddress loopback4() throws Exception {
        return InetAddress.getByName("127.0.0.1");
    }

    static InetAddress loopback6() throws Exception {
        return InetAddress.getByName("::1");
    }

    UdpTransport open(InetAddress bind) {
        UdpTransport t = UdpTransport.open(UdpTransport.Config.ephemeral(bind));
        toClose.add(t);
        return t;
    }

    UdpTransport homeAgentOn(InetAddress bind) {
        UdpTransport ha = open(bind);
        ha.start(atHa::add);
        return ha;
    }

    DatagramSocket mobileNodeSocket() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback4(), 0));
        s.setSoTimeout(TIMEOUT_SECONDS * 1000);
        toClose.add(s);
        return s;
    }

    static void sendRaw(DatagramSocket from, byte[] payload, InetSocketAddress to) throws Exception {
        from.send(new DatagramPacket(payload, payload.length, to));
    }

    Inbound awaitAtHa() throws InterruptedException {
        Inbound in = atHa.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(in).as("a message reached the home agent within " + TIMEOUT_SECONDS + " s").isNotNull();
        return in;
    }

    static BindingUpdate ipv4CareOfBu(int sequence, Ipv4Address careOf) {
        return new BindingUpdate(SequenceNumber.of(sequence),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofSeconds(600), List.of(new Ipv4CareOfAddress(careOf)));
    }

    @Test
    void rfcLayoutBindingUpdateFromAnIpv4MobileNodeArrivesWithInnerAddressesAndObservedOuterPeer()
            throws Exception {
        UdpTransport ha = homeAgentOn(loopback4());
        DatagramSocket mn = mobileNodeSocket();
        BindingUpdate bu = ipv4CareOfBu(1, Ipv4Address.parse("127.0.0.1"));
        byte[] mh = CODEC.encode(bu, MAPPED_LOOPBACK, HA);
        sendRaw(mn, MobilityPacket.of(MAPPED_LOOPBACK, HA, mh).toBytes(), ha.localAddress());

        Inbound in = awaitAtHa();
        Addressing a = in.addressing();
        assertThat(a.source()).isEqualTo(MAPPED_LOOPBACK);
        assertThat(a.destination()).isEqualTo(HA);
        assertThat(a.homeAddressOption()).isEmpty();
        assertThat(a.routingHeader()).isEmpty();
        InetSocketAddress peer = a.outerPeer().orElseThrow();
        assertThat(peer.getAddress()).isInstanceOf(Inet4Address.class).isEqualTo(loopback4());
        assertThat(peer.getPort()).isEqualTo(mn.getLocalPort());
        assertThat(in.observed().local()).as("the transport observes its own bound address")
                .contains(ha.localAddress());
        assertThat(in.observed().ingressInterface()).as("bound to 127.0.0.1: the loopback interface")
                .contains("lo");
        assertThat(in.octets()).isEqualTo(mh);
        assertThat(CODEC.decode(in.octets(), a.pseudoHeaderSource(), a.pseudoHeaderDestination())).isEqualTo(bu);
        assertThat(ha.counters()).isEqualTo(new UdpTransport.Counters(1, 1, 0, 0, 0, 0));
    }

    @Test
    void errorThrownWhileHandlingADatagramStopsTheLoopAndIsReportedToTheFatalErrorHandler() throws Exception {
        UdpTransport ha = open(loopback4());
        BlockingQueue<Throwable> fatal = new LinkedBlockingQueue<>();
        ha.onFatalError(fatal::add);
        StackOverflowError overflow = new StackOverflowError("receiver recursed");
        ha.start(in -> {
            throw overflow;
        });
        DatagramSocket mn = mobileNodeSocket();
        byte[] mh = CODEC.encode(ipv4CareOfBu(1, Ipv4Address.parse("127.0.0.1")), MAPPED_LOOPBACK, HA);
        sendRaw(mn, MobilityPacket.of(MAPPED_LOOPBACK, HA, mh).toBytes(), ha.localAddress());

        assertThat(fatal.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isSameAs(overflow);
        assertThat(fatal).as("reported once").isEmpty();
    }

    @Test
    void homeAddressOptionVariantOfTv6IsDecoded() throws Exception {
        UdpTransport ha = homeAgentOn(loopback4());
        DatagramSocket mn = mobileNodeSocket();
        sendRaw(mn, TV6_INNER, ha.localAddress());

        Inbound in = awaitAtHa();
        Addressing a = in.addressing();
        assertThat(a.source()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.100"));
        assertThat(a.destination()).isEqualTo(HA);
        assertThat(a.homeAddressOption()).contains(HOA);
        assertThat(a.outerPeer()).as("the address the socket saw, not the inner one")
                .contains(new InetSocketAddress(loopback4(), mn.getLocalPort()));
        assertThat(HexFormat.of().formatHex(in.octets()))
                .isEqualTo("3b03050020cf0007c10000961d0680000000000020060000c000026401020000");
        BindingUpdate bu = (BindingUpdate) CODEC.decode(in.octets(), a.pseudoHeaderSource(),
                a.pseudoHeaderDestination());
        assertThat(bu.sequence()).isEqualTo(SequenceNumber.of(7));
        assertThat(bu.flagBits()).isEqualTo(0xC100);
        assertThat(bu.option(Ipv4CareOfAddress.class).orElseThrow().address())
                .isEqualTo(Ipv4Address.parse("192.0.2.100"));
    }

    @Test
    void replyWithType2RoutingHeaderGoesBackToTheObservedSourcePort() throws Exception {
        UdpTransport ha = homeAgentOn(loopback4());
        DatagramSocket mn = mobileNodeSocket();
        BindingUpdate bu = ipv4CareOfBu(9, Ipv4Address.parse("127.0.0.1"));
        sendRaw(mn, MobilityPacket.of(HOA, HA, CODEC.encode(bu, HOA, HA)).toBytes(), ha.localAddress());
        Inbound received = awaitAtHa();

        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                EnumSet.noneOf(BindingAcknowledgement.Flag.class), SequenceNumber.of(9), Lifetime.ofSeconds(600),
                List.of());
        Addressing replyTo = new Addressing(HA, MAPPED_LOOPBACK, Optional.empty(), Optional.of(HOA),
                received.addressing().outerPeer());
        ha.send(CODEC.encode(ba, replyTo.pseudoHeaderSource(), replyTo.pseudoHeaderDestination()), replyTo)
                .toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        DatagramPacket datagram = new DatagramPacket(new byte[UdpTransport.MAX_DATAGRAM], UdpTransport.MAX_DATAGRAM);
        mn.receive(datagram);
        assertThat(datagram.getPort()).isEqualTo(ha.localAddress().getPort());
        byte[] payload = java.util.Arrays.copyOf(datagram.getData(), datagram.getLength());
        MobilityPacket reply = MobilityPacketParser.parse(payload);
        assertThat(reply.source()).isEqualTo(HA);
        assertThat(reply.destination()).isEqualTo(MAPPED_LOOPBACK);
        assertThat(reply.type2RoutingHeader()).contains(HOA);
        assertThat(reply.homeAddressOption()).isEmpty();
        assertThat(reply.udpEncapsulation()).as("the kernel added UDP/IPv4, not the transport").isEmpty();
        assertThat(CODEC.decode(reply.mobilityHeader(), HA, HOA)).isEqualTo(ba);
        assertThat(ha.counters().sent()).isEqualTo(1);
    }

    @Test
    void malformedDatagramsAreCountedAndNeverReachTheReceiver() throws Exception {
        UdpTransport ha = homeAgentOn(loopback4());
        DatagramSocket mn = mobileNodeSocket();
        byte[] mh = CODEC.encode(ipv4CareOfBu(1, Ipv4Address.parse("127.0.0.1")), HOA, HA);
        byte[] valid = MobilityPacket.of(HOA, HA, mh).toBytes();
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 3);
        byte[] ipv4Payload = HexFormat.of().parseHex("4500001c0001000040110000c0000264c6336401c000105f00080000");
        byte[] bothHaoAndRh2 = new MobilityPacket(COA, HA, Optional.of(HOA), Optional.of(HOA), Optional.empty(), mh)
                .toBytes();
        byte[] nestedUdp = MobilityPacket.of(HOA, HA, mh).withUdpEncapsulation(
                new UdpEncapsulation.OverIpv6(COA, HA, 1000, 4191)).toBytes();
        byte[] oversized = new byte[UdpTransport.MAX_INNER_PACKET + 1];
        oversized[0] = 0x60;
        List<byte[]> garbage = List.of(new byte[] {0x00, 0x01, 0x02}, new byte[0], truncated, ipv4Payload,
                bothHaoAndRh2, nestedUdp, oversized);
        for (byte[] g : garbage) {
            sendRaw(mn, g, ha.localAddress());
        }
        sendRaw(mn, valid, ha.localAddress());

        Inbound first = awaitAtHa();
        assertThat(first.octets()).as("the first message delivered is the valid one sent last").isEqualTo(mh);
        assertThat(atHa).isEmpty();
        UdpTransport.Counters c = ha.counters();
        assertThat(c.received()).isEqualTo(garbage.size() + 1);
        assertThat(c.malformed()).isEqualTo(garbage.size());
        assertThat(c.delivered()).isEqualTo(1);
    }

    @Test
    void ipv6OuterHeaderExtensionWorksOverIpv6Loopback() throws Exception {
        UdpTransport ha = homeAgentOn(loopback6());
        UdpTransport mn = open(loopback6());
        BlockingQueue<Inbound> atMn = new LinkedBlockingQueue<>();
        mn.start(atMn::add);

        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(3),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofSeconds(600), List.of());
        Addressing buTo = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(),
                Optional.of(ha.localAddress()));
        mn.send(CODEC.encode(bu, HOA, HA), buTo).toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        Inbound in = awaitAtHa();
        assertThat(in.addressing().source()).isEqualTo(COA);
        assertThat(in.addressing().homeAddressOption()).contains(HOA);
        InetSocketAddress observed = in.addressing().outerPeer().orElseThrow();
        assertThat(observed.getAddress()).isInstanceOf(Inet6Address.class).isEqualTo(loopback6());
        assertThat(observed.getPort()).isEqualTo(mn.localAddress().getPort());
        assertThat(CODEC.decode(in.octets(), HOA, HA)).isEqualTo(bu);

        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                EnumSet.noneOf(BindingAcknowledgement.Flag.class), SequenceNumber.of(3), Lifetime.ofSeconds(600),
                List.of());
        Addressing baTo = new Addressing(HA, COA, Optional.empty(), Optional.of(HOA), Optional.of(observed));
        ha.send(CODEC.encode(ba, HA, HOA), baTo).toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Inbound reply = atMn.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(reply.addressing().routingHeader()).contains(HOA);
        assertThat(reply.addressing().outerPeer()).contains(ha.localAddress());
        assertThat(CODEC.decode(reply.octets(), HA, HOA)).isEqualTo(ba);
    }

    @Test
    void sendNeedsAnOuterPeerAndAMessageOfMobilityHeaderSize() throws Exception {
        UdpTransport t = open(loopback4());
        InetSocketAddress somewhere = new InetSocketAddress(loopback4(), 9);
        assertThatThrownBy(() -> t.send(new byte[] {1}, Addressing.of(HOA, HA)).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outerPeer");
        assertThatThrownBy(() -> t.send(new byte[0], Addressing.of(HOA, HA).withOuterPeer(somewhere))
                .toCompletableFuture().join()).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.send(new byte[MobilityHeaderCodec.MAX_LENGTH + 1],
                Addressing.of(HOA, HA).withOuterPeer(somewhere)).toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(t.counters().sent()).isZero();
    }

    @Test
    void closeStopsTheNamedDaemonReceiveThreadRefusesSendsAndIsIdempotent() throws Exception {
        UdpTransport t = open(loopback4());
        t.start(in -> { });
        String name = "mip6-udp-" + t.localAddress();
        Thread thread = Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no thread named " + name));
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.isAlive()).isTrue();

        t.close();
        t.close();
        thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        assertThat(thread.isAlive()).isFalse();
        assertThatThrownBy(() -> t.send(new byte[] {1}, Addressing.of(HOA, HA)
                .withOuterPeer(new InetSocketAddress(loopback4(), 9))).toCompletableFuture().join())
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.start(in -> { })).isInstanceOf(IllegalStateException.class);

        try (DatagramSocket rebind = new DatagramSocket(t.localAddress())) {
            assertThat(rebind.getLocalPort()).as("the port was released").isEqualTo(t.localAddress().getPort());
        }
    }

    @Test
    void closeWaitsForTheReceiverCallInProgressThenStopsTheBlockedReceiveThread() throws Exception {
        UdpTransport ha = open(loopback4());
        java.util.concurrent.CountDownLatch inReceiver = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch mayFinish = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        ha.start(in -> {
            inReceiver.countDown();
            try {
                mayFinish.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        DatagramSocket mn = mobileNodeSocket();
        byte[] mh = CODEC.encode(ipv4CareOfBu(3, Ipv4Address.parse("127.0.0.1")), HOA, HA);
        sendRaw(mn, MobilityPacket.of(HOA, HA, mh).toBytes(), ha.localAddress());
        assertThat(inReceiver.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the receiver was called").isTrue();

        Thread closer = new Thread(ha::close, "closer");
        closer.start();
        closer.join(300);
        assertThat(closer.isAlive()).as("close() waits for the receiver call in progress").isTrue();
        mayFinish.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        assertThat(closer.isAlive()).isFalse();
        assertThat(finished).as("the receiver call ran to its end").isTrue();

        String name = "mip6-udp-" + ha.localAddress();
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().equals(name)))
                .as("the receive thread, asleep in recvfrom after the call, has ended").isEmpty();
        try (DatagramSocket rebind = new DatagramSocket(ha.localAddress())) {
            assertThat(rebind.getLocalPort()).as("the port was released").isEqualTo(ha.localAddress().getPort());
        }
    }

    @Test
    void withTwoReceiveThreadsADatagramIsHandledWhileTheOtherThreadsReceiverCallWaits() throws Exception {
        UdpTransport ha = UdpTransport.open(UdpTransport.Config.ephemeral(loopback4()).withReceiveThreads(2));
        toClose.add(ha);
        java.util.concurrent.CountDownLatch mayFinish = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ha.start(in -> {
            threads.add(Thread.currentThread().getName());
            atHa.add(in);
            if (calls.incrementAndGet() == 1) {
                try {
                    mayFinish.await(TIMEOUT_SECONDS, TimeUnit.SECONDS); // holds the first thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        DatagramSocket mn = mobileNodeSocket();
        for (int sequence = 1; sequence <= 2; sequence++) {
            // One after the other: two datagrams already queued together are one batch, handled by one thread.
            byte[] mh = CODEC.encode(ipv4CareOfBu(sequence, Ipv4Address.parse("127.0.0.1")), HOA, HA);
            sendRaw(mn, MobilityPacket.of(HOA, HA, mh).toBytes(), ha.localAddress());
            awaitAtHa(); // the second: with one thread it would wait for mayFinish, after the timeout
        }
        mayFinish.countDown();
        String first = "mip6-udp-" + ha.localAddress();
        assertThat(threads).containsExactlyInAnyOrder(first, first + "-2");

        ha.close();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(first)) {
                t.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
                assertThat(t.isAlive()).as(t.getName() + " ended with close()").isFalse();
            }
        }
    }

    @Test
    void aReceiverThatClosesItsOwnTransportDoesNotWaitForItself() throws Exception {
        UdpTransport ha = open(loopback4());
        java.util.concurrent.atomic.AtomicLong closeMillis = new java.util.concurrent.atomic.AtomicLong(-1);
        ha.start(in -> {
            long t0 = System.nanoTime();
            ha.close();
            closeMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            atHa.add(in);
        });
        DatagramSocket mn = mobileNodeSocket();
        byte[] mh = CODEC.encode(ipv4CareOfBu(4, Ipv4Address.parse("127.0.0.1")), HOA, HA);
        sendRaw(mn, MobilityPacket.of(HOA, HA, mh).toBytes(), ha.localAddress());
        awaitAtHa();
        assertThat(closeMillis.get()).as("close() from the receiver, in ms").isBetween(0L, 1000L);
    }

    @Test
    void startTwiceIsRefused() throws Exception {
        UdpTransport t = open(loopback4());
        t.start(in -> { });
        assertThatThrownBy(() -> t.start(in -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void factoryOpensATransportAndABusyPortFailsNamingTheEndpoint() throws Exception {
        UdpTransport.Config config = UdpTransport.Config.ephemeral(loopback4());
        SignallingTransport opened = UdpTransport.factory(config).open();
        toClose.add(opened);
        assertThat(opened).isInstanceOf(UdpTransport.class);
        int port = ((UdpTransport) opened).localAddress().getPort();
        assertThat(port).isPositive();

        assertThatThrownBy(() -> UdpTransport.open(config.withPort(port)))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining(":" + port);
    }

    @Test
    void receiverThatThrowsIsCountedAndTheLoopKeepsReceiving() throws Exception {
        UdpTransport ha = open(loopback4());
        ha.start(in -> {
            if (in.octet(0) == 0x3b && atHa.isEmpty() && !thrownOnce) {
                thrownOnce = true;
                throw new IllegalStateException("receiver bug");
            }
            atHa.add(in);
        });
        DatagramSocket mn = mobileNodeSocket();
        byte[] mh = CODEC.encode(ipv4CareOfBu(1, Ipv4Address.parse("127.0.0.1")), HOA, HA);
        sendRaw(mn, MobilityPacket.of(HOA, HA, mh).toBytes(), ha.localAddress());
        sendRaw(mn, MobilityPacket.of(HOA, HA, mh).toBytes(), ha.localAddress());
        awaitAtHa();
        assertThat(ha.counters().receiverFailures()).isEqualTo(1);
        assertThat(ha.counters().delivered()).isEqualTo(2);
    }

    volatile boolean thrownOnce;
}
