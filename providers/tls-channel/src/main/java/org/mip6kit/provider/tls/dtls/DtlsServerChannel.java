package org.mip6kit.provider.tls.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSRecordFlags;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.UdpEndpoint;

/**
 * The home agent's side of the {@code dtls} mode (mip6kit's own, not an IETF standard): Mobility
 * Header octets travel unchanged as DTLS 1.2 application data (RFC 6347), one UDP endpoint for
 * every mobile node.
 *
 * <p><b>Demultiplexing</b> (each datagram, on the endpoint's receive thread):
 * <ol>
 * <li>a {@code tls12_cid} record (content type 25, RFC 9146 §4) goes to the association that
 *     issued its connection ID, whatever its source address; an unknown CID is dropped;</li>
 * <li>any other record goes to the association of its source address, except a ClientHello
 *     arriving for an established one (a restarted client);</li>
 * <li>a ClientHello from anyone else is answered <em>statelessly</em> with a HelloVerifyRequest
 *     whose cookie is an HMAC over the ClientHello and the source address and port
 *     (RFC 6347 §4.2.1, Bouncy Castle's {@code DTLSVerifier}); only a ClientHello that returns a
 *     valid cookie creates an association — with a bounded datagram queue — and a handshake;</li>
 * <li>anything else is dropped and counted.</li>
 * </ol>
 *
 * <p><b>Threads.</b> Handshakes run on a pool of {@link DtlsServerSettings#handshakeThreads}
 * threads owned by this channel, at most {@link DtlsServerSettings#maxHandshakes} in progress or
 * waiting (more are dropped and counted; the client retransmits). Bouncy Castle times its
 * handshake retransmissions with the system clock itself, so each handshake is
 * {@link Scheduler#runBlocking(String, java.util.concurrent.Callable, java.util.concurrent.Executor)}
 * work on that pool: on virtual time the clock stands still until it has ended. An established association holds no
 * thread: its records are decrypted on the receive thread as they arrive (a non-blocking receive
 * on its queue), and the plaintext goes to the receiver there.
 *
 * <p><b>Peer address</b> (RFC 9146 §6): an established association's peer changes only when a
 * record from the new address passed decryption and the replay check and is the newest the
 * association has received; a forged or replayed record never moves it.
 *
 * <p><b>Idle timeout</b>: the channel's {@link Scheduler} sweeps associations; one without an
 * authenticated record for {@link DtlsServerSettings#idleTimeout} on the channel's clock is closed.
 *
 * <p>Thread-safe. Secrets never appear in messages or {@link #toString}.
 */
public final class DtlsServerChannel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DtlsServerChannel.class.getName());

    private final DtlsServerCredentials credentials;
    private final DtlsServerSettings settings;
    private final Scheduler scheduler;
    private final Clock clock;
    private final BiConsumer<DtlsAssociation, byte[]> receiver;
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final DTLSVerifier verifier = new DTLSVerifier(crypto);
    private final SecureRandom random = new SecureRandom();
    private final ThreadPoolExecutor handshakePool;
    private final UdpEndpoint endpoint;

    private final Set<DtlsAssociation> associations = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<InetSocketAddress, DtlsAssociation> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ByteBuffer, DtlsAssociation> byConnectionId = new ConcurrentHashMap<>();
    private final AtomicInteger handshakesInProgress = new AtomicInteger();
    private final AtomicLong cookiesSent = new AtomicLong();
    private final AtomicLong handshakesStarted = new AtomicLong();
    private final AtomicLong handshakesCompleted = new AtomicLong();
    private final AtomicLong handshakesFailed = new AtomicLong();
    private final AtomicLong handshakesDropped = new AtomicLong();
    private final AtomicLong peerAddressChanges = new AtomicLong();
    private final AtomicLong datagramsDropped = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Cancellable sweep;

    private DtlsServerChannel(ProviderNetwork network, InetSocketAddress local, DtlsServerCredentials credentials,
            DtlsServerSettings settings, Scheduler scheduler, Clock clock,
            BiConsumer<DtlsAssociation, byte[]> receiver) {
        this.credentials = credentials;
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
        this.receiver = receiver;
        AtomicInteger threads = new AtomicInteger();
        this.handshakePool = new ThreadPoolExecutor(settings.handshakeThreads(), settings.handshakeThreads(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(settings.maxHandshakes()), task -> {
                    Thread t = new Thread(task, "mip6-dtls-handshake-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        handshakePool.allowCoreThreadTimeOut(true);
        this.endpoint = network.bindUdp(local);
    }

    /**
     * Binds {@code local} through {@code network} and starts serving.
     *
     * @param receiver gets each application record's plaintext (the Mobility Header octets) with the
     *        association it arrived on, on the endpoint's receive thread; must not block; what it
     *        throws is logged and dropped
     * @throws SecurityProviderException if the address cannot be bound
     */
    public static DtlsServerChannel open(ProviderNetwork network, InetSocketAddress local,
            DtlsServerCredentials credentials, DtlsServerSettings settings, Scheduler scheduler, Clock clock,
            BiConsumer<DtlsAssociation, byte[]> receiver) {
        DtlsServerChannel channel = new DtlsServerChannel(Objects.requireNonNull(network, "network"),
                Objects.requireNonNull(local, "local"), Objects.requireNonNull(credentials, "credentials"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(scheduler, "scheduler"),
                Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(receiver, "receiver"));
        channel.endpoint.start(channel::onDatagram);
        channel.scheduleSweep();
        return channel;
    }

    /** The bound address (the real port if 0 was asked for). */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /**
     * Sends {@code octets} as one application record to the association's current peer. Completes
     * when the record was handed to the endpoint; exceptionally with a
     * {@link SecurityProviderException} if the association is not established, or the octets exceed
     * what one record may carry.
     */
    public CompletionStage<Void> send(DtlsAssociation association, byte[] octets) {
        DTLSTransport dtls = association.dtls();
        if (association.state() != DtlsAssociation.State.ESTABLISHED || dtls == null) {
            return CompletableFuture.failedFuture(new SecurityProviderException("cannot send on " + association
                    + ": it is not established"));
        }
        try {
            if (octets.length > dtls.getSendLimit()) {
                return CompletableFuture.failedFuture(new SecurityProviderException(octets.length
                        + " octets exceed the " + dtls.getSendLimit() + " one DTLS record carries here"));
            }
            dtls.send(octets, 0, octets.length);
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            closeAssociation(association);
            return CompletableFuture.failedFuture(new SecurityProviderException("sending on " + association
                    + " failed, the association is closed: " + e.getClass().getSimpleName()));
        }
    }

    /** Closes an association (sends close_notify if established). Idempotent. */
    public void close(DtlsAssociation association) {
        closeAssociation(association);
    }

    /** The associations now open, handshaking or established. */
    public List<DtlsAssociation> associations() {
        return List.copyOf(associations);
    }

    /** The established association that authenticated {@code identity}, the newest if several. */
    public Optional<DtlsAssociation> association(Identity identity) {
        return associations.stream()
                .filter(a -> a.state() == DtlsAssociation.State.ESTABLISHED && a.identity().filter(identity::equals).isPresent())
                .max((a, b) -> a.establishedAt().orElseThrow().compareTo(b.establishedAt().orElseThrow()));
    }

    public DtlsServerCounters counters() {
        return new DtlsServerCounters(cookiesSent.get(), handshakesStarted.get(), handshakesCompleted.get(),
                handshakesFailed.get(), handshakesDropped.get(), associations.size(), peerAddressChanges.get(),
                datagramsDropped.get());
    }

    /** Closes every association, the endpoint and the handshake threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Cancellable s = sweep;
        if (s != null) {
            s.cancel();
        }
        for (DtlsAssociation a : List.copyOf(associations)) {
            closeAssociation(a);
        }
        endpoint.close();
        handshakePool.shutdownNow();
    }

    @Override
    public String toString() {
        return "DtlsServerChannel[" + endpoint.localAddress() + ", " + credentials + ", " + associations.size()
                + " associations" + (closed.get() ? ", closed" : "") + "]";
    }

    // --- receive path -----------------------------------------------------------------------

    private void onDatagram(Datagram datagram) {
        if (closed.get()) {
            return;
        }
        byte[] payload = datagram.payload();
        InetSocketAddress from = datagram.peer();
        if (payload.length < DtlsRecordHeader.RECORD_HEADER_OCTETS) {
            datagramsDropped.incrementAndGet();
            return;
        }
        if (DtlsRecordHeader.contentType(payload) == DtlsRecordHeader.CONTENT_TYPE_TLS12_CID) {
            DtlsAssociation a = DtlsRecordHeader.connectionId(payload, settings.connectionIdLength())
                    .map(byConnectionId::get).orElse(null);
            if (a == null) {
                datagramsDropped.incrementAndGet();
            } else {
                queue(a, payload, from);
            }
            return;
        }
        boolean clientHello = DtlsRecordHeader.isClientHello(payload);
        DtlsAssociation a = byAddress.get(from);
        if (a != null && !(clientHello && a.state() == DtlsAssociation.State.ESTABLISHED)) {
            queue(a, payload, from);
            return;
        }
        if (!clientHello) {
            datagramsDropped.incrementAndGet();
            return;
        }
        DTLSRequest request = verifier.verifyRequest(cookieClientId(from), payload, 0, payload.length,
                cookieSender(from));
        if (request != null) {
            startHandshake(from, request);
        }
    }

    private void queue(DtlsAssociation a, byte[] payload, InetSocketAddress from) {
        if (!a.transport().offer(payload, from)) {
            datagramsDropped.incrementAndGet();
            return;
        }
        if (a.state() == DtlsAssociation.State.ESTABLISHED) {
            drain(a);
        }
    }

    private void drain(DtlsAssociation a) {
        synchronized (a.drainLock) {
            if (a.state() != DtlsAssociation.State.ESTABLISHED) {
                return;
            }
            try {
                a.transport().drain(a.dtls(), flags -> authenticated(a, flags), octets -> deliver(a, octets));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0} failed: {1}", a, e.toString());
                closeAssociation(a);
            }
        }
    }

    /** Bouncy Castle's callback for a record that passed decryption and the replay window. */
    private void authenticated(DtlsAssociation a, int flags) {
        a.authenticated(clock.millis());
        InetSocketAddress source = a.transport().source();
        InetSocketAddress current = a.peer();
        if ((flags & DTLSRecordFlags.IS_NEWEST) != 0 && source != null && !source.equals(current)) {
            byAddress.remove(current, a);
            byAddress.put(source, a);
            a.movedTo(source);
            peerAddressChanges.incrementAndGet();
        }
    }

    private void deliver(DtlsAssociation a, byte[] octets) {
        try {
            receiver.accept(a, octets);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the DTLS receiver threw on a record from " + a, e);
        }
    }

    // --- handshakes ---------------------------------------------------------------------------

    private static byte[] cookieClientId(InetSocketAddress from) {
        byte[] address = from.getAddress().getAddress();
        byte[] id = new byte[address.length + 2];
        System.arraycopy(address, 0, id, 0, address.length);
        id[address.length] = (byte) (from.getPort() >>> 8);
        id[address.length + 1] = (byte) from.getPort();
        return id;
    }

    private DatagramSender cookieSender(InetSocketAddress to) {
        return new DatagramSender() {
            @Override
            public int getSendLimit() {
                return QueuedDatagramTransport.SEND_LIMIT;
            }

            @Override
            public void send(byte[] buf, int off, int len) {
                cookiesSent.incrementAndGet();
                endpoint.send(java.util.Arrays.copyOfRange(buf, off, off + len), to);
            }
        };
    }

    private void startHandshake(InetSocketAddress from, DTLSRequest request) {
        if (associations.size() >= settings.maxAssociations()) {
            handshakesDropped.incrementAndGet();
            return;
        }
        if (handshakesInProgress.incrementAndGet() > settings.maxHandshakes()) {
            handshakesInProgress.decrementAndGet();
            handshakesDropped.incrementAndGet();
            return;
        }
        DtlsAssociation[] self = new DtlsAssociation[1];
        QueuedDatagramTransport transport = new QueuedDatagramTransport(settings.queueCapacity(),
                bytes -> endpoint.send(bytes, self[0].peer()));
        DtlsAssociation a = new DtlsAssociation(from, transport, clock.millis());
        self[0] = a;
        DtlsPeers.IdentifyingServer server = DtlsPeers.server(crypto, credentials,
                (int) settings.handshakeTimeout().toMillis(), () -> issueConnectionId(a), clock);
        associations.add(a);
        byAddress.put(from, a);
        // Through the scheduler, on our own pool: on virtual time the clock waits for the handshake.
        CompletionStage<Void> running = scheduler.runBlocking("DTLS handshake with " + from, () -> {
            handshake(a, server, request);
            return null;
        }, handshakePool);
        if (running.toCompletableFuture().isCompletedExceptionally()) {
            handshakesInProgress.decrementAndGet();
            handshakesDropped.incrementAndGet();
            forget(a);
        } else {
            handshakesStarted.incrementAndGet();
        }
    }

    private void handshake(DtlsAssociation a, DtlsPeers.IdentifyingServer server, DTLSRequest request) {
        try {
            DTLSTransport dtls = new DTLSServerProtocol().accept(server, a.transport(), request);
            Optional<Identity> identity = server.authenticatedIdentity();
            if (identity.isEmpty()) {
                dtls.close();
                throw new TlsFatalAlert(AlertDescription.internal_error, "the handshake authenticated nobody");
            }
            a.transport().drainOnly();
            a.established(dtls, identity.get(), clock.instant(), clock.millis());
            handshakesCompleted.incrementAndGet();
            if (closed.get()) {
                closeAssociation(a);
                return;
            }
            drain(a);
        } catch (IOException | RuntimeException e) {
            handshakesFailed.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "DTLS handshake with {0} failed: {1}", a.peer(), e.toString());
            a.transport().close();
            forget(a);
        } finally {
            handshakesInProgress.decrementAndGet();
        }
    }

    /** RFC 9146 §3: the CID this server wants in records sent to it; unique among associations. */
    private byte[] issueConnectionId(DtlsAssociation a) {
        while (true) {
            byte[] cid = new byte[settings.connectionIdLength()];
            random.nextBytes(cid);
            ByteBuffer key = ByteBuffer.wrap(cid);
            if (byConnectionId.putIfAbsent(key, a) == null) {
                a.connectionId(key);
                return cid.clone();
            }
        }
    }

    private void closeAssociation(DtlsAssociation a) {
        if (a.state() == DtlsAssociation.State.CLOSED) {
            return;
        }
        DTLSTransport dtls = a.dtls();
        forget(a);
        if (dtls != null) {
            try {
                dtls.close();
            } catch (IOException | RuntimeException e) {
                // the close_notify is a courtesy
            }
        }
        a.transport().close();
    }

    private void forget(DtlsAssociation a) {
        a.closed();
        associations.remove(a);
        byAddress.remove(a.peer(), a);
        ByteBuffer cid = a.connectionIdKey();
        if (cid != null) {
            byConnectionId.remove(cid, a);
        }
    }

    // --- idle timeout -------------------------------------------------------------------------

    private void scheduleSweep() {
        if (closed.get()) {
            return;
        }
        Duration every = settings.idleTimeout().dividedBy(4);
        if (every.compareTo(Duration.ofMinutes(1)) > 0) {
            every = Duration.ofMinutes(1);
        }
        sweep = scheduler.schedule(every, () -> {
            sweepIdle();
            scheduleSweep();
        });
    }

    private void sweepIdle() {
        long now = clock.millis();
        long idle = settings.idleTimeout().toMillis();
        for (DtlsAssociation a : associations) {
            if (a.state() == DtlsAssociation.State.ESTABLISHED && now - a.lastAuthenticatedMillis() >= idle) {
                closeAssociation(a);
            }
        }
    }
}
