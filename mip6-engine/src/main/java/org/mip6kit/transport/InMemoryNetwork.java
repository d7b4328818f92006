package org.mip6kit.transport;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated network of {@link InMemoryTransport}s for tests, the provider TCK and embedding.
 * Nothing here touches a socket.
 *
 * <h2>Routing</h2>
 * Each transport owns IPv6 addresses ({@link InMemoryTransport#addLocalAddress}) and outer UDP
 * endpoints ({@link InMemoryTransport#addOuterEndpoint}), and may gain or lose them while it
 * runs, as a mobile node does when it moves. A packet whose {@link Addressing#outerPeer()} is
 * present travels "encapsulated" (RFC 5555): it goes to the transport owning that endpoint (or,
 * through a NAT mapping, owning the inside endpoint behind it), whatever its IPv6 destination;
 * its outer source is the sender's first endpoint of the peer's address family, rewritten by a
 * NAT mapping if one exists ({@link #addNat}), and the receiver sees that observed endpoint as
 * its {@code outerPeer}. Any other packet goes to the transport owning its IPv6 destination
 * address (the header's destination: the care-of address when a type 2 routing header is
 * present). The receiver gets a copy of the octets with the sender's source, destination, Home
 * Address option and routing header, and {@link Observed.NOTHING}. The IPv6 source is not
 * checked against the sender's addresses, so a test can forge or replay packets. A NAT's inside
 * endpoint stays reachable directly: there is no filtering.
 *
 * <h2>Delivery and faults</h2>
 * Every delivery is a task on the {@link Scheduler}, never a call made inside {@code send}, so a
 * receiver that sends a reply does not re-enter its peer. {@link Faults} apply per network
 * ({@link #setDefaultFaults}) or per direction between two transports ({@link #setFaults}).
 * For every accepted send the network's {@link Random} draws exactly four doubles, in this order,
 * whatever the faults are: <em>loss</em> (lost if below the loss probability), <em>duplication</em>
 * (a second copy if not lost and below the duplication probability), and the <em>reorder
 * fractions</em> of the first and second copy (each copy is delayed by the fixed delay plus that
 * fraction of the maximum reorder delay). Copies due at one instant arrive in send order. Under
 * {@link VirtualTime} and sends from one thread, a seed therefore fixes every outcome, and raising
 * a probability only ever adds losses or duplicates.
 *
 * <p>The destination is resolved when the packet is sent (to choose the faults and count an
 * undeliverable packet at once) and again when it arrives, so a packet in flight to an address
 * its owner gave up is counted undeliverable. Packets that arrive at a transport not yet started
 * wait for {@link InMemoryTransport#start} (at most {@value #PENDING_LIMIT}; more are counted
 * undeliverable).
 *
 * <h2>Observation</h2>
 * {@linkplain #addTap Taps} see every accepted packet as it leaves its sender, lost or not, on the
 * sender's thread; {@link CapturedPacket#toPacket()} turns one into a packet for a pcap file.
 * {@link #counters()} returns totals.
 *
 * <p>Thread-safe: one lock guards routing state, faults, the random generator and counters;
 * receivers and taps are called without it.
 */
public final class InMemoryNetwork {

    /** Packets that may wait for a transport that has not started yet. */
    public static final int PENDING_LIMIT = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryNetwork.class);

    private final Scheduler scheduler;
    private final Clock clock;
    private final Random random;

    private final Map<Ipv6Address, InMemoryTransport> byAddress = new HashMap<>();
    private final Map<InetSocketAddress, InMemoryTransport> byEndpoint = new HashMap<>();
    private final Map<InetSocketAddress, InetSocketAddress> outsideOf = new HashMap<>();
    private final Map<InetSocketAddress, InetSocketAddress> insideOf = new HashMap<>();
    private final Map<Direction, Faults> directionFaults = new HashMap<>();
    private final List<Consumer<CapturedPacket>> taps = new CopyOnWriteArrayList<>();
    private Faults defaultFaults = Faults.NONE;
    private int nextTransportId = 1;

    private long sent;
    private long delivered;
    private long lost;
    private long duplicated;
    private long undeliverable;
    private long receiverFailures;

    /**
     * @param scheduler runs every delivery
     * @param clock     stamps captured packets
     * @param seed      seeds the {@link Random} that decides loss, duplication and reordering
     */
    public InMemoryNetwork(Scheduler scheduler, Clock clock, long seed) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(seed);
    }

    /** A network on virtual time: deliveries run when the test advances {@code time}. */
    public InMemoryNetwork(VirtualTime time, long seed) {
        this(time, time.clock(), seed);
    }

    /**
     * Attaches a new transport owning {@code localAddresses}.
     *
     * @throws IllegalStateException if another transport owns one of the addresses
     */
    public InMemoryTransport attach(Ipv6Address... localAddresses) {
        synchronized (this) {
            for (Ipv6Address a : localAddresses) {
                Objects.requireNonNull(a, "local address");
                if (byAddress.containsKey(a)) {
                    throw new IllegalStateException("address " + a + " is already owned by " + byAddress.get(a));
                }
            }
            InMemoryTransport transport = new InMemoryTransport(this, nextTransportId++);
            for (Ipv6Address a : localAddresses) {
                own(transport, a);
            }
            return transport;
        }
    }

    /** The faults of every direction that has none of its own. */
    public synchronized void setDefaultFaults(Faults faults) {
        this.defaultFaults = Objects.requireNonNull(faults, "faults");
    }

    /** The faults of packets from {@code from} to {@code to} (one direction only). */
    public synchronized void setFaults(InMemoryTransport from, InMemoryTransport to, Faults faults) {
        checkMember(from);
        checkMember(to);
        directionFaults.put(new Direction(from, to), Objects.requireNonNull(faults, "faults"));
    }

    /** Returns the direction from {@code from} to {@code to} to the default faults. */
    public synchronized void clearFaults(InMemoryTransport from, InMemoryTransport to) {
        directionFaults.remove(new Direction(from, to));
    }

    /** The faults that apply from {@code from} to {@code to} now. */
    public synchronized Faults faults(InMemoryTransport from, InMemoryTransport to) {
        return directionFaults.getOrDefault(new Direction(from, to), defaultFaults);
    }

    /**
     * Puts {@code inside} behind a NAT: packets it sends appear to come from {@code outside},
     * and packets sent to {@code outside} reach the owner of {@code inside}. IPv4-mapped IPv6
     * endpoints are taken as IPv4.
     *
     * @throws IllegalStateException if either endpoint is already mapped, or a transport owns {@code outside}
     * @throws IllegalArgumentException if an endpoint is unresolved
     */
    public synchronized void addNat(InetSocketAddress inside, InetSocketAddress outside) {
        InetSocketAddress in = OuterEndpoint.normalised(inside);
        InetSocketAddress out = OuterEndpoint.normalised(outside);
        if (outsideOf.containsKey(in) || insideOf.containsKey(in) || outsideOf.containsKey(out)
                || insideOf.containsKey(out)) {
            throw new IllegalStateException("NAT mapping " + in + " -> " + out + " overlaps an existing one");
        }
        if (byEndpoint.containsKey(out)) {
            throw new IllegalStateException("NAT outside endpoint " + out + " is owned by " + byEndpoint.get(out));
        }
        outsideOf.put(in, out);
        insideOf.put(out, in);
    }

    /** Removes the NAT mapping of {@code inside}; true if there was one. */
    public synchronized boolean removeNat(InetSocketAddress inside) {
        InetSocketAddress out = outsideOf.remove(OuterEndpoint.normalised(inside));
        if (out == null) {
            return false;
        }
        insideOf.remove(out);
        return true;
    }

    /** Calls {@code tap} with every packet sent from now on (on the sender's thread; it must not block). */
    public void addTap(Consumer<CapturedPacket> tap) {
        taps.add(Objects.requireNonNull(tap, "tap"));
    }

    /** Stops calling {@code tap}; true if it was added. */
    public boolean removeTap(Consumer<CapturedPacket> tap) {
        return taps.remove(tap);
    }

    /** A snapshot of the totals. */
    public synchronized Counters counters() {
        return new Counters(sent, delivered, lost, duplicated, undeliverable, receiverFailures);
    }

    // ---- called by InMemoryTransport, all under this lock unless said otherwise ----

    synchronized boolean own(InMemoryTransport transport, Ipv6Address address) {
        Objects.requireNonNull(address, "address");
        checkOpen(transport);
        InMemoryTransport owner = byAddress.get(address);
        if (owner == transport) {
            return false;
        }
        if (owner != null) {
            throw new IllegalStateException("address " + address + " is already owned by " + owner);
        }
        byAddress.put(address, transport);
        transport.addresses.add(address);
        return true;
    }

    synchronized boolean disown(InMemoryTransport transport, Ipv6Address address) {
        if (!transport.addresses.remove(address)) {
            return false;
        }
        byAddress.remove(address);
        return true;
    }

    synchronized boolean ownEndpoint(InMemoryTransport transport, InetSocketAddress endpoint) {
        InetSocketAddress e = OuterEndpoint.normalised(endpoint);
        checkOpen(transport);
        InMemoryTransport owner = byEndpoint.get(e);
        if (owner == transport) {
            return false;
        }
        if (owner != null) {
            throw new IllegalStateException("outer endpoint " + e + " is already owned by " + owner);
        }
        if (insideOf.containsKey(e)) {
            throw new IllegalStateException("outer endpoint " + e + " is the outside of a NAT mapping");
        }
        byEndpoint.put(e, transport);
        transport.endpoints.add(e);
        return true;
    }

    synchronized boolean disownEndpoint(InMemoryTransport transport, InetSocketAddress endpoint) {
        InetSocketAddress e = OuterEndpoint.normalised(endpoint);
        if (!transport.endpoints.remove(e)) {
            return false;
        }
        byEndpoint.remove(e);
        return true;
    }

    void start(InMemoryTransport transport, Consumer<Inbound> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        List<Inbound> waiting;
        synchronized (this) {
            checkOpen(transport);
            if (transport.receiver != null) {
                throw new IllegalStateException(transport + " is already started");
            }
            transport.receiver = receiver;
            waiting = new ArrayList<>(transport.pending);
            transport.pending.clear();
        }
        for (Inbound inbound : waiting) {
            scheduler.schedule(Duration.ZERO, () -> handOver(transport, inbound));
        }
    }

    void close(InMemoryTransport transport) {
        synchronized (this) {
            if (transport.closed) {
                return;
            }
            transport.closed = true;
            for (Ipv6Address a : transport.addresses) {
                byAddress.remove(a);
            }
            for (InetSocketAddress e : transport.endpoints) {
                byEndpoint.remove(e);
            }
            transport.addresses.clear();
            transport.endpoints.clear();
            undeliverable += transport.pending.size();
            transport.pending.clear();
            directionFaults.keySet().removeIf(d -> d.from == transport || d.to == transport);
        }
    }

    CompletionStage<Void> send(InMemoryTransport from, byte[] octets, Addressing to) {
        Objects.requireNonNull(octets, "octets");
        Objects.requireNonNull(to, "to");
        if (octets.length == 0 || octets.length > MobilityHeaderCodec.MAX_LENGTH) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a Mobility Header message is 1.."
                    + MobilityHeaderCodec.MAX_LENGTH + " octets, got " + octets.length));
        }
        byte[] copy = octets.clone();
        Addressing addressing = to.outerPeer().isPresent()
                ? to.withOuterPeer(OuterEndpoint.normalised(to.outerPeer().get())) : to;
        CapturedPacket captured;
        List<Duration> copyDelays = new ArrayList<>(2);
        Addressing seenByReceiver;
        synchronized (this) {
            if (from.closed) {
                return CompletableFuture.failedFuture(new IllegalStateException(from + " is closed"));
            }
            Optional<InetSocketAddress> outerSource = Optional.empty();
            Optional<InetSocketAddress> observedSource = Optional.empty();
            if (addressing.outerPeer().isPresent()) {
                InetSocketAddress peer = addressing.outerPeer().get();
                InetSocketAddress own = outerSourceFor(from, peer);
                if (own == null) {
                    return CompletableFuture.failedFuture(new IllegalStateException(from + " owns no "
                            + (peer.getAddress() instanceof java.net.Inet4Address ? "IPv4" : "IPv6")
                            + " outer endpoint to send to " + peer + " from"));
                }
                outerSource = Optional.of(own);
                observedSource = Optional.of(outsideOf.getOrDefault(own, own));
            }
            seenByReceiver = new Addressing(addressing.source(), addressing.destination(),
                    addressing.homeAddressOption(), addressing.routingHeader(), observedSource);
            captured = new CapturedPacket(clock.instant(), addressing, outerSource, copy);
            sent++;
            double lossDraw = random.nextDouble();
            double duplicationDraw = random.nextDouble();
            double firstReorder = random.nextDouble();
            double secondReorder = random.nextDouble();
            InMemoryTransport receiver = route(addressing);
            if (receiver == null) {
                undeliverable++;
            } else {
                Faults faults = directionFaults.getOrDefault(new Direction(from, receiver), defaultFaults);
                if (lossDraw < faults.lossProbability()) {
                    lost++;
                } else {
                    copyDelays.add(faults.delayFor(firstReorder));
                    if (duplicationDraw < faults.duplicationProbability()) {
                        duplicated++;
                        copyDelays.add(faults.delayFor(secondReorder));
                    }
                }
            }
        }
        Inbound inbound = new Inbound(copy, seenByReceiver, Observed.NOTHING);
        for (Duration delay : copyDelays) {
            scheduler.schedule(delay, () -> arrive(addressing, inbound));
        }
        for (Consumer<CapturedPacket> tap : taps) {
            try {
                tap.accept(captured);
            } catch (RuntimeException e) {
                LOG.warn("in-memory network tap {} failed on {}", tap, captured, e);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    // ---- internals ----

    private void arrive(Addressing sentTo, Inbound inbound) {
        InMemoryTransport receiver;
        synchronized (this) {
            receiver = route(sentTo);
            if (receiver == null) {
                undeliverable++;
                return;
            }
            if (receiver.receiver == null) {
                if (receiver.pending.size() < PENDING_LIMIT) {
                    receiver.pending.add(inbound);
                } else {
                    undeliverable++;
                }
                return;
            }
        }
        handOver(receiver, inbound);
    }

    private void handOver(InMemoryTransport receiver, Inbound inbound) {
        Consumer<Inbound> consumer;
        synchronized (this) {
            if (receiver.closed) {
                undeliverable++;
                return;
            }
            delivered++;
            consumer = receiver.receiver;
        }
        try {
            consumer.accept(inbound);
        } catch (RuntimeException e) {
            synchronized (this) {
                receiverFailures++;
            }
            LOG.error("receiver of {} failed on {}", receiver, inbound, e);
        }
    }

    private InMemoryTransport route(Addressing to) {
        if (to.outerPeer().isPresent()) {
            InetSocketAddress peer = to.outerPeer().get();
            return byEndpoint.get(insideOf.getOrDefault(peer, peer));
        }
        return byAddress.get(to.destination());
    }

    private static InetSocketAddress outerSourceFor(InMemoryTransport from, InetSocketAddress peer) {
        for (InetSocketAddress e : from.endpoints) {
            if (e.getAddress().getClass() == peer.getAddress().getClass()) {
                return e;
            }
        }
        return null;
    }

    private void checkMember(InMemoryTransport t) {
        if (Objects.requireNonNull(t, "transport").network() != this) {
            throw new IllegalArgumentException(t + " is attached to another network");
        }
    }

    private static void checkOpen(InMemoryTransport t) {
        if (t.closed) {
            throw new IllegalStateException(t + " is closed");
        }
    }

    private record Direction(InMemoryTransport from, InMemoryTransport to) {
    }

    /**
     * What the network does to packets in one direction.
     *
     * @param lossProbability        chance that a packet is dropped, 0..1
     * @param duplicationProbability chance that a packet not lost arrives twice, 0..1
     * @param maxReorderDelay        each copy waits an extra random delay below this (reordering), 0..1 day
     * @param fixedDelay             every copy waits this long (propagation), 0..1 day
     */
    public record Faults(double lossProbability, double duplicationProbability, Duration maxReorderDelay,
                         Duration fixedDelay) {

        // Declared before NONE: the constructor of NONE reads it.
        private static final Duration LONGEST = Duration.ofDays(1);

        /** A perfect network: nothing lost, duplicated or delayed. */
        public static final Faults NONE = new Faults(0, 0, Duration.ZERO, Duration.ZERO);

        /**
         * @throws IllegalArgumentException if a probability is outside 0..1 or a delay is
         *         negative or longer than a day
         * @throws NullPointerException if a delay is null
         */
        public Faults {
            checkProbability("loss", lossProbability);
            checkProbability("duplication", duplicationProbability);
            checkDelay("maximum reorder delay", maxReorderDelay);
            checkDelay("fixed delay", fixedDelay);
        }

        public Faults withLoss(double probability) {
            return new Faults(probability, duplicationProbability, maxReorderDelay, fixedDelay);
        }

        public Faults withDuplication(double probability) {
            return new Faults(lossProbability, probability, maxReorderDelay, fixedDelay);
        }

        public Faults withReorderDelay(Duration maximum) {
            return new Faults(lossProbability, duplicationProbability, maximum, fixedDelay);
        }

        public Faults withDelay(Duration delay) {
            return new Faults(lossProbability, duplicationProbability, maxReorderDelay, delay);
        }

        /** The delay of a copy whose reorder fraction (0 inclusive .. 1 exclusive) is {@code fraction}. */
        Duration delayFor(double fraction) {
            return fixedDelay.plusNanos((long) (fraction * maxReorderDelay.toNanos()));
        }

        private static void checkProbability(String name, double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(name + " probability " + p + " outside 0..1");
            }
        }

        private static void checkDelay(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException(name + " " + d + " outside 0..1 day");
            }
        }
    }

    /**
     * Totals since the network was created. Every copy that was sent or duplicated ends as
     * exactly one of delivered, lost or undeliverable; {@link #inFlight()} counts the rest.
     *
     * @param sent             packets accepted by {@code send}
     * @param delivered        copies handed to a receiver
     * @param lost             packets dropped by the loss probability
     * @param duplicated       extra copies made by the duplication probability
     * @param undeliverable    copies that found no open transport owning their destination
     * @param receiverFailures deliveries whose receiver threw (also counted as delivered)
     */
    public record Counters(long sent, long delivered, long lost, long duplicated, long undeliverable,
                           long receiverFailures) {

        /** Copies scheduled or waiting for a receiver to start. */
        public long inFlight() {
            return sent + duplicated - delivered - lost - undeliverable;
        }
    }
}
