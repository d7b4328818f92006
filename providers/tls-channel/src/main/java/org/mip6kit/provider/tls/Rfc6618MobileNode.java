package org.mip6kit.provider.tls;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeHandle;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;

/**
 * The mobile node side of mode {@code rfc6618}. Bootstrap runs the RFC 6618 exchange with the
 * Home Agent Controller ({@link HacClient}: TLS 1.2, PSK method) and ends with the home agent's
 * UDP endpoints, the home address and a security association; the node then protects its Binding
 * Updates with it from a UDP endpoint on its current care-of address (re-bound on a move: the
 * association is not tied to the address, so a move needs no new bootstrap). It bootstraps again
 * {@code rebootstrap-before} the association's validity end, on a verified 176, and — at most once
 * every {@value #HINT_INTERVAL_SECONDS} s — on an unprotected 176 (the home agent's answer to an SPI
 * it does not know), which it cannot verify and so takes only as a hint.
 */
final class Rfc6618MobileNode implements MobileNodeSecurity {

    static final long HINT_INTERVAL_SECONDS = 30;
    private static final InetAddress ANY4 = anyIpv4();

    /**
     * How long after its validity end the node still verifies what arrives under an association:
     * a tolerance for clock skew between node and home agent (the home agent may still answer,
     * with a protected 176, a Binding Update the node sent just before the end by its own clock).
     * The node never sends under an association past its validity end: it bootstraps again.
     */
    static final Duration VERIFY_GRACE = Duration.ofSeconds(60);

    private final ProviderContext context;
    private final Rfc6618MobileNodeConfig config;
    private final Set<Capability> capabilities;
    private volatile MobileNodeHandle engine;
    private volatile Provisioning current;
    private volatile Ipv6Address careOf;
    private volatile Path path;
    private volatile Cancellable renewal;
    private volatile Instant lastHint = Instant.MIN;
    private volatile boolean registered;

    /** What the last bootstrap gave. */
    record Provisioning(NodeAssociation association, Ipv6Address homeAgent, List<InetSocketAddress> endpoints) {
    }

    Rfc6618MobileNode(ProviderContext context, Rfc6618MobileNodeConfig config) {
        this.context = context;
        this.config = config;
        EnumSet<Capability> c = EnumSet.of(Capability.INTEGRITY, Capability.CHANNEL_SURVIVES_COA_CHANGE,
                Capability.ASSIGNS_HOME_ADDRESS, Capability.NEEDS_ALTERNATE_COA);
        if (config.suites().stream().allMatch(Suites::encrypts)) {
            c.add(Capability.CONFIDENTIALITY);
        }
        this.capabilities = Set.copyOf(c);
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void attach(MobileNodeHandle handle) {
        this.engine = handle;
    }

    @Override
    public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
        careOf = want.careOf();
        return HacClient.bootstrap(context, config, want).thenApply(p -> {
            Provisioning previous = current;
            current = p;
            if (previous != null) {
                previous.association().destroy();
            }
            scheduleRenewal(p);
            NodeAssociation a = p.association();
            return new BootstrapResult(a.identity(), Optional.of(a.homeAddress()), Optional.empty(), Optional.empty(),
                    p.homeAgent(), p.endpoints());
        });
    }

    private void scheduleRenewal(Provisioning p) {
        Cancellable old = renewal;
        if (old != null) {
            old.cancel();
        }
        // rebootstrap-before, but never more than half the association's life: a controller that grants
        // short associations must not make the node bootstrap again at once, over and over.
        Instant now = context.clock().instant();
        Duration life = Duration.between(now, p.association().validityEnd());
        Duration margin = config.rebootstrapBefore().compareTo(life.dividedBy(2)) <= 0 ? config.rebootstrapBefore()
                : life.dividedBy(2);
        Duration wait = life.minus(margin);
        renewal = context.scheduler().schedule(wait.isNegative() ? Duration.ZERO : wait, () -> {
            MobileNodeHandle h = engine;
            if (h != null && current == p && registered) {
                h.rebootstrap("the RFC 6618 security association " + p.association().spi() + " ends at "
                        + p.association().validityEnd());
            }
        });
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        Provisioning p = current;
        if (p == null) {
            throw new SecurityProviderException("rfc6618: no security association yet (bootstrap first)");
        }
        Path created = new Path(p);
        path = created;
        return created;
    }

    @Override
    public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
        careOf = to;
        Path p = path;
        if (p != null) {
            try {
                p.rebind(to);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The home agent removes an association when the binding ends; so does the node, and the next
     * registration starts with a new bootstrap. Renewal runs only while registered.
     */
    @Override
    public void registrationChanged(RegistrationChange change) {
        switch (change.kind()) {
            case REGISTERED, MOVED, REFRESHED -> registered = true;
            case DEREGISTERED, EXPIRED, LOST -> {
                registered = false;
                Provisioning p = current;
                if (p != null) {
                    p.association().markExpired();
                }
            }
            default -> {
            }
        }
    }

    @Override
    public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
        if (status.equals(BindingAckStatus.REINIT_SA_WITH_HAC)) {
            return new RejectAction.BootstrapAgain("the home agent asks for a new security association (176)");
        }
        return new RejectAction.GiveUp("the home agent refused the registration: " + status);
    }

    @Override
    public int perNodeStateCount() {
        return current != null ? 1 : 0;
    }

    @Override
    public void close() {
        Cancellable r = renewal;
        if (r != null) {
            r.cancel();
        }
        Path p = path;
        if (p != null) {
            p.close();
        }
        Provisioning c = current;
        current = null;
        if (c != null) {
            c.association().destroy();
        }
    }

    /** The node's UDP endpoint on its care-of address and the association it protects with. */
    private final class Path implements SignallingPath {
        private final Provisioning provisioning;
        private Consumer<Inbound> receiver;
        private UdpEndpoint endpoint;
        private boolean closed;

        Path(Provisioning provisioning) {
            this.provisioning = provisioning;
        }

        @Override
        public synchronized void start(Consumer<Inbound> r) {
            receiver = r;
            endpoint = bind(careOf);
        }

        /**
         * An endpoint on the care-of address, so that the home agent sees the packets come from it;
         * when this host does not have that address (the demo's documentation addresses on
         * loopback, a care-of address behind a NAT the node only learns of), the wildcard address of
         * its family, where the operating system's routing picks the source. The association does
         * not care which. Re-bound on every move, so the home agent sees a fresh port.
         */
        private UdpEndpoint bind(Ipv6Address careOfAddress) {
            UdpEndpoint e;
            try {
                e = context.network().bindUdp(new InetSocketAddress(careOfAddress.toInetAddress(), 0));
            } catch (SecurityProviderException notLocal) {
                InetAddress any = careOfAddress.isIpv4Mapped() ? ANY4 : Ipv6Address.UNSPECIFIED.toInetAddress();
                e = context.network().bindUdp(new InetSocketAddress(any, 0));
            }
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

        private InetSocketAddress homeAgentEndpoint() {
            Ipv6Address c = careOf;
            boolean v4 = c != null && c.isIpv4Mapped();
            return BootstrapResult.endpointFor(provisioning.endpoints(), v4).orElseThrow(() ->
                    new SecurityProviderException("the Home Agent Controller gave no home agent endpoint"));
        }

        private void received(Datagram d) {
            byte[] p = d.payload();
            NodeAssociation a = provisioning.association();
            if (PacketSealer.isPlaintext(p)) {
                hint(p);
                return;
            }
            if (!PacketSealer.isMobilityHeader(p) || PacketSealer.spiOf(p) != a.spi()) {
                return;
            }
            Optional<byte[]> mh = a.sealer().open(p);
            Consumer<Inbound> r;
            synchronized (this) {
                r = closed ? null : receiver;
            }
            if (mh.isEmpty() || r == null) {
                return;
            }
            Addressing addressing = new Addressing(provisioning.homeAgent(), a.homeAddress(), Optional.empty(),
                    Optional.empty(), Optional.of(d.peer()));
            r.accept(new Inbound(mh.get(), addressing, d.observed()).withAttachment(a));
        }

        /** An unprotected 176: anyone could have sent it, so it only makes the node bootstrap again, rate-limited. */
        private void hint(byte[] p) {
            MobileNodeHandle h = engine;
            Instant now = context.clock().instant();
            if (h == null || now.isBefore(lastHint.plusSeconds(HINT_INTERVAL_SECONDS))) {
                return;
            }
            MobilityMessage m;
            try {
                Ipv6Address ha = provisioning.homeAgent();
                byte[] mh = PacketSealer.plaintextPayload(p);
                m = context.codec().decode(mh, ha, ha);
            } catch (MobilityHeaderFormatException | RuntimeException e) {
                return;
            }
            if (m instanceof BindingAcknowledgement ba && ba.status().equals(BindingAckStatus.REINIT_SA_WITH_HAC)) {
                lastHint = now;
                h.rebootstrap("an unprotected status 176 from the home agent's port (it may not know our SPI)");
            }
        }

        @Override
        public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
            Optional<NodeAssociation> a = in.attachment(NodeAssociation.class);
            if (a.isEmpty() || a.get() != provisioning.association()) {
                return CompletableFuture.completedFuture(Verdict.drop("not a packet of this node's association"));
            }
            return CompletableFuture.completedFuture(Verdict.accept(
                    new Identity(Identity.Kind.HOME_AGENT, provisioning.homeAgent().toString()), a.get()));
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage m, Addressing to, Optional<ReplyContext> reply) {
            UdpEndpoint e;
            synchronized (this) {
                if (closed || endpoint == null) {
                    return CompletableFuture.failedFuture(new SecurityProviderException("the rfc6618 path is closed"));
                }
                e = endpoint;
            }
            NodeAssociation a = provisioning.association();
            if (a.expired() || !context.clock().instant().isBefore(a.validityEnd())) {
                MobileNodeHandle h = engine;
                if (h != null) {
                    h.rebootstrap("the RFC 6618 security association " + a.spi() + " has ended");
                }
                return CompletableFuture.failedFuture(new SecurityProviderException("the RFC 6618 security "
                        + "association " + a.spi() + " has ended; bootstrapping again with the Home Agent Controller"));
            }
            Ipv6Address claimed = to.pseudoHeaderSource();
            if (!claimed.equals(a.homeAddress()) && !to.source().equals(a.homeAddress())) {
                // RFC 6618 carries no IPv6 header: the association is the home address; another cannot be claimed.
                return CompletableFuture.failedFuture(new SecurityProviderException("the RFC 6618 association "
                        + a.spi() + " protects the home address " + a.homeAddress() + " only, not " + claimed));
            }
            // The home agent checks the checksum over home address -> home agent (no Home Address option on the wire).
            byte[] mh = context.codec().encode(m, a.homeAddress(), provisioning.homeAgent());
            return e.send(a.sealer().seal(mh), homeAgentEndpoint());
        }

        @Override
        public void close() {
            UdpEndpoint e;
            synchronized (this) {
                closed = true;
                e = endpoint;
            }
            if (e != null) {
                e.close();
            }
        }
    }

    private static InetAddress anyIpv4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("four octets are an address", e);
        }
    }

    static boolean isIpv4(InetSocketAddress a) {
        return a.getAddress() instanceof Inet4Address;
    }
}
