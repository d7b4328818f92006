package com.example.mip6.psk;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;

/**
 * The mobile node side of example-psk: adds the NAI and the authenticator to every Binding
 * Update, and accepts only Binding Acknowledgements signed with its key that echo the counter of
 * a Binding Update it sent (each at most once). Binding Refresh Requests and Binding Errors
 * carry no authenticator in this scheme and are dropped: the engine never acts on them.
 */
final class PskMobileNodeSecurity implements MobileNodeSecurity {
    /** This provider has one mode: everything its descriptor declares. */
    @Override
    public Set<Capability> capabilities() {
        return ExamplePskProviderFactory.DESCRIPTOR.capabilities();
    }


    /** How many counters of sent Binding Updates are remembered for matching acknowledgements. */
    static final int REMEMBERED_COUNTERS = 64;

    private static final ReplyContext NO_REPLY = () -> "none (a mobile node answers nothing)";

    private final ProviderContext context;
    private final ExamplePskConfig.MobileNode config;
    private final AtomicLong lastCounter = new AtomicLong();
    private final Set<Long> awaitingAnswer = new LinkedHashSet<>();

    PskMobileNodeSecurity(ProviderContext context, ExamplePskConfig.MobileNode config) {
        this.context = context;
        this.config = config;
    }

    /**
     * Static bootstrap: the identity and key are configured; the home address and home agent
     * come from this section or from the daemon's own settings (they must agree if both are set).
     */
    @Override
    public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
        try {
            Ipv6Address homeAddress = pick("home-address", config.homeAddress(), want.configuredHomeAddress());
            Ipv6Address homeAgent = pick("home-agent", config.homeAgent(), want.configuredHomeAgent());
            return CompletableFuture.completedFuture(new BootstrapResult(config.identity(), Optional.of(homeAddress),
                    Optional.empty(), Optional.empty(), homeAgent, java.util.List.of()));
        } catch (SecurityProviderException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Ipv6Address pick(String key, Optional<Ipv6Address> ours, Optional<Ipv6Address> daemons) {
        if (ours.isPresent() && daemons.isPresent() && !ours.equals(daemons)) {
            throw new SecurityProviderException("example-psk: security.example-psk." + key + " is " + ours.get()
                    + " but the mobile node is configured with " + daemons.get() + "; set one of them");
        }
        return ours.or(() -> daemons).orElseThrow(() -> new SecurityProviderException("example-psk: no " + key
                + " configured: set security.example-psk." + key + " or the mobile node's own setting"));
    }

    @Override
    public SignallingPath path(TransportFactory engineTransports) {
        return new MobileNodePath(engineTransports);
    }

    /** Nothing to move: the authenticator does not depend on the care-of address. */
    @Override
    public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
        return CompletableFuture.completedFuture(null);
    }

    /** No status of this scheme can be fixed by retrying; the operator must look at the home agent. */
    @Override
    public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
        return new RejectAction.GiveUp("the home agent refused with " + status
                + "; example-psk has no automatic recovery (check the node's entry on the home agent)");
    }

    @Override
    public void close() {
        config.key().destroy();
    }

    /** Microseconds on the provider clock, and always above the previous value. */
    long nextCounter() {
        long now = ReplayTable.micros(context.clock().instant());
        return lastCounter.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    private final class MobileNodePath extends EngineTransportPath {

        MobileNodePath(TransportFactory transports) {
            super(transports);
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            try {
                List<MobilityOption> extra = new ArrayList<>();
                if (message.option(MobileNodeIdentifier.class).isEmpty()) {
                    extra.add(MobileNodeIdentifier.nai(config.identity().value()));
                }
                long counter = nextCounter();
                byte[] octets = PskAuthenticator.encodeSigned(context.codec(), message, extra, counter, to,
                        config.key());
                synchronized (awaitingAnswer) {
                    awaitingAnswer.add(counter);
                    if (awaitingAnswer.size() > REMEMBERED_COUNTERS) {
                        awaitingAnswer.remove(awaitingAnswer.iterator().next());
                    }
                }
                return sendOctets(octets, to);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        /** Decides at once, so the stage is already complete (the engine then needs no timer). */
        @Override
        public CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            return CompletableFuture.completedFuture(judgeSafely(received, decoded));
        }

        private Verdict judgeSafely(Inbound received, MobilityMessage decoded) {
            try {
                if (!(decoded instanceof BindingAcknowledgement ba)) {
                    return Verdict.drop("example-psk: only Binding Acknowledgements are authenticated; "
                            + decoded.type() + " ignored");
                }
                byte[] mh = received.octets();
                Optional<Integer> at = PskAuthenticator.locate(mh);
                if (PskAuthenticator.countIn(ba) != 1 || at.isEmpty()) {
                    return Verdict.drop("example-psk: the Binding Acknowledgement has no valid authenticator");
                }
                if (!PskAuthenticator.verify(mh, at.get(), received.addressing(), config.key())) {
                    return Verdict.drop("example-psk: the Binding Acknowledgement's authenticator does not verify");
                }
                long counter = PskAuthenticator.counterAt(mh, at.get());
                boolean ours;
                synchronized (awaitingAnswer) {
                    ours = awaitingAnswer.remove(counter);
                }
                if (!ours) {
                    return Verdict.drop("example-psk: the Binding Acknowledgement echoes counter " + counter
                            + ", which answers no Binding Update still awaiting one (a replay or a duplicate)");
                }
                return Verdict.accept(new Identity(Identity.Kind.HOME_AGENT,
                        received.addressing().pseudoHeaderSource().toString()), NO_REPLY);
            } catch (RuntimeException e) {
                return Verdict.drop("example-psk: internal failure while verifying (" + e.getClass().getSimpleName()
                        + ")");
            }
        }
    }
}
