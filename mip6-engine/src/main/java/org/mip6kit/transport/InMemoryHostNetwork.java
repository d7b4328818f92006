package org.mip6kit.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.transport.InMemoryProviderNetwork.Host;
import org.mip6kit.transport.InMemoryProviderNetwork.Kind;
import org.mip6kit.transport.InMemoryProviderNetwork.Packet;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProviderNetwork} of one {@link Host} of an {@link InMemoryProviderNetwork}: the
 * host's UDP endpoints, raw Mobility Header sockets, TCP listeners and their ports. Routing,
 * taps and NAT are the network's; every piece of state is guarded by the network's lock.
 */
final class InMemoryHostNetwork implements ProviderNetwork {

    private static final int FIRST_EPHEMERAL_PORT = 49152;
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryHostNetwork.class);

    private final InMemoryProviderNetwork net;
    private final Host host;
    private final Map<InetSocketAddress, MemoryUdpEndpoint> udp = new HashMap<>();
    private final Map<InetSocketAddress, MemoryListener> tcp = new HashMap<>();
    private final List<MemoryMobilityHeaderSocket> mobilityHeaderSockets = new ArrayList<>();
    private int nextPort = FIRST_EPHEMERAL_PORT;

    InMemoryHostNetwork(InMemoryProviderNetwork net, Host host) {
        this.net = net;
        this.host = host;
    }

    @Override
    public UdpEndpoint bindUdp(InetSocketAddress local) {
        Objects.requireNonNull(local, "local");
        synchronized (net) {
            MemoryUdpEndpoint endpoint = new MemoryUdpEndpoint(bindable(local, udp, "bind a UDP endpoint"));
            udp.put(endpoint.bound, endpoint);
            return endpoint;
        }
    }

    @Override
    public SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        synchronized (net) {
            if (interfaceName.isPresent() && !host.hasInterface(interfaceName.get())) {
                throw new SecurityProviderException("cannot open the raw Mobility Header socket on interface "
                        + interfaceName.get() + ": " + host + " has no such interface");
            }
            MemoryMobilityHeaderSocket socket = new MemoryMobilityHeaderSocket(interfaceName);
            mobilityHeaderSockets.add(socket);
            return socket;
        }
    }

    @Override
    public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            return failed("cannot connect to " + remote + ": the address is unresolved");
        }
        InetSocketAddress to = OuterEndpoint.normalised(remote);
        CompletableFuture<StreamConnection> connected = new CompletableFuture<>();
        net.scheduler().schedule(Duration.ZERO, () -> connect(to, connected));
        return connected;
    }

    @Override
    public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(accepted, "accepted");
        synchronized (net) {
            MemoryListener listener = new MemoryListener(bindable(local, tcp, "listen for TCP"), accepted);
            tcp.put(listener.bound, listener);
            return listener;
        }
    }

    @Override
    public String toString() {
        return "ProviderNetwork[" + host + "]";
    }

    /** A datagram for {@code local} arrived on {@code iface}; on a scheduler task. */
    void arriveUdp(String iface, InetSocketAddress from, InetSocketAddress local, byte[] payload) {
        MemoryUdpEndpoint endpoint;
        synchronized (net) {
            endpoint = boundTo(udp, local);
        }
        if (endpoint == null) {
            net.countUndeliverable();
            return;
        }
        endpoint.arrive(new Datagram(payload, from, Observed.on(iface, local)));
    }

    /** A Mobility Header packet arrived on {@code iface}; every socket open there or on no interface gets it. */
    void arriveMobilityHeader(String iface, Inbound inbound) {
        List<MemoryMobilityHeaderSocket> sockets;
        synchronized (net) {
            sockets = mobilityHeaderSockets.stream()
                    .filter(s -> s.interfaceName.isEmpty() || s.interfaceName.get().equals(iface)).toList();
        }
        if (sockets.isEmpty()) {
            net.countUndeliverable();
        }
        for (MemoryMobilityHeaderSocket s : sockets) {
            s.arrive(inbound);
        }
    }

    // ---- ports, under the network lock ----

    private int ephemeralPort(Map<InetSocketAddress, ?> inUse) {
        for (int tries = 0; tries <= 0xFFFF - FIRST_EPHEMERAL_PORT; tries++) {
            int port = nextPort;
            nextPort = nextPort == 0xFFFF ? FIRST_EPHEMERAL_PORT : nextPort + 1;
            if (inUse.keySet().stream().noneMatch(e -> e.getPort() == port)) {
                return port;
            }
        }
        throw new SecurityProviderException(host + " has no free ephemeral port");
    }

    private InetSocketAddress bindable(InetSocketAddress local, Map<InetSocketAddress, ?> inUse, String what) {
        if (local.isUnresolved()) {
            throw new SecurityProviderException("cannot " + what + " on " + local + ": the address is unresolved");
        }
        InetSocketAddress e = OuterEndpoint.normalised(local);
        if (!e.getAddress().isAnyLocalAddress() && !host.owns(e.getAddress())) {
            throw new SecurityProviderException("cannot " + what + " on " + e + ": not an address of " + host);
        }
        int port = e.getPort() == 0 ? ephemeralPort(inUse) : e.getPort();
        InetSocketAddress bound = new InetSocketAddress(e.getAddress(), port);
        for (InetSocketAddress other : inUse.keySet()) {
            if (other.getPort() == port && (InMemoryProviderNetwork.covers(other.getAddress(), bound.getAddress())
                    || InMemoryProviderNetwork.covers(bound.getAddress(), other.getAddress()))) {
                throw new SecurityProviderException("cannot " + what + " on " + bound + ": address in use on host "
                        + host.name() + " (bound to " + other + ")");
            }
        }
        return bound;
    }

    private static <T> T boundTo(Map<InetSocketAddress, T> bound, InetSocketAddress to) {
        T exact = bound.get(to);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<InetSocketAddress, T> e : bound.entrySet()) {
            if (e.getKey().getPort() == to.getPort()
                    && InMemoryProviderNetwork.covers(e.getKey().getAddress(), to.getAddress())) {
                return e.getValue();
            }
        }
        return null;
    }

    /** On a scheduler task. */
    private void connect(InetSocketAddress to, CompletableFuture<StreamConnection> connected) {
        MemoryListener listener;
        InetSocketAddress local;
        synchronized (net) {
            Host peer = net.ownerOf(to.getAddress());
            listener = peer == null ? null : boundTo(peer.sockets().tcp, to);
            InetAddress source = host.firstAddress(to.getAddress() instanceof Inet4Address);
            if (listener == null || source == null) {
                connected.completeExceptionally(new SecurityProviderException("cannot connect from host "
                        + host.name() + " to " + to + ": " + (listener == null
                        ? "connection refused, nothing listens there" : "it has no address of that family")));
                return;
            }
            local = new InetSocketAddress(source, ephemeralPort(Map.of()));
        }
        String name = local + " <-> " + to;
        StreamPipe up = new StreamPipe(name);
        StreamPipe down = new StreamPipe(name);
        try {
            listener.accepted.accept(new MemoryConnection(up, down, to, local, net.scheduler()));
        } catch (RuntimeException e) {
            LOG.error("{}: the consumer failed on a connection from {}; connection refused", listener, local, e);
            up.closeReader();
            down.closeWriter();
            connected.completeExceptionally(new SecurityProviderException("cannot connect to " + to
                    + ": the listener failed on the connection"));
            return;
        }
        connected.complete(new MemoryConnection(down, up, local, to, net.scheduler()));
    }

    private static <T> CompletionStage<T> failed(String message) {
        return CompletableFuture.failedFuture(new SecurityProviderException(message));
    }

    /** Where received items wait until {@code start}, and how they are handed over. */
    private abstract class Receiving<T> {
        private final List<T> pending = new ArrayList<>();
        private Consumer<T> receiver;
        boolean closed;

        public final void start(Consumer<T> r) {
            Objects.requireNonNull(r, "receiver");
            List<T> waiting;
            synchronized (net) {
                if (closed || receiver != null) {
                    throw new IllegalStateException(this + (closed ? " is closed" : " is already started"));
                }
                receiver = r;
                waiting = List.copyOf(pending);
                pending.clear();
            }
            for (T item : waiting) {
                net.scheduler().schedule(Duration.ZERO, () -> arrive(item));
            }
        }

        /** On a scheduler task. */
        final void arrive(T item) {
            Consumer<T> r;
            synchronized (net) {
                if (closed || (receiver == null && pending.size() >= InMemoryProviderNetwork.PENDING_LIMIT)) {
                    net.countUndeliverable();
                    return;
                }
                if (receiver == null) {
                    pending.add(item);
                    return;
                }
                net.countDelivered();
                r = receiver;
            }
            try {
                r.accept(item);
            } catch (RuntimeException e) {
                LOG.error("receiver of {} failed on {}", this, item, e);
            }
        }

        /** Marks closed; true the first time. Under the network lock. */
        final boolean markClosed() {
            if (closed) {
                return false;
            }
            closed = true;
            pending.forEach(p -> net.countUndeliverable());
            pending.clear();
            return true;
        }
    }

    private final class MemoryUdpEndpoint extends Receiving<Datagram> implements UdpEndpoint {
        private final InetSocketAddress bound;

        MemoryUdpEndpoint(InetSocketAddress bound) {
            this.bound = bound;
        }

        @Override
        public InetSocketAddress localAddress() {
            return bound;
        }

        @Override
        public CompletionStage<Void> send(byte[] payload, InetSocketAddress to) {
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(to, "to");
            if (to.isUnresolved()) {
                return failed("cannot send from " + this + " to " + to + ": the address is unresolved");
            }
            if (payload.length > SocketUdpEndpoint.MAX_PAYLOAD) {
                return failed("cannot send " + payload.length + " octets from " + this + ": a UDP payload is at most "
                        + SocketUdpEndpoint.MAX_PAYLOAD + " octets");
            }
            InetSocketAddress destination = OuterEndpoint.normalised(to);
            InetSocketAddress apparent;
            synchronized (net) {
                if (closed) {
                    return failed("cannot send from " + this + ": it is closed");
                }
                InetAddress source = bound.getAddress().isAnyLocalAddress()
                        ? host.firstAddress(destination.getAddress() instanceof Inet4Address) : bound.getAddress();
                if (source == null || !host.owns(source)) {
                    return failed("cannot send from " + this + " to " + destination + ": " + host
                            + " has no such address now");
                }
                apparent = host.natOutsideOf(new InetSocketAddress(source, bound.getPort()));
            }
            byte[] copy = payload.clone();
            int copies = net.copies(new Packet(Kind.UDP, host.name(), apparent, destination, copy));
            for (int i = 0; i < copies; i++) {
                net.scheduler().schedule(Duration.ZERO, () -> net.route(destination).ifPresentOrElse(
                        r -> r.host().sockets().arriveUdp(r.iface(), apparent, r.local(), copy), net::countUndeliverable));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            synchronized (net) {
                if (markClosed()) {
                    udp.remove(bound);
                }
            }
        }

        @Override
        public String toString() {
            return "UdpEndpoint[" + host.name() + " " + bound + (closed ? ", closed" : "") + "]";
        }
    }

    private final class MemoryMobilityHeaderSocket extends Receiving<Inbound> implements SignallingTransport {
        private final Optional<String> interfaceName;

        MemoryMobilityHeaderSocket(Optional<String> interfaceName) {
            this.interfaceName = interfaceName;
        }

        @Override
        public CompletionStage<Void> send(byte[] octets, Addressing to) {
            Objects.requireNonNull(octets, "octets");
            Objects.requireNonNull(to, "to");
            if (to.outerPeer().isPresent()) {
                return failed("the raw Mobility Header socket cannot add the UDP encapsulation that " + to
                        + " asks for");
            }
            if (octets.length == 0 || octets.length > MobilityHeaderCodec.MAX_LENGTH) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("a Mobility Header message is 1.."
                        + MobilityHeaderCodec.MAX_LENGTH + " octets, got " + octets.length));
            }
            Ipv6Address source = to.source();
            Optional<String> tunnel;
            synchronized (net) {
                if (closed) {
                    return failed("cannot send from " + this + ": it is closed");
                }
                tunnel = host.tunnelFor(interfaceName, to.destination().toInetAddress());
                if (tunnel.isEmpty() && (to.homeAddressOption().isPresent() || to.routingHeader().isPresent())) {
                    return failed("the raw Mobility Header socket sends plain IPv6 only outside a tunnel: it cannot "
                            + "add the Home Address option or type 2 routing header that " + to + " asks for");
                }
                if (source.isUnspecified()) {
                    InetAddress first = host.firstAddress(false);
                    if (first == null) {
                        return failed("cannot send from " + this + ": " + host + " has no IPv6 address");
                    }
                    source = Ipv6Address.fromBytes(first.getAddress());
                } else if (!host.owns(source.toInetAddress())) {
                    return failed("cannot send a Mobility Header message from " + source + " through " + this
                            + ": not an address of " + host);
                }
            }
            Addressing sent = new Addressing(source, to.destination(), to.homeAddressOption(), to.routingHeader(),
                    Optional.empty());
            InetSocketAddress destination = new InetSocketAddress(to.destination().toInetAddress(), 0);
            byte[] copy = octets.clone();
            int copies = net.copies(new Packet(Kind.MOBILITY_HEADER, host.name(),
                    new InetSocketAddress(source.toInetAddress(), 0), destination, copy, Optional.of(sent), tunnel));
            for (int i = 0; i < copies; i++) {
                net.scheduler().schedule(Duration.ZERO, () -> net.deliverMobilityHeader(host, tunnel, sent, copy));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            synchronized (net) {
                if (markClosed()) {
                    mobilityHeaderSockets.remove(this);
                }
            }
        }

        @Override
        public String toString() {
            return "RawMobilityHeaderSocket[" + host.name() + " " + interfaceName.orElse("every interface")
                    + (closed ? ", closed" : "") + "]";
        }
    }

    private final class MemoryListener implements StreamListener {
        private final InetSocketAddress bound;
        private final Consumer<StreamConnection> accepted;

        MemoryListener(InetSocketAddress bound, Consumer<StreamConnection> accepted) {
            this.bound = bound;
            this.accepted = accepted;
        }

        @Override
        public InetSocketAddress localAddress() {
            return bound;
        }

        @Override
        public void close() {
            synchronized (net) {
                tcp.remove(bound, this);
            }
        }

        @Override
        public String toString() {
            return "StreamListener[" + host.name() + " " + bound + "]";
        }
    }

    /**
     * One end of an in-memory TCP connection: reads from {@code in}, writes to {@code out};
     * event-driven reading delivers in tasks of {@code scheduler}.
     */
    private record MemoryConnection(StreamPipe in, StreamPipe out, InetSocketAddress local, InetSocketAddress remote,
                                    Scheduler scheduler) implements StreamConnection {
        @Override
        public void startReading(Consumer<byte[]> received, Runnable ended) {
            in.startReading(scheduler, received, ended);
        }

        @Override
        public InputStream input() {
            return in.input();
        }

        @Override
        public OutputStream output() {
            return out.output();
        }

        @Override
        public void close() {
            out.closeWriter();
            in.closeReader();
        }

        @Override
        public String toString() {
            return "StreamConnection[" + local + " -> " + remote + "]";
        }
    }
}
