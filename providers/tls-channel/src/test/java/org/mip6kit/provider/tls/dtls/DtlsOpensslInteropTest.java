package org.mip6kit.provider.tls.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.transport.SocketProviderNetwork;

/**
 * Interoperability of the {@code dtls} mode with OpenSSL's DTLS 1.2 (an independent
 * implementation): {@code openssl s_client} against our server, our client against
 * {@code openssl s_server}, ECDHE-PSK and ECDHE-ECDSA with certificates (whose suite must be
 * ChaCha20-Poly1305 when both offer it, AES-128-GCM when OpenSSL offers only that). OpenSSL 3.0
 * has no RFC 9146 connection IDs, so these associations run without a CID.
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

    // ------------------------------------------------------------------ X.509 certificates

    /** A test CA, the home agent's certificate and a node's with an rfc822Name, as PEM files for openssl. */
    private record Pki(DtlsTestKeys.Issued ca, DtlsTestKeys.Issued ha, DtlsTestKeys.Issued mn, Path caPem, Path haPem,
                       Path haKey, Path mnPem, Path mnKey) {
        static Pki create(Path dir) throws Exception {
            DtlsTestKeys.Issued ca = DtlsTestKeys.ca("interop CA");
            DtlsTestKeys.Issued ha = DtlsTestKeys.endEntity(ca, "home agent",
                    new GeneralName(GeneralName.dNSName, "ha.example.org"));
            DtlsTestKeys.Issued mn = DtlsTestKeys.endEntity(ca, "not-the-identity",
                    new GeneralName(GeneralName.rfc822Name, IDENTITY));
            return new Pki(ca, ha, mn, pem(dir.resolve("ca.pem"), ca.certificate()),
                    pem(dir.resolve("ha.pem"), ha.certificate()), pem(dir.resolve("ha.key"), ha.keys().getPrivate()),
                    pem(dir.resolve("mn.pem"), mn.certificate()), pem(dir.resolve("mn.key"), mn.keys().getPrivate()));
        }

        private static Path pem(Path file, Object o) throws Exception {
            try (JcaPEMWriter w = new JcaPEMWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII))) {
                // A key as PKCS#8 PRIVATE KEY: what the JDK encodes, and OpenSSL reads.
                w.writeObject(o instanceof java.security.PrivateKey k ? new PemObject("PRIVATE KEY", k.getEncoded()) : o);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        }
    }

    /**
     * openssl s_client with a certificate, against our certificate server, offering {@code cipher}
     * (an OpenSSL cipher list in its order of preference; null: OpenSSL's default list).
     *
     * @return the suite OpenSSL reports
     */
    private static String opensslClientWithCertificate(Path dir, String cipher) throws Exception {
        Path openssl = HostRequirements.command("openssl", "openssl");
        Files.createDirectories(dir);
        Pki pki = Pki.create(dir);
        try (SocketProviderNetwork network = new SocketProviderNetwork();
                ExecutorScheduler scheduler = new ExecutorScheduler("dtls-interop", 1)) {
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            DtlsServerChannel server = DtlsServerChannel.open(network, new InetSocketAddress(LOOPBACK, 0),
                    DtlsServerCredentials.x509(DtlsTestKeys.credentials(pki.ha(), pki.ca())),
                    DtlsServerSettings.builder().handshakeTimeout(Duration.ofSeconds(10)).build(), scheduler,
                    Clock.systemUTC(), (a, octets) -> received.add(octets));
            List<String> command = new ArrayList<>(List.of(openssl.toString(), "s_client", "-dtls1_2",
                    "-cert", pki.mnPem().toString(), "-key", pki.mnKey().toString(), "-CAfile", pki.caPem().toString(),
                    "-verify_return_error", "-connect", "127.0.0.1:" + server.localAddress().getPort()));
            if (cipher != null) {
                command.addAll(List.of("-cipher", cipher));
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String negotiated = null;
                StringBuilder seen = new StringBuilder();
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.append(line).append('\n');
                    int at = line.indexOf("Cipher is ");
                    if (at >= 0) {
                        negotiated = line.substring(at + "Cipher is ".length()).strip();
                        break;
                    }
                }
                assertThat(negotiated).as("openssl reported the negotiated suite; it printed:\n%s", seen).isNotNull();
                p.getOutputStream().write("binding-update-9\n".getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
                byte[] got = received.poll(10, TimeUnit.SECONDS);
                assertThat(got).isNotNull();
                assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("binding-update-9\n");
                assertThat(server.associations().get(0).identity()).as("the NAI of the subjectAltName, not the subject")
                        .contains(org.mip6kit.spi.Identity.nai(IDENTITY));
                return negotiated;
            } finally {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                server.close();
            }
        }
    }

    @Test
    void opensslClientWithACertificateGetsChaCha20FromOurServerWhateverItsOwnOrder(@TempDir Path dir) throws Exception {
        assertThat(opensslClientWithCertificate(dir, null)).as("OpenSSL's default list")
                .isEqualTo("ECDHE-ECDSA-CHACHA20-POLY1305");
        assertThat(opensslClientWithCertificate(dir.resolve("aes-first"),
                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305"))
                .as("a client preferring AES-128-GCM: the server's order wins").isEqualTo("ECDHE-ECDSA-CHACHA20-POLY1305");
    }

    @Test
    void opensslClientOfferingOnlyAes128GcmStillCompletesWithOurCertificateServer(@TempDir Path dir) throws Exception {
        assertThat(opensslClientWithCertificate(dir, "ECDHE-ECDSA-AES128-GCM-SHA256"))
                .isEqualTo("ECDHE-ECDSA-AES128-GCM-SHA256");
    }

    @Test
    void ourCertificateClientNegotiatesChaCha20WithOpensslServerWhichVerifiesIt(@TempDir Path dir) throws Exception {
        Path openssl = HostRequirements.command("openssl", "openssl");
        Pki pki = Pki.create(dir);
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder(openssl.toString(), "s_server", "-dtls1_2", "-cert", pki.haPem().toString(),
                "-key", pki.haKey().toString(), "-CAfile", pki.caPem().toString(), "-Verify", "2",
                "-verify_return_error", "-accept", "127.0.0.1:" + port).redirectErrorStream(true).start();
        ExecutorService blocking = Executors.newCachedThreadPool();
        try (SocketProviderNetwork network = new SocketProviderNetwork()) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder started = new StringBuilder();
            while ((line = out.readLine()) != null && !line.contains("ACCEPT")) {
                started.append(line).append('\n');
            }
            assertThat(line).as("s_server started; it printed:\n%s", started).isNotNull();
            DtlsClientChannel client = DtlsClientChannel.connect(network, new InetSocketAddress(LOOPBACK, 0),
                    new InetSocketAddress(LOOPBACK, port),
                    DtlsClientCredentials.x509(DtlsTestKeys.credentials(pki.mn(), pki.ca())), Duration.ofSeconds(10),
                    false, Clock.systemUTC(), blocking, b -> { })
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);
            try {
                client.send("binding-update-8\n".getBytes(StandardCharsets.UTF_8));
                String cipher = null;
                String seen = null;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("CIPHER is ")) {
                        cipher = line.substring("CIPHER is ".length()).strip();
                    }
                    if (line.contains("binding-update-8")) {
                        seen = line;
                        break;
                    }
                }
                assertThat(cipher).as("our client's first choice").isEqualTo("ECDHE-ECDSA-CHACHA20-POLY1305");
                assertThat(seen).as("s_server verified our certificate and printed what we sent")
                        .isEqualTo("binding-update-8");
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
