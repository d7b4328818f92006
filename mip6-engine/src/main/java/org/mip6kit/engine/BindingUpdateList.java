package org.mip6kit.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * The mobile node's Binding Update List (RFC 6275 §11.1): one entry
 * per destination a Binding Update was sent to, with the largest sequence number sent, when it
 * was sent, the retransmission state and the MAX_UPDATE_RATE limiter for that destination.
 *
 * <p>Not thread-safe: the {@link MobileNodeEngine} guards it with its own lock.
 */
final class BindingUpdateList {

    private final Clock clock;
    private final int maxUpdatesPerSecond;
    private final Supplier<SequenceNumber> firstSequence;
    private final Map<Ipv6Address, Entry> entries = new LinkedHashMap<>();

    /**
     * @param maxUpdatesPerSecond MAX_UPDATE_RATE per destination
     * @param firstSequence the first sequence number of a new entry (random or configured)
     */
    BindingUpdateList(Clock clock, int maxUpdatesPerSecond, Supplier<SequenceNumber> firstSequence) {
        this.clock = clock;
        this.maxUpdatesPerSecond = maxUpdatesPerSecond;
        this.firstSequence = firstSequence;
    }

    /** The entry for {@code destination}, created empty if there is none. */
    Entry entry(Ipv6Address destination) {
        return entries.computeIfAbsent(destination, d -> new Entry(d, firstSequence.get(),
                new RateLimiter(clock, maxUpdatesPerSecond, 1)));
    }

    Optional<Entry> find(Ipv6Address destination) {
        return Optional.ofNullable(entries.get(destination));
    }

    List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /**
     * One destination. The sequence counter only moves forward (RFC 6275 §11.7.1: every Binding
     * Update, retransmissions included, carries a larger number), except that a verified status
     * 135 resynchronises it with the number the peer last accepted.
     */
    static final class Entry {

        private final Ipv6Address destination;
        private final SequenceNumber first;
        // Burst 1 so that no window of one second ever holds more than the rate (a burst of n
        // followed by the refill would allow almost 2n).
        private final RateLimiter updates;
        private SequenceNumber lastSent;
        private Instant lastSentAt;
        private Ipv6Address homeAddress;
        private Ipv6Address careOfAddress;
        private Lifetime lifetime;
        private Duration currentTimeout = Duration.ZERO;
        private int retransmissions;

        Entry(Ipv6Address destination, SequenceNumber first, RateLimiter updates) {
            this.destination = destination;
            this.first = first;
            this.updates = updates;
        }

        Ipv6Address destination() {
            return destination;
        }

        /** Takes the next sequence number and remembers it as the largest sent. */
        SequenceNumber nextSequence() {
            lastSent = lastSent == null ? first : lastSent.next();
            return lastSent;
        }

        /** The largest sequence number sent, if any was. */
        Optional<SequenceNumber> lastSequenceSent() {
            return Optional.ofNullable(lastSent);
        }

        /**
         * Status 135: the peer last accepted {@code acceptedByPeer}, so the next Binding Update
         * carries {@code acceptedByPeer + 1} (RFC 6275 §11.7.3).
         */
        void resynchronise(SequenceNumber acceptedByPeer) {
            lastSent = acceptedByPeer;
        }

        /** Records what the Binding Update just sent said and when it left. */
        void recordSent(Ipv6Address hoa, Ipv6Address coa, Lifetime requested, Instant at) {
            this.homeAddress = hoa;
            this.careOfAddress = coa;
            this.lifetime = requested;
            this.lastSentAt = at;
        }

        /** Takes a MAX_UPDATE_RATE permit for this destination if one is free now. */
        boolean trySend() {
            return updates.tryAcquire();
        }

        /** How long until the rate allows the next Binding Update to this destination. */
        Duration untilSendAllowed() {
            return updates.timeUntilAvailable();
        }

        /** A new Binding Update (not a retransmission) starts with {@code initialTimeout}. */
        void beginTransmissions(Duration initialTimeout) {
            currentTimeout = initialTimeout;
            retransmissions = 0;
        }

        /** One more retransmission: the timeout doubles up to {@code max}. */
        void backOff(Duration max) {
            retransmissions++;
            Duration doubled = currentTimeout.multipliedBy(2);
            currentTimeout = doubled.compareTo(max) > 0 ? max : doubled;
        }

        /** A retransmission prompted by the peer (135, a provider's retry): counted, not backed off. */
        void countRetransmission() {
            retransmissions++;
        }

        Duration currentTimeout() {
            return currentTimeout;
        }

        int retransmissions() {
            return retransmissions;
        }

        Optional<Instant> lastSentAt() {
            return Optional.ofNullable(lastSentAt);
        }

        Optional<Ipv6Address> homeAddress() {
            return Optional.ofNullable(homeAddress);
        }

        Optional<Ipv6Address> careOfAddress() {
            return Optional.ofNullable(careOfAddress);
        }

        Optional<Lifetime> lifetime() {
            return Optional.ofNullable(lifetime);
        }

        @Override
        public String toString() {
            return "BUL[" + destination + " hoa=" + homeAddress + " coa=" + careOfAddress + " seq=" + lastSent
                    + " sent=" + lastSentAt + " timeout=" + currentTimeout + " retx=" + retransmissions + "]";
        }
    }
}
