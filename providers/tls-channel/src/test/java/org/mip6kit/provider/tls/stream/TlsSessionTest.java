package org.mip6kit.provider.tls.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.bouncycastle.tls.AlertDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.transport.InMemoryProviderNetwork.Host;

/**
 * TLS 1.2 between a mobile node (client) and a Home Agent Controller (server) over the in-memory
 * network on virtual time: every handshake runs in the scheduler tasks the test runs, on the
 * test's thread. The RFC 6618 §9.2 rules on the server certificate, one test each.
 */
@Tag("small")
class TlsSessionTest {

    static final String HAC = "hac.example.org";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final VirtualTime time = new VirtualTime();
    final InMemoryProviderNetwork net = new InMemoryProviderNetwork(time);
    final Host hac = net.host("hac").iface("eth0", "2001:db8::10");
    final Host mn = net.host("mn").iface("wlan0", "2001:db8:2::100");

    @TempDir
    Path dir;

    /** A listening HAC with {@code credentials}; server sessions go to {@code servers}. */
    InetSocketAddress listen(ServerCredentials credentials, List<CompletableFuture<TlsSession>> servers) {
        return hac.network().listenTcp(new InetSocketAddress(address("2001:db8::10"), 0),
                c -> servers.add(TlsSession.server(c, credentials, time, TIMEOUT).toCompletableFuture()))
                .localAddress();
    }

    CompletableFuture<TlsSession> connect(InetSocketAddress to, ClientTrust trust) {
        CompletableFuture<StreamConnection> connecting = mn.network().connectTcp(to).toCompletableFuture();
        time.runDue();
        return TlsSession.client(connecting.join(), trust, time, TIMEOUT).toCompletableFuture();
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    TestPki pki() {
        return TestPki.create(dir, "test CA", time.now());
    }

    /** Runs a handshake against a server certificate; returns the client's stage after the clock ran. */
    CompletableFuture<TlsSession> handshakeAgainst(TestPki.Issued server, Path anchors,
                                                   List<CompletableFuture<TlsSession>> servers) {
        InetSocketAddress at = listen(server.credentials(), servers);
        CompletableFuture<TlsSession> client = connect(at, ClientTrust.fromPem(anchors, HAC, time.clock()));
        time.runDue();
        return client;
    }

    static ServerCertificateException refusal(CompletableFuture<TlsSession> client) {
        assertThat(client).isCompletedExceptionally();
        Throwable cause = client.handle((s, e) -> e).join();
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(ServerCertificateException.class);
        return (ServerCertificateException) cause;
    }

    @Test
    void handshakeCompletesOnTheClockThreadAndCarriesDataBothWays() {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();
        CompletableFuture<TlsSession> connecting = handshakeAgainst(pki.server("hac", HAC), pki.caFile(), servers);

        assertThat(connecting).as("the handshake completed in the due tasks").isCompleted();
        TlsSession client = connecting.join();
        TlsSession server = servers.get(0).join();
        List<String> atServer = new ArrayList<>();
        List<String> atClient = new ArrayList<>();
        server.onReceive(d -> {
            atServer.add(new String(d, StandardCharsets.US_ASCII));
            server.send(ascii("Init-resp"));
        }, () -> atServer.add("closed"));
        client.onReceive(d -> atClient.add(new String(d, StandardCharsets.US_ASCII)), () -> atClient.add("closed"));

        client.send(ascii("Init"));
        time.runDue();

        assertThat(atServer).containsExactly("Init");
        assertThat(atClient).containsExactly("Init-resp");
        assertThat(client.peerCertificateChain()).hasSize(2);
        assertThat(client.peerCertificateChain().get(0).getSubjectX500Principal().getName()).contains(HAC);
        assertThat(server.peerCertificateChain()).isEmpty();
        assertThat(client.remote()).isEqualTo(new InetSocketAddress(address("2001:db8::10"),
                client.remote().getPort()));

        client.close();
        time.runDue();
        assertThat(atClient).endsWith("closed");
        assertThat(atServer).as("close_notify reached the server").endsWith("closed");
        assertThat(server.isOpen()).isFalse();
    }

    @Test
    void serverEndPointChannelBindingIsTheSameOnBothSides() throws Exception {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();
        TestPki.Issued issued = pki.server("hac", HAC);
        TlsSession client = handshakeAgainst(issued, pki.caFile(), servers).join();
        TlsSession server = servers.get(0).join();

        byte[] expected = java.security.MessageDigest.getInstance("SHA-256").digest(issued.certificate().getEncoded());
        assertThat(client.serverEndPoint()).isEqualTo(server.serverEndPoint())
                .as("RFC 5929 §4.1: SHA-256 of the certificate signed with SHA-256").isEqualTo(expected);
    }

    @Test
    void dataDecryptedBeforeOnReceiveIsKeptAndDeliveredInOrder() {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();
        TlsSession client = handshakeAgainst(pki.server("hac", HAC), pki.caFile(), servers).join();
        TlsSession server = servers.get(0).join();

        client.send(ascii("one "));
        client.send(ascii("two"));
        client.close();
        time.runDue();
        StringBuilder received = new StringBuilder();
        List<String> closed = new ArrayList<>();
        server.onReceive(d -> received.append(new String(d, StandardCharsets.US_ASCII)), () -> closed.add("closed"));

        assertThat(received).hasToString("one two");
        assertThat(closed).containsExactly("closed");
    }

    @Test
    void rsaServerKeyInTraditionalPemWorksToo() {
        TestPki pki = pki();
        TestPki.Issued rsa = pki.server("hac-rsa", "CN=" + HAC, List.of(HAC), time.now().minus(Duration.ofDays(1)),
                time.now().plus(Duration.ofDays(1)), ServerCredentials.KeyKind.RSA, TestPki.KeyFormat.TRADITIONAL);
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();

        assertThat(handshakeAgainst(rsa, pki.caFile(), servers)).isCompleted();
        assertThat(rsa.credentials().keyKind()).isEqualTo(ServerCredentials.KeyKind.RSA);
    }

    @Test
    void serverWithAnotherNameIsRefusedWithCertificateUnknownNamingBoth() {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();
        CompletableFuture<TlsSession> client = handshakeAgainst(pki.server("other", "other.example.org"),
                pki.caFile(), servers);

        ServerCertificateException e = refusal(client);
        assertThat(e.alertDescription()).isEqualTo(AlertDescription.certificate_unknown);
        assertThat(e.getMessage()).contains("CN=other.example.org", "[other.example.org]", "'" + HAC + "'");
        assertThat(servers.get(0)).as("the server saw the fatal alert").isCompletedExceptionally();
        assertThat(servers.get(0).handle((s, t) -> t.getMessage()).join()).contains("certificate_unknown");
    }

    @Test
    void nameMatchIgnoresAsciiCase() {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();

        assertThat(handshakeAgainst(pki.server("hac", "HAC.Example.ORG"), pki.caFile(), servers)).isCompleted();
    }

    @Test
    void wildcardOnlySubjectAltNameIsRefused() {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();
        CompletableFuture<TlsSession> client = handshakeAgainst(pki.server("wild", "*.example.org"), pki.caFile(),
                servers);

        ServerCertificateException e = refusal(client);
        assertThat(e.alertDescription()).isEqualTo(AlertDescription.certificate_unknown);
        assertThat(e.getMessage()).contains("[*.example.org]");
    }

    @Test
    void commonNameAloneIsRefused() {
        TestPki pki = pki();
        TestPki.Issued cnOnly = pki.server("cn-only", "CN=" + HAC, List.of(), time.now().minus(Duration.ofDays(1)),
                time.now().plus(Duration.ofDays(1)), ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();

        ServerCertificateException e = refusal(handshakeAgainst(cnOnly, pki.caFile(), servers));
        assertThat(e.alertDescription()).isEqualTo(AlertDescription.certificate_unknown);
        assertThat(e.getMessage()).contains("CN=" + HAC, "DNS names []");
    }

    @Test
    void serverFromAnUntrustedCaIsRefusedWithUnknownCa() {
        TestPki trusted = pki();
        TestPki stranger = TestPki.create(dir, "stranger CA", time.now());
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();

        ServerCertificateException e = refusal(handshakeAgainst(stranger.server("hac", HAC), trusted.caFile(),
                servers));
        assertThat(e.alertDescription()).isEqualTo(AlertDescription.unknown_ca);
        assertThat(e.getMessage()).contains("does not chain", "CN=test CA");
    }

    @Test
    void expiredServerCertificateIsRefusedWithCertificateExpired() {
        TestPki pki = pki();
        Instant now = time.now();
        TestPki.Issued expired = pki.server("old", "CN=" + HAC, List.of(HAC), now.minus(Duration.ofDays(3)),
                now.minus(Duration.ofDays(1)), ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();

        ServerCertificateException e = refusal(handshakeAgainst(expired, pki.caFile(), servers));
        assertThat(e.alertDescription()).isEqualTo(AlertDescription.certificate_expired);
        assertThat(e.getMessage()).contains("not valid at " + now);
    }

    @Test
    void handshakeTimesOutWhenTheServerNeverAnswers() {
        List<StreamConnection> silent = new ArrayList<>();
        InetSocketAddress at = hac.network().listenTcp(new InetSocketAddress(address("2001:db8::10"), 0), silent::add)
                .localAddress();
        TestPki pki = pki();
        CompletableFuture<TlsSession> client = connect(at, ClientTrust.fromPem(pki.caFile(), HAC, time.clock()));
        List<String> serverSaw = new ArrayList<>();
        silent.get(0).startReading(d -> serverSaw.add("bytes"), () -> serverSaw.add("ended"));

        time.advance(TIMEOUT.minusMillis(1));
        assertThat(client).isNotDone();
        time.advance(Duration.ofMillis(1));

        assertThat(client).isCompletedExceptionally();
        assertThatThrownBy(client::join).hasCauseInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("did not complete within " + TIMEOUT);
        assertThat(serverSaw).as("a ClientHello went out, then the connection was closed").containsExactly("bytes",
                "ended");
    }

    @Test
    void sendingBeforeTheHandshakeOrAfterCloseFails() {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();
        TlsSession client = handshakeAgainst(pki.server("hac", HAC), pki.caFile(), servers).join();
        client.close();

        assertThatThrownBy(() -> client.send(ascii("late"))).isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("ended");
        assertThat(client.serverEndPoint()).as("the binding outlives the session").hasSize(32);
    }

    @Test
    void serverClosingTheConnectionDuringTheHandshakeFailsTheClientsStage() {
        List<StreamConnection> accepted = new ArrayList<>();
        InetSocketAddress at = hac.network().listenTcp(new InetSocketAddress(address("2001:db8::10"), 0),
                accepted::add).localAddress();
        TestPki pki = pki();
        CompletableFuture<TlsSession> client = connect(at, ClientTrust.fromPem(pki.caFile(), HAC, time.clock()));

        accepted.get(0).close();
        time.runDue();

        assertThatThrownBy(client::join).hasCauseInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("connection ended during the handshake");
        assertThat(time.pendingTasks()).as("the handshake timer was cancelled").isZero();
    }

    @Test
    void onReceiveTwiceFails() {
        TestPki pki = pki();
        List<CompletableFuture<TlsSession>> servers = new ArrayList<>();
        TlsSession client = handshakeAgainst(pki.server("hac", HAC), pki.caFile(), servers).join();
        client.onReceive(d -> { }, () -> { });

        assertThatThrownBy(() -> client.onReceive(d -> { }, () -> { })).isInstanceOf(IllegalStateException.class);
    }
}
