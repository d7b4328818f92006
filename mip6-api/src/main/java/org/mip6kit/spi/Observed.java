package org.mip6kit.spi;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What the transport that received a packet observed about its arrival, and nothing more: the
 * network interface it came in on and the local address (and port) it was addressed to. The
 * peer's outer address is {@link Addressing#outerPeer()}. Filled in by transports (the engine's
 * {@link SignallingTransport}s and the endpoints of {@link org.mip6kit.spi.net.ProviderNetwork}),
 * never by a provider: what these facts <em>mean</em> (which security association protected the
 * packet, which key-management identity stands behind it) is the provider's conclusion in
 * {@link SignallingPath#verify}, carried in its {@link Verdict}.
 *
 * <p>A {@link Placement#BELOW_STACK} provider typically checks that a Binding Update for a home
 * address arrived on the interface (e.g. the tunnel device) that its security association
 * delivers to (RFC 3776 §5, RFC 4877 §4): a packet observed on any other interface did not pass
 * through the SA.
 *
 * @param ingressInterface the name of the interface the packet arrived on, when the transport can tell
 * @param local the local address and port the packet was addressed to, when known (port 0 for a
 *        raw Mobility Header socket)
 */
public record Observed(Optional<String> ingressInterface, Optional<InetSocketAddress> local) {

    /** Nothing observed beyond the addressing. */
    public static final Observed NOTHING = new Observed(Optional.empty(), Optional.empty());

    public Observed {
        if (ingressInterface == null || local == null) {
            throw new IllegalArgumentException("every observed field is required (use Optional.empty())");
        }
    }

    public static Observed on(String ingressInterface, InetSocketAddress local) {
        return new Observed(Optional.ofNullable(ingressInterface), Optional.ofNullable(local));
    }
}
