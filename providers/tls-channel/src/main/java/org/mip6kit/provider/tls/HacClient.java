package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.provider.tls.control.Assignment;
import org.mip6kit.provider.tls.control.ControlCodec;
import org.mip6kit.provider.tls.control.ControlFormatException;
import org.mip6kit.provider.tls.control.ControlFramer;
import org.mip6kit.provider.tls.control.MnExchange;
import org.mip6kit.provider.tls.control.MnStep;
import org.mip6kit.provider.tls.control.PreSharedKey;
import org.mip6kit.provider.tls.control.SaScope;
import org.mip6kit.provider.tls.protect.DirectionKeys;
import org.mip6kit.provider.tls.protect.SecurityAssociation;
import org.mip6kit.provider.tls.protect.Suite;
import org.mip6kit.provider.tls.stream.ServerCertificateException;
import org.mip6kit.provider.tls.stream.TlsSession;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.Ipv6Address;

/**
 * The mobile node's RFC 6618 bootstrap: a TCP connection to the Home Agent Controller, TLS 1.2
 * with the controller's certificate checked against the trust anchors and {@code hac-name}, the
 * PSK exchange of §5.8 bound to that TLS channel, and the assignment turned into a security
 * association the node protects its signalling with. Fails, naming the step, on a refused
 * certificate, a refused key (401), a controller that refuses service, or {@code hac-timeout}.
 */
final class HacClient {

    private static final SecureRandom RANDOM = new SecureRandom();

    private HacClient() {
    }

    /** Connection attempts before bootstrap fails (a busy controller closes what it cannot serve). */
    static final int ATTEMPTS = 6;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    static CompletionStage<Rfc6618MobileNode.Provisioning> bootstrap(ProviderContext context,
                                                                     Rfc6618MobileNodeConfig config,
                                                                     BootstrapRequest want) {
        CompletableFuture<Rfc6618MobileNode.Provisioning> result = new CompletableFuture<>();
        attempt(context, config, want, result, 1);
        return result;
    }

    /**
     * One connection to the controller. A connection that fails before TLS is up (refused, reset by
     * a controller at its connection limit) is tried again after 1, 2, 4, ... seconds with jitter;
     * a refused certificate, a refused key or any answer of the controller is final.
     */
    private static void attempt(ProviderContext context, Rfc6618MobileNodeConfig config, BootstrapRequest want,
                                CompletableFuture<Rfc6618MobileNode.Provisioning> result, int attempt) {
        CompletableFuture<Rfc6618MobileNode.Provisioning> one = new CompletableFuture<>();
        Cancellable deadline = context.scheduler().schedule(config.hacTimeout(), () -> one.completeExceptionally(
                new SecurityProviderException("the Home Agent Controller at " + Endpoints.format(config.hac())
                        + " did not complete the RFC 6618 exchange within " + config.hacTimeout())));
        one.whenComplete((p, e) -> {
            deadline.cancel();
            if (e == null) {
                result.complete(p);
            } else if (e instanceof Unreachable u && attempt < ATTEMPTS) {
                long base = FIRST_RETRY.toMillis() << (attempt - 1);
                Duration wait = Duration.ofMillis(base + RANDOM.nextInt((int) Math.max(1, base / 2)));
                context.scheduler().schedule(wait, () -> attempt(context, config, want, result, attempt + 1));
            } else {
                result.completeExceptionally(e instanceof Unreachable u ? new SecurityProviderException(u.getMessage()
                        + " (" + attempt + " attempts)", u.getCause()) : e);
            }
        });
        context.network().connectTcp(config.hac())
                .thenCompose(c -> TlsSession.client(c, config.trust(), context.scheduler(), config.hacTimeout()))
                .whenComplete((session, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException
                                && failure.getCause() != null ? failure.getCause() : failure;
                        String why = "cannot reach the Home Agent Controller " + config.hacName() + " at "
                                + Endpoints.format(config.hac()) + ": " + cause.getMessage();
                        one.completeExceptionally(cause instanceof ServerCertificateException
                                ? new SecurityProviderException(why, cause) : new Unreachable(why, cause));
                        return;
                    }
                    if (one.isDone()) {
                        session.close();
                        return;
                    }
                    converse(context, config, want, session, one);
                });
    }

    /** A failure before TLS was up: worth another attempt. */
    private static final class Unreachable extends SecurityProviderException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void converse(ProviderContext context, Rfc6618MobileNodeConfig config, BootstrapRequest want,
                                 TlsSession session, CompletableFuture<Rfc6618MobileNode.Provisioning> result) {
        MnExchange exchange = new MnExchange(config.mnId(), new PreSharedKey(config.psk()), session.serverEndPoint(),
                new MnExchange.Wanted(SaScope.SIGNALLING, want.configuredHomeAddress(), Optional.empty()),
                config.suites(), RANDOM, context.clock());
        ControlFramer framer = new ControlFramer();
        result.whenComplete((p, e) -> session.close());
        session.onReceive(chunk -> {
            synchronized (exchange) {
                if (result.isDone()) {
                    return;
                }
                try {
                    for (byte[] wire : framer.offer(chunk)) {
                        MnStep step = exchange.onMessage(ControlCodec.decode(wire));
                        if (step instanceof MnStep.Send s) {
                            session.send(ControlCodec.encode(s.message()));
                        } else if (step instanceof MnStep.Provisioned p) {
                            result.complete(provisioning(context, config, want, p.assignment()));
                            return;
                        } else if (step instanceof MnStep.Failed f) {
                            result.completeExceptionally(new SecurityProviderException("the Home Agent Controller "
                                    + config.hacName() + " refused the bootstrap of " + config.mnId() + ": "
                                    + f.status() + " — " + f.reason()
                                    + (f.authenticated() ? "" : " (unauthenticated answer)")));
                            return;
                        }
                    }
                } catch (ControlFormatException e) {
                    result.completeExceptionally(new SecurityProviderException("the Home Agent Controller sent a "
                            + "malformed control message: " + e.getMessage()));
                } catch (RuntimeException e) {
                    result.completeExceptionally(new SecurityProviderException("the Home Agent Controller's "
                            + "assignment cannot be used: " + e.getMessage(), e));
                }
            }
        }, () -> result.completeExceptionally(new SecurityProviderException("the Home Agent Controller closed the "
                + "connection before the RFC 6618 exchange ended")));
        session.send(ControlCodec.encode(exchange.start()));
    }

    private static Rfc6618MobileNode.Provisioning provisioning(ProviderContext context, Rfc6618MobileNodeConfig config,
                                                               BootstrapRequest want, Assignment a) {
        Ipv6Address homeAddress = a.homeAddress().orElseThrow(() -> new SecurityProviderException(
                "the Home Agent Controller assigned no home address (mip6-ip6-hoa); rfc6618 mode needs one"));
        Suite suite = Suite.parse(a.suite());
        SecurityAssociation sa = new SecurityAssociation(a.spi(), suite,
                new DirectionKeys(a.mnToHaIntegrityKey(), a.mnToHaEncryptionKey()),
                new DirectionKeys(a.haToMnIntegrityKey(), a.haToMnEncryptionKey()), a.validityEnd());
        NodeAssociation association = new NodeAssociation(HacServer.identityOf(config.mnId()), homeAddress,
                new PacketSealer(sa, false, org.mip6kit.provider.tls.protect.ReplayWindow.DEFAULT_SIZE,
                        Rfc6618MobileNode.VERIFY_GRACE, RANDOM, context.clock()));
        List<InetSocketAddress> endpoints = new ArrayList<>();
        endpoints.add(new InetSocketAddress(a.homeAgent().toInetAddress(), a.port()));
        a.homeAgentIpv4().ifPresent(v4 -> endpoints.add(new InetSocketAddress(inet(v4.toBytes()), a.port())));
        // The home agent's address inside the messages (checksums, the engine's view): the configured one, if any.
        Ipv6Address homeAgent = want.configuredHomeAgent().orElse(a.homeAgent());
        return new Rfc6618MobileNode.Provisioning(association, homeAgent, endpoints);
    }

    private static java.net.InetAddress inet(byte[] address) {
        try {
            return java.net.InetAddress.getByAddress(address);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address.length + " octets", e);
        }
    }

    static Identity identity(Rfc6618MobileNodeConfig config) {
        return HacServer.identityOf(config.mnId());
    }
}
