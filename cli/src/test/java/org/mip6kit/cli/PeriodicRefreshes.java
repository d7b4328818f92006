package org.mip6kit.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.mip6kit.cli.BindingUpdateFleet.Answer;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * Every node of a {@link BindingUpdateFleet} refreshing its binding on its own timer, as a mobile
 * node does: one Binding Update every {@code period} after the last was accepted (the first ones
 * spread evenly over one period), each retransmitted as RFC 6275 §11.8 says, after 1 s, then
 * doubling up to 32 s. A 135 naming a sequence number at least the node's own (the home agent
 * holds a newer one: a Binding Update accepted just before a failure whose acknowledgement was
 * lost) makes the node send again at once with the next number (§11.7.3), and counts as a
 * retransmission.
 *
 * <p>Around a {@link #mark} (a member's kill), it counts per node the retransmissions the node
 * sent from the mark until it had a Binding Update first sent after the mark accepted, notes
 * which nodes sent anything after the mark (the ones the kill could touch), which address
 * answered them, and when the killed member's address first answered again. All node state is
 * on one scheduler thread; answers are handed to it.
 */
final class PeriodicRefreshes implements AutoCloseable {

    private static final long INITIAL_TIMEOUT = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_TIMEOUT = TimeUnit.SECONDS.toNanos(32);

    /** One node's refresh state; touched only on the scheduler thread. */
    static final class Node {
        final int id;
        Ipv6Address careOf;
        int sequence;
        int lastAccepted;
        boolean waiting;
        long timeout;
        long firstSent;
        long lastSent;
        ScheduledFuture<?> retransmit;
        int retransmissions;
        int retransmissionsAfterMark;
        boolean sentAfterMark;
        boolean acceptedFromWatched;
        int resyncs;
        long acceptedAfterMark = -1;
        Ipv6Address lastAcceptedFrom;
        String lastAcceptedOuterFrom;
        final Map<String, Integer> refusals = new TreeMap<>();

        Node(int id, Ipv6Address careOf, int sequence) {
            this.id = id;
            this.careOf = careOf;
            this.sequence = sequence;
            this.lastAccepted = sequence;
        }
    }

    private final BindingUpdateFleet fleet;
    private final Node[] nodes;
    private final long period;
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "refreshes");
        t.setDaemon(true);
        return t;
    });
    private volatile long mark = Long.MAX_VALUE;
    private volatile long confirmed = Long.MAX_VALUE;
    private volatile Ipv6Address watched;
    private final AtomicLong firstAnswerFromWatched = new AtomicLong(-1);
    private final AtomicLong firstAcceptFromWatched = new AtomicLong(-1);
    private final AtomicLong acceptedByWatched = new AtomicLong();
    private volatile boolean stopping;

    /**
     * @param careOf every node's care-of address, nodes 0 .. n-1
     * @param sequence every node's last accepted sequence number
     */
    PeriodicRefreshes(BindingUpdateFleet fleet, Map<Integer, Ipv6Address> careOf, Map<Integer, Integer> sequence,
                      Duration period) {
        this.fleet = fleet;
        this.period = period.toNanos();
        this.nodes = new Node[careOf.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = new Node(i, careOf.get(i), sequence.get(i));
        }
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Starts every node's timer; the first refreshes are spread over one period. */
    void start() {
        fleet.onAnswer(a -> scheduler.execute(() -> answered(a)));
        for (Node n : nodes) {
            scheduler.schedule(() -> refresh(n), period * n.id / nodes.length, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Marks the kill: counting starts at {@code at} ({@link System#nanoTime}); answers from
     * {@code address} to Binding Updates sent after {@code deathConfirmed} are the taken-over
     * address answering again.
     */
    void mark(long at, long deathConfirmed, Ipv6Address address) {
        this.watched = address;
        this.confirmed = deathConfirmed;
        this.mark = at;
    }

    /** Stops scheduling refreshes; the Binding Updates in flight are still retransmitted until answered. */
    void stop() {
        stopping = true;
    }

    /** How many nodes wait for an acknowledgement now. */
    int outstanding() throws Exception {
        return read(all -> (int) Arrays.stream(all).filter(n -> n.waiting).count());
    }

    /** What {@code reader} makes of the nodes' state, read on the scheduler thread. */
    <T> T read(Function<Node[], T> reader) throws Exception {
        return scheduler.submit(() -> reader.apply(nodes)).get();
    }

    long markNanos() {
        return mark;
    }

    /** How many nodes the watched address has accepted a Binding Update of since the kill. */
    long acceptedByWatched() {
        return acceptedByWatched.get();
    }

    /** When the watched address first answered after the kill, or -1. */
    long firstAnswerFromWatched() {
        return firstAnswerFromWatched.get();
    }

    /** When the watched address first accepted a Binding Update after the kill, or -1. */
    long firstAcceptFromWatched() {
        return firstAcceptFromWatched.get();
    }

    private void refresh(Node n) {
        if (stopping) {
            return;
        }
        n.sequence = (n.sequence + 1) & 0xffff;
        n.firstSent = System.nanoTime();
        n.waiting = true;
        n.timeout = INITIAL_TIMEOUT;
        transmit(n);
    }

    private void transmit(Node n) {
        n.lastSent = System.nanoTime();
        if (n.lastSent - mark >= 0) {
            n.sentAfterMark = true;
        }
        fleet.send(fleet.bu(n.id, n.sequence), n.id, n.careOf);
        int sequence = n.sequence;
        n.retransmit = scheduler.schedule(() -> retransmit(n, sequence), n.timeout, TimeUnit.NANOSECONDS);
    }

    private void retransmit(Node n, int sequence) {
        if (!n.waiting || n.sequence != sequence) {
            return;
        }
        countRetransmission(n);
        n.timeout = Math.min(MAX_TIMEOUT, n.timeout * 2);
        transmit(n);
    }

    private void countRetransmission(Node n) {
        n.retransmissions++;
        if (System.nanoTime() - mark >= 0 && n.acceptedAfterMark < 0) {
            n.retransmissionsAfterMark++;
        }
    }

    private void answered(Answer a) {
        if (a.node() < 0 || a.node() >= nodes.length) {
            return;
        }
        Node n = nodes[a.node()];
        Ipv6Address w = watched;
        boolean afterDeath = w != null && a.from().equals(w) && n.lastSent - confirmed >= 0;
        if (afterDeath) {
            firstAnswerFromWatched.compareAndSet(-1, a.nanos());
        }
        int seq = a.ack().sequence().value();
        BindingAckStatus status = a.ack().status();
        if (!n.waiting) {
            return;
        }
        if (status.equals(BindingAckStatus.ACCEPTED) && seq == n.sequence) {
            n.waiting = false;
            n.retransmit.cancel(false);
            n.lastAccepted = seq;
            n.lastAcceptedFrom = a.from();
            n.lastAcceptedOuterFrom = a.outerFrom().map(p -> (p.getAddress().getAddress().length == 16
                    ? Ipv6Address.fromBytes(p.getAddress().getAddress()).toString() : p.getAddress().getHostAddress())
                    + " port " + p.getPort()).orElse("none");
            if (afterDeath) {
                firstAcceptFromWatched.compareAndSet(-1, a.nanos());
                if (!n.acceptedFromWatched) {
                    n.acceptedFromWatched = true;
                    acceptedByWatched.incrementAndGet();
                }
            }
            if (n.acceptedAfterMark < 0 && n.firstSent - mark >= 0) {
                n.acceptedAfterMark = a.nanos();
            }
            if (!stopping) {
                scheduler.schedule(() -> refresh(n), period, TimeUnit.NANOSECONDS);
            }
        } else if (status.equals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW)
                && SequenceNumber.of(seq).compareTo(SequenceNumber.of(n.sequence)) >= 0) {
            n.retransmit.cancel(false);
            n.resyncs++;
            countRetransmission(n);
            n.sequence = (seq + 1) & 0xffff;
            n.timeout = INITIAL_TIMEOUT;
            transmit(n);
        } else if (!status.equals(BindingAckStatus.ACCEPTED) && seq == n.sequence) {
            n.refusals.merge(status.toString(), 1, Integer::sum);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
