package org.mip6kit.spi;

import java.net.InetSocketAddress;
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
 * @param homeAgent the home agent's address
 * @param homeAgentEndpoint where to send signalling when it is encapsulated in UDP (RFC 5555
 *        port 4191, RFC 6618 mip6-port), when the provider knows it
 */
public record BootstrapResult(Identity identity, Optional<Ipv6Address> homeAddress, Optional<HomePrefix> homePrefix,
                              Optional<Ipv4Address> ipv4HomeAddress, Ipv6Address homeAgent,
                              Optional<InetSocketAddress> homeAgentEndpoint) {

    public BootstrapResult {
        if (identity == null || homeAddress == null || homePrefix == null || ipv4HomeAddress == null
                || homeAgent == null || homeAgentEndpoint == null) {
            throw new IllegalArgumentException("every bootstrap result field is required (use Optional.empty())");
        }
        if (homeAddress.isEmpty() && homePrefix.isEmpty()) {
            throw new IllegalArgumentException("bootstrap must give a home address or a home prefix");
        }
    }
}
