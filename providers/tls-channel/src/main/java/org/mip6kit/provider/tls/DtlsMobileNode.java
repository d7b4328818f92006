package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.mip6kit.provider.tls.dtls.DtlsClientChannel;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeHandle;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * The mobile node side of mode {@code dtls} (mip6kit's own, not an IETF standard).
 *
 * <p><b>Bootstrap</b>: binds a UDP endpoint on the current care-of address, runs the DTLS 1.2
 * client handshake with {@code home-agent} (Bouncy Castle blocks and keeps its own real-time
 * retransmission timer, so it runs as {@link org.mip6kit.spi.Scheduler#runBlocking} work), then
 * the {@linkplain DtlsAssignment home address assignment} on the new association: a request
 * (with the configured home address, if any), retransmitted after 1, 2, 4... s of the provider's
 * clock until {@code assignment-timeout}, answered with the home address and the home agent's
 * address. The result names the identity the home agent authenticated (the PSK identity, or the
 * certificate's NAI or dNSName), the assigned home address, the home agent, and the DTLS server
 * as the one endpoint.
 *
 * <p><b>Path</b>: each message is encoded with its checksum over home address → home agent
 * (there is no IPv6 header in the channel) and sent as one record; a message claiming another
 * home address than the association's is refused (its stage fails). Records from the home agent
 * go to the engine with the home agent as source and the home address as destination, the
 * association as attachment; {@code verify} accepts those of the current association only.
 *
 * <p><b>Moves</b> keep the association ({@link Capability#CHANNEL_SURVIVES_COA_CHANGE}):
 * {@link #careOfChanging} rebinds the endpoint to the new care-of address; the next record
 * carries the connection ID the server issued, and the server follows it (RFC 9146 §6).
 *
 * <p><b>End of a binding</b>: the home agent closes the association once the binding ends; so
 * after {@code DEREGISTERED}, {@code EXPIRED} or {@code LOST} the node's association is spent, and
 * the next send (or a send on an association the home agent closed) asks the engine to bootstrap
 * again ({@link MobileNodeHandle#rebootstrap}) and fails.
 */
final class DtlsMobileNode implements MobileNodeSecurity {

    private static final Set<Capability> CAPABILITIES = Set.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY,
            Capability.CHANNEL_SURVIVES_COA_CHANGE, Capability.ASSIGNS_HOME_ADDRESS, Capability.NEEDS_ALTERNATE_COA);
    private static final Duration FIRST_RETRANSMISSION = Duration.ofSeconds(1);

    private final ProviderContext context;
    private final DtlsMobileNodeConfig config;
    private final Identity identity;
    private final SecureRandom random = new SecureRandom();
    private volatile MobileNodeHandle engine;
    private volatile Association current;
    private volatile Ipv6Address careOf;
    private volatile boolean closed;

    DtlsMobileNode(ProviderContext context, DtlsMobileNodeConfig config) {
        this.context = context;
        this.config = config;
        this.identity = config.credentials().presentedIdentity().orElseThrow(() -> new IllegalArgumentException(
                "the credentials name no identity"));
    }

    /** One bootstrap's association: the channel, what was assigned on it, and who receives its records. */
    static final class Association implements ReplyContext {
        final long serial;
        final CompletableFuture<DtlsAssignment> assignment = new CompletableFuture<>();
        volatile int transactionId;
        volatile DtlsClientChannel channel;
        volatile Ipv6Address homeAddress;
        volatile Ipv6Address homeAgent;
        volatile Consumer<Inbound> receiver;
        volatile boolean spent;

        Association(long serial) {
            this.serial = serial;
        }

        @Override
        public String describe() {
            return "dtls association #" + serial;
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void attach(MobileNodeHandle handle) {
        this.engine = handle;
    }

    @Override
    public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
        careOf = want.careOf();
        Association previous = current;
        if (previous != null) {
            previous.spent = true;
            DtlsClientChannel c = previous.channel;
            if (c != null) {
                c.close();
            }
        }
        Association a = new Association(previous == null ? 1 : previous.serial + 1);
        current = a;
        InetSocketAddress ha = config.homeAgent();
        String what = "DTLS handshake of " + identity + " with " + Endpoints.format(ha);
        Executor blocking = task -> {
            CompletableFuture<Void> running = context.scheduler().runBlocking(what, () -> {
                task.run();
                return (Void) null;
            }).toCompletableFuture();
            if (running.isCompletedExceptionally()) {
                throw new java.util.concurrent.RejectedExecutionException("the scheduler refused the " + what);
            }
        };
        CompletionStage<DtlsClientChannel> connected;
        try {
            try {
                connected = DtlsClientChannel.connect(context.network(), local(want.careOf()), ha,
                        config.credentials(), config.handshakeTimeout(), true, context.clock(), blocking,
                        octets -> received(a, octets));
            } catch (SecurityProviderException notLocal) {
                connected = DtlsClientChannel.connect(context.network(), wildcardFor(ha), ha, config.credentials(),
                        config.handshakeTimeout(), true, context.clock(), blocking, octets -> received(a, octets));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return connected.thenComposeAsync(channel -> {
            a.channel = channel;
            if (closed || current != a) {
                channel.close();
                throw new SecurityProviderException("a newer bootstrap or close() replaced this one");
            }
            return requestAssignment(a, want.configuredHomeAddress());
        }, context.scheduler().executor()).thenApply(answer -> {
            if (answer.status() != DtlsAssignment.ASSIGNED) {
                a.channel.close();
                throw new SecurityProviderException("the home agent " + Endpoints.format(ha) + " assigned no home "
                        + "address to " + identity + ": " + (answer.status() == DtlsAssignment.NOT_AVAILABLE
                        ? "the address asked for is not available" : "no home address is free"));
            }
            a.homeAddress = answer.homeAddress().orElseThrow();
            a.homeAgent = answer.homeAgent().orElseThrow();
            return new BootstrapResult(identity, Optional.of(a.homeAddress), Optional.empty(), Optional.empty(),
                    a.homeAgent, List.of(ha));
        });
    }

    /** The care-of address, where the records should leave from (a real node, the kit). */
    private static InetSocketAddress local(Ipv6Address address) {
        return new InetSocketAddress(address.toInetAddress(), 0);
    }

    /**
     * When this host does not have the care-of address (the demo's documentation addresses on
     * loopback; an address a NAT hides): the wildcard of the home agent endpoint's family, where
     * routing picks the source. The connection ID keeps the association whichever it is.
     */
    private static InetSocketAddress wildcardFor(InetSocketAddress homeAgent) {
        byte[] any = new byte[homeAgent.getAddress().getAddress().length];
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(any), 0);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("4 or 16 octets are an address", e);
        }
    }

    /** Sends the request now and again after 1, 2, 4... s until answered or {@code assignment-timeout}. */
    private CompletableFuture<DtlsAssignment> requestAssignment(Association a, Optional<Ipv6Address> wanted) {
        a.transactionId = random.nextInt();
        byte[] request = DtlsAssignment.request(a.transactionId, wanted).encode();
        retransmit(a, request, FIRST_RETRANSMISSION, context.clock().instant().plus(config.assignmentTimeout()));
        return a.assignment;
    }

    private void retransmit(Association a, byte[] request, Duration next, java.time.Instant deadline) {
        if (a.assignment.isDone()) {
            return;
        }
        if (!context.clock().instant().isBefore(deadline)) {
            a.channel.close();
            a.assignment.completeExceptionally(new SecurityProviderException("the home agent "
                    + Endpoints.format(config.homeAgent()) + " did not answer the home address request within "
                    + config.assignmentTimeout()));
            return;
        }
        try {
            a.channel.send(request);
        } catch (SecurityProviderException e) {
            a.assignment.completeExceptionally(e);
            return;
        }
        Cancellable ignored = context.scheduler().schedule(next, () -> retransmit(a, request, next.multipliedBy(2),
                deadline));
    }

    private void received(Association a, byte[] octets) {
        if (DtlsAssignment.isAssignment(octets)) {
            try {
                DtlsAssignment answer = DtlsAssignment.decode(octets);
                if (answer.type() == DtlsAssignment.Type.ANSWER && answer.transactionId() == a.transactionId) {
                    a.assignment.complete(answer);
                }
            } catch (DtlsAssignment.AssignmentFormatException e) {
                // dropped: nothing this node asked for
            }
            return;
        }
        Consumer<Inbound> r = a.receiver;
        if (r == null || a.homeAddress == null || a.spent) {
            return;
        }
        Addressing addressing = new Addressing(a.homeAgent, a.homeAddress, Optional.empty(), Optional.empty(),
                Optional.of(config.homeAgent()));
        r.accept(new Inbound(octets, addressing, Observed.NOTHING).withAttachment(a));
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        Association a = current;
        if (a == null || a.homeAddress == null) {
            throw new SecurityProviderException("dtls: no association yet (bootstrap first)");
        }
        return new Path(a);
    }

    @Override
    public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
        careOf = to;
        Association a = current;
        DtlsClientChannel c = a == null ? null : a.channel;
        if (c != null && !a.spent) {
            try {
                try {
                    c.rebind(local(to));
                } catch (SecurityProviderException notLocal) {
                    c.rebind(wildcardFor(c.homeAgent()));
                }
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The home agent closes the association when the binding ends; the next registration needs a new one. */
    @Override
    public void registrationChanged(RegistrationChange change) {
        switch (change.kind()) {
            case DEREGISTERED, EXPIRED, LOST -> {
                Association a = current;
                if (a != null) {
                    a.spent = true;
                }
            }
            default -> {
            }
        }
    }

    @Override
    public int perNodeStateCount() {
        Association a = current;
        return a != null && !a.spent ? 1 : 0;
    }

    @Override
    public void close() {
        closed = true;
        Association a = current;
        if (a != null) {
            a.spent = true;
            a.assignment.completeExceptionally(new SecurityProviderException("the dtls provider was closed"));
            DtlsClientChannel c = a.channel;
            if (c != null) {
                c.close();
            }
        }
    }

    private final class Path implements SignallingPath {
        private final Association association;

        Path(Association association) {
            this.association = association;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            association.receiver = receiver;
        }

        @Override
        public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
            Optional<Association> a = in.attachment(Association.class);
            if (a.isEmpty() || a.get() != association) {
                return CompletableFuture.completedFuture(Verdict.drop("not a record of this node's DTLS association"));
            }
            return CompletableFuture.completedFuture(Verdict.accept(
                    new Identity(Identity.Kind.HOME_AGENT, association.homeAgent.toString()), association));
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage m, Addressing to, Optional<ReplyContext> reply) {
            Association a = association;
            DtlsClientChannel c = a.channel;
            if (a.spent || c == null) {
                return spent(a, "the DTLS association #" + a.serial + " ended with the binding");
            }
            Ipv6Address claimed = to.pseudoHeaderSource();
            if (!claimed.equals(a.homeAddress)) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the DTLS association #" + a.serial
                        + " carries the home address " + a.homeAddress + " only, not " + claimed));
            }
            byte[] mh = context.codec().encode(m, a.homeAddress, a.homeAgent);
            try {
                c.send(mh);
            } catch (SecurityProviderException e) {
                a.spent = true;
                return spent(a, "the DTLS association #" + a.serial + " failed: " + e.getMessage());
            }
            return CompletableFuture.completedFuture(null);
        }

        private CompletionStage<Void> spent(Association a, String why) {
            MobileNodeHandle h = engine;
            if (h != null && !closed) {
                h.rebootstrap(why + "; a new handshake follows");
            }
            return CompletableFuture.failedFuture(new SecurityProviderException(why));
        }

        @Override
        public void close() {
            association.receiver = null;
        }
    }
}
