package org.mip6kit.spi;

import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;

/**
 * Something a provider did or saw that an operator or embedder may want to know: a key
 * rolled over, a bootstrap finished, a daemon reconnected, a replay was refused. Goes to the
 * engine's event listeners and its log (with identity and home address in the line).
 *
 * @param kind a short stable name in lower case with dashes, e.g. {@code replay-refused}
 * @param identity the peer concerned, if any
 * @param homeAddress the home address concerned, if any
 * @param detail human-readable; never a secret
 */
public record ProviderEvent(String kind, Optional<Identity> identity, Optional<Ipv6Address> homeAddress,
                            String detail) {

    public ProviderEvent {
        if (kind == null || kind.isBlank() || identity == null || homeAddress == null || detail == null) {
            throw new IllegalArgumentException("kind, identity, homeAddress and detail are required");
        }
    }
}
