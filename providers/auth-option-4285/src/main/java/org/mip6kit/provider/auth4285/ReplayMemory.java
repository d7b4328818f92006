package org.mip6kit.provider.auth4285;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;

/**
 * What the home agent remembers to refuse a byte-identical replay inside the timestamp window:
 * per mobile node, the timestamps of the Binding Updates it accepted, each until it has left the
 * window (timestamp + window on the home agent's clock; after that the timestamp check refuses
 * the copy on its own). A node's memory outlives its binding — deregistration does not end it —
 * and is released once every timestamp in it has left the window, so {@link #size()} falls back
 * to zero when nodes go quiet (DESIGN.md: "replay state outlives the binding").
 *
 * <p>Only authenticated messages create memory, so a forger cannot fill it. Thread-safe.
 */
final class ReplayMemory {

    private final ProviderContext context;
    private final Duration window;
    private final Map<Identity, Node> nodes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ReplayMemory(ProviderContext context, Duration window) {
        this.context = context;
        this.window = window;
    }

    /**
     * Records an accepted timestamp of {@code who}; false if it was accepted before (a replay).
     * The caller has already checked that the timestamp lies inside the window.
     */
    boolean firstSeen(Identity who, long ntpTimestamp) {
        Instant now = context.clock().instant();
        Instant forgetAt = NtpTimestamp.toInstant(ntpTimestamp).plus(window);
        while (true) {
            Node node = nodes.computeIfAbsent(who, k -> new Node());
            boolean schedule;
            synchronized (node) {
                if (node.released) {
                    continue; // released between the lookup and the lock: take a fresh one
                }
                node.forgetExpired(now);
                if (node.seen.putIfAbsent(ntpTimestamp, forgetAt) != null) {
                    return false;
                }
                if (forgetAt.isAfter(node.releaseAt)) {
                    node.releaseAt = forgetAt;
                }
                schedule = !node.releaseScheduled;
                node.releaseScheduled = true;
            }
            if (schedule) {
                scheduleRelease(who, node);
            }
            return true;
        }
    }

    /** Nodes with memory. */
    int size() {
        return nodes.size();
    }

    void close() {
        closed = true;
        nodes.clear();
    }

    private void scheduleRelease(Identity who, Node node) {
        if (closed) {
            return;
        }
        Duration delay;
        synchronized (node) {
            delay = Duration.between(context.clock().instant(), node.releaseAt);
        }
        context.scheduler().schedule(delay.isNegative() ? Duration.ZERO : delay, () -> releaseIfDue(who, node));
    }

    private void releaseIfDue(Identity who, Node node) {
        synchronized (node) {
            if (node.released) {
                return;
            }
            if (!context.clock().instant().isBefore(node.releaseAt)) {
                node.released = true;
                nodes.remove(who, node);
                return;
            }
            // A newer timestamp arrived since the task was scheduled: wait for it to leave the window too.
        }
        scheduleRelease(who, node);
    }

    /** One node's memory; guarded by its own monitor. */
    private static final class Node {
        final Map<Long, Instant> seen = new HashMap<>();
        Instant releaseAt = Instant.MIN;
        boolean releaseScheduled;
        boolean released;

        void forgetExpired(Instant now) {
            for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
                if (it.next().isBefore(now)) {
                    it.remove();
                }
            }
        }
    }
}
