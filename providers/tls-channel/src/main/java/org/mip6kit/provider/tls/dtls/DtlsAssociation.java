package org.mip6kit.provider.tls.dtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.tls.DTLSTransport;
import org.mip6kit.spi.Identity;

/**
 * One mobile node's DTLS 1.2 association at the home agent ({@link DtlsServerChannel}). What it
 * says is what the handshake authenticated: the identity (PSK identity, or the client
 * certificate's subjectAltName), the connection ID the server issued, and the peer address the
 * newest authenticated record came from. Thread-safe; compared by identity of the object.
 */
public final class DtlsAssociation {

    /** Where an association is in its life. */
    public enum State {
        /** The handshake runs; nothing may be sent yet. */
        HANDSHAKING,
        /** Application records flow. */
        ESTABLISHED,
        /** Closed, failed or timed out; sends fail. */
        CLOSED
    }

    private static final AtomicLong SERIALS = new AtomicLong();

    private final long serial = SERIALS.incrementAndGet();
    private final QueuedDatagramTransport transport;
    private volatile ByteBuffer connectionId;
    private volatile InetSocketAddress peer;
    private volatile State state = State.HANDSHAKING;
    private volatile Identity identity;
    private volatile DTLSTransport dtls;
    private volatile Instant establishedAt;
    private volatile long lastAuthenticatedMillis;
    private final AtomicLong peerChanges = new AtomicLong();
    final Object drainLock = new Object();

    DtlsAssociation(InetSocketAddress peer, QueuedDatagramTransport transport, long nowMillis) {
        this.peer = peer;
        this.transport = transport;
        this.lastAuthenticatedMillis = nowMillis;
    }

    /** The identity the handshake authenticated; empty until {@link State#ESTABLISHED}. */
    public Optional<Identity> identity() {
        return Optional.ofNullable(identity);
    }

    /** Where records to the mobile node go: the source of the newest authenticated record. */
    public InetSocketAddress peer() {
        return peer;
    }

    /** The connection ID this server issued, in hex; empty if the client offered none (RFC 9146 §3). */
    public Optional<String> connectionId() {
        ByteBuffer c = connectionId;
        return c == null ? Optional.empty() : Optional.of(HexFormat.of().formatHex(c.array()));
    }

    public State state() {
        return state;
    }

    /** When the handshake completed, on the channel's clock; empty before. */
    public Optional<Instant> establishedAt() {
        return Optional.ofNullable(establishedAt);
    }

    /** How often the peer address moved after an authenticated record from a new address. */
    public long peerChanges() {
        return peerChanges.get();
    }

    @Override
    public String toString() {
        return "DtlsAssociation#" + serial + "[" + state + ", " + (identity == null ? "unauthenticated" : identity)
                + ", peer " + peer + connectionId().map(c -> ", cid " + c).orElse("") + "]";
    }

    QueuedDatagramTransport transport() {
        return transport;
    }

    ByteBuffer connectionIdKey() {
        return connectionId;
    }

    void connectionId(ByteBuffer cid) {
        this.connectionId = cid;
    }

    DTLSTransport dtls() {
        return dtls;
    }

    void established(DTLSTransport dtls, Identity identity, Instant at, long nowMillis) {
        this.dtls = dtls;
        this.identity = identity;
        this.establishedAt = at;
        this.lastAuthenticatedMillis = nowMillis;
        this.state = State.ESTABLISHED;
    }

    void closed() {
        this.state = State.CLOSED;
    }

    void authenticated(long nowMillis) {
        this.lastAuthenticatedMillis = nowMillis;
    }

    long lastAuthenticatedMillis() {
        return lastAuthenticatedMillis;
    }

    void movedTo(InetSocketAddress newPeer) {
        this.peer = newPeer;
        peerChanges.incrementAndGet();
    }
}
