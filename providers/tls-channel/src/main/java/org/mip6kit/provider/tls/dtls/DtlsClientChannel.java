package org.mip6kit.provider.tls.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.UdpEndpoint;

/**
 * The mobile node's side of the {@code dtls} mode: one DTLS 1.2 association with the home agent
 * over a UDP endpoint of its own, carrying Mobility Header octets as application data.
 *
 * <p><b>Connection IDs</b> (RFC 9146). When {@code offerConnectionId} is set (the default) the
 * client offers a <em>zero-length</em> CID — RFC 9146 §3: it will send the server's CID but wants
 * none in records to it, since it owns its endpoint — and uses whatever CID the server issues in
 * every record it sends after the handshake. A server that does not know the extension (OpenSSL
 * 3.0) ignores it and the association simply runs without CIDs; then {@link #rebind} still works
 * on the client but the server will not recognise the new address.
 *
 * <p><b>Moving</b>: {@link #rebind} continues the <em>same</em> association from a new endpoint
 * (a new care-of address or port). With a CID the server moves its peer address after the first
 * authenticated record from the new address (RFC 9146 §6); no new handshake. Until the client
 * sends from the new address, the server's records go to the old one.
 *
 * <p><b>Threads</b>: the handshake runs on the {@code blocking} executor given to
 * {@link #connect} (it blocks up to the handshake timeout; Bouncy Castle times retransmissions
 * with the system clock). Afterwards records are decrypted on the endpoint's receive thread and
 * delivered there. Thread-safe.
 */
public final class DtlsClientChannel implements AutoCloseable {

    private final ProviderNetwork network;
    private final InetSocketAddress homeAgent;
    private final Consumer<byte[]> receiver;
    private final QueuedDatagramTransport transport;
    private final Object drainLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile UdpEndpoint endpoint;
    private volatile DTLSTransport dtls;
    private volatile byte[] connectionIdInUse;

    private DtlsClientChannel(ProviderNetwork network, UdpEndpoint endpoint, InetSocketAddress homeAgent,
            Consumer<byte[]> receiver) {
        this.network = network;
        this.endpoint = endpoint;
        this.homeAgent = homeAgent;
        this.receiver = receiver;
        this.transport = new QueuedDatagramTransport(16, bytes -> this.endpoint.send(bytes, homeAgent));
    }

    /**
     * Binds {@code local}, then runs the handshake with {@code homeAgent} on {@code blocking}.
     *
     * @param handshakeTimeout how long the handshake may take, 1 s .. 10 min
     * @param offerConnectionId whether to offer the RFC 9146 extension (a zero-length CID)
     * @param receiver gets each application record's plaintext on the endpoint's thread; must not block
     * @return completes with the established channel, or exceptionally with a
     *         {@link SecurityProviderException} (timeout, alert, bad credentials); the endpoint is then closed
     * @throws SecurityProviderException if {@code local} cannot be bound
     */
    public static CompletionStage<DtlsClientChannel> connect(ProviderNetwork network, InetSocketAddress local,
            InetSocketAddress homeAgent, DtlsClientCredentials credentials, Duration handshakeTimeout,
            boolean offerConnectionId, Clock clock, Executor blocking, Consumer<byte[]> receiver) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(clock, "clock");
        if (handshakeTimeout.compareTo(Duration.ofSeconds(1)) < 0 || handshakeTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("handshakeTimeout must be 1 s .. 10 min: " + handshakeTimeout);
        }
        UdpEndpoint endpoint = network.bindUdp(local);
        DtlsClientChannel channel = new DtlsClientChannel(network, endpoint, Objects.requireNonNull(homeAgent),
                Objects.requireNonNull(receiver));
        endpoint.start(channel::onDatagram);
        DtlsPeers.ReportingClient client = DtlsPeers.client(new BcTlsCrypto(new SecureRandom()), credentials,
                (int) handshakeTimeout.toMillis(), offerConnectionId ? new byte[0] : null, clock);
        CompletableFuture<DtlsClientChannel> done = new CompletableFuture<>();
        try {
            blocking.execute(() -> channel.handshake(client, done));
        } catch (RejectedExecutionException e) {
            channel.close();
            done.completeExceptionally(new SecurityProviderException("cannot start the DTLS handshake with "
                    + homeAgent + ": the executor refused the task"));
        }
        return done;
    }

    private void handshake(DtlsPeers.ReportingClient client, CompletableFuture<DtlsClientChannel> done) {
        try {
            DTLSTransport t = new DTLSClientProtocol().connect(client, transport);
            byte[] cid = client.connectionIdSent();
            transport.drainOnly();
            this.dtls = t;
            this.connectionIdInUse = cid;
            done.complete(this);
            drain();
        } catch (IOException | RuntimeException e) {
            close();
            done.completeExceptionally(new SecurityProviderException("the DTLS handshake with " + homeAgent
                    + " failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
                    + "; check the PSK identity and key or the certificates, and that the home agent listens there", e));
        }
    }

    /**
     * Sends {@code octets} as one application record to the home agent.
     *
     * @throws SecurityProviderException if the channel is not established or closed, the octets are
     *         too long for one record, or the association failed
     */
    public void send(byte[] octets) {
        DTLSTransport t = dtls;
        if (t == null || closed.get()) {
            throw new SecurityProviderException("the DTLS channel to " + homeAgent + " is not established");
        }
        try {
            if (octets.length > t.getSendLimit()) {
                throw new SecurityProviderException(octets.length + " octets exceed the " + t.getSendLimit()
                        + " one DTLS record carries here");
            }
            t.send(octets, 0, octets.length);
        } catch (IOException e) {
            close();
            throw new SecurityProviderException("sending to " + homeAgent + " failed; the channel is closed: " + e, e);
        }
    }

    /**
     * Continues this association from a new local endpoint (after a care-of address change): binds
     * {@code newLocal}, sends from it from now on, closes the old endpoint. No handshake.
     *
     * @return the new bound address
     * @throws SecurityProviderException if {@code newLocal} cannot be bound (the old endpoint stays)
     */
    public InetSocketAddress rebind(InetSocketAddress newLocal) {
        if (closed.get()) {
            throw new SecurityProviderException("the DTLS channel to " + homeAgent + " is closed");
        }
        UdpEndpoint fresh = network.bindUdp(newLocal);
        fresh.start(this::onDatagram);
        UdpEndpoint old = endpoint;
        endpoint = fresh;
        old.close();
        return fresh.localAddress();
    }

    /** The local address records leave from now. */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    public InetSocketAddress homeAgent() {
        return homeAgent;
    }

    /** Whether the server issued a connection ID that this client puts in its records (RFC 9146). */
    public boolean usesConnectionId() {
        return connectionIdInUse != null && connectionIdInUse.length > 0;
    }

    private void onDatagram(Datagram d) {
        if (!d.peer().equals(homeAgent) || closed.get()) {
            return;
        }
        if (transport.offer(d.payload(), d.peer()) && dtls != null) {
            drain();
        }
    }

    private void drain() {
        synchronized (drainLock) {
            DTLSTransport t = dtls;
            if (t == null || closed.get()) {
                return;
            }
            try {
                transport.drain(t, flags -> { }, this::deliver);
            } catch (IOException | RuntimeException e) {
                close();
            }
        }
    }

    private void deliver(byte[] octets) {
        try {
            receiver.accept(octets);
        } catch (RuntimeException e) {
            System.getLogger(DtlsClientChannel.class.getName()).log(System.Logger.Level.WARNING,
                    "the DTLS receiver threw on a record from " + homeAgent, e);
        }
    }

    /** Sends close_notify if established, closes the endpoint. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        DTLSTransport t = dtls;
        if (t != null) {
            try {
                t.close();
            } catch (IOException | RuntimeException e) {
                // courtesy only
            }
        }
        transport.close();
        endpoint.close();
    }

    @Override
    public String toString() {
        return "DtlsClientChannel[" + endpoint.localAddress() + " -> " + homeAgent
                + (dtls != null ? ", established" : "") + (usesConnectionId() ? ", with CID" : "")
                + (closed.get() ? ", closed" : "") + "]";
    }
}
