package org.mip6kit.spi;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;

/**
 * A change to the home agent's binding cache, given to the provider before the Binding
 * Acknowledgement is sent ({@link HomeAgentSecurity#beforeAck}, for CREATED, MOVED and
 * REFRESHED only), when it did not happen after all ({@link HomeAgentSecurity#abandoned}), and
 * once it is done ({@link HomeAgentSecurity#afterChange}).
 *
 * @param kind what happens
 * @param identity the authenticated identity owning the binding
 * @param homeAddress the home address
 * @param previousCareOf the care-of address before the change (absent for a new binding)
 * @param careOf the (effective) care-of address after the change; an IPv4 care-of address is
 *        IPv4-mapped; for a deletion, expiry or revocation, the last care-of address
 * @param lifetime the granted lifetime (zero for deletion, expiry and revocation)
 * @param outerPeer the mobile node's UDP endpoint as observed, when encapsulated
 * @param keyManagementMobility whether K was agreed: the Binding Update set K and this provider
 *        instance declares {@link Capability#IKE_SURVIVES_MOVE}, so the Binding
 *        Acknowledgement sets K and the IKE SA is to follow the care-of address (RFC 4877 §4.3)
 * @param mobileNetworkPrefixes the mobile network prefixes of a mobile router's binding (RFC 3963
 *        §6.1.1, §6.2): for CREATED, MOVED and REFRESHED the set the binding has after the change
 *        (it replaces the previous one); for DELETED, EXPIRED and REVOKED the set that is removed
 *        with the binding. Empty for a mobile host; unmodifiable. Forwarding for these prefixes
 *        (routes towards the care-of address) is the data plane's job, not the provider's.
 */
public record BindingChange(Kind kind, Identity identity, Ipv6Address homeAddress,
                            Optional<Ipv6Address> previousCareOf, Ipv6Address careOf, Lifetime lifetime,
                            Optional<InetSocketAddress> outerPeer, boolean keyManagementMobility,
                            List<MobileNetworkPrefix> mobileNetworkPrefixes) {

    /** What happens to the binding. */
    public enum Kind {
        /** A new binding (the first registration of this home address). */
        CREATED,
        /** An existing binding gets a new care-of address. */
        MOVED,
        /** An existing binding is renewed at the same care-of address. */
        REFRESHED,
        /** The mobile node deregistered. */
        DELETED,
        /** The lifetime ran out. */
        EXPIRED,
        /** The provider revoked it ({@link HomeAgentHandle#revoke}). */
        REVOKED;

        /** Whether the binding exists after a change of this kind. */
        public boolean keepsBinding() {
            return this == CREATED || this == MOVED || this == REFRESHED;
        }
    }

    public BindingChange {
        if (kind == null || identity == null || homeAddress == null || previousCareOf == null || careOf == null
                || lifetime == null || outerPeer == null || mobileNetworkPrefixes == null) {
            throw new IllegalArgumentException("every binding change field is required");
        }
        mobileNetworkPrefixes = List.copyOf(mobileNetworkPrefixes);
    }

    /** A change to a mobile host's binding: no mobile network prefixes. */
    public BindingChange(Kind kind, Identity identity, Ipv6Address homeAddress, Optional<Ipv6Address> previousCareOf,
                         Ipv6Address careOf, Lifetime lifetime, Optional<InetSocketAddress> outerPeer,
                         boolean keyManagementMobility) {
        this(kind, identity, homeAddress, previousCareOf, careOf, lifetime, outerPeer, keyManagementMobility,
                List.of());
    }
}
