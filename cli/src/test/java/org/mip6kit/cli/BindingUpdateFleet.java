package org.mip6kit.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.spi.Addressing;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/**
 * Many mobile nodes as raw Binding Updates over one RFC 5555 UDP socket, for the home agent's
 * large tests. Node {@code i} has the home address {@link #hoa}{@code (i)} and the NAI
 * {@link #nai}{@code (i)} ({@link NaiTestProvider}, realm {@code example.org}); it registers with
 * the home agent its {@link Route} names, and every Binding Acknowledgement is recorded by home
 * address and handed to the {@link #onAnswer listener}.
 *
 * <p>{@link #registerAll} sends in windows and retransmits each Binding Update until it is
 * accepted; a test that needs its own schedule sends with {@link #send}.
 */
final class BindingUpdateFleet implements AutoCloseable {

    /** Where a node's Binding Updates go: its home agent's address and the UDP endpoint that reaches it. */
    record Route(Ipv6Address homeAgent, InetSocketAddress endpoint) {
    }

    /**
     * One Binding Acknowledgement as it arrived.
     *
     * @param node the node it answers
     * @param ack the message
     * @param from its inner source: the home agent address that answered
     * @param outerFrom the UDP endpoint it came from
     * @param nanos when it arrived ({@link System#nanoTime})
     */
    record Answer(int node, BindingAcknowledgement ack, Ipv6Address from, Optional<InetSocketAddress> outerFrom,
                  long nanos) {
    }

    private static final int WINDOW = 200;

    private final MobilityHeaderCodec codec = new MobilityHeaderCodec(MobilityOptionRegistry.standard());
    private final UdpTransport socket;
    private final int lifetimeUnits;
    private volatile IntFunction<Route> routes;
    private volatile Consumer<Answer> listener = a -> { };
    /** The last Binding Acknowledgement received per home address. */
    private final Map<Ipv6Address, BindingAcknowledgement> acks = new ConcurrentHashMap<>();
    /**
     * The sequence numbers accepted per home address. A Binding Update whose acknowledgement is
     * late is retransmitted (same sequence number), and the home agent rightly answers such a
     * copy with 135 once the first was accepted: what counts is that one was accepted.
     */
    private final Map<Ipv6Address, Set<SequenceNumber>> accepted = new ConcurrentHashMap<>();

    private BindingUpdateFleet(UdpTransport socket, IntFunction<Route> routes, int lifetimeUnits) {
        this.socket = socket;
        this.routes = routes;
        this.lifetimeUnits = lifetimeUnits;
    }

    /**
     * Opens the fleet's socket on {@code bind} (ephemeral port) and starts receiving.
     *
     * @param lifetimeUnits the lifetime every Binding Update asks for, in units of 4 s
     */
    static BindingUpdateFleet open(InetAddress bind, IntFunction<Route> routes, int lifetimeUnits) {
        UdpTransport socket = UdpTransport.open(UdpTransport.Config.ephemeral(bind));
        BindingUpdateFleet fleet = new BindingUpdateFleet(socket, routes, lifetimeUnits);
        socket.start(in -> {
            long nanos = System.nanoTime();
            try {
                MobilityMessage m = fleet.codec.decode(in.octets(), in.addressing().pseudoHeaderSource(),
                        in.addressing().pseudoHeaderDestination());
                if (m instanceof BindingAcknowledgement ba) {
                    Ipv6Address hoa = in.addressing().routingHeader().orElse(in.addressing().destination());
                    fleet.acks.put(hoa, ba);
                    if (ba.status().equals(BindingAckStatus.ACCEPTED)) {
                        fleet.accepted.computeIfAbsent(hoa, h -> ConcurrentHashMap.newKeySet()).add(ba.sequence());
                    }
                    fleet.listener.accept(new Answer(nodeOf(hoa), ba, in.addressing().source(),
                            in.addressing().outerPeer(), nanos));
                }
            } catch (Exception e) {
                // not ours
            }
        });
        return fleet;
    }

    /** From now on, Binding Updates go where {@code newRoutes} says (a restarted home agent's new port). */
    void reroute(IntFunction<Route> newRoutes) {
        this.routes = newRoutes;
    }

    /** Every Binding Acknowledgement from now on also goes to {@code l}, on the socket's receive thread. */
    void onAnswer(Consumer<Answer> l) {
        this.listener = l;
    }

    Route route(int node) {
        return routes.apply(node);
    }

    /**
     * Registers every node of {@code careOf} at its care-of address with sequence number {@code seq},
     * {@value #WINDOW} at a time, retransmitting each second until accepted; fails when a window is
     * not accepted within 30 s or a node is refused outright.
     */
    void registerAll(Map<Integer, Ipv6Address> careOf, int seq) throws InterruptedException {
        List<Integer> nodes = new ArrayList<>(careOf.keySet());
        nodes.sort(null);
        for (int from = 0; from < nodes.size(); from += WINDOW) {
            List<Integer> window = nodes.subList(from, Math.min(nodes.size(), from + WINDOW));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Integer> waiting = new ArrayList<>(window);
            while (!waiting.isEmpty()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(waiting.size() + " nodes unacknowledged within 30 s, e.g. node "
                            + waiting.get(0) + " (last answer " + acks.get(hoa(waiting.get(0))) + ")");
                }
                for (int i : waiting) {
                    send(bu(i, seq), i, careOf.get(i));
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() < until && !waiting.isEmpty()) {
                    waiting.removeIf(i -> isAccepted(i, seq) || refusedOutright(i, seq));
                    Thread.sleep(1);
                }
            }
            for (int i : window) {
                if (!isAccepted(i, seq)) {
                    throw new AssertionError("node " + i + " was refused: " + acks.get(hoa(i)));
                }
            }
        }
    }

    /** Whether a Binding Acknowledgement accepted {@code node}'s Binding Update {@code seq}. */
    boolean isAccepted(int node, int seq) {
        return accepted.getOrDefault(hoa(node), Set.of()).contains(SequenceNumber.of(seq));
    }

    /** A refusal other than the 135 a late copy of an accepted Binding Update gets. */
    private boolean refusedOutright(int node, int seq) {
        BindingAcknowledgement ba = acks.get(hoa(node));
        return ba != null && !ba.status().equals(BindingAckStatus.ACCEPTED)
                && !ba.status().equals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW)
                && ba.sequence().equals(SequenceNumber.of(seq));
    }

    /** Forgets {@code node}'s last Binding Acknowledgement, so that {@link #awaitAck} waits for a new one. */
    void forgetAck(int node) {
        acks.remove(hoa(node));
    }

    /** The next Binding Acknowledgement for {@code node} since {@link #forgetAck}, waited for up to {@code limit}. */
    BindingAcknowledgement awaitAck(int node, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            BindingAcknowledgement ba = acks.get(hoa(node));
            if (ba != null) {
                return ba;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no Binding Acknowledgement for node " + node + " within " + limit);
    }

    /** {@code node}'s home registration with sequence number {@code seq}, encoded for its home agent. */
    byte[] bu(int node, int seq) {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(seq), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(lifetimeUnits),
                List.of(MobileNodeIdentifier.nai(nai(node))));
        // RFC 6275 §6.1.7: the checksum covers the home address and the home agent address.
        return codec.encode(bu, hoa(node), route(node).homeAgent());
    }

    /** Sends an encoded Binding Update of {@code node} from {@code careOf} to its home agent. */
    void send(byte[] bu, int node, Ipv6Address careOf) {
        Route r = route(node);
        socket.send(bu, new Addressing(careOf, r.homeAgent(), Optional.of(hoa(node)), Optional.empty(),
                Optional.of(r.endpoint())));
    }

    @Override
    public void close() {
        socket.close();
    }

    static String nai(int node) {
        return "n" + node + "@example.org";
    }

    static Ipv6Address hoa(int node) {
        return Ipv6Address.of(0x20010db800010000L, 0x10000L + node);
    }

    static int nodeOf(Ipv6Address hoa) {
        return (int) (hoa.low() - 0x10000L);
    }

    /** Node {@code node}'s care-of address after {@code move} moves: 2001:db8:(1+move)::1:node. */
    static Ipv6Address coa(int node, int move) {
        return Ipv6Address.of(0x20010db800000000L | ((long) (1 + move) << 16), 0x10000L + node);
    }
}
