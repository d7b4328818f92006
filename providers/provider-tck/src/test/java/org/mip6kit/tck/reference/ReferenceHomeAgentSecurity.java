package org.mip6kit.tck.reference;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.tck.reference.ReferenceHmacProvider.Flaw;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;

/**
 * The reference provider's home agent side. Verifies each Binding Update: an NAI MN-ID option,
 * an authenticator as the last option whose key id belongs to that NAI, the HMAC, a timestamp
 * inside the replay window, and an authenticator not accepted before. Every failure is a
 * silent drop: the home agent could only answer with the key of the identity the message
 * claims, which proves nothing to a forger and helps a prober. Replay memory is kept per
 * identity while it has a binding and for the replay window after its last message once it
 * has none (deregistered, expired, or never bound), then released.
 */
final class ReferenceHomeAgentSecurity implements HomeAgentSecurity {
    @Override
    public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
        return ReferenceHmacProvider.DESCRIPTOR.capabilities();
    }


    /** What protecting a reply needs: the node's credentials (never printed). */
    record NodeReply(NodeCredentials node) implements ReplyContext {
        @Override
        public String describe() {
            return "key-id=" + node.keyId();
        }

        @Override
        public String toString() {
            return "NodeReply[" + describe() + "]";
        }
    }

    private final ProviderContext context;
    private final Map<Long, NodeCredentials> byKeyId;
    private final Duration window;
    private final Flaw flaw;
    private final ReplayStates replay;
    private volatile boolean closed;

    ReferenceHomeAgentSecurity(ProviderContext context, Map<Long, NodeCredentials> byKeyId, Duration window,
                               Flaw flaw) {
        this.context = context;
        this.byKeyId = Map.copyOf(byKeyId);
        this.window = window;
        this.flaw = flaw;
        this.replay = new ReplayStates(context, window, flaw);
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new Path(engineTransports);
    }

    @Override
    public CompletionStage<Void> beforeAck(BindingChange change) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void afterChange(BindingChange change) {
        replay.afterChange(change);
    }

    @Override
    public int perNodeStateCount() {
        return replay.size();
    }

    @Override
    public void close() {
        closed = true;
        replay.close();
    }

    private Verdict judge(Inbound in, MobilityMessage decoded) {
        if (!(decoded instanceof BindingUpdate)) {
            return Verdict.drop("a home agent verifies only Binding Updates, not " + decoded.type());
        }
        Optional<MobileNodeIdentifier> id = decoded.option(MobileNodeIdentifier.class);
        if (id.isEmpty() || !id.get().isNai()) {
            return Verdict.drop("no NAI Mobile Node Identifier option (RFC 4283)");
        }
        List<MobilityOption> options = decoded.options();
        if (!(options.get(options.size() - 1) instanceof AuthenticatorOption auth)) {
            return Verdict.drop("the last option is not the authenticator");
        }
        NodeCredentials node = byKeyId.get(auth.keyId());
        if (node == null) {
            return Verdict.drop("unknown key id " + auth.keyId());
        }
        if (!node.nai().equals(id.get().nai())) {
            return Verdict.drop("key id " + auth.keyId() + " does not belong to " + id.get().nai());
        }
        ReplyContext reply = new NodeReply(node);
        if (flaw == Flaw.ACCEPTS_EVERYTHING) {
            return authorised(in, node, reply);
        }
        if (!HmacAuthenticator.verifies(in.octets(), in.addressing(), node.key())) {
            return Verdict.drop("the authenticator of " + node.nai() + " does not verify");
        }
        Instant now = context.clock().instant();
        Instant sent = HmacAuthenticator.fromNtp(auth.timestamp());
        if (Duration.between(sent, now).abs().compareTo(window) > 0) {
            return Verdict.drop("timestamp " + sent + " is more than " + window + " from " + now);
        }
        if (!replay.firstSeen(node.identity(), auth.mac(), auth.timestamp())) {
            return Verdict.drop("replay: this authenticator of " + node.nai() + " was accepted before");
        }
        return authorised(in, node, reply);
    }

    /**
     * The authenticated node may use only a home address nobody else owns (RFC 3776 §5: the
     * security association must match the home address). The engine checks ownership too, but
     * only after the sequence number, so without this an intruder claiming a registered node's
     * address would get status 135 carrying the owner's sequence number.
     */
    private Verdict authorised(Inbound in, NodeCredentials node, ReplyContext reply) {
        Ipv6Address homeAddress = in.addressing().homeAddressOption().orElse(in.addressing().source());
        Optional<Identity> owner = context.homeAddresses().ownerOf(homeAddress);
        if (owner.isPresent() && !owner.get().equals(node.identity())) {
            return Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, reply,
                    node.nai() + " claims " + homeAddress + ", which belongs to another identity");
        }
        return Verdict.accept(node.identity(), reply);
    }

    private final class Path implements SignallingPath {
        private final TransportFactory transports;
        private volatile SignallingTransport transport;

        Path(TransportFactory transports) {
            this.transports = transports;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            transport = transports.open();
            transport.start(receiver);
        }

        @Override
        public java.util.concurrent.CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(received, decoded));
        }

        public Verdict verifyNow(Inbound received, MobilityMessage decoded) {
            try {
                return judge(received, decoded);
            } catch (RuntimeException e) {
                return Verdict.drop("reference-hmac failed verifying: " + e.getClass().getSimpleName());
            }
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            SignallingTransport t = transport;
            if (t == null || closed) {
                return CompletableFuture.failedFuture(new SecurityProviderException("the path is not running"));
            }
            if (reply.isEmpty() || !(reply.get() instanceof NodeReply r)) {
                return CompletableFuture.failedFuture(new SecurityProviderException("cannot protect " + message.type()
                        + " without a node's key: reference-hmac sends nothing it cannot authenticate"));
            }
            List<MobilityOption> options = new ArrayList<>(message.options());
            options.add(AuthenticatorOption.unsigned(r.node().keyId(),
                    HmacAuthenticator.ntp(context.clock().instant())));
            byte[] mh = HmacAuthenticator.protect(context.codec(), HmacAuthenticator.withOptions(message, options), to,
                    r.node().key());
            return t.send(mh, to);
        }

        @Override
        public void close() {
            SignallingTransport t = transport;
            if (t != null) {
                t.close();
            }
        }
    }
}
