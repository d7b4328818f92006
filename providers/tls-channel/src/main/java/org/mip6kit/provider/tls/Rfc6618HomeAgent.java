package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;

/**
 * The home agent side of mode {@code rfc6618}: the Home Agent Controller (TLS 1.2 on TCP,
 * {@link HacServer}) that authenticates nodes and assigns them a home address and a security
 * association, and the UDP path on {@code udp-listen} (RFC 6618 §6, port 7872 by default) that
 * verifies Binding Updates with those associations and protects the acknowledgements.
 *
 * <p>What arrives: a packet of type 8 (Mobility Header) under a live association is checked
 * (integrity, anti-replay window) and handed to the engine with the association's home address
 * as source and the home agent as destination (no Home Address option: the association vouches
 * for the home address); its outer UDP source goes only into the outer peer. Under an association
 * past its validity end but within its grace, the Binding Update is answered with status 176
 * protected by that association. Under an unknown SPI nothing can be verified or protected: the
 * path answers, at most {@code unknown-spi-answers-per-second} times a second in all, with an
 * unprotected packet of type 0 carrying a Binding Acknowledgement with status 176 and sequence
 * number 0, which a mobile node may only take as a hint to bootstrap again (docs/providers/tls-channel.md#status-176).
 * Everything else is dropped and counted.
 */
final class Rfc6618HomeAgent implements HomeAgentSecurity {

    private final ProviderContext context;
    private final Rfc6618HomeAgentConfig config;
    private final SaTable associations;
    private final Set<Capability> capabilities;
    private final TokenBucket unknownSpiAnswers;
    private final TokenBucket checksumHints;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong notMobilityHeader = new AtomicLong();
    private final AtomicLong unknownSpi = new AtomicLong();
    private final AtomicLong failedVerification = new AtomicLong();
    private final AtomicLong unknownSpiAnswered = new AtomicLong();
    private final AtomicLong checksumMismatch = new AtomicLong();
    private volatile HacServer hac;
    private volatile UdpEndpoint endpoint;

    Rfc6618HomeAgent(ProviderContext context, Rfc6618HomeAgentConfig config) {
        this.context = context;
        this.config = config;
        this.associations = new SaTable(context, config.saGrace());
        EnumSet<Capability> c = EnumSet.of(Capability.INTEGRITY, Capability.CHANNEL_SURVIVES_COA_CHANGE,
                Capability.ASSIGNS_HOME_ADDRESS, Capability.NEEDS_ALTERNATE_COA);
        if (config.suites().stream().allMatch(Suites::encrypts)) {
            c.add(Capability.CONFIDENTIALITY);
        }
        this.capabilities = Set.copyOf(c);
        this.unknownSpiAnswers = new TokenBucket(config.unknownSpiAnswersPerSecond(), context.clock());
        this.checksumHints = new TokenBucket(1, context.clock());
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new Path();
    }

    /** Packets dropped by the path (unknown type, failed integrity, replayed, unknown SPI). */
    long dropped() {
        return dropped.get();
    }

    SaTable associations() {
        return associations;
    }

    /** The Home Agent Controller, once the path started. */
    Optional<HacServer> hac() {
        return Optional.ofNullable(hac);
    }

    /**
     * A binding that ended takes its association with it: replays of its packets then name an SPI
     * nobody knows, and a node that comes back bootstraps again (it is told so by a 176).
     */
    @Override
    public void afterChange(BindingChange change) {
        if (!change.kind().keepsBinding()) {
            associations.byIdentity(change.identity()).ifPresent(associations::retire);
        }
    }

    @Override
    public int perNodeStateCount() {
        return associations.size();
    }

    /**
     * Packets the path dropped before the engine saw them, by reason (not a protected Mobility
     * Header; an SPI nobody holds; integrity, replay window or padding refused), unprotected 176
     * answers sent, and the controller's bootstraps and refused connections; {@code associations}
     * is a gauge.
     */
    @Override
    public Map<String, Long> counters() {
        HacServer h = hac;
        Map<String, Long> c = new java.util.TreeMap<>();
        c.put("dropped-not-protected-mobility-header", notMobilityHeader.get());
        c.put("dropped-unknown-spi", unknownSpi.get());
        c.put("dropped-failed-verification", failedVerification.get());
        c.put("dropped-checksum-mismatch", checksumMismatch.get());
        c.put("unknown-spi-answers", unknownSpiAnswered.get());
        c.put("associations", (long) associations.size());
        c.put("hac-provisioned", h == null ? 0 : h.provisionedCount());
        c.put("hac-connections-refused", h == null ? 0 : h.refusedCount());
        return c;
    }

    @Override
    public void close() {
        HacServer h = hac;
        if (h != null) {
            h.close();
        }
        UdpEndpoint e = endpoint;
        if (e != null) {
            e.close();
        }
        associations.close();
    }

    private final class Path implements SignallingPath {

        @Override
        public void start(Consumer<Inbound> receiver) {
            UdpEndpoint e = context.network().bindUdp(config.udpListen());
            endpoint = e;
            List<InetSocketAddress> advertised = config.advertisedEndpoints(e.localAddress().getPort());
            try {
                hac = HacServer.start(context, config, advertised, associations);
            } catch (RuntimeException ex) {
                e.close();
                throw ex;
            }
            e.start(d -> received(d, receiver));
        }

        private void received(Datagram d, Consumer<Inbound> receiver) {
            byte[] p = d.payload();
            if (!PacketSealer.isMobilityHeader(p)) {
                dropped.incrementAndGet();
                notMobilityHeader.incrementAndGet();
                return;
            }
            Optional<NodeAssociation> a = associations.bySpi(PacketSealer.spiOf(p));
            if (a.isEmpty()) {
                dropped.incrementAndGet();
                unknownSpi.incrementAndGet();
                if (PacketSealer.couldBeProtected(p)) {
                    answerUnknownSpi(d);
                }
                return;
            }
            Optional<byte[]> mh = a.get().sealer().open(p);
            if (mh.isEmpty()) {
                dropped.incrementAndGet();
                failedVerification.incrementAndGet();
                return;
            }
            if (!MobilityHeaderCodec.checksumValid(mh.get(), a.get().homeAddress(), config.homeAgentAddress())) {
                // Authentic, but the node computed its checksum over another home agent address: a node that
                // took an advertised endpoint address for the home agent's. Say so; the engine would only
                // count it as malformed.
                dropped.incrementAndGet();
                checksumMismatch.incrementAndGet();
                if (checksumHints.take()) {
                    event("rfc6618-checksum-mismatch", a.get(), "a verified packet's Mobility Header checksum is not "
                            + "over " + a.get().homeAddress() + " -> " + config.homeAgentAddress() + ": the node "
                            + "uses another home agent address; set its mobile-node.home-agent to "
                            + config.homeAgentAddress() + " or advertise the home agent's own address (see "
                            + TlsChannelProvider.DOCS + "#addressing)");
                }
                return;
            }
            a.get().peer(d.peer()); // only an authenticated, fresh packet moves the peer
            Addressing addressing = new Addressing(a.get().homeAddress(), config.homeAgentAddress(), Optional.empty(),
                    Optional.empty(), Optional.of(d.peer()));
            receiver.accept(new Inbound(mh.get(), addressing, d.observed()).withAttachment(a.get()));
        }

        /**
         * RFC 6618 §8.2's 176 for an SPI we do not know: unprotected, sequence 0, rate-limited in
         * all, and only to a datagram at least as long as the answer (no amplification).
         */
        private void answerUnknownSpi(Datagram d) {
            UdpEndpoint e = endpoint;
            // Few of them in all; the caller answers only packets longer than the answer (no amplification).
            if (e == null || !unknownSpiAnswers.take()) {
                return;
            }
            BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.REINIT_SA_WITH_HAC, Set.of(),
                    SequenceNumber.of(0), Lifetime.ofUnits(0), List.of());
            // No association: the checksum is over the home agent's address both ways (nothing better is known).
            byte[] mh = context.codec().encode(ba, config.homeAgentAddress(), config.homeAgentAddress());
            unknownSpiAnswered.incrementAndGet();
            e.send(PacketSealer.plaintext(mh), d.peer());
        }

        @Override
        public CompletionStage<Verdict> verify(Inbound in, MobilityMessage decoded) {
            Optional<NodeAssociation> a = in.attachment(NodeAssociation.class);
            if (a.isEmpty()) {
                return CompletableFuture.completedFuture(Verdict.drop("not a packet this channel verified"));
            }
            if (a.get().expired()) {
                return CompletableFuture.completedFuture(Verdict.reject(BindingAckStatus.REINIT_SA_WITH_HAC, a.get(),
                        "the security association " + a.get().spi() + " of " + a.get().identity()
                                + " is past its validity end: bootstrap again with the Home Agent Controller"));
            }
            return CompletableFuture.completedFuture(Verdict.accept(a.get().identity(), a.get()));
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            UdpEndpoint e = endpoint;
            if (e == null) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the rfc6618 path is not started"));
            }
            Optional<NodeAssociation> a = reply.filter(NodeAssociation.class::isInstance).map(NodeAssociation.class::cast);
            if (a.isEmpty()) {
                return CompletableFuture.failedFuture(new SecurityProviderException("cannot protect " + message.type()
                        + " to " + to.destination() + ": it answers no message of an RFC 6618 association"));
            }
            Optional<InetSocketAddress> peer = to.outerPeer().or(a.get()::peer);
            if (peer.isEmpty()) {
                return CompletableFuture.failedFuture(new SecurityProviderException("no UDP peer known for "
                        + a.get().identity()));
            }
            byte[] mh = context.codec().encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
            return e.send(a.get().sealer().seal(mh), peer.get());
        }

        @Override
        public void close() {
            Rfc6618HomeAgent.this.close();
        }
    }

    private void event(String kind, NodeAssociation a, String detail) {
        try {
            context.events().emit(new org.mip6kit.spi.ProviderEvent(kind, Optional.of(a.identity()),
                    Optional.of(a.homeAddress()), detail));
        } catch (RuntimeException e) {
            // an event sink that fails must not stop the path
        }
    }

    /** A plain token bucket on the provider's clock: {@code perSecond} tokens a second, as many in reserve. */
    static final class TokenBucket {
        private final int perSecond;
        private final java.time.Clock clock;
        private double tokens;
        private Instant last;

        TokenBucket(int perSecond, java.time.Clock clock) {
            this.perSecond = perSecond;
            this.clock = clock;
            this.tokens = perSecond;
            this.last = clock.instant();
        }

        synchronized boolean take() {
            if (perSecond == 0) {
                return false;
            }
            Instant now = clock.instant();
            double elapsed = Math.max(0, Duration.between(last, now).toNanos() / 1e9);
            last = now;
            tokens = Math.min(perSecond, tokens + elapsed * perSecond);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
