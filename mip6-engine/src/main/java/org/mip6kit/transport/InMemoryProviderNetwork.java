package org.mip6kit.transport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated {@link ProviderNetwork} for tests and the provider kit: hosts with named
 * interfaces and addresses, and between them UDP datagrams, raw Mobility Header packets and TCP
 * streams. Nothing here touches a socket.
 * <pre>
 *  InMemoryProviderNetwork net = new InMemoryProviderNetwork(virtualTime);
 *  Host ha = net.host("ha").iface("eth0", "2001:db8::1", "192.0.2.1").iface("tun0", "2001:db8:1::1");
 *  Host mn = net.host("mn").iface("wlan0", "198.51.100.7").behindNat("203.0.113.1");
 *  ProviderNetwork haNetwork = ha.network();   // binds, listens and opens on "ha"
 * </pre>
 *
 * <h2>Delivery</h2>
 * A datagram or Mobility Header packet goes to the host that owns its destination address
 * (or, for a NAT's public address, to the host behind it), and there to the UDP endpoint bound
 * to that address or to the wildcard ({@code ::} takes both families, {@code 0.0.0.0} IPv4),
 * or to every raw Mobility Header socket open on the receiving interface or on none. What the
 * receiver {@linkplain Observed observed} is exact, as a kernel would report it with packet
 * information: the interface owning the destination address and the destination address and
 * port. Every arrival is a task on the {@link Scheduler} given to the network, never a call made
 * inside {@code send}, so under virtual time it runs when the test advances the clock and
 * outcomes are deterministic. Arrivals for a closed endpoint or an address nobody owns are
 * counted undeliverable; those for an endpoint not yet started wait (at most
 * {@value #PENDING_LIMIT}) as in a socket buffer.
 *
 * <h2>Tunnels</h2>
 * {@link #tunnel} joins an interface of one host to an interface of another, point to point, as
 * an IPsec tunnel (an XFRM interface keyed by IKEv2) or an IP-in-IP tunnel does. It carries
 * Mobility Header packets only, as an SA whose selectors name protocol 135 (RFC 3776 §4): a
 * Mobility Header packet a host sends to an address of the tunnel's other host, or through a
 * raw socket bound to the tunnel interface, goes through the tunnel and arrives on the other
 * end's tunnel interface, and may carry a Home Address option or a type 2 routing header (the
 * tunnel encapsulates the whole inner packet). The same destination reached from any other host
 * (an attacker) arrives on the interface owning the destination address, or, when that address
 * lives on a tunnel interface, on the receiver's <em>outside interface</em> (its first interface
 * that is not a tunnel end). So whether a packet came through a tunnel is a network fact the
 * receiver {@linkplain Observed observes}, and nobody outside the tunnel can forge it. UDP and TCP
 * take the ordinary route.
 *
 * <h2>Spoofing</h2>
 * {@link Host#sendSpoofedDatagram} and {@link Host#sendSpoofedMobilityHeader} put a packet on the
 * wire with any source and, for a Mobility Header, any Home Address option or routing header, as
 * an attacker with raw sockets can. They pass the taps (sent by that host) and are routed by
 * destination, never through a tunnel: a forger stands outside every tunnel.
 *
 * <h2>Observation and faults</h2>
 * {@linkplain #addTap Taps} see every datagram and packet sent, on the sender's thread, with
 * the source the receiver will see (after NAT), and decide its {@link Fate}: delivered, dropped
 * or duplicated (dropped if any tap says so). A tap that only records returns
 * {@link Fate#DELIVER}. A packet a tap dropped can still be {@linkplain #release released}
 * later, untouched, along the route it took (a man in the middle that held it). Injected arrivals ({@link Host#injectDatagram},
 * {@link Host#injectMobilityHeader}) pass no tap: they model what an attacker or a tunnel hands
 * a host on one of its interfaces.
 *
 * <h2>NAT</h2>
 * A host {@linkplain Host#behindNat behind a NAT} sends UDP from its public address, each of
 * its endpoints mapped to a public port on first use (full cone: anyone may send to a mapped
 * port). {@link Host#rebindNat} forgets the mappings, so the next datagrams appear from new
 * ports and the old ones reach nobody. TCP and Mobility Header packets do not pass the NAT.
 *
 * <h2>Streams</h2>
 * A TCP connection is a pair of in-memory pipes. The connect completes, and the listener's
 * consumer runs, in a scheduler task. Writes never block. Read a connection event-driven with
 * {@link org.mip6kit.spi.net.StreamConnection#startReading startReading}: what the peer writes is
 * handed over in scheduler tasks, in order and never concurrently, and the end once, so under
 * virtual time a whole exchange (a TLS handshake) runs on the thread that advances the clock.
 * Reads of {@code input()} instead block for real: do them on a thread of your own, never on the
 * thread that advances virtual time. Closing a connection wakes its blocked reads, ends its
 * event-driven reading, and gives the peer end of stream.
 *
 * <p>The raw Mobility Header socket has the real one's limits: plain IPv6 only (no Home Address
 * option, routing header or encapsulation) outside a tunnel, and a source that is one of the
 * host's addresses or unspecified (the host's first IPv6 address). Thread-safe: one lock guards all routing state;
 * receivers, consumers and taps are called without it.
 */
public final class InMemoryProviderNetwork {

    /** Arrivals that may wait for an endpoint or socket that has not started yet. */
    public static final int PENDING_LIMIT = 1024;

    private static final int FIRST_NAT_PORT = 20000;
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryProviderNetwork.class);

    private final Scheduler scheduler;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<InetAddress, Host> owners = new HashMap<>();
    private final Map<InetAddress, Host> natOwners = new HashMap<>();
    private final List<Tap> taps = new CopyOnWriteArrayList<>();
    private long sent;
    private long delivered;
    private long dropped;
    private long duplicated;
    private long undeliverable;

    /** @param scheduler runs every arrival and connect (a {@link org.mip6kit.engine.VirtualTime} in tests) */
    public InMemoryProviderNetwork(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** The host named {@code name}, created (with no interfaces) on first use. */
    public synchronized Host host(String name) {
        Objects.requireNonNull(name, "name");
        return hosts.computeIfAbsent(name, Host::new);
    }

    /** Adds a tap that sees, and decides the fate of, every datagram and packet sent from now on. */
    public void addTap(Tap tap) {
        taps.add(Objects.requireNonNull(tap, "tap"));
    }

    /** True if {@code tap} was added. */
    public boolean removeTap(Tap tap) {
        return taps.remove(tap);
    }

    /**
     * Joins interface {@code aInterface} of {@code a} and interface {@code bInterface} of
     * {@code b} with a point-to-point tunnel for Mobility Header packets (see the class
     * description). Interfaces that do not exist yet are created without addresses.
     *
     * @throws IllegalArgumentException if the hosts are the same or belong to another network
     * @throws IllegalStateException if either interface already ends a tunnel
     */
    public InMemoryProviderNetwork tunnel(Host a, String aInterface, Host b, String bInterface) {
        Objects.requireNonNull(aInterface, "aInterface");
        Objects.requireNonNull(bInterface, "bInterface");
        synchronized (this) {
            if (hosts.get(a.name) != a || hosts.get(b.name) != b) {
                throw new IllegalArgumentException("both hosts must belong to this network");
            }
            if (a == b) {
                throw new IllegalArgumentException("a tunnel joins two different hosts, not " + a.name + " to itself");
            }
            for (Map.Entry<Host, String> end : Map.of(a, aInterface, b, bInterface).entrySet()) {
                if (end.getKey().tunnels.containsKey(end.getValue())) {
                    throw new IllegalStateException("interface " + end.getValue() + " of host " + end.getKey().name
                            + " already ends a tunnel");
                }
            }
            a.interfaces.computeIfAbsent(aInterface, n -> new LinkedHashSet<>());
            b.interfaces.computeIfAbsent(bInterface, n -> new LinkedHashSet<>());
            a.tunnels.put(aInterface, new TunnelEnd(b, bInterface));
            b.tunnels.put(bInterface, new TunnelEnd(a, aInterface));
        }
        return this;
    }

    /**
     * Delivers {@code packet}, which a tap dropped, now (in a scheduler task) along the route it
     * took when it was sent: through the tunnel it entered, else to the owner of its destination.
     * Passes no tap. The way a man in the middle lets a packet it held go on, late but untouched.
     */
    public void release(Packet packet) {
        Objects.requireNonNull(packet, "packet");
        byte[] payload = packet.payload();
        if (packet.kind() == Kind.UDP) {
            scheduler.schedule(Duration.ZERO, () -> route(packet.destination()).ifPresentOrElse(
                    r -> r.host().sockets().arriveUdp(r.iface(), packet.source(), r.local(), payload),
                    this::countUndeliverable));
            return;
        }
        Addressing addressing = packet.addressing().orElseThrow();
        Optional<String> tunnel = packet.tunnel();
        Host sender;
        synchronized (this) {
            sender = hosts.get(packet.fromHost());
        }
        scheduler.schedule(Duration.ZERO, () -> deliverMobilityHeader(sender, tunnel, addressing, payload));
    }

    /** A snapshot of the totals. */
    public synchronized Counters counters() {
        return new Counters(sent, delivered, dropped, duplicated, undeliverable);
    }

    /** The kind of a {@link Packet}. */
    public enum Kind { UDP, MOBILITY_HEADER }

    /** What a {@link Tap} decides for a packet. */
    public enum Fate { DELIVER, DROP, DUPLICATE }

    /** Sees each datagram or packet as it is sent, on the sender's thread; must not block. */
    @FunctionalInterface
    public interface Tap {
        Fate inspect(Packet packet);
    }

    /**
     * One datagram or Mobility Header packet as sent: the sending host, the source as the
     * receiver will see it (after NAT; port 0 for Mobility Header), the destination, the
     * payload (the Mobility Header octets for {@link Kind#MOBILITY_HEADER}), the whole
     * addressing of a Mobility Header packet (Home Address option and routing header included;
     * empty for UDP), and the sender's tunnel interface it entered, if any.
     */
    public record Packet(Kind kind, String fromHost, InetSocketAddress source, InetSocketAddress destination,
                         byte[] payload, Optional<Addressing> addressing, Optional<String> tunnel) {
        public Packet {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(addressing, "addressing");
            Objects.requireNonNull(tunnel, "tunnel");
            payload = payload.clone();
        }

        /** A packet that entered no tunnel; a Mobility Header one with plain addressing from source to destination. */
        public Packet(Kind kind, String fromHost, InetSocketAddress source, InetSocketAddress destination,
                      byte[] payload) {
            this(kind, fromHost, source, destination, payload, kind == Kind.UDP ? Optional.empty()
                    : Optional.of(Addressing.of(Ipv6Address.fromBytes(source.getAddress().getAddress()),
                            Ipv6Address.fromBytes(destination.getAddress().getAddress()))), Optional.empty());
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public String toString() {
            return kind + "[" + payload.length + " octets " + source + " -> " + destination + " from " + fromHost
                    + tunnel.map(t -> " through " + t).orElse("") + "]";
        }
    }

    /**
     * Totals since the network was created.
     *
     * @param sent          datagrams and packets sent (injected ones are not counted)
     * @param delivered     copies handed to a receiver (injected ones included)
     * @param dropped       sends a tap dropped
     * @param duplicated    extra copies a tap asked for
     * @param undeliverable copies that found no open endpoint or socket
     */
    public record Counters(long sent, long delivered, long dropped, long duplicated, long undeliverable) {
    }

    /**
     * One simulated host: named interfaces with addresses, and the {@link #network()} its
     * provider opens sockets through. Addresses are unique in the network.
     */
    public final class Host {
        private final String name;
        private final Map<String, Set<InetAddress>> interfaces = new LinkedHashMap<>();
        private final Map<String, TunnelEnd> tunnels = new HashMap<>();
        private final InMemoryHostNetwork network = new InMemoryHostNetwork(InMemoryProviderNetwork.this, this);
        private InetAddress natAddress;
        private final Map<InetSocketAddress, InetSocketAddress> natOutside = new HashMap<>();
        private final Map<InetSocketAddress, InetSocketAddress> natInside = new HashMap<>();
        private int nextNatPort = FIRST_NAT_PORT;

        private Host(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /**
         * Adds interface {@code name} (or adds to it) with {@code addressLiterals} (IPv4 or IPv6).
         *
         * @throws IllegalArgumentException if a literal is not an address
         * @throws IllegalStateException if another host owns an address
         */
        public Host iface(String name, String... addressLiterals) {
            Objects.requireNonNull(name, "name");
            synchronized (InMemoryProviderNetwork.this) {
                List<InetAddress> addresses = new ArrayList<>();
                for (String literal : addressLiterals) {
                    InetAddress a = literal(literal);
                    Host owner = owners.get(a) != null ? owners.get(a) : natOwners.get(a);
                    if (owner != null && owner != this) {
                        throw new IllegalStateException(literal + " already belongs to host " + owner.name);
                    }
                    if (owner == this && !interfaceOf(a).equals(Optional.of(name))) {
                        throw new IllegalStateException(literal + " is already on " + interfaceOf(a).orElse("the NAT")
                                + " of host " + this.name);
                    }
                    addresses.add(a);
                }
                Set<InetAddress> own = interfaces.computeIfAbsent(name, n -> new LinkedHashSet<>());
                for (InetAddress a : addresses) {
                    own.add(a);
                    owners.put(a, this);
                }
            }
            return this;
        }

        /** Removes an address (a mobile node leaving a link); endpoints bound to it stay open and receive nothing. */
        public Host removeAddress(String addressLiteral) {
            InetAddress a = literal(addressLiteral);
            synchronized (InMemoryProviderNetwork.this) {
                if (owners.get(a) == this) {
                    owners.remove(a);
                    interfaces.values().forEach(s -> s.remove(a));
                }
            }
            return this;
        }

        /** The interface owning {@code address}, if this host has it. */
        public Optional<String> interfaceOf(InetAddress address) {
            InetAddress a = normalised(address);
            synchronized (InMemoryProviderNetwork.this) {
                return interfaces.entrySet().stream().filter(e -> e.getValue().contains(a)).map(Map.Entry::getKey)
                        .findFirst();
            }
        }

        /**
         * The addresses of interface {@code iface}, oldest first (a snapshot; empty if the
         * interface has none or does not exist).
         */
        public List<InetAddress> addresses(String iface) {
            Objects.requireNonNull(iface, "iface");
            synchronized (InMemoryProviderNetwork.this) {
                Set<InetAddress> own = interfaces.get(iface);
                return own == null ? List.of() : List.copyOf(own);
            }
        }

        /**
         * Puts the host behind a NAT whose public address is {@code publicAddressLiteral}: its UDP
         * datagrams appear from that address and a port mapped per endpoint.
         */
        public Host behindNat(String publicAddressLiteral) {
            InetAddress a = literal(publicAddressLiteral);
            synchronized (InMemoryProviderNetwork.this) {
                if (owners.containsKey(a) || (natOwners.containsKey(a) && natOwners.get(a) != this)) {
                    throw new IllegalStateException("NAT public address " + a + " is already in use");
                }
                if (natAddress != null) {
                    natOwners.remove(natAddress);
                }
                natAddress = a;
                natOwners.put(a, this);
                natOutside.clear();
                natInside.clear();
            }
            return this;
        }

        /** The NAT forgets its mappings: the next datagrams from each endpoint appear from a new public port. */
        public Host rebindNat() {
            synchronized (InMemoryProviderNetwork.this) {
                if (natAddress == null) {
                    throw new IllegalStateException("host " + name + " is not behind a NAT");
                }
                natOutside.clear();
                natInside.clear();
            }
            return this;
        }

        /** Whether interface {@code iface} ends a {@linkplain InMemoryProviderNetwork#tunnel tunnel}. */
        public boolean isTunnelEnd(String iface) {
            synchronized (InMemoryProviderNetwork.this) {
                return tunnels.containsKey(iface);
            }
        }

        /**
         * The interface where packets that did not come through a tunnel arrive for an address
         * that lives on a tunnel interface: the first interface that is not a tunnel end.
         */
        public Optional<String> outsideInterface() {
            synchronized (InMemoryProviderNetwork.this) {
                return interfaces.keySet().stream().filter(i -> !tunnels.containsKey(i)).findFirst();
            }
        }

        /**
         * Sends a datagram from this host with any source ({@code from} is written as it is, no
         * NAT), routed to the owner of {@code to}; passes the taps. What an attacker with a raw
         * socket sends.
         */
        public void sendSpoofedDatagram(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
            InetSocketAddress source = OuterEndpoint.normalised(Objects.requireNonNull(from, "from"));
            InetSocketAddress destination = OuterEndpoint.normalised(Objects.requireNonNull(to, "to"));
            byte[] copy = payload.clone();
            int copies = copies(new Packet(Kind.UDP, name, source, destination, copy));
            for (int i = 0; i < copies; i++) {
                scheduler.schedule(Duration.ZERO, () -> route(destination).ifPresentOrElse(
                        r -> r.host().sockets().arriveUdp(r.iface(), source, r.local(), copy),
                        InMemoryProviderNetwork.this::countUndeliverable));
            }
        }

        /**
         * Sends a Mobility Header packet from this host with any addressing (a forged source, a
         * Home Address option, a routing header), routed by destination and never through a
         * tunnel; passes the taps. What an attacker with a raw socket sends.
         */
        public void sendSpoofedMobilityHeader(byte[] octets, Addressing addressing) {
            Objects.requireNonNull(addressing, "addressing");
            if (addressing.outerPeer().isPresent()) {
                throw new IllegalArgumentException("a Mobility Header packet has no outer UDP peer: " + addressing);
            }
            byte[] copy = octets.clone();
            int copies = copies(new Packet(Kind.MOBILITY_HEADER, name,
                    new InetSocketAddress(addressing.source().toInetAddress(), 0),
                    new InetSocketAddress(addressing.destination().toInetAddress(), 0), copy,
                    Optional.of(addressing), Optional.empty()));
            for (int i = 0; i < copies; i++) {
                scheduler.schedule(Duration.ZERO, () -> deliverMobilityHeader(this, Optional.empty(), addressing, copy));
            }
        }

        /** The network a provider on this host opens its sockets through. */
        public ProviderNetwork network() {
            return network;
        }

        InMemoryHostNetwork sockets() {
            return network;
        }

        /**
         * Hands the host a datagram as if it arrived on interface {@code iface} from {@code from},
         * addressed to {@code to} (delivered by the scheduler, passing no tap).
         */
        public void injectDatagram(String iface, InetSocketAddress from, InetSocketAddress to, byte[] payload) {
            checkInterface(iface);
            byte[] copy = payload.clone();
            InetSocketAddress peer = OuterEndpoint.normalised(from);
            InetSocketAddress local = OuterEndpoint.normalised(to);
            scheduler.schedule(Duration.ZERO, () -> network.arriveUdp(iface, peer, local, copy));
        }

        /**
         * Hands the host's raw Mobility Header sockets a packet as if it arrived on {@code iface}
         * with {@code addressing}, which may carry anything (a Home Address option, a forged source).
         */
        public void injectMobilityHeader(String iface, byte[] octets, Addressing addressing) {
            checkInterface(iface);
            Objects.requireNonNull(addressing, "addressing");
            Inbound inbound = new Inbound(octets, addressing, observedAt(iface, addressing.destination()));
            scheduler.schedule(Duration.ZERO, () -> network.arriveMobilityHeader(iface, inbound));
        }

        @Override
        public String toString() {
            return "Host[" + name + " " + interfaces + "]";
        }

        private void checkInterface(String iface) {
            if (!hasInterface(iface)) {
                throw new IllegalArgumentException(this + " has no interface " + iface);
            }
        }

        // ---- for InMemoryHostNetwork, under the network lock ----

        boolean hasInterface(String iface) {
            return interfaces.containsKey(iface);
        }

        boolean owns(InetAddress a) {
            return owners.get(a) == this;
        }

        /**
         * The tunnel interface a Mobility Header packet to {@code destination} enters: the one
         * the socket is bound to, if that is a tunnel end, else the one whose other host owns
         * the destination; empty for the ordinary route.
         */
        Optional<String> tunnelFor(Optional<String> boundInterface, InetAddress destination) {
            if (boundInterface.isPresent()) {
                return tunnels.containsKey(boundInterface.get()) ? boundInterface : Optional.empty();
            }
            Host owner = owners.get(destination);
            return tunnels.entrySet().stream().filter(e -> e.getValue().host() == owner).map(Map.Entry::getKey)
                    .findFirst();
        }

        InetAddress firstAddress(boolean ipv4) {
            for (Set<InetAddress> addresses : interfaces.values()) {
                for (InetAddress a : addresses) {
                    if ((a instanceof Inet4Address) == ipv4) {
                        return a;
                    }
                }
            }
            return null;
        }

        InetSocketAddress natOutsideOf(InetSocketAddress inside) {
            if (natAddress == null) {
                return inside;
            }
            return natOutside.computeIfAbsent(inside, i -> {
                InetSocketAddress outside = new InetSocketAddress(natAddress, nextNatPort++);
                natInside.put(outside, i);
                return outside;
            });
        }
    }

    // ---- for InMemoryHostNetwork ----

    Scheduler scheduler() {
        return scheduler;
    }

    /** The host and interface that own {@code to}, and the local endpoint there (behind a NAT: the inside one). */
    synchronized Optional<Route> route(InetSocketAddress to) {
        InetAddress a = to.getAddress();
        Host owner = owners.get(a);
        if (owner != null) {
            return Optional.of(new Route(owner, arrivalInterface(owner, a), to));
        }
        Host behindNat = natOwners.get(a);
        if (behindNat != null && behindNat.natInside.containsKey(to)) {
            InetSocketAddress inside = behindNat.natInside.get(to);
            return behindNat.interfaceOf(inside.getAddress()).map(i -> new Route(behindNat, i, inside));
        }
        return Optional.empty();
    }

    record Route(Host host, String iface, InetSocketAddress local) {
    }

    /** The end of a tunnel: the other host and its interface. */
    record TunnelEnd(Host host, String iface) {
    }

    /** Where an ordinary (untunnelled) packet for {@code a} arrives on {@code owner}. Under the lock. */
    private static String arrivalInterface(Host owner, InetAddress a) {
        String iface = owner.interfaceOf(a).orElseThrow();
        return owner.tunnels.containsKey(iface) ? owner.outsideInterface().orElse(iface) : iface;
    }

    /**
     * Delivers a Mobility Header packet {@code sender} sent into its tunnel {@code tunnel} (or by
     * the ordinary route when empty), on a scheduler task: through the tunnel it arrives on the
     * other end's interface if that host owns the destination.
     */
    void deliverMobilityHeader(Host sender, Optional<String> tunnel, Addressing addressing, byte[] octets) {
        InetAddress destination = addressing.destination().toInetAddress();
        Host receiver;
        String iface;
        synchronized (this) {
            TunnelEnd far = tunnel.isPresent() && sender != null ? sender.tunnels.get(tunnel.get()) : null;
            if (far != null) {
                receiver = far.host().owns(destination) ? far.host() : null;
                iface = far.iface();
            } else {
                receiver = owners.get(destination);
                iface = receiver == null ? null : arrivalInterface(receiver, destination);
            }
        }
        if (receiver == null) {
            countUndeliverable();
            return;
        }
        receiver.sockets().arriveMobilityHeader(iface,
                new Inbound(octets, addressing, observedAt(iface, addressing.destination())));
    }

    /** Runs the taps; returns how many copies to deliver (0, 1 or 2) and counts them. */
    int copies(Packet packet) {
        boolean drop = false;
        boolean duplicate = false;
        for (Tap tap : taps) {
            try {
                Fate fate = Objects.requireNonNull(tap.inspect(packet), "fate");
                drop |= fate == Fate.DROP;
                duplicate |= fate == Fate.DUPLICATE;
            } catch (RuntimeException e) {
                LOG.warn("in-memory provider network tap {} failed on {}", tap, packet, e);
            }
        }
        synchronized (this) {
            sent++;
            if (drop) {
                dropped++;
                return 0;
            }
            if (duplicate) {
                duplicated++;
                return 2;
            }
            return 1;
        }
    }

    synchronized Host ownerOf(InetAddress address) {
        return owners.get(address);
    }

    synchronized void countUndeliverable() {
        undeliverable++;
    }

    synchronized void countDelivered() {
        delivered++;
    }

    static Observed observedAt(String iface, Ipv6Address destination) {
        return Observed.on(iface, new InetSocketAddress(destination.toInetAddress(), 0));
    }

    /** Whether a socket bound to {@code bound} receives what is sent to {@code to}. */
    static boolean covers(InetAddress bound, InetAddress to) {
        if (bound.equals(to)) {
            return true;
        }
        return bound.isAnyLocalAddress() && (!(bound instanceof Inet4Address) || to instanceof Inet4Address);
    }

    private static InetAddress normalised(InetAddress a) {
        return OuterEndpoint.normalised(new InetSocketAddress(a, 0)).getAddress();
    }

    private static InetAddress literal(String literal) {
        Objects.requireNonNull(literal, "address literal");
        if (!literal.contains(":") && !literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("'" + literal + "' is not an IPv4 or IPv6 address literal");
        }
        try {
            return normalised(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IPv4 or IPv6 address literal", e);
        }
    }
}
