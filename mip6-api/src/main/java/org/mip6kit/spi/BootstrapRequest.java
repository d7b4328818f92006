package org.mip6kit.spi;

import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;

/**
 * What the mobile node wants from bootstrap before its first Binding Update (draft §6.1,
 * §6.2, §6.5; RFC 5026). A provider maps it onto its own mechanism: an IKEv2 configuration
 * payload, RFC 6618 HAC fields, or static configuration.
 *
 * @param homeAddress what is wanted for IPv6
 * @param ipv4HomeAddress whether an IPv4 home address is wanted as well (RFC 5555)
 * @param configuredHomeAddress a home address the operator configured, if any
 * @param configuredHomeAgent a home agent address the operator configured, if any
 * @param careOf the mobile node's current care-of address (IPv4 as IPv4-mapped; the home
 *        address when at home): where key management runs from, and which address family the
 *        home agent endpoint must serve
 */
public record BootstrapRequest(Want homeAddress, boolean ipv4HomeAddress, Optional<Ipv6Address> configuredHomeAddress,
                               Optional<Ipv6Address> configuredHomeAgent, Ipv6Address careOf) {

    /** How much IPv6 addressing the mobile node asks for. */
    public enum Want {
        /** A full home address (RFC 4877 INTERNAL_IP6_ADDRESS, RFC 6618 mip6-ip6-hoa). */
        HOME_ADDRESS,
        /** Only the home prefix; the mobile node forms its address itself (RFC 5026 MIP6_HOME_PREFIX). */
        PREFIX_ONLY
    }

    public BootstrapRequest {
        if (homeAddress == null || configuredHomeAddress == null || configuredHomeAgent == null || careOf == null) {
            throw new IllegalArgumentException("every bootstrap request field is required (use Optional.empty())");
        }
    }

    /** The same request from another care-of address. */
    public BootstrapRequest withCareOf(Ipv6Address newCareOf) {
        return new BootstrapRequest(homeAddress, ipv4HomeAddress, configuredHomeAddress, configuredHomeAgent, newCareOf);
    }
}
