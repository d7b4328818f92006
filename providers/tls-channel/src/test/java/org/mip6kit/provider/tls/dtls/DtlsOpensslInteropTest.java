package org.mip6kit.provider.tls.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.transport.SocketProviderNetwork;

/**
 * Interoperability of the {@code dtls} mode with OpenSSL's DTLS 1.2 (an independent
 * implementation): {@code openssl s_client} against our server, our client against
 * {@code openssl s_server}, ECDHE-PSK. OpenSSL 3.0 has no RFC 9146 connection IDs, so these
 * associations run without a CID.
 */
@Tag("large")
class DtlsOpensslInteropTest {

    private static final String IDENTITY = "mn1@example.org";
    private static final String KEY_HEX = "00112233445566778899aabbccddeeff";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void opensslClientCompletesAHandshakeWithOurServerAndALineRoundTrips() throws Exception {
        Path openssl = HostRequirements.command("openssl", "openssl");
        try (SocketProviderNetwork network = new SocketProviderNetwork();
                ExecutorScheduler scheduler = new ExecutorScheduler("dtls-interop", 1)) {
            DtlsServerChannel[] self = new DtlsServerChannel[1];
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            DtlsServerChannel server = DtlsServerChannel.open(network, new InetSocketAddress(LOOPBACK, 0),
                    DtlsServerCredentials.psk(PskTable.of(Map.of(IDENTITY, HexFormat.of().parseHex(KEY_HEX)))),
                    DtlsServerSettings.builder().handshakeTimeout(Duration.ofSeconds(10)).build(), scheduler,
                    Clock.systemUTC(), (a, octets) -> {
                        received.add(octets);
                        self[0].send(a, octets); // echo
                    });
            self[0] = server;
            Process p = new ProcessBuilder(openssl.toString(), "s_client", "-dtls1_2", "-quiet",
                    "-psk", KEY_HEX, "-psk_identity", IDENTITY, "-cipher", "ECDHE-PSK-CHACHA20-POLY1305",
                    "-connect", "127.0.0.1:" + server.localAddress().getPort()).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = p.getOutputStream();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (server.counters().handshakesCompleted() == 0 && System.nanoTime() < deadline && p.isAlive()) {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
                assertThat(server.counters().handshakesCompleted()).as("openssl completed the handshake").isEqualTo(1);
                assertThat(server.associations().get(0).connectionId()).as("OpenSSL 3.0 offers no CID").isEmpty();
                in.write("binding-update-42\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                byte[] got = received.poll(10, TimeUnit.SECONDS);
                assertThat(got).isNotNull();
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("binding-update-42\n");
                String line;
                String echoed = null;
                while ((line = out.readLine()) != null) {
                    if (line.contains("binding-update-42")) {
                        echoed = line;
                        break;
                    }
                }
                assertThat(echoed).as("openssl printed our echo").isEqualTo("binding-update-42");
                assertThat(server.associations().get(0).identity().orElseThrow().value()).isEqualTo(IDENTITY);
            } finally {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                server.close();
            }
        }
    }

    @Test
    void ourClientCompletesAHandshakeWithOpensslServerWithoutAConnectionId() throws Exception {
        Path openssl = HostRequirements.command("openssl", "openssl");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder(openssl.toString(), "s_server", "-dtls1_2", "-nocert",
                "-psk", KEY_HEX, "-psk_identity", IDENTITY, "-cipher", "ECDHE-PSK-CHACHA20-POLY1305",
                "-accept", "127.0.0.1:" + port).redirectErrorStream(true).start();
        ExecutorService blocking = Executors.newCachedThreadPool();
        try (SocketProviderNetwork network = new SocketProviderNetwork()) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("ACCEPT")) {
                // wait until s_server listens
            }
            assertThat(line).as("s_server started").isNotNull();
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            DtlsClientChannel client = DtlsClientChannel.connect(network, new InetSocketAddress(LOOPBACK, 0),
                    new InetSocketAddress(LOOPBACK, port), DtlsClientCredentials.psk(IDENTITY, HexFormat.of().parseHex(KEY_HEX)),
                    Duration.ofSeconds(10), true, Clock.systemUTC(), blocking, received::add)
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);
            try {
                assertThat(client.usesConnectionId()).as("OpenSSL 3.0 ignores the connection_id extension").isFalse();
                client.send("binding-update-7\n".getBytes(StandardCharsets.UTF_8));
                String seen = null;
                while ((line = out.readLine()) != null) {
                    if (line.contains("binding-update-7")) {
                        seen = line;
                        break;
                    }
                }
                assertThat(seen).as("s_server printed what our client sent").isEqualTo("binding-update-7");
                p.getOutputStream().write("binding-ack-7\n".getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
                byte[] got = received.poll(10, TimeUnit.SECONDS);
                assertThat(got).isNotNull();
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("binding-ack-7\n");
            } finally {
                client.close();
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            blocking.shutdownNow();
        }
    }
}
