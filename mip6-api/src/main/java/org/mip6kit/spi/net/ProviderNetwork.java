package org.mip6kit.spi.net;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;

/**
 * The network a provider opens its own sockets through, offered by
 * {@link org.mip6kit.spi.ProviderContext#network()}. A provider never creates sockets directly:
 * the engine implements this interface over real sockets, and the provider kit and the engine's
 * tests over an in-memory network that carries opaque datagrams and byte streams between
 * addresses, ports and named interfaces. So a provider that owns its channel (RFC 6618 UDP
 * protection on port 7872, a DTLS association, a TLS connection to a Home Agent Controller) or
 * needs the raw Mobility Header socket inside an IPsec tunnel is tested on exactly the code it
 * ships with.
 *
 * <p>Every endpoint reports what it {@link org.mip6kit.spi.Observed observed} about each
 * arrival (ingress interface, local address); what that means is the provider's conclusion.
 * Opening may do I/O: call these methods from {@link org.mip6kit.spi.SignallingPath#start},
 * bootstrap or later, never from a factory. Failures to open are
 * {@link SecurityProviderException}s whose message names the address. Thread-safe.
 */
public interface ProviderNetwork {

    /**
     * Binds a UDP endpoint. Port 0 picks a free port; the wildcard address receives on every
     * interface. A mobile node that moves may close its endpoint and bind a new one on its new
     * care-of address.
     *
     * @throws SecurityProviderException if the address cannot be bound (in use, not local, no permission)
     */
    UdpEndpoint bindUdp(InetSocketAddress local);

    /**
     * Opens a raw IPv6 socket for the Mobility Header (IPv6 next header 135), with
     * {@code IPV6_RECVPKTINFO} so that each received message carries its ingress interface and
     * destination address. Needed by a {@link org.mip6kit.spi.Placement#BELOW_STACK} provider
     * whose signalling travels inside an IPsec tunnel. The returned transport carries Mobility
     * Header octets with their {@link org.mip6kit.spi.Addressing}, like the engine's own.
     *
     * @param interfaceName receive only what arrives on this interface ({@code SO_BINDTODEVICE}); empty: all
     * @throws SecurityProviderException if raw sockets are not permitted (needs CAP_NET_RAW) or not offered
     */
    SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName);

    /**
     * Opens a TCP connection (a TLS session to a Home Agent Controller runs over it). The stage
     * completes when the connection is established, or exceptionally with a
     * {@link SecurityProviderException} (refused, unreachable, timed out).
     */
    CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote);

    /**
     * Listens for TCP connections on {@code local} (port 0: a free one); each accepted
     * connection is handed to {@code accepted} on a network thread, which must not block: hand
     * the connection's blocking reads to another thread.
     *
     * @throws SecurityProviderException if the address cannot be bound
     */
    StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted);

    /**
     * A network for embedders and tests that give the provider none: every method fails with a
     * {@link SecurityProviderException} saying so. A provider that needs no sockets of its own
     * never notices it.
     */
    ProviderNetwork NONE = new ProviderNetwork() {
        private SecurityProviderException none() {
            return new SecurityProviderException("this engine was built without a provider network "
                    + "(the embedder gave none): the provider cannot open sockets of its own; "
                    + "see docs/errors.md#provider-network");
        }

        @Override
        public UdpEndpoint bindUdp(InetSocketAddress local) {
            throw none();
        }

        @Override
        public SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
            throw none();
        }

        @Override
        public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
            return java.util.concurrent.CompletableFuture.failedFuture(none());
        }

        @Override
        public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
            throw none();
        }
    };
}
