package org.mip6kit.spi;

import java.net.InetSocketAddress;
import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * A change to the home agent's binding cache, given to the provider before the Binding
 * Acknowledgement is sent ({@link HomeAgentSecurity#beforeAck}) and after it is committed
 * ({@link HomeAgentSecurity#afterChange}).
 *
 * @param kind what happens
 * @param identity the authenticated identity owning the binding
 * @param homeAddress the home address
 * @param previousCareOf the care-of address before the change (absent for a new binding)
 * @param careOf the (effective) care-of address after the change; an IPv4 care-of address is
 *        IPv4-mapped; for a deletion, the last care-of address
 * @param lifetime the granted lifetime (zero for deletion and expiry)
 * @param outerPeer the mobile node's UDP endpoint as observed, when encapsulated
 */
public record BindingChange(Kind kind, Identity identity, Ipv6Address homeAddress,
                            Optional<Ipv6Address> previousCareOf, Ipv6Address careOf, Lifetime lifetime,
                            Optional<InetSocketAddress> outerPeer) {

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
        EXPIRED
    }

    public BindingChange {
        if (kind == null || identity == null || homeAddress == null || previousCareOf == null || careOf == null
                || lifetime == null || outerPeer == null) {
            throw new IllegalArgumentException("every binding change field is required");
        }
    }
}
