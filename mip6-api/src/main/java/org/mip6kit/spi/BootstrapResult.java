package org.mip6kit.spi;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * What bootstrap produced: enough for the mobile node to send its first Binding Update.
 *
 * @param identity the mobile node's own identity as the provider will present it
 * @param homeAddress the home address, when assigned or configured
 * @param homePrefix the home prefix, when known (always present with {@link BootstrapRequest.Want#PREFIX_ONLY})
 * @param ipv4HomeAddress an IPv4 home address, when assigned
 * @param homeAgent the home agent's (inner, IPv6) address
 * @param homeAgentEndpoints where to send signalling when it is encapsulated in UDP (RFC 5555
 *        port 4191, RFC 6618 mip6-port): at most one per address family, so that a mobile node
 *        with an IPv4 care-of address uses the IPv4 one and with an IPv6 care-of address the
 *        IPv6 one. Empty when the provider does not know them (the engine then uses its
 *        configured endpoints). A provider that owns its channel states them; they take
 *        precedence over configured ones.
 */
public record BootstrapResult(Identity identity, Optional<Ipv6Address> homeAddress, Optional<HomePrefix> homePrefix,
                              Optional<Ipv4Address> ipv4HomeAddress, Ipv6Address homeAgent,
                              List<InetSocketAddress> homeAgentEndpoints) {

    public BootstrapResult {
        if (identity == null || homeAddress == null || homePrefix == null || ipv4HomeAddress == null
                || homeAgent == null || homeAgentEndpoints == null) {
            throw new IllegalArgumentException("every bootstrap result field is required (use Optional.empty(), List.of())");
        }
        if (homeAddress.isEmpty() && homePrefix.isEmpty()) {
            throw new IllegalArgumentException("bootstrap must give a home address or a home prefix");
        }
        homeAgentEndpoints = List.copyOf(homeAgentEndpoints);
        long v4 = homeAgentEndpoints.stream().filter(e -> e.getAddress() instanceof Inet4Address).count();
        if (v4 > 1 || homeAgentEndpoints.size() - v4 > 1) {
            throw new IllegalArgumentException("at most one home agent endpoint per address family, got "
                    + homeAgentEndpoints);
        }
    }

    /** The endpoint for a care-of address of this family ({@code ipv4}), else the other one, if any. */
    public Optional<InetSocketAddress> endpointFor(boolean ipv4) {
        return endpointFor(homeAgentEndpoints, ipv4);
    }

    /** The endpoint of {@code endpoints} for a care-of address of the given family, else any. */
    public static Optional<InetSocketAddress> endpointFor(List<InetSocketAddress> endpoints, boolean ipv4) {
        for (InetSocketAddress e : endpoints) {
            if ((e.getAddress() instanceof Inet4Address) == ipv4) {
                return Optional.of(e);
            }
        }
        return endpoints.stream().findFirst();
    }
}
