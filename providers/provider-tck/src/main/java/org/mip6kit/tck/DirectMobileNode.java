package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
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
    private final InterceptedTransport transport;
    private final MobilityHeaderCodec codec;
    private final List<Inbound> received = Collections.synchronizedList(new ArrayList<>());
    private final List<ProviderEvent> providerEvents;
    private BootstrapResult bootstrap;
    private SignallingPath path;

    DirectMobileNode(Deployment deployment, int index, MobileNodeSecurity security, InterceptedTransport transport,
                     MobilityHeaderCodec codec, List<ProviderEvent> providerEvents) {
        this.deployment = deployment;
        this.index = index;
        this.security = security;
        this.transport = transport;
        this.codec = codec;
        this.providerEvents = providerEvents;
    }

    public int index() {
        return index;
    }

    public InterceptedTransport transport() {
        return transport;
    }

    /**
     * Bootstraps (asking for {@code homeAddress} at {@code homeAgent}, as the engine would with
     * those configured) and starts the provider's path.
     */
    public BootstrapResult bootstrap(Ipv6Address homeAddress, Ipv6Address homeAgent) {
        CompletionStage<BootstrapResult> stage = security.bootstrap(new BootstrapRequest(
                BootstrapRequest.Want.HOME_ADDRESS, false, Optional.of(homeAddress), Optional.of(homeAgent),
                transport.inner().localAddresses().iterator().next()));
        bootstrap = deployment.await(stage, java.time.Duration.ofMinutes(1), "bootstrap of direct node " + index);
        path = security.path(() -> transport);
        path.start(received::add);
        return bootstrap;
    }

    /** Protects {@code message} with the provider and sends it; the clock is not advanced. */
    public void send(MobilityMessage message, Addressing to) {
        if (path == null) {
            throw new IllegalStateException("bootstrap first");
        }
        deployment.await(path.send(message, to, Optional.empty()), java.time.Duration.ofSeconds(10),
                "sending " + message.type() + " from direct node " + index);
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
                out.add(new Judged(in, m, deployment.await(path.verify(in, m), java.time.Duration.ofSeconds(10),
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
