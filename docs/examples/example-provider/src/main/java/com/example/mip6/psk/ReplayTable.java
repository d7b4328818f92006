package com.example.mip6.psk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.EventSink;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's replay protection: per node, the highest counter accepted so far.
 *
 * <h2>Rules</h2>
 * <ol>
 * <li>A counter is accepted only if it lies within {@code maxClockSkew} of this home agent's
 *     clock (counters are microseconds on the mobile node's clock) and is above the node's
 *     highest accepted counter.</li>
 * <li>A node's entry lives while it has a binding, and for {@code replayWindow} after its last
 *     accepted message once it has none (after deregistration or expiry, or when a verified
 *     Binding Update did not lead to a binding). Then it is released.</li>
 * </ol>
 * Together they refuse every replay: while the entry exists, by rule 1's "above the highest";
 * after release, because the replayed counter is at least {@code replayWindow − maxClockSkew}
 * old, more than {@code maxClockSkew} (the configuration insists on
 * {@code replayWindow > 2 × maxClockSkew}).
 *
 * <p>Thread-safe (one lock); never blocks; release runs on the provider's {@link Scheduler}.
 */
final class ReplayTable {

    private static final class Entry {
        final Identity identity;
        long highest;
        long lastActivityMillis;
        final Set<Ipv6Address> bound = new HashSet<>();
        Cancellable release;

        Entry(Identity identity) {
            this.identity = identity;
        }
    }

    private final Clock clock;
    private final Scheduler scheduler;
    private final EventSink events;
    private final Duration replayWindow;
    private final long maxSkewMicros;
    private final Map<String, Entry> entries = new HashMap<>();
    private boolean closed;

    ReplayTable(Clock clock, Scheduler scheduler, EventSink events, Duration replayWindow, Duration maxClockSkew) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.events = events;
        this.replayWindow = replayWindow;
        this.maxSkewMicros = maxClockSkew.toNanos() / 1000;
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /**
     * Records {@code counter} for an authenticated message of {@code node}, or says why it is refused.
     *
     * @return empty if accepted, else the reason (for logs; holds no secret)
     */
    synchronized Optional<String> accept(Identity node, long counter) {
        if (closed) {
            return Optional.of("the provider is closed");
        }
        long now = micros(clock.instant());
        if (counter < now - maxSkewMicros || counter > now + maxSkewMicros) {
            long seconds = counter / 1_000_000 - now / 1_000_000; // divided first: cannot overflow
            return Optional.of("counter " + counter + " is " + Math.abs(seconds) + " s "
                    + (seconds < 0 ? "behind" : "ahead of") + " this home agent's clock (max-clock-skew "
                    + Duration.ofNanos(maxSkewMicros * 1000) + "): a stale replay or a badly set clock");
        }
        Entry e = entries.get(node.value());
        if (e != null && Long.compareUnsigned(counter, e.highest) <= 0) {
            return Optional.of("counter " + counter + " is not above the highest accepted, " + e.highest
                    + ": a replay");
        }
        if (e == null) {
            e = new Entry(node);
            entries.put(node.value(), e);
        }
        e.highest = counter;
        e.lastActivityMillis = clock.millis();
        if (e.bound.isEmpty()) {
            armRelease(e, replayWindow);
        }
        return Optional.empty();
    }

    /** Follows the binding cache: an entry with a binding is never released. */
    synchronized void bindingChanged(BindingChange change) {
        Entry e = entries.get(change.identity().value());
        if (e == null || closed) {
            return;
        }
        switch (change.kind()) {
            case CREATED, MOVED, REFRESHED -> {
                e.bound.add(change.homeAddress());
                cancelRelease(e);
            }
            case DELETED, EXPIRED -> {
                e.bound.remove(change.homeAddress());
                if (e.bound.isEmpty()) {
                    e.lastActivityMillis = Math.max(e.lastActivityMillis, clock.millis());
                    armRelease(e, replayWindow);
                }
            }
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized void close() {
        closed = true;
        entries.values().forEach(ReplayTable::cancelRelease);
        entries.clear();
    }

    private void armRelease(Entry e, Duration after) {
        cancelRelease(e);
        e.release = scheduler.schedule(after, () -> releaseIfIdle(e));
    }

    private static void cancelRelease(Entry e) {
        if (e.release != null) {
            e.release.cancel();
            e.release = null;
        }
    }

    private void releaseIfIdle(Entry e) {
        boolean released;
        synchronized (this) {
            if (closed || entries.get(e.identity.value()) != e || !e.bound.isEmpty()) {
                return;
            }
            long dueMillis = e.lastActivityMillis + replayWindow.toMillis();
            long now = clock.millis();
            released = now >= dueMillis;
            if (released) {
                entries.remove(e.identity.value());
                e.release = null;
            } else {
                armRelease(e, Duration.ofMillis(dueMillis - now));
            }
        }
        if (released) {
            events.emit(new ProviderEvent("replay-state-released", Optional.of(e.identity), Optional.empty(),
                    "no binding and no message for " + replayWindow + "; counters older than now − "
                            + "max-clock-skew are refused from here on"));
        }
    }
}
