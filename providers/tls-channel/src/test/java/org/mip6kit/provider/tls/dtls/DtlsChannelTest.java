package org.mip6kit.provider.tls.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.spi.Identity;
import org.mip6kit.transport.SocketProviderNetwork;

/**
 * The {@code dtls} mode's channels over real loopback sockets: handshakes, Mobility Header
 * octets both ways, stateless cookies under a ClientHello flood, and RFC 9146 §6 peer moves.
 */
@Tag("medium")
class DtlsChannelTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    /** A Binding Update's octets as the engine would hand them over (content is opaque to the channel). */
    private static final byte[] MH = HexFormat.of().parseHex("3b01050000000000000100050000001e");

    private final SocketProviderNetwork network = new SocketProviderNetwork();
    private final ExecutorScheduler scheduler = new ExecutorScheduler("dtls-test", 1);
    private final ExecutorService blocking = Executors.newCachedThreadPool();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final BlockingQueue<Received> atServer = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> atClient = new LinkedBlockingQueue<>();

    private record Received(DtlsAssociation association, byte[] octets) {
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        blocking.shutdownNow();
        scheduler.close();
        network.close();
    }

    private DtlsServerChannel server(DtlsServerCredentials credentials, DtlsServerSettings settings) {
        DtlsServerChannel s = DtlsServerChannel.open(network, new InetSocketAddress(LOOPBACK, 0), credentials, settings,
                scheduler, Clock.systemUTC(), (a, octets) -> atServer.add(new Received(a, octets)));
        toClose.add(s);
        return s;
    }

    private DtlsServerChannel pskServer() {
        return server(DtlsServerCredentials.psk(PskTable.of(Map.of("mn1@example.org", KEY))),
                DtlsServerSettings.builder().handshakeTimeout(Duration.ofSeconds(5)).build());
    }

    private DtlsClientChannel client(DtlsServerChannel server, DtlsClientCredentials credentials, boolean cid) {
        DtlsClientChannel c = DtlsClientChannel.connect(network, new InetSocketAddress(LOOPBACK, 0), server.localAddress(),
                credentials, Duration.ofSeconds(5), cid, Clock.systemUTC(), blocking, atClient::add)
                .toCompletableFuture().join();
        toClose.add(c);
        return c;
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    @Test
    void pskEcdheHandshakeCarriesMobilityHeaderOctetsBothWays() throws Exception {
        DtlsServerChannel server = pskServer();
        DtlsClientChannel client = client(server, DtlsClientCredentials.psk("mn1@example.org", KEY), true);

        client.send(MH);
        Received r = atServer.poll(10, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.octets()).isEqualTo(MH);
        assertThat(r.association().identity()).contains(new Identity(Identity.Kind.PSK_IDENTITY, "mn1@example.org"));
        assertThat(r.association().peer()).isEqualTo(client.localAddress());
        assertThat(r.association().connectionId()).get().asString().hasSize(16);
        assertThat(client.usesConnectionId()).isTrue();

        byte[] ack = HexFormat.of().parseHex("3b0106000000000000010000");
        server.send(r.association(), ack).toCompletableFuture().join();
        assertThat(atClient.poll(10, TimeUnit.SECONDS)).isEqualTo(ack);
        assertThat(server.counters().handshakesCompleted()).isEqualTo(1);
        assertThat(server.counters().cookiesSent()).isEqualTo(1);
    }

    @Test
    void certificateModeTakesTheIdentityFromTheSubjectAltNameNotTheSubject() throws Exception {
        DtlsTestKeys.Issued ca = DtlsTestKeys.ca("mip6kit test CA");
        DtlsTestKeys.Issued ha = DtlsTestKeys.endEntity(ca, "home agent", new GeneralName(GeneralName.dNSName, "ha.example.org"));
        DtlsTestKeys.Issued mn = DtlsTestKeys.endEntity(ca, "not-the-identity",
                new GeneralName(GeneralName.rfc822Name, "mn7@example.org"));
        DtlsServerChannel server = server(DtlsServerCredentials.x509(DtlsTestKeys.credentials(ha, ca)),
                DtlsServerSettings.builder().handshakeTimeout(Duration.ofSeconds(5)).build());
        DtlsClientChannel client = client(server, DtlsClientCredentials.x509(DtlsTestKeys.credentials(mn, ca)), true);

        client.send(MH);
        Received r = atServer.poll(10, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.octets()).isEqualTo(MH);
        assertThat(r.association().identity()).contains(Identity.nai("mn7@example.org"));
    }

    @Test
    void certificateFromAnotherAuthorityIsRefused() throws Exception {
        DtlsTestKeys.Issued ca = DtlsTestKeys.ca("mip6kit test CA");
        DtlsTestKeys.Issued rogue = DtlsTestKeys.ca("rogue CA");
        DtlsTestKeys.Issued ha = DtlsTestKeys.endEntity(ca, "home agent", new GeneralName(GeneralName.dNSName, "ha.example.org"));
        DtlsTestKeys.Issued mn = DtlsTestKeys.endEntity(rogue, "mn", new GeneralName(GeneralName.rfc822Name, "mn7@example.org"));
        DtlsServerChannel server = server(DtlsServerCredentials.x509(DtlsTestKeys.credentials(ha, ca)),
                DtlsServerSettings.builder().handshakeTimeout(Duration.ofSeconds(3)).build());
        assertThrows(CompletionException.class, () -> client(server, DtlsClientCredentials.x509(DtlsTestKeys.credentials(mn, ca)), true));
        await(() -> server.counters().handshakesFailed() == 1, "the server counts the failed handshake");
        assertThat(server.counters().handshakesCompleted()).isZero();
        assertThat(server.associations()).isEmpty();
    }

    @Test
    void wrongPskFailsTheHandshakeAndLeavesNoAssociation() throws Exception {
        DtlsServerChannel server = server(DtlsServerCredentials.psk(PskTable.of(Map.of("mn1@example.org", KEY))),
                DtlsServerSettings.builder().handshakeTimeout(Duration.ofSeconds(2)).build());
        byte[] wrong = KEY.clone();
        wrong[0] ^= 1;
        CompletionException e = assertThrows(CompletionException.class, () -> DtlsClientChannel.connect(network,
                new InetSocketAddress(LOOPBACK, 0), server.localAddress(), DtlsClientCredentials.psk("mn1@example.org", wrong),
                Duration.ofSeconds(2), true, Clock.systemUTC(), blocking, atClient::add).toCompletableFuture().join());
        assertThat(e.getCause().getMessage()).doesNotContain(HexFormat.of().formatHex(wrong));
        await(() -> server.counters().handshakesFailed() == 1, "the server gives up the handshake");
        assertThat(server.counters().handshakesCompleted()).isZero();
        assertThat(server.associations()).isEmpty();
        assertThat(atServer).isEmpty();
    }

    @Test
    void rebindingKeepsTheAssociationAndTheServerMovesThePeerOnlyAfterAnAuthenticatedRecord() throws Exception {
        DtlsServerChannel server = pskServer();
        DtlsClientChannel client = client(server, DtlsClientCredentials.psk("mn1@example.org", KEY), true);
        client.send(MH);
        DtlsAssociation association = atServer.poll(10, TimeUnit.SECONDS).association();
        InetSocketAddress before = client.localAddress();
        assertThat(association.peer()).isEqualTo(before);

        InetSocketAddress after = client.rebind(new InetSocketAddress(LOOPBACK, 0));
        assertThat(after).isNotEqualTo(before);
        assertThat(association.peer()).as("no record from the new address yet").isEqualTo(before);

        client.send(MH);
        Received r = atServer.poll(10, TimeUnit.SECONDS);
        assertThat(r.association()).isSameAs(association);
        assertThat(association.peer()).isEqualTo(after);
        assertThat(association.peerChanges()).isEqualTo(1);
        assertThat(server.counters().handshakesStarted()).isEqualTo(1);
        assertThat(server.counters().handshakesCompleted()).isEqualTo(1);
        assertThat(server.counters().peerAddressChanges()).isEqualTo(1);

        byte[] ack = HexFormat.of().parseHex("3b0106000000000000020000");
        server.send(association, ack).toCompletableFuture().join();
        assertThat(atClient.poll(10, TimeUnit.SECONDS)).as("the reply reaches the new address").isEqualTo(ack);
    }

    @Test
    void forgedConnectionIdRecordFromAnotherAddressDoesNotMoveThePeer() throws Exception {
        DtlsServerChannel server = pskServer();
        DtlsClientChannel client = client(server, DtlsClientCredentials.psk("mn1@example.org", KEY), true);
        client.send(MH);
        DtlsAssociation association = atServer.poll(10, TimeUnit.SECONDS).association();
        byte[] cid = HexFormat.of().parseHex(association.connectionId().orElseThrow());
        long droppedBefore = server.counters().datagramsDropped();

        // tls12_cid record, DTLS 1.2, epoch 1, a sequence number far ahead, the right CID, a bogus ciphertext
        ByteBuffer forged = ByteBuffer.allocate(13 + cid.length + 40);
        forged.put((byte) 25).put((byte) 0xfe).put((byte) 0xfd).putShort((short) 1)
                .putShort((short) 0).putInt(1_000_000).put(cid).putShort((short) 40).put(new byte[40]);
        try (DatagramChannel attacker = DatagramChannel.open()) {
            attacker.bind(new InetSocketAddress(LOOPBACK, 0));
            attacker.send(forged.flip(), server.localAddress());
            client.send(MH); // a genuine record after the forged one, to know the forged one was processed
            assertThat(atServer.poll(10, TimeUnit.SECONDS).octets()).isEqualTo(MH);
            assertThat(atServer.poll(200, TimeUnit.MILLISECONDS)).as("the forged record delivers nothing").isNull();
            assertThat(association.peer()).isEqualTo(client.localAddress());
            assertThat(association.peerChanges()).isZero();
            assertThat(server.counters().datagramsDropped()).isEqualTo(droppedBefore);
        }
    }

    @Test
    void clientHelloFloodFromManyPortsCreatesNoAssociationsOnlyCookies() throws Exception {
        byte[] clientHello = captureClientHello();
        DtlsServerChannel server = pskServer();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();

        int sockets = 20;
        int perSocket = 500;
        List<DatagramChannel> senders = new ArrayList<>();
        try {
            for (int i = 0; i < sockets; i++) {
                DatagramChannel ch = DatagramChannel.open();
                ch.bind(new InetSocketAddress(LOOPBACK, 0));
                senders.add(ch);
            }
            int sent = 0;
            for (int n = 0; n < perSocket; n++) {
                for (DatagramChannel ch : senders) {
                    ch.send(ByteBuffer.wrap(clientHello), server.localAddress());
                    sent++;
                }
                if (n % 10 == 9) {
                    // paced in bursts of 200 so that the kernel's receive buffer, not the server, sets the loss
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                    while (server.counters().cookiesSent() < sent && System.nanoTime() < deadline) {
                        TimeUnit.MILLISECONDS.sleep(1);
                    }
                }
            }
            long[] last = {-1};
            await(() -> {
                long now = server.counters().cookiesSent();
                boolean settled = now == last[0];
                last[0] = now;
                return settled && now > 0;
            }, "the cookie count settles");
        } finally {
            for (DatagramChannel ch : senders) {
                ch.close();
            }
        }
        System.gc();
        long heapAfter = rt.totalMemory() - rt.freeMemory();
        DtlsServerCounters c = server.counters();
        System.out.printf("ClientHello flood: %d sent, %d cookies sent, heap %d KiB before, %d KiB after%n",
                sockets * perSocket, c.cookiesSent(), heapBefore / 1024, heapAfter / 1024);
        assertThat(c.associations()).isZero();
        assertThat(server.associations()).isEmpty();
        assertThat(c.handshakesStarted()).isZero();
        assertThat(c.cookiesSent()).as("most ClientHellos are answered, each with one cookie")
                .isGreaterThan(sockets * perSocket / 2).isLessThanOrEqualTo(sockets * perSocket);
        assertThat(c.handshakesDropped()).isZero();
    }

    /** The first datagram our client sends: a ClientHello without a cookie. */
    private byte[] captureClientHello() throws Exception {
        try (DatagramChannel fake = DatagramChannel.open()) {
            fake.bind(new InetSocketAddress(LOOPBACK, 0));
            var attempt = DtlsClientChannel.connect(network, new InetSocketAddress(LOOPBACK, 0),
                    (InetSocketAddress) fake.getLocalAddress(), DtlsClientCredentials.psk("mn1@example.org", KEY),
                    Duration.ofSeconds(1), true, Clock.systemUTC(), blocking, atClient::add);
            ByteBuffer buf = ByteBuffer.allocate(2048);
            fake.receive(buf);
            buf.flip();
            byte[] hello = Arrays.copyOf(buf.array(), buf.limit());
            assertThat(DtlsRecordHeader.isClientHello(hello)).isTrue();
            attempt.toCompletableFuture().handle((c, e) -> null).join();
            return hello;
        }
    }
}
