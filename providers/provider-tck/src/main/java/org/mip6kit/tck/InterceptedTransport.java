package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * A participant's attachment to the kit's network: an {@link InMemoryTransport} with a man in
 * the middle on its outgoing side ({@link #setRule}) and, for
 * {@link org.mip6kit.spi.Placement#BELOW_STACK} providers, what the receiving transport observes
 * about each arrival (its interface), as the test's network model says. Every packet that really leaves is
 * logged ({@link #sent()}). Handed to the engine as its transport (IN_MESSAGE, BELOW_STACK) or
 * to an OWNS_CHANNEL provider as the datagram channel it owns. Thread-safe.
 */
public final class InterceptedTransport implements SignallingTransport {

    private final InMemoryTransport inner;
    private final PacketOrigin origin;
    private final OriginLedger ledger;
    private final BiFunction<PacketOrigin, Addressing, Observed> evidence;
    private final List<Packet> sent = Collections.synchronizedList(new ArrayList<>());
    private volatile PathRule rule = PathRule.PASS;

    InterceptedTransport(InMemoryTransport inner, PacketOrigin origin, OriginLedger ledger,
                         BiFunction<PacketOrigin, Addressing, Observed> evidence) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.ledger = ledger;
        this.evidence = evidence;
    }

    /** Who sends through this transport. */
    public PacketOrigin origin() {
        return origin;
    }

    /** The in-memory transport underneath (addresses, outer endpoints). */
    public InMemoryTransport inner() {
        return inner;
    }

    /** Puts a man in the middle on this transport's outgoing packets; {@link PathRule#PASS} removes it. */
    public void setRule(PathRule rule) {
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** Every packet that left through this transport (after the rule), in order. */
    public List<Packet> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    public boolean addLocalAddress(Ipv6Address address) {
        return inner.addLocalAddress(address);
    }

    public boolean removeLocalAddress(Ipv6Address address) {
        return inner.removeLocalAddress(address);
    }

    @Override
    public void start(Consumer<Inbound> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (ledger == null) {
            inner.start(receiver);
            return;
        }
        inner.start(in -> {
            byte[] octets = in.octets();
            PacketOrigin from = ledger.received(octets, in.addressing());
            Observed seen = evidence.apply(from, in.addressing());
            receiver.accept(new Inbound(octets, in.addressing(), seen == null ? Observed.NOTHING : seen));
        });
    }

    /**
     * Sends through the man in the middle: packets it passes unchanged are this participant's;
     * packets it changed or added are the attacker's (they reach a BELOW_STACK provider's test
     * as {@link PacketOrigin#ATTACKER}).
     */
    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        Packet original = new Packet(octets, to);
        List<Packet> out = rule.apply(original);
        CompletionStage<Void> result = CompletableFuture.completedFuture(null);
        for (Packet p : out) {
            boolean untouched = p.equals(original);
            byte[] o = p.octets();
            if (ledger != null) {
                ledger.sent(o, p.addressing(), untouched ? origin : PacketOrigin.ATTACKER);
            }
            sent.add(p);
            CompletionStage<Void> s = inner.send(o, p.addressing());
            if (untouched) {
                result = s;
            }
        }
        return result;
    }

    /**
     * Sends {@code packet} as it is, past the rule, as this participant's: the attacker's way in
     * when called on {@link Deployment#attacker()}, a delayed delivery of a packet held earlier
     * when called on the packet's own sender.
     */
    public CompletionStage<Void> inject(Packet packet) {
        if (ledger != null) {
            ledger.sent(packet.octets(), packet.addressing(), origin);
        }
        sent.add(packet);
        return inner.send(packet.octets(), packet.addressing());
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "InterceptedTransport[" + origin + ", " + inner + "]";
    }
}
