package org.mip6kit.provider.tls.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.AlertDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.transport.SocketProviderNetwork;

/**
 * Interoperability of {@link TlsSession} with OpenSSL (Debian {@code openssl}) over real sockets
 * on ::1: OpenSSL's s_client verifies our server's chain and name and negotiates TLS 1.2, and is
 * refused a renegotiation; our client completes a handshake with s_server and exchanges a line
 * each way, and refuses an s_server whose certificate lacks the name.
 */
@Tag("large")
class TlsSessionOpensslInteropTest {

    static final String HAC = "hac.example.org";
    static final Duration HANDSHAKE = Duration.ofSeconds(20);
    static final int WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    Path openssl;
    final ExecutorScheduler scheduler = new ExecutorScheduler("tls-interop", 2);
    final SocketProviderNetwork network = new SocketProviderNetwork();
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void requireOpenssl() {
        openssl = HostRequirements.command("openssl", "openssl");
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        network.close();
        scheduler.close();
    }

    /** Starts a process with stderr merged into stdout, which a thread collects. */
    Started start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        return new Started(p);
    }

    static final class Started {
        final Process process;
        final ByteArrayOutputStream output = new ByteArrayOutputStream();

        Started(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (InputStream in = process.getInputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        synchronized (output) {
                            output.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "openssl-output");
            reader.setDaemon(true);
            reader.start();
        }

        String output() {
            synchronized (output) {
                return output.toString(StandardCharsets.UTF_8);
            }
        }

        void type(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(line.getBytes(StandardCharsets.US_ASCII));
            in.flush();
        }

        /** Waits until the output contains {@code text} or the process ends. */
        boolean awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (System.nanoTime() < deadline) {
                if (output().contains(text)) {
                    return true;
                }
                if (!process.isAlive()) {
                    Thread.sleep(200);
                    return output().contains(text);
                }
                Thread.sleep(50);
            }
            return false;
        }

        boolean awaitExit() throws InterruptedException {
            boolean exited = process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
            Thread.sleep(200);
            return exited;
        }
    }

    /** Our HAC on ::1; its server sessions go to {@code sessions}. */
    StreamListener hacServer(ServerCredentials credentials, BlockingQueue<CompletableFuture<TlsSession>> sessions)
            throws IOException {
        return network.listenTcp(new InetSocketAddress(InetAddress.getByName("::1"), 0),
                c -> sessions.add(TlsSession.server(c, credentials, scheduler, HANDSHAKE).toCompletableFuture()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void opensslClientVerifiesOurServersChainAndNameOverTls12AndExchangesData() throws Exception {
        TestPki pki = TestPki.create(dir, "interop CA", java.time.Instant.now());
        TestPki.Issued issued = pki.server("hac", HAC);
        BlockingQueue<CompletableFuture<TlsSession>> sessions = new LinkedBlockingQueue<>();
        StreamListener listener = hacServer(issued.credentials(), sessions);
        int port = listener.localAddress().getPort();

        Started client = start(openssl.toString(), "s_client", "-connect", "[::1]:" + port, "-tls1_2", "-showcerts",
                "-CAfile", pki.caFile().toString(), "-verify_hostname", HAC, "-servername", HAC, "-ign_eof");
        TlsSession server = sessions.poll(WAIT_SECONDS, TimeUnit.SECONDS).get(WAIT_SECONDS, TimeUnit.SECONDS);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        server.onReceive(d -> {
            received.add(new String(d, StandardCharsets.US_ASCII));
            server.send("got it\n".getBytes(StandardCharsets.US_ASCII));
            server.close();
        }, () -> { });
        client.type("Init from openssl\n");

        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("Init from openssl\n");
        assertThat(client.awaitExit()).as("s_client ends when our server closes").isTrue();
        String out = client.output();
        assertThat(out).contains("Protocol  : TLSv1.2", "Verify return code: 0 (ok)", "got it", "subject=CN = " + HAC);
        assertThat(out.split("-----BEGIN CERTIFICATE-----", -1)).as("the leaf and the CA were shown").hasSize(3);
        assertThat(out).containsPattern("Cipher is ECDHE-ECDSA-(AES\\d+-GCM-SHA\\d+|CHACHA20-POLY1305)");
    }

    @Test
    void opensslClientAskingToRenegotiateIsRefused() throws Exception {
        TestPki pki = TestPki.create(dir, "interop CA", java.time.Instant.now());
        BlockingQueue<CompletableFuture<TlsSession>> sessions = new LinkedBlockingQueue<>();
        StreamListener listener = hacServer(pki.server("hac", HAC).credentials(), sessions);

        Started client = start(openssl.toString(), "s_client", "-connect", "[::1]:" + listener.localAddress().getPort(),
                "-tls1_2", "-CAfile", pki.caFile().toString(), "-verify_hostname", HAC);
        TlsSession server = sessions.poll(WAIT_SECONDS, TimeUnit.SECONDS).get(WAIT_SECONDS, TimeUnit.SECONDS);
        byte[] binding = server.serverEndPoint();
        CountDownLatch closed = new CountDownLatch(1);
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.onReceive(d -> received.add(new String(d, StandardCharsets.US_ASCII)), closed::countDown);
        assertThat(client.awaitOutput("Verify return code: 0 (ok)")).isTrue();
        client.type("R\n");

        assertThat(client.awaitOutput("RENEGOTIATING")).isTrue();
        assertThat(client.awaitExit()).as("s_client gives up: " + client.output()).isTrue();
        assertThat(client.output()).containsIgnoringCase("no renegotiation");
        assertThat(closed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("our session ended").isTrue();
        assertThat(received).isEmpty();
        assertThat(server.serverEndPoint()).isEqualTo(binding);
    }

    /** Starts s_server on ::1 with one certificate and key; waits until it accepts. */
    Started opensslServer(int port, TestPki.Issued issued) throws Exception {
        Started server = start(openssl.toString(), "s_server", "-accept", "[::1]:" + port, "-tls1_2",
                "-cert", issued.chainFile().toString(), "-key", issued.keyFile().toString(), "-naccept", "1");
        assertThat(server.awaitOutput("ACCEPT")).as("s_server started: " + server.output()).isTrue();
        return server;
    }

    CompletableFuture<TlsSession> ourClient(int port, ClientTrust trust) throws Exception {
        StreamConnection connection = network.connectTcp(new InetSocketAddress(InetAddress.getByName("::1"), port))
                .toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        return TlsSession.client(connection, trust, scheduler, HANDSHAKE).toCompletableFuture();
    }

    @Test
    void ourClientCompletesAHandshakeWithOpensslServerAndExchangesALine() throws Exception {
        TestPki pki = TestPki.create(dir, "interop CA", java.time.Instant.now());
        int port = freePort();
        Started server = opensslServer(port, pki.server("hac", HAC));

        TlsSession client = ourClient(port, ClientTrust.fromPem(pki.caFile(), HAC)).get(WAIT_SECONDS,
                TimeUnit.SECONDS);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        client.onReceive(d -> received.add(new String(d, StandardCharsets.US_ASCII)), () -> { });
        client.send("Init from mip6kit\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(server.awaitOutput("Init from mip6kit")).as(server.output()).isTrue();
        server.type("Init-resp from openssl\n");

        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("Init-resp from openssl\n");
        assertThat(client.peerCertificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=" + HAC);
        assertThat(client.serverEndPoint()).hasSize(32);
        client.close();
    }

    @Test
    void ourClientRefusesAnOpensslServerWhoseCertificateLacksTheName() throws Exception {
        TestPki pki = TestPki.create(dir, "interop CA", java.time.Instant.now());
        int port = freePort();
        Started server = opensslServer(port, pki.server("other", "other.example.org"));

        CompletableFuture<TlsSession> client = ourClient(port, ClientTrust.fromPem(pki.caFile(), HAC));

        Throwable failure = client.handle((s, e) -> e).get(WAIT_SECONDS, TimeUnit.SECONDS);
        while (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        assertThat(failure).isInstanceOf(ServerCertificateException.class).hasMessageContaining("other.example.org")
                .hasMessageContaining(HAC);
        assertThat(((ServerCertificateException) failure).alertDescription())
                .isEqualTo(AlertDescription.certificate_unknown);
        assertThat(server.awaitExit()).isTrue();
        assertThat(server.output()).as("s_server received our alert").containsIgnoringCase("certificate unknown");
    }

    @Test
    void opensslClientOfferingOnlyTls13IsRefusedWithProtocolVersion() throws Exception {
        TestPki pki = TestPki.create(dir, "interop CA", java.time.Instant.now());
        BlockingQueue<CompletableFuture<TlsSession>> sessions = new LinkedBlockingQueue<>();
        StreamListener listener = hacServer(pki.server("hac", HAC).credentials(), sessions);

        Started client = start(openssl.toString(), "s_client", "-connect", "[::1]:" + listener.localAddress().getPort(),
                "-tls1_3", "-CAfile", pki.caFile().toString());
        CompletableFuture<TlsSession> server = sessions.poll(WAIT_SECONDS, TimeUnit.SECONDS);

        Throwable failure = server.handle((s, e) -> e).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(failure).isNotNull();
        assertThat(client.awaitExit()).isTrue();
        assertThat(client.output()).containsIgnoringCase("protocol version");
    }
}
