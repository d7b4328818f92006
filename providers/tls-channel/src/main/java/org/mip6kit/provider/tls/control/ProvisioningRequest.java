package org.mip6kit.provider.tls.control;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;

/**
 * What an authenticated mobile node asked for in its MHAuth-Done (RFC 6618 §5.6–§5.8), as
 * handed to a {@link Provisioner}.
 *
 * @param mnId              the authenticated {@code mn-id}
 * @param scope             the SA scope it wants ({@code mip6-sas})
 * @param acceptableSuites  the suites it accepts, most preferred first (§5.6.5 names)
 * @param wantedHomeAddress the home address it would like, if it named one
 * @param wantedHomePrefix  the home prefix it would like, if it named one
 */
public record ProvisioningRequest(String mnId, SaScope scope, List<String> acceptableSuites,
        Optional<Ipv6Address> wantedHomeAddress, Optional<HomePrefix> wantedHomePrefix) {

    public ProvisioningRequest {
        Objects.requireNonNull(mnId, "mnId");
        Objects.requireNonNull(scope, "scope");
        acceptableSuites = List.copyOf(acceptableSuites);
        if (acceptableSuites.isEmpty()) {
            throw new IllegalArgumentException("a node names at least one acceptable suite");
        }
        Objects.requireNonNull(wantedHomeAddress, "wantedHomeAddress");
        Objects.requireNonNull(wantedHomePrefix, "wantedHomePrefix");
    }
}
