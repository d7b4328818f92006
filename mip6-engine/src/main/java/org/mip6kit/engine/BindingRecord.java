package org.mip6kit.engine;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.SequenceNumber;

/**
 * A snapshot of one home agent binding cache entry (RFC 6275 §9.1): a live binding, or the
 * replay hold an entry becomes after deregistration, expiry or revocation, which keeps the owner
 * (another identity is refused the home address meanwhile) and the last accepted sequence number
 * (compared only with {@link HomeAgentSettings#sequenceNumberHold()}: the hold is not a binding,
 * and RFC 6275 §9.5.1 accepts any sequence number when there is none).
 *
 * @param state whether the binding is live or only its replay state remains
 * @param homeAddress the key
 * @param careOfAddress the effective care-of address (IPv4 as IPv4-mapped)
 * @param sequence the largest sequence number accepted
 * @param lifetime the lifetime granted by the last acceptance
 * @param mobileRouter whether the registration had the R flag (RFC 3963)
 * @param keyManagementMobility whether K was granted (the provider's IKE SA follows moves)
 * @param identity the authenticated owner
 * @param expiresAt when the binding expires (for a hold: when the replay state is forgotten)
 * @param outerPeer the mobile node's observed UDP endpoint, when encapsulated
 * @param mobileNetworkPrefixes a mobile router's registered prefixes (RFC 3963 §6.1.1), whether
 *        from its Binding Update (explicit mode) or from its prefix table row (implicit mode);
 *        empty for a mobile host and for a replay hold (the prefixes go with the binding);
 *        unmodifiable
 */
public record BindingRecord(State state, Ipv6Address homeAddress, Ipv6Address careOfAddress, SequenceNumber sequence,
                            Lifetime lifetime, boolean mobileRouter, boolean keyManagementMobility, Identity identity,
                            Instant expiresAt, Optional<InetSocketAddress> outerPeer,
                            List<MobileNetworkPrefix> mobileNetworkPrefixes) {

    public BindingRecord {
        mobileNetworkPrefixes = List.copyOf(mobileNetworkPrefixes);
        if (!mobileRouter && !mobileNetworkPrefixes.isEmpty()) {
            throw new IllegalArgumentException("only a mobile router's binding has mobile network prefixes");
        }
    }

    /** A binding with no mobile network prefixes (a mobile host's, or a replay hold). */
    public BindingRecord(State state, Ipv6Address homeAddress, Ipv6Address careOfAddress, SequenceNumber sequence,
                         Lifetime lifetime, boolean mobileRouter, boolean keyManagementMobility, Identity identity,
                         Instant expiresAt, Optional<InetSocketAddress> outerPeer) {
        this(state, homeAddress, careOfAddress, sequence, lifetime, mobileRouter, keyManagementMobility, identity,
                expiresAt, outerPeer, List.of());
    }

    /** Whether a binding is live. */
    public enum State {
        /** A registered binding. */
        BOUND,
        /** Deregistered or expired; only the replay state is kept until {@code expiresAt}. */
        REPLAY_HOLD
    }

    public boolean isBound() {
        return state == State.BOUND;
    }
}
