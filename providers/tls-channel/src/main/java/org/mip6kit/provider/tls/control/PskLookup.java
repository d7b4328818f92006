package org.mip6kit.provider.tls.control;

import java.util.Optional;

/**
 * Where the Home Agent Controller finds a mobile node's pre-shared key (RFC 6618 §5.8). Called
 * once per exchange, on the thread that drives the {@link HacExchange}; must not block for long.
 */
@FunctionalInterface
public interface PskLookup {

    /**
     * @param mnId the {@code mn-id} the node claims (not yet authenticated)
     * @return its key, or empty for an unknown node — which the controller answers exactly as
     *         it answers a wrong key
     */
    Optional<PreSharedKey> find(String mnId);
}
