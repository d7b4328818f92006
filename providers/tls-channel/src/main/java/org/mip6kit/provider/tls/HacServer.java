package org.mip6kit.provider.tls;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.mip6kit.provider.tls.control.Assignment;
import org.mip6kit.provider.tls.control.ControlCodec;
import org.mip6kit.provider.tls.control.ControlFormatException;
import org.mip6kit.provider.tls.control.ControlFramer;
import org.mip6kit.provider.tls.control.ControlMessage;
import org.mip6kit.provider.tls.control.HacExchange;
import org.mip6kit.provider.tls.control.HacReply;
import org.mip6kit.provider.tls.control.PreSharedKey;
import org.mip6kit.provider.tls.control.ProvisioningOutcome;
import org.mip6kit.provider.tls.control.ProvisioningRequest;
import org.mip6kit.provider.tls.control.SaScope;
import org.mip6kit.provider.tls.control.StatusCode;
import org.mip6kit.provider.tls.protect.DirectionKeys;
import org.mip6kit.provider.tls.protect.SecurityAssociation;
import org.mip6kit.provider.tls.protect.Suite;
import org.mip6kit.provider.tls.stream.TlsSession;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * The Home Agent Controller of RFC 6618, in the home agent's process: TLS 1.2 on TCP with the
 * configured X.509 certificate, then the control exchange of §5 with the PSK method
 * ({@link HacExchange}). An authenticated node gets a home address (adopted or allocated in the
 * home address book for its identity, so the engine's 129 ownership check applies), the home
 * agent's UDP endpoint, and a fresh security association (SPI, per-direction keys from a secure
 * random source, the first suite of ours the node accepts, validity end), which is installed in
 * the home agent ({@link SecurityAssociationSink}) before the answer leaves. At most
 * {@code max-hac-connections} connections at once (more are closed at once); each is closed after
 * the final response or after {@code hac-timeout}.
 */
final class HacServer implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProviderContext context;
    private final Rfc6618HomeAgentConfig config;
    private final List<InetSocketAddress> advertised;
    private final SecurityAssociationSink sink;
    private final SaTable associations;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong provisioned = new AtomicLong();
    private volatile StreamListener listener;

    private HacServer(ProviderContext context, Rfc6618HomeAgentConfig config, List<InetSocketAddress> advertised,
                      SaTable associations) {
        this.context = context;
        this.config = config;
        this.advertised = List.copyOf(advertised);
        this.sink = associations;
        this.associations = associations;
    }

    static HacServer start(ProviderContext context, Rfc6618HomeAgentConfig config, List<InetSocketAddress> advertised,
                           SaTable associations) {
        HacServer s = new HacServer(context, config, advertised, associations);
        s.listener = context.network().listenTcp(config.hacListen(), s::accepted);
        return s;
    }

    InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    long provisionedCount() {
        return provisioned.get();
    }

    /** Connections closed at once because {@code max-hac-connections} were open. */
    long refusedCount() {
        return refused.get();
    }

    private void accepted(StreamConnection connection) {
        if (active.incrementAndGet() > config.maxHacConnections()) {
            active.decrementAndGet();
            refused.incrementAndGet();
            connection.close();
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable finished = () -> {
            if (done.compareAndSet(false, true)) {
                active.decrementAndGet();
            }
        };
        Cancellable deadline = context.scheduler().schedule(config.hacTimeout(), () -> {
            connection.close();
            finished.run();
        });
        TlsSession.server(connection, config.credentials(), context.scheduler(), config.hacTimeout())
                .whenComplete((session, failure) -> {
                    if (failure != null) {
                        deadline.cancel();
                        connection.close();
                        finished.run();
                        return;
                    }
                    converse(session, () -> {
                        deadline.cancel();
                        finished.run();
                    });
                });
    }

    /** The control exchange on one established session; {@code ended} runs once when the session closes. */
    private void converse(TlsSession session, Runnable ended) {
        HacExchange exchange = new HacExchange(this::psk, session.serverEndPoint(), this::provision, RANDOM,
                context.clock());
        ControlFramer framer = new ControlFramer();
        session.onReceive(chunk -> {
            synchronized (exchange) {
                if (exchange.isClosed()) {
                    return;
                }
                List<byte[]> messages;
                try {
                    messages = framer.offer(chunk);
                } catch (ControlFormatException | IllegalStateException e) {
                    answer(session, exchange.onFormatError(0));
                    return;
                }
                for (byte[] wire : messages) {
                    HacReply reply;
                    try {
                        ControlMessage m = ControlCodec.decode(wire);
                        reply = exchange.onMessage(m);
                    } catch (ControlFormatException e) {
                        reply = exchange.onFormatError(wire.length > 1 ? wire[1] & 0xFF : 0);
                    }
                    if (answer(session, reply)) {
                        return;
                    }
                }
            }
        }, ended);
    }

    /** Sends {@code reply}; closes the session after a final one. Returns whether it closed. */
    private static boolean answer(TlsSession session, HacReply reply) {
        session.send(ControlCodec.encode(reply.message()));
        if (reply.closeAfter()) {
            session.close();
            return true;
        }
        return false;
    }

    private Optional<PreSharedKey> psk(String mnId) {
        byte[] k = config.psks().get(mnId);
        return k == null ? Optional.empty() : Optional.of(new PreSharedKey(k));
    }

    static Identity identityOf(String mnId) {
        return mnId.indexOf('@') > 0 ? Identity.nai(mnId) : new Identity(Identity.Kind.PSK_IDENTITY, mnId);
    }

    /** Called by the exchange only once the node's {@code auth} verified. */
    private ProvisioningOutcome provision(ProvisioningRequest request) {
        Identity identity = identityOf(request.mnId());
        Optional<Suite> suite = Optional.empty();
        String suiteName = null;
        for (String ours : config.suites()) {
            Suite s = Suite.parse(ours);
            for (String theirs : request.acceptableSuites()) {
                if (suite.isEmpty() && Suites.known(theirs) && Suite.parse(theirs) == s) {
                    suite = Optional.of(s);
                    suiteName = theirs;
                }
            }
        }
        if (suite.isEmpty()) {
            event("rfc6618-no-common-suite", identity, null, "the node accepts none of " + config.suites());
            return ProvisioningOutcome.Refusal.of(StatusCode.FORBIDDEN);
        }
        Ipv6Address homeAddress;
        try {
            Optional<Ipv6Address> fixed = config.homeAddressOf(request.mnId());
            if (fixed.isPresent()) {
                context.homeAddresses().adopt(identity, fixed.get());
                homeAddress = fixed.get();
            } else {
                homeAddress = context.homeAddresses().allocate(identity);
            }
        } catch (HomeAddressException e) {
            event("rfc6618-no-home-address", identity, null, e.getMessage());
            return ProvisioningOutcome.Refusal.of(StatusCode.SERVICE_UNAVAILABLE);
        }
        Suite s = suite.get();
        int spi;
        do {
            spi = 1 + RANDOM.nextInt(SecurityAssociation.MAX_SPI);
        } while (!associations.spiFree(spi));
        byte[] mnToHaI = random(s.integrityKeyLength());
        byte[] mnToHaE = random(s.encryptionKeyLength());
        byte[] haToMnI = random(s.integrityKeyLength());
        byte[] haToMnE = random(s.encryptionKeyLength());
        java.time.Instant validityEnd = context.clock().instant().plus(config.saLifetime());
        SecurityAssociation sa = new SecurityAssociation(spi, s, new DirectionKeys(mnToHaI, mnToHaE),
                new DirectionKeys(haToMnI, haToMnE), validityEnd);
        NodeAssociation node = new NodeAssociation(identity, homeAddress,
                new PacketSealer(sa, true, config.replayWindow(), config.saGrace(), RANDOM, context.clock()));
        Assignment.Builder a = Assignment.builder()
                .homeAddress(homeAddress)
                .spi(spi)
                .suite(suiteName)
                .keys(mnToHaI, mnToHaE, haToMnI, haToMnE)
                .validityEnd(validityEnd)
                .scope(SaScope.SIGNALLING);
        for (InetSocketAddress e : advertised) {
            if (e.getAddress() instanceof Inet4Address v4) {
                a.homeAgentIpv4(Ipv4Address.fromBytes(v4.getAddress(), 0));
            } else {
                a.homeAgent(Ipv6Address.fromBytes(e.getAddress().getAddress())).port(e.getPort());
            }
        }
        Assignment built = a.build();
        sink.install(node);
        provisioned.incrementAndGet();
        event("rfc6618-provisioned", identity, homeAddress, "spi=" + spi + " suite=" + s.rfcName()
                + " valid until " + validityEnd);
        return built;
    }

    private static byte[] random(int octets) {
        byte[] b = new byte[octets];
        RANDOM.nextBytes(b);
        return b;
    }

    private void event(String kind, Identity identity, Ipv6Address homeAddress, String detail) {
        try {
            context.events().emit(new ProviderEvent(kind, Optional.ofNullable(identity), Optional.ofNullable(homeAddress),
                    detail));
        } catch (RuntimeException e) {
            // an event sink that fails must not fail the exchange
        }
    }

    @Override
    public void close() {
        StreamListener l = listener;
        if (l != null) {
            l.close();
        }
    }
}
