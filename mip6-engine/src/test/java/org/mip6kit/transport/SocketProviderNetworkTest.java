package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;

/**
 * UDP endpoints and TCP streams of {@link SocketProviderNetwork} over loopback sockets
 * (127.0.0.1 and ::1, ephemeral ports). The raw Mobility Header socket is in
 * {@link RawMobilityHeaderSocketTest}.
 */
@Tag("medium")
class SocketProviderNetworkTest {

    static final int TIMEOUT_SECONDS = 5;

    final SocketProviderNetwork network = new SocketProviderNetwork();

    @AfterEach
    void close() {
        network.close();
    }

    static InetSocketAddress ephemeral(String literal) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(literal), 0);
    }

    static Datagram await(BlockingQueue<Datagram> queue) throws InterruptedException {
        Datagram d = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(d).as("a datagram arrived within " + TIMEOUT_SECONDS + " s").isNotNull();
        return d;
    }

    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- UDP ----

    @Test
    void datagramOverIpv6LoopbackCarriesPeerAndObservedBoundAddressAndInterface() throws Exception {
        UdpEndpoint receiver = network.bindUdp(ephemeral("::1"));
        UdpEndpoint sender = network.bindUdp(ephemeral("::1"));
        BlockingQueue<Datagram> received = new LinkedBlockingQueue<>();
        receiver.start(received::add);

        sender.send(ascii("over ::1"), receiver.localAddress()).toCompletableFuture().join();

        Datagram d = await(received);
        assertThat(d.payload()).isEqualTo(ascii("over ::1"));
        assertThat(d.peer()).isEqualTo(sender.localAddress());
        assertThat(d.peer().getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(receiver.localAddress().getPort()).isPositive();
        assertThat(d.observed()).isEqualTo(new Observed(Optional.of("lo"), Optional.of(receiver.localAddress())));
    }

    @Test
    void datagramOverIpv4LoopbackReportsThePeerAsAnInet4Address() throws Exception {
        UdpEndpoint receiver = network.bindUdp(ephemeral("127.0.0.1"));
        UdpEndpoint sender = network.bindUdp(ephemeral("127.0.0.1"));
        BlockingQueue<Datagram> received = new LinkedBlockingQueue<>();
        receiver.start(received::add);

        sender.send(ascii("over 127.0.0.1"), receiver.localAddress()).toCompletableFuture().join();

        Datagram d = await(received);
        assertThat(d.payload()).isEqualTo(ascii("over 127.0.0.1"));
        assertThat(d.peer().getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(d.peer()).isEqualTo(sender.localAddress());
        assertThat(receiver.localAddress().getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(d.observed()).isEqualTo(new Observed(Optional.of("lo"), Optional.of(receiver.localAddress())));
    }

    @Test
    void wildcardBindObservesNoInterfaceAndReportsAnIpv4PeerUnmapped() throws Exception {
        UdpEndpoint receiver = network.bindUdp(ephemeral("::"));
        UdpEndpoint sender = network.bindUdp(ephemeral("127.0.0.1"));
        BlockingQueue<Datagram> received = new LinkedBlockingQueue<>();
        receiver.start(received::add);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                receiver.localAddress().getPort());

        sender.send(ascii("to the wildcard"), to).toCompletableFuture().join();

        Datagram d = await(received);
        assertThat(d.peer()).isEqualTo(sender.localAddress());
        assertThat(d.peer().getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(d.observed().ingressInterface()).isEmpty();
        assertThat(d.observed().local()).contains(receiver.localAddress());
        assertThat(receiver.localAddress().getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void sendAfterCloseFailsWithSecurityProviderException() throws Exception {
        UdpEndpoint endpoint = network.bindUdp(ephemeral("127.0.0.1"));
        endpoint.close();

        CompletableFuture<Void> sent = endpoint.send(ascii("late"), endpoint.localAddress()).toCompletableFuture();

        assertThatThrownBy(sent::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining("closed");
    }

    @Test
    void payloadOver65507OctetsFails() throws Exception {
        UdpEndpoint endpoint = network.bindUdp(ephemeral("127.0.0.1"));

        CompletableFuture<Void> sent = endpoint.send(new byte[65508], endpoint.localAddress()).toCompletableFuture();

        assertThatThrownBy(sent::join).hasCauseInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("65507");
    }

    @Test
    void closeStopsTheReceiveThreadAndIsIdempotent() throws Exception {
        UdpEndpoint endpoint = network.bindUdp(ephemeral("127.0.0.1"));
        endpoint.start(d -> { });
        String thread = "mip6-provider-udp-" + endpoint.localAddress();
        assertThat(threadAlive(thread)).isTrue();

        endpoint.close();
        endpoint.close();

        assertThat(threadAlive(thread)).isFalse();
    }

    @Test
    void bindingAnAddressInUseFailsNamingTheAddress() throws Exception {
        UdpEndpoint first = network.bindUdp(ephemeral("127.0.0.1"));

        assertThatThrownBy(() -> network.bindUdp(first.localAddress()))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("cannot bind a UDP endpoint on 127.0.0.1:" + first.localAddress().getPort()
                        + ": port " + first.localAddress().getPort() + " is already in use")
                .hasMessageNotContaining("/127.0.0.1");
    }

    @Test
    void closingTheNetworkClosesItsEndpointsAndRefusesNewOnes() throws Exception {
        UdpEndpoint endpoint = network.bindUdp(ephemeral("127.0.0.1"));

        network.close();

        assertThatThrownBy(() -> endpoint.send(ascii("late"), endpoint.localAddress()).toCompletableFuture().join())
                .hasCauseInstanceOf(SecurityProviderException.class);
        assertThatThrownBy(() -> network.bindUdp(ephemeral("127.0.0.1")))
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> network.connectTcp(endpoint.localAddress()).toCompletableFuture().join())
                .hasCauseInstanceOf(SecurityProviderException.class);
    }

    // ---- TCP ----

    @Test
    void connectAndListenCarryBytesBothWays() throws Exception {
        BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
        StreamListener listener = network.listenTcp(ephemeral("127.0.0.1"), accepted::add);

        StreamConnection client = network.connectTcp(listener.localAddress()).toCompletableFuture()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        StreamConnection server = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(server).isNotNull();

        client.output().write(ascii("ping"));
        client.output().flush();
        assertThat(server.input().readNBytes(4)).isEqualTo(ascii("ping"));
        server.output().write(ascii("pong"));
        server.output().flush();
        assertThat(client.input().readNBytes(4)).isEqualTo(ascii("pong"));

        assertThat(client.remote()).isEqualTo(listener.localAddress());
        assertThat(server.remote()).isEqualTo(client.local());
        assertThat(server.local()).isEqualTo(listener.localAddress());
        assertThat(client.local().getAddress()).isInstanceOf(Inet4Address.class);
    }

    @Test
    void closingAConnectionWakesAReadBlockedOnIt() throws Exception {
        BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
        StreamListener listener = network.listenTcp(ephemeral("::1"), accepted::add);
        StreamConnection client = network.connectTcp(listener.localAddress()).toCompletableFuture()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
            try {
                return client.input().read();
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(read).isNotDone();

        client.close();

        Object outcome = read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(outcome).satisfiesAnyOf(o -> assertThat(o).isInstanceOf(IOException.class),
                o -> assertThat(o).isEqualTo(-1));
    }

    @Test
    void peerSeesEndOfStreamWhenTheOtherEndCloses() throws Exception {
        BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
        StreamListener listener = network.listenTcp(ephemeral("127.0.0.1"), accepted::add);
        StreamConnection client = network.connectTcp(listener.localAddress()).toCompletableFuture()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        InputStream serverInput = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS).input();

        client.close();

        assertThat(serverInput.read()).isEqualTo(-1);
    }

    @Test
    void connectingWhereNothingListensFailsWithSecurityProviderExceptionNamingTheAddress() throws Exception {
        InetSocketAddress unused;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            unused = (InetSocketAddress) probe.getLocalSocketAddress();
        }

        CompletableFuture<StreamConnection> connect = network.connectTcp(unused).toCompletableFuture();

        assertThatThrownBy(() -> connect.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SecurityProviderException.class).hasMessageContaining(unused.toString());
    }

    @Test
    void closingAListenerStopsItsAcceptThread() throws Exception {
        StreamListener listener = network.listenTcp(ephemeral("127.0.0.1"), c -> { });
        String thread = "mip6-provider-tcp-" + listener.localAddress();
        assertThat(threadAlive(thread)).isTrue();

        listener.close();
        listener.close();

        assertThat(threadAlive(thread)).isFalse();
    }

    @Test
    void listeningOnAnAddressInUseFailsNamingTheAddress() throws Exception {
        StreamListener first = network.listenTcp(ephemeral("127.0.0.1"), c -> { });

        assertThatThrownBy(() -> network.listenTcp(first.localAddress(), c -> { }))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("cannot listen for TCP on 127.0.0.1:" + first.localAddress().getPort()
                        + ": port " + first.localAddress().getPort() + " is already in use")
                .hasMessageNotContaining("/127.0.0.1");
    }

    // ---- event-driven reading ----

    @Test
    void startReadingDeliversInOrderOnANamedDaemonThreadAndEndsOnceAtThePeersClose() throws Exception {
        BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
        StreamListener listener = network.listenTcp(ephemeral("::1"), accepted::add);
        StreamConnection client = network.connectTcp(listener.localAddress()).toCompletableFuture()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        StreamConnection server = accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        java.util.List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        server.startReading(chunk -> {
            threads.add(Thread.currentThread());
            synchronized (received) {
                received.writeBytes(chunk);
            }
        }, () -> {
            ends.incrementAndGet();
            ended.countDown();
        });

        byte[] sent = new byte[100_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31);
        }
        client.output().write(sent, 0, 40_000);
        client.output().write(sent, 40_000, 60_000);
        client.output().flush();
        client.close();

        assertThat(ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("ended ran").isTrue();
        synchronized (received) {
            assertThat(received.toByteArray()).isEqualTo(sent);
        }
        assertThat(threads).isNotEmpty().allSatisfy(t -> {
            assertThat(t.getName()).startsWith("mip6-tcp-reader");
            assertThat(t.isDaemon()).isTrue();
        });
        server.close();
        assertThat(ends.get()).isEqualTo(1);
    }

    @Test
    void closingAConnectionWakesItsReaderWhichEndsOnce() throws Exception {
        BlockingQueue<StreamConnection> accepted = new LinkedBlockingQueue<>();
        StreamListener listener = network.listenTcp(ephemeral("127.0.0.1"), accepted::add);
        StreamConnection client = network.connectTcp(listener.localAddress()).toCompletableFuture()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(accepted.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotNull();
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        client.startReading(chunk -> { }, () -> {
            ends.incrementAndGet();
            ended.countDown();
        });
        String readerName = "mip6-tcp-reader " + client.local() + " -> " + client.remote();
        assertThat(threadAlive(readerName)).isTrue();

        client.close();
        client.close();

        assertThat(ended.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("ended ran").isTrue();
        assertThat(ends.get()).isEqualTo(1);
        assertThatThrownBy(() -> client.startReading(c -> { }, () -> { }))
                .isInstanceOf(IllegalStateException.class);
    }
}
