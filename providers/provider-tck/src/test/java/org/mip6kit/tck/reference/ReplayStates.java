package org.mip6kit.tck.reference;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.tck.reference.ReferenceHmacProvider.Flaw;

/**
 * A home agent's replay memory, one {@link ReplayMemory} per identity: kept while the identity
 * has a binding, and for the replay window after its last accepted message once it has none
 * (deregistered, expired, or never bound), then released on the provider's scheduler. The
 * {@link Flaw}s that concern state are applied here.
 */
final class ReplayStates {

    private final ProviderContext context;
    private final Duration window;
    private final Flaw flaw;
    private final Map<Identity, ReplayMemory> states = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ReplayStates(ProviderContext context, Duration window, Flaw flaw) {
        this.context = context;
        this.window = window;
        this.flaw = flaw;
    }

    /** Records an authenticator of {@code who}; false if it was accepted before (a replay). */
    boolean firstSeen(Identity who, byte[] mac, long timestamp) {
        Instant now = context.clock().instant();
        while (true) {
            ReplayMemory memory = states.computeIfAbsent(who, k -> new ReplayMemory());
            synchronized (memory) {
                if (memory.released) {
                    continue; // released between the lookup and the lock: take a fresh one
                }
                if (!memory.remember(mac, timestamp, now, window)) {
                    return false;
                }
            }
            scheduleRelease(who, memory);
            return true;
        }
    }

    void afterChange(BindingChange change) {
        ReplayMemory memory = states.get(change.identity());
        if (memory == null) {
            return;
        }
        switch (change.kind()) {
            case CREATED, MOVED, REFRESHED -> {
                synchronized (memory) {
                    memory.bound = true;
                }
            }
            case DELETED, EXPIRED -> {
                if (flaw == Flaw.FORGETS_REPLAY_STATE_AT_DEREGISTRATION) {
                    synchronized (memory) {
                        memory.released = true;
                        states.remove(change.identity(), memory);
                    }
                    return;
                }
                synchronized (memory) {
                    memory.bound = false;
                }
                scheduleRelease(change.identity(), memory);
            }
        }
    }

    int size() {
        return states.size();
    }

    void close() {
        closed = true;
        states.clear();
    }

    private void scheduleRelease(Identity who, ReplayMemory memory) {
        if (flaw == Flaw.NEVER_RELEASES_STATE || closed) {
            return;
        }
        Duration delay;
        synchronized (memory) {
            if (memory.releaseScheduled || memory.bound || memory.released) {
                return;
            }
            memory.releaseScheduled = true;
            delay = Duration.between(context.clock().instant(), memory.releasableAt(window));
        }
        context.scheduler().schedule(delay.isNegative() ? Duration.ZERO : delay, () -> releaseIfDue(who, memory));
    }

    private void releaseIfDue(Identity who, ReplayMemory memory) {
        synchronized (memory) {
            memory.releaseScheduled = false;
            if (memory.bound || memory.released) {
                return;
            }
            if (!context.clock().instant().isBefore(memory.releasableAt(window))) {
                memory.released = true;
                states.remove(who, memory);
                return;
            }
            // A newer message arrived since: wait for its window too.
        }
        scheduleRelease(who, memory);
    }
}
