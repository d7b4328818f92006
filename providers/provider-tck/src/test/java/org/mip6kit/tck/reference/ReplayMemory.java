package org.mip6kit.tck.reference;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The authenticators recently accepted from one peer, kept for the replay window: a message
 * whose timestamp is inside the window is accepted once; older ones fail the timestamp check,
 * so an entry can be forgotten once its timestamp has left the window. Not thread-safe: callers
 * synchronise on the instance.
 */
final class ReplayMemory {

    private record Seen(ByteBuffer mac, long timestamp) {
    }

    private final ArrayDeque<Seen> order = new ArrayDeque<>();
    private final Set<ByteBuffer> seen = new HashSet<>();
    private long newestTimestamp;
    private Instant lastAccepted = Instant.EPOCH;
    boolean bound;
    boolean releaseScheduled;
    boolean released;

    /** Records {@code mac}; false if it was accepted before (a replay). */
    boolean remember(byte[] mac, long timestamp, Instant now, Duration window) {
        forgetOlderThan(HmacAuthenticator.ntp(now.minus(window)));
        ByteBuffer key = ByteBuffer.wrap(mac.clone());
        if (!seen.add(key)) {
            return false;
        }
        order.add(new Seen(key, timestamp));
        newestTimestamp = Math.max(newestTimestamp, timestamp);
        lastAccepted = now;
        return true;
    }

    private void forgetOlderThan(long ntp) {
        while (!order.isEmpty() && Long.compareUnsigned(order.peek().timestamp(), ntp) < 0) {
            seen.remove(order.poll().mac());
        }
    }

    /** When nothing remembered here can still be replayed inside the window. */
    Instant releasableAt(Duration window) {
        Instant newest = HmacAuthenticator.fromNtp(newestTimestamp);
        return (newest.isAfter(lastAccepted) ? newest : lastAccepted).plus(window);
    }
}
