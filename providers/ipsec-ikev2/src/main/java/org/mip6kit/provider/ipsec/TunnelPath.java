package org.mip6kit.provider.ipsec;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * Signalling through the IPsec tunnel: a raw Mobility Header socket (IPv6 next header 135, with
 * {@code IPV6_RECVPKTINFO}) opened through the SPI's network seam. The tunnel carries packets
 * between the home address and the home agent, so every message is re-addressed to that pair
 * before it leaves: no Home Address option, no type 2 routing header (the care-of address
 * travels in the Alternate Care-of Address option, which the engine adds because the instance
 * declares {@link org.mip6kit.spi.Capability#NEEDS_ALTERNATE_COA}); the checksum is computed
 * over the addresses actually used. The kernel routes the packet into charon's TUN device, and
 * kernel-libipsec encrypts it (docs/providers/ipsec-ikev2.md#addressing).
 *
 * <p>In mode {@code kernel} the same socket sends each message as the engine addressed it
 * ({@link #sendAsAddressed}): a Binding Update from the care-of address with a Home Address
 * option, an acknowledgement to the care-of address with a type 2 routing header; the kernel's
 * SPD entries select on the home address and apply transport-mode ESP (RFC 4877 §4).
 */
abstract class TunnelPath implements SignallingPath {

    private final ProviderContext context;
    private volatile SignallingTransport socket;
    private volatile boolean closed;

    TunnelPath(ProviderContext context) {
        this.context = context;
    }

    @Override
    public void start(Consumer<Inbound> receiver) {
        beforeStart();
        socket = context.network().openMobilityHeaderSocket(Optional.empty());
        socket.start(receiver);
    }

    /** Work before the socket opens (connecting to charon); may throw a SecurityProviderException. */
    void beforeStart() {
    }

    /**
     * Sends {@code message} from {@code source} to {@code destination}, plain IPv6 into the
     * tunnel.
     */
    final CompletionStage<Void> sendThroughTunnel(MobilityMessage message, Ipv6Address source,
            Ipv6Address destination) {
        SignallingTransport s = socket;
        if (s == null || closed) {
            return CompletableFuture.failedFuture(new SecurityProviderException("the ipsec-ikev2 path is not running"));
        }
        Addressing inner = Addressing.of(source, destination);
        byte[] octets = context.codec().encode(message, source, destination);
        return s.send(octets, inner);
    }

    /**
     * Sends {@code message} with the engine's addressing unchanged (mode kernel); the checksum's
     * pseudo-header uses the home address for a Home Address option's source and a type 2
     * routing header's destination (RFC 6275 §6.1.1). An outer UDP peer the engine's own transport
     * would use is dropped: the raw socket sends plain IPv6.
     */
    final CompletionStage<Void> sendAsAddressed(MobilityMessage message, Addressing to) {
        SignallingTransport s = socket;
        if (s == null || closed) {
            return CompletableFuture.failedFuture(new SecurityProviderException("the ipsec-ikev2 path is not running"));
        }
        byte[] octets = context.codec().encode(message, to.homeAddressOption().orElse(to.source()),
                to.routingHeader().orElse(to.destination()));
        return s.send(octets, new Addressing(to.source(), to.destination(), to.homeAddressOption(),
                to.routingHeader(), Optional.empty()));
    }

    /** Re-addresses and sends; see {@link #sendThroughTunnel}. */
    @Override
    public abstract CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply);

    @Override
    public void close() {
        closed = true;
        SignallingTransport s = socket;
        if (s != null) {
            s.close();
        }
        afterClose();
    }

    void afterClose() {
    }

    /** The reply context of a message that came through the tunnel: the home address it answers. */
    record ThroughTunnel(Ipv6Address homeAddress) implements ReplyContext {
        @Override
        public String describe() {
            return "ipsec tunnel, home address " + homeAddress;
        }
    }
}
