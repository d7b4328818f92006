package org.mip6kit.provider.tls.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.StreamConnection;

/**
 * A TLS 1.2 session over a {@link StreamConnection}, driven by the bytes that arrive (Bouncy
 * Castle's non-blocking protocol engine): no thread of its own, so on an in-memory network under
 * virtual time a whole handshake runs, deterministically, in the scheduler tasks that deliver the
 * bytes. RFC 6618 §5 runs its bootstrap exchange between a mobile node ({@link #client client})
 * and its Home Agent Controller ({@link #server server}) inside such a session.
 *
 * <h2>Policy (RFC 6618 §9.2, RFC 5246)</h2>
 * <ul>
 * <li>TLS 1.2 only: an offer of any other version fails the handshake
 *     ({@code protocol_version}).</li>
 * <li>Cipher suites: ECDHE key exchange signed with the server's certificate, AEAD records only
 *     (AES-GCM, ChaCha20-Poly1305); no PSK, anonymous, static RSA or CBC suite. RFC 6618 binds its
 *     control messages to the server's certificate ({@link #serverEndPoint()}), so the server
 *     must be authenticated by one.</li>
 * <li>The client sends server_name (RFC 6066 §3) with {@link ClientTrust#expectedServerName()}
 *     and checks the server's chain as {@link ClientTrust} says; a rejection ends the handshake
 *     with the alert the {@link ServerCertificateException} names. The server asks for no client
 *     certificate: RFC 6618 authenticates the mobile node inside the session (PSK or EAP).</li>
 * <li>Renegotiation is refused on both sides ({@code RenegotiationPolicy.DENY}): a ClientHello
 *     or HelloRequest after the handshake is answered with a {@code no_renegotiation} warning and
 *     the session goes on with its keys unchanged.</li>
 * </ul>
 *
 * <h2>Life</h2>
 * {@link #client} and {@link #server} start the handshake and return a stage that completes with
 * the session once it is established, or fails with a {@link SecurityProviderException}
 * ({@link ServerCertificateException} for a refused server certificate) if the handshake fails,
 * the peer closes, or {@code handshakeTimeout} passes on the {@link Scheduler} first; a failed
 * session has closed its connection. Application data is sent with {@link #send} and received,
 * in chunks as records are decrypted, through {@link #onReceive}. The session ends once: by
 * {@link #close()} (close_notify, then the connection is closed), by the peer's close_notify (the
 * reply is sent and the connection closed), by the connection's end, or by a fatal error; then
 * {@code closed} runs.
 *
 * <h2>Threads</h2>
 * Arriving bytes, {@link #send}, {@link #close} and the handshake timeout may come from different
 * threads; one lock per session serialises them. The {@code received} callback runs under it, so
 * it may call {@link #send} but must not block. The handshake stage completes outside the lock,
 * on the thread that delivered the last handshake bytes (or the timer's).
 */
public final class TlsSession {

    private static final System.Logger LOG = System.getLogger(TlsSession.class.getName());

    private final StreamConnection connection;
    private final TlsProtocol protocol;
    private final boolean isClient;
    private final Object lock = new Object();
    private final CompletableFuture<TlsSession> established = new CompletableFuture<>();
    private final ArrayDeque<byte[]> unclaimed = new ArrayDeque<>();
    private java.util.function.Supplier<byte[]> channelBinding;
    private Cancellable timer;
    private boolean handshakeDone;
    private boolean ended;
    private boolean closedReported;
    private byte[] serverEndPoint;
    private List<X509Certificate> peerChain = List.of();
    private ServerCertificateException rejection;
    private Consumer<byte[]> receiver;
    private Runnable closedCallback;

    private TlsSession(StreamConnection connection, TlsProtocol protocol, boolean isClient) {
        this.connection = connection;
        this.protocol = protocol;
        this.isClient = isClient;
    }

    /**
     * Starts a TLS 1.2 client handshake on {@code connection} (which the session then owns: it
     * reads it with {@link StreamConnection#startReading} and closes it).
     *
     * @param trust            what the server must prove
     * @param scheduler        runs the handshake timer
     * @param handshakeTimeout how long the whole handshake may take (positive)
     * @return completes with the established session; fails with a
     *         {@link ServerCertificateException} if the server's certificate is refused, or a
     *         {@link SecurityProviderException} saying what else went wrong
     */
    public static CompletionStage<TlsSession> client(StreamConnection connection, ClientTrust trust,
                                                    Scheduler scheduler, Duration handshakeTimeout) {
        Objects.requireNonNull(trust, "trust");
        TlsSession session = new TlsSession(Objects.requireNonNull(connection, "connection"),
                new TlsClientProtocol(), true);
        Tls12Client peer = new Tls12Client(new BcTlsCrypto(new SecureRandom()), trust, session);
        session.channelBinding = peer::serverEndPoint;
        return session.begin(scheduler, handshakeTimeout, () -> ((TlsClientProtocol) session.protocol).connect(peer));
    }

    /**
     * Starts a TLS 1.2 server handshake on an accepted {@code connection} (which the session then
     * owns), authenticating with {@code credentials}.
     *
     * @return completes with the established session, or fails with a
     *         {@link SecurityProviderException} saying what went wrong
     */
    public static CompletionStage<TlsSession> server(StreamConnection connection, ServerCredentials credentials,
                                                    Scheduler scheduler, Duration handshakeTimeout) {
        Objects.requireNonNull(credentials, "credentials");
        TlsSession session = new TlsSession(Objects.requireNonNull(connection, "connection"),
                new TlsServerProtocol(), false);
        Tls12Server peer = new Tls12Server(new BcTlsCrypto(new SecureRandom()), credentials);
        session.channelBinding = peer::serverEndPoint;
        return session.begin(scheduler, handshakeTimeout, () -> ((TlsServerProtocol) session.protocol).accept(peer));
    }

    private interface Start {
        void run() throws IOException;
    }

    private CompletionStage<TlsSession> begin(Scheduler scheduler, Duration handshakeTimeout, Start start) {
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive, not " + handshakeTimeout);
        }
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            timer = scheduler.schedule(handshakeTimeout, () -> timedOut(handshakeTimeout));
            try {
                start.run();
                flushOutput();
            } catch (IOException | RuntimeException e) {
                failLocked(e, after);
            }
        }
        after.forEach(Runnable::run);
        if (!established.isDone()) {
            connection.startReading(this::arrived, this::connectionEnded);
        }
        return established.minimalCompletionStage();
    }

    // ---- public API ----

    /**
     * Encrypts and sends {@code applicationData} (any length; split into records as needed).
     *
     * @throws IllegalStateException     before the handshake completed
     * @throws SecurityProviderException if the session has ended or the connection fails
     */
    public void send(byte[] applicationData) {
        Objects.requireNonNull(applicationData, "applicationData");
        List<Runnable> after = new ArrayList<>();
        SecurityProviderException failure = null;
        synchronized (lock) {
            if (!handshakeDone) {
                throw new IllegalStateException(this + ": the handshake has not completed");
            }
            if (ended) {
                throw new SecurityProviderException(this + " has ended; cannot send");
            }
            try {
                protocol.writeApplicationData(applicationData, 0, applicationData.length);
                flushOutput();
            } catch (IOException | RuntimeException e) {
                failure = failLocked(e, after);
            }
        }
        after.forEach(Runnable::run);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Registers where decrypted application data goes, in order, one chunk at a time (never
     * concurrently, never empty), and what runs once when the session ends. Data decrypted before
     * this call was kept and is delivered now, on the caller's thread; if the session has already
     * ended, {@code closed} runs after it. Call once.
     *
     * @throws IllegalStateException if called twice
     */
    public void onReceive(Consumer<byte[]> data, Runnable closed) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(closed, "closed");
        synchronized (lock) {
            if (receiver != null) {
                throw new IllegalStateException(this + ": onReceive was already called");
            }
            receiver = data;
            closedCallback = closed;
            while (!unclaimed.isEmpty()) {
                deliver(unclaimed.poll());
            }
            if (ended) {
                reportClosedLocked();
            }
        }
    }

    /**
     * The RFC 5929 §4 tls-server-end-point channel binding: a hash of the server's certificate
     * (SHA-256 unless its signature uses a stronger hash). Both ends compute the same octets.
     *
     * @throws IllegalStateException before the handshake completed
     */
    public byte[] serverEndPoint() {
        synchronized (lock) {
            if (serverEndPoint == null) {
                throw new IllegalStateException(this + ": no channel binding before the handshake completes");
            }
            return serverEndPoint.clone();
        }
    }

    /** The server's chain as it sent it, leaf first, once verified; empty on the server side. */
    public List<X509Certificate> peerCertificateChain() {
        synchronized (lock) {
            return peerChain;
        }
    }

    /** The peer's address. */
    public InetSocketAddress remote() {
        return connection.remote();
    }

    /** Whether the session is established and has not ended. */
    public boolean isOpen() {
        synchronized (lock) {
            return handshakeDone && !ended;
        }
    }

    /**
     * Ends the session: sends close_notify (RFC 5246 §7.2.1), closes the connection, runs
     * {@code closed}; before the handshake completed, fails its stage. Idempotent.
     */
    public void close() {
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            if (ended) {
                return;
            }
            try {
                protocol.close();
                flushOutput();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> this + ": close_notify not sent: " + e);
            }
            endLocked(new SecurityProviderException(this + " was closed before the handshake completed"), after);
        }
        after.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "TlsSession[" + (isClient ? "client to " : "server for ") + connection.remote() + "]";
    }

    // ---- driven by the connection and the timer ----

    private void arrived(byte[] chunk) {
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            if (ended) {
                return;
            }
            Exception failure = null;
            try {
                protocol.offerInput(chunk);
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
            // Records authenticated before a failure or a close_notify still reach the application.
            drainInput();
            if (failure == null) {
                try {
                    flushOutput();
                } catch (IOException e) {
                    // A reply close_notify the departed peer no longer reads is no failure.
                    failure = protocol.isClosed() ? null : e;
                }
            }
            if (failure != null) {
                failLocked(failure, after);
            } else {
                if (!handshakeDone && protocol.isConnected() && !protocol.isHandshaking()) {
                    handshakeDone = true;
                    timer.cancel();
                    serverEndPoint = channelBinding.get();
                    after.add(() -> established.complete(this));
                }
                if (protocol.isClosed()) {
                    endLocked(new SecurityProviderException(this + ": the peer closed the session during the"
                            + " handshake"), after);
                }
            }
        }
        after.forEach(Runnable::run);
    }

    private void drainInput() {
        int available;
        while ((available = protocol.getAvailableInputBytes()) > 0) {
            byte[] data = new byte[available];
            protocol.readInput(data, 0, available);
            if (receiver == null) {
                unclaimed.add(data);
            } else {
                deliver(data);
            }
        }
    }

    private void connectionEnded() {
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            if (ended) {
                return;
            }
            endLocked(new SecurityProviderException(this + ": the connection ended during the handshake"), after);
        }
        after.forEach(Runnable::run);
    }

    private void timedOut(Duration timeout) {
        List<Runnable> after = new ArrayList<>();
        synchronized (lock) {
            if (handshakeDone || ended) {
                return;
            }
            endLocked(new SecurityProviderException(this + ": the TLS handshake did not complete within " + timeout),
                    after);
        }
        after.forEach(Runnable::run);
    }

    /** For the client peer: checks the server's chain; a refusal becomes the handshake's fatal alert. */
    void serverCertificate(TlsServerCertificate received, ClientTrust trust) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (TlsCertificate c : received.getCertificate().getCertificateList()) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(c.getEncoded())));
            }
        } catch (CertificateException e) {
            rejection = new ServerCertificateException(AlertDescription.bad_certificate,
                    "the server's certificate chain cannot be parsed: " + e.getMessage(), e);
            throw new TlsFatalAlert(AlertDescription.bad_certificate, rejection.getMessage(), e);
        }
        try {
            trust.verify(chain);
        } catch (ServerCertificateException e) {
            rejection = e;
            throw new TlsFatalAlert(e.alertDescription(), e.getMessage(), e);
        }
        peerChain = List.copyOf(chain);
    }

    // ---- under the lock ----

    private void flushOutput() throws IOException {
        int n = protocol.getAvailableOutputBytes();
        if (n > 0) {
            byte[] out = new byte[n];
            protocol.readOutput(out, 0, n);
            connection.output().write(out);
            connection.output().flush();
        }
    }

    private void deliver(byte[] data) {
        try {
            receiver.accept(data);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, this + ": the application data consumer failed", e);
        }
    }

    /** Sends any alert queued, ends the session and returns the failure it reports. */
    private SecurityProviderException failLocked(Throwable cause, List<Runnable> after) {
        try {
            flushOutput();
        } catch (IOException | RuntimeException e) {
            // the alert could not go out; the connection is closed below anyway
        }
        SecurityProviderException failure = rejection != null ? rejection : describe(cause);
        endLocked(failure, after);
        return failure;
    }

    private SecurityProviderException describe(Throwable cause) {
        if (cause instanceof TlsFatalAlertReceived received) {
            return new SecurityProviderException(this + ": the peer ended the session with the fatal alert "
                    + AlertDescription.getText(received.getAlertDescription()), cause);
        }
        if (cause instanceof TlsFatalAlert sent) {
            return new SecurityProviderException(this + ": ended with the fatal alert "
                    + AlertDescription.getText(sent.getAlertDescription())
                    + (sent.getMessage() == null ? "" : ": " + sent.getMessage()), cause);
        }
        if (cause instanceof SecurityProviderException spe) {
            return spe;
        }
        return new SecurityProviderException(this + " failed: " + cause, cause);
    }

    /** Marks the session ended, closes the connection; fails the stage or reports the close. */
    private void endLocked(SecurityProviderException beforeHandshake, List<Runnable> after) {
        ended = true;
        if (timer != null) {
            timer.cancel();
        }
        connection.close();
        if (!handshakeDone) {
            after.add(() -> established.completeExceptionally(beforeHandshake));
        } else {
            reportClosedLocked();
        }
    }

    private void reportClosedLocked() {
        if (closedCallback == null || closedReported) {
            return;
        }
        closedReported = true;
        try {
            closedCallback.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, this + ": the closed callback failed", e);
        }
    }
}
