package org.mip6kit.engine;

import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.Ipv6Address;

/**
 * The mobile node's data plane as its engine sees it: told when a verified Binding
 * Acknowledgement accepted a registration from a care-of address and when the registration
 * ended, so the reverse tunnel to the home agent (RFC 6275 §11.3.1) switches its outer source
 * when the acknowledgement arrives. Handed to {@link MobileNodeEngine.Builder#tunnel}.
 *
 * <p>Called on the engine's thread while it handles the acknowledgement, before the engine's
 * waiters hear of it: it must return quickly and never block on the network. An exception is
 * logged and ignored.
 */
@FunctionalInterface
public interface TunnelEndpointListener {

    /**
     * The registration changed.
     *
     * @param change what happened: {@code REGISTERED}, {@code MOVED}, {@code REFRESHED} carry the
     *        care-of address now in force (IPv4 as IPv4-mapped); {@code DEREGISTERED},
     *        {@code EXPIRED} and {@code LOST} end the tunnel
     * @param homeAgent the home agent's address, the tunnel's far end
     */
    void registrationChanged(RegistrationChange change, Ipv6Address homeAgent);
}
