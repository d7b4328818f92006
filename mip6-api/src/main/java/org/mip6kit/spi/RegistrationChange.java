package org.mip6kit.spi;

import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * What happened to the mobile node's home registration, as its engine saw it, given to
 * {@link MobileNodeSecurity#registrationChanged}. Only verified Binding Acknowledgements (and
 * the engine's own timers) produce these.
 *
 * @param kind what happened
 * @param identity the mobile node's identity from bootstrap
 * @param homeAddress the home address
 * @param careOf the care-of address concerned (IPv4 as IPv4-mapped; the home address when at home)
 * @param lifetime the lifetime now in force (zero once the binding is gone)
 * @param keyManagementMobility whether the home agent agreed to K (RFC 6275 §11.7.3)
 */
public record RegistrationChange(Kind kind, Identity identity, Ipv6Address homeAddress, Ipv6Address careOf,
                                 Lifetime lifetime, boolean keyManagementMobility) {

    /** What happened to the registration. */
    public enum Kind {
        /** The home agent accepted a first registration (or one after the previous ended). */
        REGISTERED,
        /** The home agent accepted a Binding Update from a new care-of address. */
        MOVED,
        /** The home agent accepted a refresh at the same care-of address. */
        REFRESHED,
        /** The home agent acknowledged a deregistration (return home, shutdown). */
        DEREGISTERED,
        /** The granted lifetime ran out without a successful refresh. */
        EXPIRED,
        /** Registration stopped: the home agent refused, stayed silent until give-up, or the provider failed. */
        LOST
    }

    public RegistrationChange {
        if (kind == null || identity == null || homeAddress == null || careOf == null || lifetime == null) {
            throw new IllegalArgumentException("every registration change field is required");
        }
    }
}
