package org.mip6kit.tck.reference;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.tck.reference.ReferenceHmacProvider.Flaw;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;

/**
 * The reference provider's mobile node side: adds its NAI (MN-ID option) and the authenticator
 * to every message it sends, and accepts a message only from its home agent, authenticated
 * with its own key, with a timestamp inside the replay window, not seen before. Bootstrap is
 * static: the configured home address and home agent.
 */
final class ReferenceMobileNodeSecurity implements MobileNodeSecurity {
    @Override
    public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
        return ReferenceHmacProvider.DESCRIPTOR.capabilities();
    }


    private static final ReplyContext TO_HOME_AGENT = new ReplyContext() {
        @Override
        public String describe() {
            return "home agent";
        }

        @Override
        public String toString() {
            return "ReplyContext[home agent]";
        }
    };

    private final ProviderContext context;
    private final NodeCredentials self;
    private final Optional<Ipv6Address> homeAddress;
    private final Optional<Ipv6Address> homeAgent;
    private final Duration window;
    private final Flaw flaw;
    private final ReplayMemory replay = new ReplayMemory();
    private volatile Ipv6Address boundHomeAgent;
    private volatile boolean closed;

    ReferenceMobileNodeSecurity(ProviderContext context, NodeCredentials self, Optional<Ipv6Address> homeAddress,
                                Optional<Ipv6Address> homeAgent, Duration window, Flaw flaw) {
        this.context = context;
        this.self = self;
        this.homeAddress = homeAddress;
        this.homeAgent = homeAgent;
        this.window = window;
        this.flaw = flaw;
    }

    @Override
    public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
        Optional<Ipv6Address> hoa = want.configuredHomeAddress().or(() -> homeAddress);
        Optional<Ipv6Address> ha = want.configuredHomeAgent().or(() -> homeAgent);
        if (hoa.isEmpty() || ha.isEmpty()) {
            return CompletableFuture.failedFuture(new SecurityProviderException("reference-hmac assigns nothing: "
                    + "configure the " + (hoa.isEmpty() ? "home address" : "home agent")
                    + " (security.reference-hmac." + (hoa.isEmpty() ? "home-address" : "home-agent") + ")"));
        }
        boundHomeAgent = ha.get();
        return CompletableFuture.completedFuture(new BootstrapResult(self.identity(), hoa, Optional.empty(),
                Optional.empty(), ha.get(), java.util.List.of()));
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new Path(engineTransports);
    }

    @Override
    public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
        // The key is not bound to the care-of address: nothing to prepare.
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
        return new RejectAction.GiveUp("the home agent refused the registration with " + status);
    }

    @Override
    public void close() {
        closed = true;
    }

    private Verdict judge(Inbound in, MobilityMessage decoded) {
        Ipv6Address from = in.addressing().source();
        Identity homeAgentIdentity = new Identity(Identity.Kind.HOME_AGENT, from.toString());
        if (flaw == Flaw.ACCEPTS_EVERYTHING) {
            return Verdict.accept(homeAgentIdentity, TO_HOME_AGENT);
        }
        if (boundHomeAgent == null || !boundHomeAgent.equals(from)) {
            return Verdict.drop(from + " is not this node's home agent");
        }
        List<MobilityOption> options = decoded.options();
        if (options.isEmpty() || !(options.get(options.size() - 1) instanceof AuthenticatorOption auth)) {
            return Verdict.drop("the last option is not the authenticator");
        }
        if (auth.keyId() != self.keyId()) {
            return Verdict.drop("authenticated with key id " + auth.keyId() + ", not this node's " + self.keyId());
        }
        if (!HmacAuthenticator.verifies(in.octets(), in.addressing(), self.key())) {
            return Verdict.drop("the home agent's authenticator does not verify");
        }
        Instant now = context.clock().instant();
        Instant sent = HmacAuthenticator.fromNtp(auth.timestamp());
        if (Duration.between(sent, now).abs().compareTo(window) > 0) {
            return Verdict.drop("timestamp " + sent + " is more than " + window + " from " + now);
        }
        synchronized (replay) {
            if (!replay.remember(auth.mac(), auth.timestamp(), now, window)) {
                return Verdict.drop("replay: this authenticator was accepted before");
            }
        }
        return Verdict.accept(homeAgentIdentity, TO_HOME_AGENT);
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
            List<MobilityOption> options = new ArrayList<>(message.options());
            if (message.option(MobileNodeIdentifier.class).isEmpty()) {
                options.add(MobileNodeIdentifier.nai(self.nai()));
            }
            options.add(AuthenticatorOption.unsigned(self.keyId(), HmacAuthenticator.ntp(context.clock().instant())));
            byte[] mh;
            try {
                mh = HmacAuthenticator.protect(context.codec(), HmacAuthenticator.withOptions(message, options), to,
                        self.key());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
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
