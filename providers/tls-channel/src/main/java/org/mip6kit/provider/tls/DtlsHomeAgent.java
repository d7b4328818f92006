package org.mip6kit.provider.tls;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.mip6kit.provider.tls.dtls.DtlsAssociation;
import org.mip6kit.provider.tls.dtls.DtlsServerChannel;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.Refusal;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * The home agent side of mode {@code dtls} (mip6kit's own, not an IETF standard): one
 * {@link DtlsServerChannel} on {@code listen} for every mobile node; Mobility Header octets travel
 * unchanged as DTLS 1.2 application records, one message a record.
 *
 * <p><b>An association's life.</b> The handshake (stateless cookie first) authenticates an
 * identity. The node's first record is a {@linkplain DtlsAssignment home address request}; the
 * home agent answers with the node's configured home address ({@code nodes}), else the one the
 * node asked for, else a free one — adopted or allocated for the authenticated identity in the
 * engine's home address book, so the engine's ownership check (status 129) applies — and its own
 * address. Then the node's records are Mobility Headers: each goes to the engine with the
 * assigned home address as source, the home agent as destination, no Home Address option (the
 * association vouches for the home address), the association's current peer as outer peer, and
 * the association as attachment; {@link SignallingPath#verify} accepts it for the association's
 * identity if the association is still open. Acknowledgements go back on the association they
 * answer. When the binding ends (deregistration, expiry, revocation) the association is closed —
 * after the acknowledgement left, as {@code afterChange} comes only then — so whatever was
 * captured on it can never be replayed; the node handshakes again for its next registration. An
 * association that has no binding {@code unbound-timeout} after its assignment is closed as well.
 *
 * <p>Per-node state ({@link #perNodeStateCount}) is the server's associations, handshaking or
 * established. Thread-safe.
 */
final class DtlsHomeAgent implements HomeAgentSecurity {

    private static final Set<Capability> CAPABILITIES = Set.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY,
            Capability.CHANNEL_SURVIVES_COA_CHANGE, Capability.ASSIGNS_HOME_ADDRESS, Capability.NEEDS_ALTERNATE_COA);

    private final ProviderContext context;
    private final DtlsHomeAgentConfig config;
    private final ConcurrentHashMap<DtlsAssociation, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile DtlsServerChannel server;
    private volatile boolean closed;

    /** Per home address, the association whose Binding Update was accepted last. */
    private final Map<Ipv6Address, Node> lastAccepted = new ConcurrentHashMap<>();

    DtlsHomeAgent(ProviderContext context, DtlsHomeAgentConfig config) {
        this.context = context;
        this.config = config;
    }

    /** One authenticated association and what it was assigned; the reply context of its messages. */
    static final class Node implements ReplyContext {
        final DtlsAssociation association;
        final Identity identity;
        volatile Ipv6Address homeAddress;
        volatile boolean bound;
        volatile Cancellable unboundCheck;

        Node(DtlsAssociation association, Identity identity) {
            this.association = association;
            this.identity = identity;
        }

        @Override
        public String describe() {
            return "dtls " + identity + association.connectionId().map(c -> " cid " + c).orElse("");
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new Path();
    }

    /** Records dropped by this mode (malformed assignments, messages before an assignment). */
    long dropped() {
        return dropped.get();
    }

    /**
     * A binding kept (created, moved, refreshed) binds the association its Binding Update came on,
     * and supersedes any other association of the same identity for that home address — the one
     * a node that crashed and handshook again left behind — which is closed. A binding that ended
     * closes them all.
     */
    @Override
    public void afterChange(BindingChange change) {
        Node latest = change.kind().keepsBinding() ? lastAccepted.get(change.homeAddress())
                : lastAccepted.remove(change.homeAddress());
        for (Node n : nodesOf(change.identity(), change.homeAddress())) {
            if (change.kind().keepsBinding() && (latest == null || latest == n)) {
                n.bound = true;
                cancelUnboundCheck(n);
            } else {
                close(n);
            }
        }
    }

    @Override
    public void refused(Refusal refusal) {
        if (refusal.reply() instanceof Node n) {
            lastAccepted.remove(refusal.homeAddress(), n);
        }
        // Nothing to undo: an association the engine refused has no binding and goes at its unbound check.
    }

    /** The DTLS server's counters: cookies, handshakes by outcome, peer address changes, dropped datagrams; associations is a gauge. */
    @Override
    public java.util.Map<String, Long> counters() {
        DtlsServerChannel s = server;
        if (s == null) {
            return java.util.Map.of();
        }
        org.mip6kit.provider.tls.dtls.DtlsServerCounters c = s.counters();
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        m.put("cookies-sent", c.cookiesSent());
        m.put("handshakes-started", c.handshakesStarted());
        m.put("handshakes-completed", c.handshakesCompleted());
        m.put("handshakes-failed", c.handshakesFailed());
        m.put("handshakes-dropped", c.handshakesDropped());
        m.put("associations", (long) c.associations());
        m.put("peer-address-changes", c.peerAddressChanges());
        m.put("datagrams-dropped", c.datagramsDropped());
        return m;
    }

    @Override
    public int perNodeStateCount() {
        DtlsServerChannel s = server;
        return s == null ? 0 : s.associations().size();
    }

    @Override
    public void close() {
        closed = true;
        DtlsServerChannel s = server;
        if (s != null) {
            s.close();
        }
        nodes.values().forEach(DtlsHomeAgent::cancelUnboundCheck);
        nodes.clear();
    }

    private List<Node> nodesOf(Identity identity, Ipv6Address homeAddress) {
        return nodes.values().stream()
                .filter(n -> n.identity.equals(identity) && homeAddress.equals(n.homeAddress)).toList();
    }

    private void close(Node n) {
        nodes.remove(n.association, n);
        cancelUnboundCheck(n);
        DtlsServerChannel s = server;
        if (s != null) {
            s.close(n.association);
        }
    }

    private static void cancelUnboundCheck(Node n) {
        Cancellable c = n.unboundCheck;
        if (c != null) {
            c.cancel();
        }
    }

    // --- receive -------------------------------------------------------------------------------

    private void received(DtlsAssociation a, byte[] octets, Consumer<Inbound> receiver) {
        if (closed) {
            return;
        }
        Optional<Identity> identity = a.identity();
        if (identity.isEmpty()) {
            dropped.incrementAndGet();
            return;
        }
        Node n = nodes.computeIfAbsent(a, x -> new Node(x, identity.get()));
        if (DtlsAssignment.isAssignment(octets)) {
            assign(n, octets);
            return;
        }
        Ipv6Address hoa = n.homeAddress;
        if (hoa == null) {
            dropped.incrementAndGet(); // a Mobility Header before the assignment: no home address to vouch for
            return;
        }
        Addressing addressing = new Addressing(hoa, config.homeAgentAddress(), Optional.empty(), Optional.empty(),
                Optional.of(a.peer()));
        receiver.accept(new Inbound(octets, addressing, Observed.NOTHING).withAttachment(n));
    }

    private void assign(Node n, byte[] octets) {
        DtlsAssignment request;
        try {
            request = DtlsAssignment.decode(octets);
        } catch (DtlsAssignment.AssignmentFormatException e) {
            dropped.incrementAndGet();
            return;
        }
        if (request.type() != DtlsAssignment.Type.REQUEST) {
            dropped.incrementAndGet();
            return;
        }
        DtlsAssignment answer;
        synchronized (n) {
            try {
                Ipv6Address hoa = n.homeAddress != null ? n.homeAddress : choose(n.identity, request.homeAddress());
                n.homeAddress = hoa;
                answer = DtlsAssignment.assigned(request.transactionId(), hoa, config.homeAgentAddress());
            } catch (HomeAddressException e) {
                answer = DtlsAssignment.refused(request.transactionId(), request.homeAddress().isPresent()
                        ? DtlsAssignment.NOT_AVAILABLE : DtlsAssignment.NONE_FREE, config.homeAgentAddress());
            }
            if (n.homeAddress != null && n.unboundCheck == null) {
                n.unboundCheck = context.scheduler().schedule(config.unboundTimeout(), () -> {
                    if (!n.bound) {
                        close(n);
                    }
                });
            }
        }
        DtlsServerChannel s = server;
        if (s != null) {
            s.send(n.association, answer.encode());
        }
    }

    /** The configured address, else the one asked for (unless configured for another), else a free one. */
    private Ipv6Address choose(Identity identity, Optional<Ipv6Address> asked) throws HomeAddressException {
        Optional<Ipv6Address> configured = config.staticHomeAddress(identity);
        if (configured.isPresent()) {
            context.homeAddresses().adopt(identity, configured.get());
            return configured.get();
        }
        if (asked.isPresent()) {
            if (config.configuredForAnother(identity, asked.get())) {
                throw new HomeAddressException(asked.get() + " is configured for another node");
            }
            context.homeAddresses().adopt(identity, asked.get());
            return asked.get();
        }
        return context.homeAddresses().allocate(identity);
    }

    private final class Path implements SignallingPath {

        @Override
        public void start(Consumer<Inbound> receiver) {
            server = DtlsServerChannel.open(context.network(), config.listen(), config.credentials(), config.settings(),
                    context.scheduler(), context.clock(), (a, octets) -> received(a, octets, receiver));
        }

        @Override
        public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
            Optional<Node> n = in.attachment(Node.class);
            if (n.isEmpty()) {
                return CompletableFuture.completedFuture(Verdict.drop("not a record of a DTLS association"));
            }
            if (n.get().association.state() != DtlsAssociation.State.ESTABLISHED || nodes.get(n.get().association) != n.get()) {
                return CompletableFuture.completedFuture(Verdict.drop("the DTLS association of " + n.get().identity
                        + " is closed"));
            }
            Ipv6Address hoa = n.get().homeAddress;
            if (hoa != null) {
                // Calls for one home address never overlap: the next afterChange for it is this message's.
                lastAccepted.put(hoa, n.get());
            }
            return CompletableFuture.completedFuture(Verdict.accept(n.get().identity, n.get()));
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            DtlsServerChannel s = server;
            if (s == null) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the dtls path is not started"));
            }
            Optional<Node> n = reply.filter(Node.class::isInstance).map(Node.class::cast);
            if (n.isEmpty()) {
                return CompletableFuture.failedFuture(new SecurityProviderException("cannot protect " + message.type()
                        + " to " + to.destination() + ": it answers no message of a DTLS association"));
            }
            byte[] mh = context.codec().encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
            return s.send(n.get().association, mh);
        }

        @Override
        public void close() {
            DtlsHomeAgent.this.close();
        }
    }
}
