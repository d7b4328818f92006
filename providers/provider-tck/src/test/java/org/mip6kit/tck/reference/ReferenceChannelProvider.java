package org.mip6kit.tck.reference;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * A test-only {@link Placement#OWNS_CHANNEL} provider, {@code reference-channel}: a stateful
 * channel in the manner of DTLS with a connection ID, small enough to read in one sitting. It
 * opens its own UDP endpoint through {@link ProviderContext#network()} (the home agent on a
 * configured port, the mobile node on its care-of address, rebound in {@code careOfChanging}),
 * sets up an association per node with a handshake whose first answer is a stateless cookie
 * (so spoofed handshakes cost the home agent nothing), and then carries each Mobility Header in
 * a record authenticated with the association's session key, with an anti-replay window. The
 * association is named by a connection ID, not by the peer's address, so it survives a NAT that
 * rebinds and a care-of address that changes ({@link Capability#CHANNEL_SURVIVES_COA_CHANGE}):
 * the home agent follows the peer of the newest authenticated record. Records it could not
 * authenticate never reach the engine; those it could carry the association as their
 * {@linkplain Inbound#withAttachment attachment}, which {@code verify} reads. The home agent
 * tears an association down when its binding ends (so replays of its records are dropped for
 * good) or after {@code idle-timeout} without a binding. See {@link ChannelRecord} for the
 * wire format.
 *
 * <p>Configuration: home agent {@code port}, {@code idle-timeout} (optional, default 10 s),
 * {@code nodes: [{nai, key-id, key}]}; mobile node {@code nai}, {@code key-id}, {@code key},
 * {@code home-agent-port}.
 */
public final class ReferenceChannelProvider implements SecurityProviderFactory {

    public static final String NAME = "reference-channel";

    /** Deliberate defects, for proving that the kit fails a bad provider. */
    public enum Flaw {
        /** The real thing. */
        NONE,
        /** The home agent finds a record's association by the peer's address and port instead of its connection ID. */
        KEYS_ASSOCIATIONS_BY_PEER_ADDRESS,
        /** The mobile node keeps its endpoint on the old care-of address when it moves. */
        FORGETS_TO_REBIND_ON_CARE_OF_CHANGE,
        /** The mobile node sets up a new association on every move, although it declares that its channel survives one. */
        NEW_ASSOCIATION_ON_EVERY_MOVE,
        /** The home agent keeps state for every handshake it is sent, before any cookie proves the peer's address. */
        STATE_PER_HANDSHAKE,
        /** The home agent reports a record sent and puts it on the wire later, after {@code afterChange} may have torn its association down. */
        REPORTS_SENT_BEFORE_SENDING,
        /** The mobile node sends its handshake once and never again. */
        NEVER_RETRANSMITS_HANDSHAKE
    }

    private static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "1.0", SpiVersion.MAJOR,
            Placement.OWNS_CHANNEL, EnumSet.of(Capability.INTEGRITY, Capability.CHANNEL_SURVIVES_COA_CHANGE));
    private static final Duration FIRST_RETRANSMISSION = Duration.ofSeconds(1);
    private static final int HANDSHAKE_ATTEMPTS = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Flaw flaw;

    /** The real provider (what {@link java.util.ServiceLoader} instantiates). */
    public ReferenceChannelProvider() {
        this(Flaw.NONE);
    }

    public ReferenceChannelProvider(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nai", "key-id", "key", "home-agent-port"));
        return new MobileNode(context, NodeCredentials.read(config), (int) config.integer("home-agent-port", 1, 65535));
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nodes", "port", "idle-timeout"));
        Map<Long, NodeCredentials> byKeyId = new HashMap<>();
        for (ConfigSection s : config.sections("nodes")) {
            s.allowOnly(NodeCredentials.KEYS);
            NodeCredentials c = NodeCredentials.read(s);
            if (byKeyId.putIfAbsent(c.keyId(), c) != null) {
                throw s.error("key-id", c.keyId() + " is used by another node");
            }
        }
        return new HomeAgent(context, byKeyId, (int) config.integer("port", 1, 65535),
                config.duration("idle-timeout", Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(10)));
    }

    private static byte[] random(int octets) {
        byte[] b = new byte[octets];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Which records of a peer were seen: a 64-record sliding window, as ESP's (RFC 4303 §3.4.3). */
    private static final class ReplayWindow {
        private long highest = -1;
        private long seen;

        synchronized boolean accept(long seq) {
            if (seq < 0) {
                return false;
            }
            if (seq > highest) {
                long shift = seq - highest;
                seen = shift >= 64 ? 1 : (seen << shift) | 1;
                highest = seq;
                return true;
            }
            long age = highest - seq;
            if (age >= 64 || (seen & (1L << age)) != 0) {
                return false;
            }
            seen |= 1L << age;
            return true;
        }
    }

    /** One set-up association: what both sides keep. */
    private static final class Association implements ReplyContext {
        final Identity identity;
        final long connectionId;
        final byte[] clientNonce;
        final byte[] sendKey;
        final byte[] receiveKey;
        final ReplayWindow window = new ReplayWindow();
        final byte[] welcome;
        long nextSequence;
        volatile InetSocketAddress peer;
        volatile Instant lastActive;
        volatile boolean closed;
        boolean idleCheckScheduled;

        Association(Identity identity, long connectionId, byte[] clientNonce, byte[] sendKey, byte[] receiveKey,
                    byte[] welcome, InetSocketAddress peer, Instant now) {
            this.identity = identity;
            this.connectionId = connectionId;
            this.clientNonce = clientNonce;
            this.sendKey = sendKey;
            this.receiveKey = receiveKey;
            this.welcome = welcome;
            this.peer = peer;
            this.lastActive = now;
        }

        synchronized long nextSequence() {
            return nextSequence++;
        }

        @Override
        public String describe() {
            return "connection-id=" + Long.toHexString(connectionId);
        }

        @Override
        public String toString() {
            return "Association[" + identity + ", " + describe() + "]";
        }
    }

    /** Opens a record into the Mobility Header the engine sees, with the association attached; empty to drop it. */
    private static Optional<Inbound> open(Association a, Datagram d) {
        Optional<ChannelRecord.Opened> r = ChannelRecord.openRecord(d.payload(), d.peer());
        if (r.isEmpty() || a == null || a.closed || r.get().connectionId() != a.connectionId
                || !ChannelRecord.verifies(a.receiveKey, r.get().signed(), r.get().mac())
                || !a.window.accept(r.get().sequence())) {
            return Optional.empty();
        }
        return Optional.of(new Inbound(r.get().mobilityHeader(), r.get().inner(), d.observed()).withAttachment(a));
    }

    private static CompletionStage<Void> seal(ProviderContext context, UdpEndpoint endpoint, Association a,
                                              MobilityMessage m, Addressing to, InetSocketAddress peer) {
        Addressing inner = new Addressing(to.source(), to.destination(), to.homeAddressOption(), to.routingHeader(),
                Optional.empty());
        byte[] mh = context.codec().encode(m, inner.pseudoHeaderSource(), inner.pseudoHeaderDestination());
        return endpoint.send(ChannelRecord.record(a.connectionId, a.nextSequence(), inner, mh, a.sendKey), peer);
    }

    // ================================================================== home agent

    private final class HomeAgent implements HomeAgentSecurity {
        private final ProviderContext context;
        private final Map<Long, NodeCredentials> byKeyId;
        private final int port;
        private final Duration idleTimeout;
        private final byte[] cookieSecret = random(32);
        private final Map<Long, Association> byConnectionId = new HashMap<>();
        private final Map<Identity, Association> byIdentity = new HashMap<>();
        private final Map<InetSocketAddress, Association> byPeer = new HashMap<>();
        private final Map<ByteBuffer, Instant> halfOpen = new HashMap<>();
        private final Set<Identity> bound = new HashSet<>();
        private volatile UdpEndpoint endpoint;

        HomeAgent(ProviderContext context, Map<Long, NodeCredentials> byKeyId, int port, Duration idleTimeout) {
            this.context = context;
            this.byKeyId = Map.copyOf(byKeyId);
            this.port = port;
            this.idleTimeout = idleTimeout;
        }

        @Override
        public Set<Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            return new SignallingPath() {
                @Override
                public void start(Consumer<Inbound> receiver) {
                    UdpEndpoint e = context.network().bindUdp(new InetSocketAddress(anyAddress(), port));
                    endpoint = e;
                    e.start(d -> received(d, receiver));
                }

                @Override
                public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                    return CompletableFuture.completedFuture(judge(in));
                }

                @Override
                public CompletionStage<Void> send(MobilityMessage m, Addressing to, Optional<ReplyContext> reply) {
                    UdpEndpoint e = endpoint;
                    if (e == null || reply.isEmpty() || !(reply.get() instanceof Association a)) {
                        return CompletableFuture.failedFuture(new SecurityProviderException(
                                "cannot protect " + m.type() + " without an association"));
                    }
                    InetSocketAddress peer = to.outerPeer().orElse(a.peer);
                    if (flaw == Flaw.REPORTS_SENT_BEFORE_SENDING) {
                        context.scheduler().schedule(Duration.ZERO, () -> {
                            if (!a.closed) {
                                seal(context, e, a, m, to, peer);
                            }
                        });
                        return CompletableFuture.completedFuture(null);
                    }
                    if (a.closed) {
                        return CompletableFuture.failedFuture(new SecurityProviderException(
                                "the association of " + a.identity + " has ended"));
                    }
                    return seal(context, e, a, m, to, peer);
                }

                @Override
                public void close() {
                    UdpEndpoint e = endpoint;
                    if (e != null) {
                        e.close();
                    }
                }
            };
        }

        private void received(Datagram d, Consumer<Inbound> receiver) {
            byte[] p = d.payload();
            if (p.length == 0) {
                return;
            }
            switch (p[0]) {
                case ChannelRecord.HELLO -> hello(d, p);
                case ChannelRecord.HELLO2 -> hello2(d, p);
                case ChannelRecord.RECORD -> record(d, p).ifPresent(receiver);
                default -> {
                    // Not a message a home agent receives.
                }
            }
        }

        /** Answers with a cookie bound to the peer's address: nothing is kept. */
        private void hello(Datagram d, byte[] p) {
            if (p.length != ChannelRecord.HELLO_LENGTH) {
                return;
            }
            long keyId = ByteBuffer.wrap(p, 1, 4).getInt() & 0xFFFF_FFFFL;
            byte[] clientNonce = Arrays.copyOfRange(p, 5, 5 + ChannelRecord.NONCE);
            if (flaw == Flaw.STATE_PER_HANDSHAKE) {
                synchronized (this) {
                    halfOpen.put(ByteBuffer.wrap(concat(peerBytes(d.peer()), clientNonce)), context.clock().instant());
                }
                context.scheduler().schedule(idleTimeout, this::forgetHalfOpen);
            }
            endpoint.send(ChannelRecord.cookie(clientNonce, cookieFor(d.peer(), keyId, clientNonce)), d.peer());
        }

        private void hello2(Datagram d, byte[] p) {
            if (p.length != ChannelRecord.HELLO2_LENGTH) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(p);
            b.get();
            long keyId = b.getInt() & 0xFFFF_FFFFL;
            byte[] clientNonce = new byte[ChannelRecord.NONCE];
            byte[] cookie = new byte[ChannelRecord.TAG];
            byte[] proof = new byte[ChannelRecord.TAG];
            b.get(clientNonce).get(cookie).get(proof);
            NodeCredentials node = byKeyId.get(keyId);
            if (node == null || !MessageDigest.isEqual(cookie, cookieFor(d.peer(), keyId, clientNonce))
                    || !ChannelRecord.verifies(node.key(), Arrays.copyOf(p, p.length - ChannelRecord.TAG), proof)) {
                return;
            }
            Association a;
            synchronized (this) {
                Association existing = byIdentity.get(node.identity());
                if (existing != null && Arrays.equals(existing.clientNonce, clientNonce)) {
                    a = existing; // a retransmitted HELLO2: the same answer again
                } else {
                    long cid = RANDOM.nextLong();
                    byte[] serverNonce = random(ChannelRecord.NONCE);
                    a = new Association(node.identity(), cid, clientNonce,
                            ChannelRecord.sessionKey(node.key(), "agent-to-node", cid, clientNonce, serverNonce),
                            ChannelRecord.sessionKey(node.key(), "node-to-agent", cid, clientNonce, serverNonce),
                            ChannelRecord.welcome(cid, clientNonce, serverNonce, node.key()), d.peer(),
                            context.clock().instant());
                    if (existing != null) {
                        remove(existing);
                    }
                    byConnectionId.put(cid, a);
                    byIdentity.put(node.identity(), a);
                    byPeer.put(d.peer(), a);
                }
            }
            scheduleIdleCheck(a);
            endpoint.send(a.welcome, d.peer());
        }

        private Optional<Inbound> record(Datagram d, byte[] p) {
            Optional<ChannelRecord.Opened> r = ChannelRecord.openRecord(p, d.peer());
            if (r.isEmpty()) {
                return Optional.empty();
            }
            Association a;
            synchronized (this) {
                a = flaw == Flaw.KEYS_ASSOCIATIONS_BY_PEER_ADDRESS ? byPeer.get(d.peer())
                        : byConnectionId.get(r.get().connectionId());
            }
            Optional<Inbound> in = open(a, d);
            if (in.isPresent()) {
                // Only an authenticated, fresh record moves the peer (a NAT rebinding, a new care-of address).
                synchronized (this) {
                    if (!d.peer().equals(a.peer)) {
                        byPeer.remove(a.peer, a);
                        a.peer = d.peer();
                        byPeer.put(a.peer, a);
                    }
                }
                a.lastActive = context.clock().instant();
            }
            return in;
        }

        private Verdict judge(Inbound in) {
            Optional<Association> a = in.attachment(Association.class);
            if (a.isEmpty() || a.get().closed) {
                return Verdict.drop("not a record this channel opened, or its association has ended");
            }
            Identity who = a.get().identity;
            Ipv6Address claimed = in.addressing().homeAddressOption().orElse(in.addressing().source());
            Optional<Identity> owner = context.homeAddresses().ownerOf(claimed);
            if (owner.isPresent() && !owner.get().equals(who)) {
                return Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, a.get(),
                        who + " claims " + claimed + ", which belongs to another identity");
            }
            return Verdict.accept(who, a.get());
        }

        @Override
        public void afterChange(BindingChange change) {
            synchronized (this) {
                if (change.kind().keepsBinding()) {
                    bound.add(change.identity());
                    return;
                }
                bound.remove(change.identity());
                Association a = byIdentity.get(change.identity());
                if (a != null) {
                    remove(a);
                }
            }
        }

        /** Under the lock. */
        private void remove(Association a) {
            a.closed = true;
            byConnectionId.remove(a.connectionId, a);
            byIdentity.remove(a.identity, a);
            byPeer.remove(a.peer, a);
        }

        private void scheduleIdleCheck(Association a) {
            Duration wait;
            synchronized (this) {
                if (a.idleCheckScheduled || a.closed) {
                    return;
                }
                a.idleCheckScheduled = true;
                Instant now = context.clock().instant();
                Instant due = a.lastActive.plus(idleTimeout);
                // A bound association is looked at again one idle period later; its binding's end tears it down.
                wait = bound.contains(a.identity) || !due.isAfter(now) ? idleTimeout : Duration.between(now, due);
            }
            context.scheduler().schedule(wait, () -> idleCheck(a));
        }

        /** Ends an association that has been idle for {@code idle-timeout} with no binding. */
        private void idleCheck(Association a) {
            synchronized (this) {
                a.idleCheckScheduled = false;
                if (a.closed) {
                    return;
                }
                if (!bound.contains(a.identity) && !context.clock().instant().isBefore(a.lastActive.plus(idleTimeout))) {
                    remove(a);
                    return;
                }
            }
            scheduleIdleCheck(a);
        }

        private void forgetHalfOpen() {
            Instant cutoff = context.clock().instant().minus(idleTimeout);
            synchronized (this) {
                halfOpen.values().removeIf(t -> !t.isAfter(cutoff));
            }
        }

        private byte[] cookieFor(InetSocketAddress peer, long keyId, byte[] clientNonce) {
            return ChannelRecord.mac(cookieSecret, peerBytes(peer), ByteBuffer.allocate(4).putInt((int) keyId).array(),
                    clientNonce);
        }

        @Override
        public synchronized int perNodeStateCount() {
            return byIdentity.size() + halfOpen.size();
        }

        @Override
        public void close() {
            synchronized (this) {
                new ArrayList<>(byIdentity.values()).forEach(this::remove);
                halfOpen.clear();
            }
        }
    }

    private static byte[] peerBytes(InetSocketAddress peer) {
        return concat(peer.getAddress().getAddress(), ByteBuffer.allocate(2).putShort((short) peer.getPort()).array());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static InetAddress anyAddress() {
        return Ipv6Address.UNSPECIFIED.toInetAddress();
    }

    // ================================================================== mobile node

    private final class MobileNode implements MobileNodeSecurity {
        private final ProviderContext context;
        private final NodeCredentials self;
        private final int homeAgentPort;
        private volatile Ipv6Address careOf;
        private volatile InetSocketAddress homeAgentEndpoint;
        private volatile Identity homeAgentIdentity;
        private volatile Path path;

        MobileNode(ProviderContext context, NodeCredentials self, int homeAgentPort) {
            this.context = context;
            this.self = self;
            this.homeAgentPort = homeAgentPort;
        }

        @Override
        public Set<Capability> capabilities() {
            return DESCRIPTOR.capabilities();
        }

        @Override
        public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
            if (want.configuredHomeAddress().isEmpty() || want.configuredHomeAgent().isEmpty()) {
                return CompletableFuture.failedFuture(new SecurityProviderException(
                        "reference-channel needs a configured home address and home agent"));
            }
            Ipv6Address homeAgent = want.configuredHomeAgent().get();
            careOf = want.careOf();
            homeAgentEndpoint = new InetSocketAddress(homeAgent.toInetAddress(), homeAgentPort);
            homeAgentIdentity = new Identity(Identity.Kind.HOME_AGENT, homeAgent.toString());
            return CompletableFuture.completedFuture(new BootstrapResult(self.identity(), want.configuredHomeAddress(),
                    Optional.empty(), Optional.empty(), homeAgent, List.of(homeAgentEndpoint)));
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            Path p = new Path();
            path = p;
            return p;
        }

        @Override
        public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
            careOf = to;
            Path p = path;
            if (p != null) {
                if (flaw == Flaw.NEW_ASSOCIATION_ON_EVERY_MOVE) {
                    p.forgetAssociation();
                }
                if (flaw != Flaw.FORGETS_TO_REBIND_ON_CARE_OF_CHANGE) {
                    p.rebind(to);
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void registrationChanged(RegistrationChange change) {
            Path p = path;
            if (p != null && change.kind() != RegistrationChange.Kind.REGISTERED
                    && change.kind() != RegistrationChange.Kind.REFRESHED
                    && change.kind() != RegistrationChange.Kind.MOVED) {
                p.forgetAssociation(); // the home agent ends it with the binding
            }
        }

        @Override
        public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
            return new RejectAction.GiveUp("refused with " + status);
        }

        @Override
        public int perNodeStateCount() {
            Path p = path;
            return p != null && p.association != null ? 1 : 0;
        }

        @Override
        public void close() {
        }

        /** The node's side of the channel: its endpoint, the handshake and the association. */
        private final class Path implements SignallingPath {
            private Consumer<Inbound> receiver;
            private UdpEndpoint endpoint;
            private volatile Association association;
            private byte[] clientNonce;
            private byte[] cookie;
            private int attempts;
            private Cancellable retransmission;
            private Waiting waiting;
            private boolean closed;

            private record Waiting(MobilityMessage message, Addressing to, CompletableFuture<Void> sent) {
            }

            @Override
            public synchronized void start(Consumer<Inbound> r) {
                receiver = r;
                endpoint = bind(careOf);
            }

            private UdpEndpoint bind(Ipv6Address address) {
                UdpEndpoint e = context.network().bindUdp(new InetSocketAddress(address.toInetAddress(), 0));
                e.start(this::received);
                return e;
            }

            synchronized void rebind(Ipv6Address to) {
                if (closed || endpoint == null) {
                    return;
                }
                UdpEndpoint old = endpoint;
                endpoint = bind(to);
                old.close();
            }

            synchronized void forgetAssociation() {
                association = null;
            }

            @Override
            public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
                Optional<Association> a = in.attachment(Association.class);
                return CompletableFuture.completedFuture(a.isPresent() && a.get() == association
                        ? Verdict.accept(homeAgentIdentity, a.get())
                        : Verdict.drop("not a record of this node's association"));
            }

            @Override
            public CompletionStage<Void> send(MobilityMessage m, Addressing to, Optional<ReplyContext> reply) {
                CompletableFuture<Void> superseded = null;
                CompletableFuture<Void> sent = new CompletableFuture<>();
                synchronized (this) {
                    if (closed) {
                        return CompletableFuture.failedFuture(new SecurityProviderException("the channel is closed"));
                    }
                    Association a = association;
                    if (a != null) {
                        return seal(context, endpoint, a, m, to, homeAgentEndpoint);
                    }
                    if (waiting != null) {
                        superseded = waiting.sent();
                    }
                    waiting = new Waiting(m, to, sent);
                    if (clientNonce == null) {
                        beginHandshake();
                    }
                }
                if (superseded != null) {
                    superseded.completeExceptionally(new SecurityProviderException(
                            "superseded by a newer message before the channel was set up"));
                }
                return sent;
            }

            /** Under the lock. */
            private void beginHandshake() {
                clientNonce = random(ChannelRecord.NONCE);
                cookie = null;
                attempts = 0;
                transmitHandshake();
            }

            /** Under the lock: the next handshake message, and the timer for the one after. */
            private void transmitHandshake() {
                attempts++;
                endpoint.send(cookie == null ? ChannelRecord.hello(self.keyId(), clientNonce)
                        : ChannelRecord.hello2(self.keyId(), clientNonce, cookie, self.key()), homeAgentEndpoint);
                if (flaw == Flaw.NEVER_RETRANSMITS_HANDSHAKE) {
                    return;
                }
                byte[] nonce = clientNonce;
                Duration wait = FIRST_RETRANSMISSION.multipliedBy(1L << Math.min(attempts - 1, 5));
                retransmission = context.scheduler().schedule(wait, () -> retransmit(nonce));
            }

            private void retransmit(byte[] nonce) {
                CompletableFuture<Void> failed = null;
                synchronized (this) {
                    if (closed || association != null || clientNonce != nonce) {
                        return;
                    }
                    if (attempts >= HANDSHAKE_ATTEMPTS) {
                        clientNonce = null;
                        failed = waiting != null ? waiting.sent() : null;
                        waiting = null;
                    } else {
                        transmitHandshake();
                    }
                }
                if (failed != null) {
                    failed.completeExceptionally(new SecurityProviderException("no answer from the home agent at "
                            + homeAgentEndpoint + " after " + HANDSHAKE_ATTEMPTS + " handshake attempts"));
                }
            }

            private void received(Datagram d) {
                byte[] p = d.payload();
                if (p.length == 0) {
                    return;
                }
                switch (p[0]) {
                    case ChannelRecord.COOKIE -> cookie(p);
                    case ChannelRecord.WELCOME -> welcome(p);
                    case ChannelRecord.RECORD -> {
                        Consumer<Inbound> r;
                        Optional<Inbound> in;
                        synchronized (this) {
                            r = receiver;
                            in = open(association, d);
                        }
                        if (r != null) {
                            in.ifPresent(r);
                        }
                    }
                    default -> {
                        // Not a message a mobile node receives.
                    }
                }
            }

            private synchronized void cookie(byte[] p) {
                if (p.length != ChannelRecord.COOKIE_LENGTH || clientNonce == null || association != null
                        || !Arrays.equals(Arrays.copyOfRange(p, 1, 1 + ChannelRecord.NONCE), clientNonce)) {
                    return;
                }
                cookie = Arrays.copyOfRange(p, 1 + ChannelRecord.NONCE, p.length);
                if (retransmission != null) {
                    retransmission.cancel();
                }
                transmitHandshake();
            }

            private void welcome(byte[] p) {
                Waiting w;
                Association a;
                synchronized (this) {
                    if (p.length != ChannelRecord.WELCOME_LENGTH || clientNonce == null || association != null) {
                        return;
                    }
                    ByteBuffer b = ByteBuffer.wrap(p);
                    b.get();
                    long cid = b.getLong();
                    byte[] echoed = new byte[ChannelRecord.NONCE];
                    byte[] serverNonce = new byte[ChannelRecord.NONCE];
                    byte[] mac = new byte[ChannelRecord.TAG];
                    b.get(echoed).get(serverNonce).get(mac);
                    if (!Arrays.equals(echoed, clientNonce)
                            || !ChannelRecord.verifies(self.key(), Arrays.copyOf(p, p.length - ChannelRecord.TAG), mac)) {
                        return;
                    }
                    a = new Association(homeAgentIdentity, cid, clientNonce,
                            ChannelRecord.sessionKey(self.key(), "node-to-agent", cid, clientNonce, serverNonce),
                            ChannelRecord.sessionKey(self.key(), "agent-to-node", cid, clientNonce, serverNonce),
                            p, homeAgentEndpoint, context.clock().instant());
                    association = a;
                    clientNonce = null;
                    if (retransmission != null) {
                        retransmission.cancel();
                    }
                    w = waiting;
                    waiting = null;
                    if (w == null) {
                        return;
                    }
                }
                seal(context, endpoint, a, w.message(), w.to(), homeAgentEndpoint).whenComplete((v, e) -> {
                    if (e != null) {
                        w.sent().completeExceptionally(e);
                    } else {
                        w.sent().complete(null);
                    }
                });
            }

            @Override
            public void close() {
                UdpEndpoint e;
                synchronized (this) {
                    closed = true;
                    association = null;
                    if (retransmission != null) {
                        retransmission.cancel();
                    }
                    e = endpoint;
                }
                if (e != null) {
                    e.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return NAME + " (test-only" + (flaw == Flaw.NONE ? "" : ", flaw: " + flaw) + ")";
    }
}
