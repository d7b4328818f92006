package org.mip6kit.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;

/**
 * The provider's mobile-node side driven by the kit without the engine, so that a test can
 * send properly protected Binding Updates the engine would never build (a K flag the provider
 * may not ask for, another node's home address) and see how the home agent answers them. The
 * provider protects and verifies exactly as it does under the engine.
 */
public final class DirectMobileNode implements AutoCloseable {

    private final Deployment deployment;
    private final int index;
    private final MobileNodeSecurity security;
    private final Participant participant;
    private final MobilityHeaderCodec codec;
    private final List<Inbound> received = Collections.synchronizedList(new ArrayList<>());
    private final List<ProviderEvent> providerEvents;
    private BootstrapResult bootstrap;
    private SignallingPath path;
    private final Ipv6Address careOf;

    DirectMobileNode(Deployment deployment, int index, Ipv6Address careOf, MobileNodeSecurity security,
                     Participant participant, MobilityHeaderCodec codec, List<ProviderEvent> providerEvents) {
        this.careOf = careOf;
        this.deployment = deployment;
        this.index = index;
        this.security = security;
        this.participant = participant;
        this.codec = codec;
        this.providerEvents = providerEvents;
    }

    public int index() {
        return index;
    }

    /** The node's host, provider log and man in the middle. */
    public Participant participant() {
        return participant;
    }

    /** The capabilities its provider instance declared. */
    public Set<Capability> capabilities() {
        return security.capabilities();
    }

    /** Its care-of address (the address of its outside interface). */
    public Ipv6Address careOfAddress() {
        return careOf;
    }

    /**
     * Bootstraps (asking for {@code homeAddress} at {@code homeAgent}, as the engine would with
     * those configured) and starts the provider's path.
     */
    public BootstrapResult bootstrap(Ipv6Address homeAddress, Ipv6Address homeAgent) {
        CompletionStage<BootstrapResult> stage = security.bootstrap(new BootstrapRequest(
                BootstrapRequest.Want.HOME_ADDRESS, false, Optional.of(homeAddress), Optional.of(homeAgent), careOf));
        bootstrap = deployment.await(stage, Duration.ofMinutes(1), "bootstrap of direct node " + index);
        path = security.path(() -> new EncapsulatingTransport(participant.host().network(), null));
        path.start(received::add);
        return bootstrap;
    }

    /**
     * Protects {@code message} with the provider and sends it, as the engine would: to the home
     * agent's UDP endpoint from the bootstrap result (else the engines' own endpoint) when
     * {@code to} names none. Advances virtual time until the provider's stage completes.
     */
    public void send(MobilityMessage message, Addressing to) {
        if (path == null) {
            throw new IllegalStateException("bootstrap first");
        }
        Addressing addressed = to.outerPeer().isPresent() ? to
                : to.withOuterPeer(bootstrap.endpointFor(false).orElse(deployment.engineEndpoint()));
        deployment.await(path.send(message, addressed, Optional.empty()), Duration.ofMinutes(1),
                "sending " + message.type() + " from direct node " + index);
    }

    /**
     * Like {@link #send}, but a path that refuses to send the message (its stage fails) is an
     * answer, not an error: returns why it refused, or empty once sent. A channel that binds the
     * home address (an RFC 6618 security association names it) cannot carry a claim to another
     * home address at all, and says so here.
     */
    public Optional<Throwable> trySend(MobilityMessage message, Addressing to) {
        if (path == null) {
            throw new IllegalStateException("bootstrap first");
        }
        Addressing addressed = to.outerPeer().isPresent() ? to
                : to.withOuterPeer(bootstrap.endpointFor(false).orElse(deployment.engineEndpoint()));
        java.util.concurrent.CompletableFuture<Void> sent = path.send(message, addressed, Optional.empty())
                .toCompletableFuture();
        deployment.time().advanceUntil(sent::isDone, Duration.ofMillis(100), Duration.ofMinutes(1));
        if (!sent.isDone()) {
            throw new AssertionError("sending " + message.type() + " from direct node " + index
                    + " did not complete within 1 minute of virtual time");
        }
        try {
            sent.join();
            return Optional.empty();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return Optional.of(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Everything this node received so far, unjudged. */
    public List<Inbound> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** A received message with the provider's verdict on it (a message that does not decode gets none). */
    public record Judged(Inbound inbound, MobilityMessage message, Verdict verdict) {
    }

    /** The received messages, decoded and judged by the provider's {@link SignallingPath#verify}. */
    public List<Judged> judged() {
        List<Judged> out = new ArrayList<>();
        for (Inbound in : received()) {
            try {
                MobilityMessage m = codec.decode(in.octets(), in.addressing().pseudoHeaderSource(),
                        in.addressing().pseudoHeaderDestination());
                out.add(new Judged(in, m, deployment.await(path.verify(in, m), Duration.ofSeconds(10),
                        "the provider's verdict at direct node " + index)));
            } catch (MobilityHeaderFormatException e) {
                // Not a message this node would look at.
            }
        }
        return out;
    }

    /** The Binding Acknowledgements received that the provider accepts as authentic. */
    public List<BindingAcknowledgement> verifiedAcknowledgements() {
        List<BindingAcknowledgement> out = new ArrayList<>();
        for (Judged j : judged()) {
            if (j.message() instanceof BindingAcknowledgement ba && j.verdict() instanceof Verdict.Accept) {
                out.add(ba);
            }
        }
        return out;
    }

    public List<ProviderEvent> providerEvents() {
        synchronized (providerEvents) {
            return List.copyOf(providerEvents);
        }
    }

    @Override
    public void close() {
        if (path != null) {
            path.close();
        }
        security.close();
    }
}
