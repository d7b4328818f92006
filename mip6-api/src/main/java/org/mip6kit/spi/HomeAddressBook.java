package org.mip6kit.spi;

import java.time.Duration;
import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's record of which identity owns which home address (draft §6.3). The engine
 * consults it before accepting a Binding Update: a home address owned by another identity is
 * refused (status 129), never bound. Providers use it when key management hands out addresses
 * (an IKEv2 configuration payload, an RFC 6618 bootstrap) so the binding that follows is
 * tied to the identity that leased the address.
 *
 * <p>Thread-safe and non-blocking. Addresses must lie inside one of the home agent's home
 * prefixes.
 */
public interface HomeAddressBook {

    /**
     * Allocates a free home address for {@code owner} from the home prefixes (or returns the
     * one it already owns).
     *
     * @throws HomeAddressException if no address is free
     */
    Ipv6Address allocate(Identity owner) throws HomeAddressException;

    /**
     * Records that {@code owner} holds {@code address}, which a key-management daemon already
     * leased (draft §6.3, §6.6). Idempotent for the same owner. A new lease holder supersedes
     * the previous owner once that owner has no live binding: what the engine kept after the
     * previous binding ended (its sequence number) is dropped.
     *
     * @throws HomeAddressException if another identity has a live binding for it or a claim on
     *         it, or it is outside the home prefixes
     */
    void adopt(Identity owner, Ipv6Address address) throws HomeAddressException;

    /**
     * Reserves {@code address} for {@code owner} for {@code ttl}: the "larval" binding cache
     * entry of draft §6.3. The reservation becomes ownership when {@code owner} registers a
     * binding for it, and lapses otherwise.
     *
     * @throws HomeAddressException if another identity owns or reserved it
     */
    void reserve(Identity owner, Ipv6Address address, Duration ttl) throws HomeAddressException;

    /**
     * Gives {@code address} up. Without it, an allocation or adoption lasts until a binding for
     * the address has ended (deregistered, expired, revoked) and the engine's replay hold after
     * it has passed; a reservation lasts until its TTL.
     *
     * @throws HomeAddressException if {@code owner} does not hold it
     */
    void release(Identity owner, Ipv6Address address) throws HomeAddressException;

    /** Who owns or reserved {@code address}, if anyone. */
    Optional<Identity> ownerOf(Ipv6Address address);
}
