package org.mip6kit.provider.tls.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.transport.SocketProviderNetwork;

/**
 * {@link TlsSession} on real loopback sockets, where bytes arrive on reader threads while other
 * threads send: the per-session lock keeps every record whole and in order per sender.
 */
@Tag("medium")
class TlsSessionOverSocketsTest {

    static final String HAC = "hac.example.org";
    static final int WAIT_SECONDS = 20;

    @TempDir
    Path dir;

    final ExecutorScheduler scheduler = new ExecutorScheduler("tls-sockets", 2);
    final SocketProviderNetwork network = new SocketProviderNetwork();

    @AfterEach
    void stop() {
        network.close();
        scheduler.close();
    }

    @Test
    void concurrentSendersFromSeveralThreadsArriveWholeAndInOrderPerSender() throws Exception {
        TestPki pki = TestPki.create(dir, "CA", Instant.now());
        ServerCredentials credentials = pki.server("hac", HAC).credentials();
        BlockingQueue<CompletableFuture<TlsSession>> servers = new LinkedBlockingQueue<>();
        StreamListener listener = network.listenTcp(new InetSocketAddress(InetAddress.getByName("::1"), 0),
                c -> servers.add(TlsSession.server(c, credentials, scheduler, Duration.ofSeconds(WAIT_SECONDS))
                        .toCompletableFuture()));
        TlsSession client = TlsSession.client(network.connectTcp(listener.localAddress()).toCompletableFuture()
                        .get(WAIT_SECONDS, TimeUnit.SECONDS), ClientTrust.fromPem(pki.caFile(), HAC), scheduler,
                Duration.ofSeconds(WAIT_SECONDS)).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        TlsSession server = servers.poll(WAIT_SECONDS, TimeUnit.SECONDS).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(client.serverEndPoint()).isEqualTo(server.serverEndPoint());

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        CountDownLatch closed = new CountDownLatch(1);
        server.onReceive(received::writeBytes, closed::countDown);
        int senders = 4;
        int messages = 200;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            char tag = (char) ('A' + s);
            Thread t = new Thread(() -> {
                for (int i = 0; i < messages; i++) {
                    client.send(String.format("%c%04d;", tag, i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        client.close();

        assertThat(closed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the server saw close_notify").isTrue();
        String[] items = received.toString(java.nio.charset.StandardCharsets.US_ASCII).split(";");
        assertThat(items).hasSize(senders * messages);
        for (int s = 0; s < senders; s++) {
            char tag = (char) ('A' + s);
            List<String> fromSender = java.util.Arrays.stream(items).filter(m -> m.charAt(0) == tag).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                expected.add(String.format("%c%04d", tag, i));
            }
            assertThat(fromSender).containsExactlyElementsOf(expected);
        }
    }
}
