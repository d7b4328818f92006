package org.mip6kit.tck;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;

/**
 * The engine's transport in the kit: Mobility Header signalling in UDP with the RFC 5555 framing
 * of {@link org.mip6kit.transport.UdpTransport} (each datagram one inner IPv6 packet, Home Address
 * option and type 2 routing header included), over the UDP endpoints of a host of the kit's
 * network. A home agent's binds one endpoint (port 4191 on every address); a mobile node's binds
 * one ephemeral endpoint per source address it sends from, so a Binding Update from a new care-of
 * address leaves from that address, as a socket bound there would send it. What arrives carries
 * the observed outer peer and what the endpoint {@linkplain org.mip6kit.spi.Observed observed}.
 */
final class EncapsulatingTransport implements SignallingTransport {

    private final ProviderNetwork network;
    private final InetSocketAddress fixed;
    private final Map<InetAddress, UdpEndpoint> bySource = new LinkedHashMap<>();
    private Consumer<Inbound> receiver;
    private boolean closed;

    /** @param fixed the one endpoint to bind (a home agent's), or null to bind one per source address */
    EncapsulatingTransport(ProviderNetwork network, InetSocketAddress fixed) {
        this.network = Objects.requireNonNull(network, "network");
        this.fixed = fixed;
    }

    @Override
    public synchronized void start(Consumer<Inbound> r) {
        if (receiver != null) {
            throw new IllegalStateException(this + " is already started");
        }
        receiver = Objects.requireNonNull(r, "receiver");
        if (fixed != null) {
            open(fixed);
        }
    }

    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        if (to.outerPeer().isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the kit's engine transport sends "
                    + "in UDP to Addressing.outerPeer, and " + to + " has none"));
        }
        if (octets.length == 0 || octets.length > MobilityHeaderCodec.MAX_LENGTH) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a Mobility Header message is 1.."
                    + MobilityHeaderCodec.MAX_LENGTH + " octets, got " + octets.length));
        }
        UdpEndpoint endpoint;
        try {
            endpoint = endpointFor(to.source().toInetAddress());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        byte[] packet = new MobilityPacket(to.source(), to.destination(), to.homeAddressOption(), to.routingHeader(),
                Optional.empty(), octets).toBytes();
        return endpoint.send(packet, to.outerPeer().get());
    }

    private synchronized UdpEndpoint endpointFor(InetAddress source) {
        if (closed) {
            throw new SecurityProviderException(this + " is closed");
        }
        if (fixed != null) {
            return bySource.values().iterator().next();
        }
        UdpEndpoint e = bySource.get(source);
        if (e != null) {
            return e;
        }
        try {
            return open(new InetSocketAddress(source, 0));
        } catch (SecurityProviderException notOurs) {
            // A source this host does not have (a test forging one): the wildcard endpoint sends it.
            InetAddress any = wildcard();
            UdpEndpoint w = bySource.get(any);
            return w != null ? w : open(new InetSocketAddress(any, 0));
        }
    }

    private UdpEndpoint open(InetSocketAddress local) {
        UdpEndpoint e = network.bindUdp(local);
        bySource.put(local.getAddress(), e);
        e.start(this::receive);
        return e;
    }

    private void receive(Datagram d) {
        Consumer<Inbound> r;
        synchronized (this) {
            r = closed ? null : receiver;
        }
        if (r == null) {
            return;
        }
        MobilityPacket parsed;
        try {
            parsed = MobilityPacketParser.parse(d.payload());
        } catch (MobilityHeaderFormatException | RuntimeException e) {
            return; // not an inner IPv6 packet around a Mobility Header: dropped, as UdpTransport does
        }
        if (parsed.udpEncapsulation().isPresent()
                || (parsed.homeAddressOption().isPresent() && parsed.type2RoutingHeader().isPresent())) {
            return;
        }
        r.accept(new Inbound(parsed.mobilityHeader(), new Addressing(parsed.source(), parsed.destination(),
                parsed.homeAddressOption(), parsed.type2RoutingHeader(), Optional.of(d.peer())), d.observed()));
    }

    private static InetAddress wildcard() {
        try {
            return Inet6Address.getByAddress(new byte[16]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        List<UdpEndpoint> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(bySource.values());
            bySource.clear();
        }
        open.forEach(UdpEndpoint::close);
    }

    @Override
    public String toString() {
        return "EncapsulatingTransport[" + network + "]";
    }
}
