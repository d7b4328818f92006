package org.mip6kit.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.mip6kit.spi.HomeAddressBook;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's {@link HomeAddressBook}. Ownership of an address with a binding (or a
 * replay hold) is read from the {@link BindingCache} itself, so a registered node costs no
 * extra entry here; only addresses claimed before or without a binding (allocated, adopted
 * from a key-management lease, reserved with a TTL) are kept in a side table. A reservation
 * turns into the binding's ownership when the owner registers.
 *
 * <p>How long a claim lasts: a reservation until its TTL; an allocation or adoption until the
 * provider releases it, or until a binding for the address has ended (deregistered, expired,
 * revoked) and the replay hold after it has passed ({@link #forgotten}). A new lease holder
 * supersedes the previous owner once that owner has no live binding: an adoption by another
 * identity while only a replay hold is left drops the hold (the previous owner's sequence
 * number means nothing to the new one, and RFC 6275 §9.5.1 accepts any sequence number when
 * there is no binding), while an address with a live binding of another identity is refused.
 */
final class HomeAddressRegistry implements HomeAddressBook {

    private record Claim(Identity owner, long expiresAtMillis, boolean reservation) {
    }

    private final List<HomePrefix> prefixes;
    private final HomePrefix[] prefixArray;
    private final BindingCache cache;
    private final Clock clock;
    private final Map<Ipv6Address, Claim> claims = new HashMap<>();
    private final Map<Identity, Ipv6Address> allocatedTo = new HashMap<>();

    HomeAddressRegistry(List<HomePrefix> prefixes, BindingCache cache, Clock clock) {
        this.prefixes = List.copyOf(prefixes);
        this.prefixArray = this.prefixes.toArray(new HomePrefix[0]);
        this.cache = cache;
        this.clock = clock;
    }

    boolean inHomePrefix(Ipv6Address address) {
        // Asked for every Binding Update: an indexed loop over the array needs no iterator.
        for (HomePrefix p : prefixArray) {
            if (p.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** True when nobody else owns or reserved {@code address}. */
    synchronized boolean mayUse(Identity who, Ipv6Address address) {
        Optional<Identity> owner = ownerOf(address);
        return owner.isEmpty() || owner.get().equals(who);
    }

    /** A binding now exists for {@code address}: a reservation has served its purpose. */
    synchronized void bound(Ipv6Address address) {
        Claim c = claims.get(address);
        if (c != null && c.reservation) {
            claims.remove(address);
        }
    }

    @Override
    public synchronized Ipv6Address allocate(Identity owner) throws HomeAddressException {
        Ipv6Address existing = allocatedTo.get(owner);
        if (existing != null) {
            return existing;
        }
        for (HomePrefix p : prefixes) {
            int hostBits = 128 - p.length();
            if (hostBits < 2) {
                continue;
            }
            for (int attempt = 0; attempt < 64; attempt++) {
                long rnd = ThreadLocalRandom.current().nextLong();
                Ipv6Address candidate = withHostBits(p, rnd, hostBits);
                if (candidate.equals(p.prefix()) || ownerOf(candidate).isPresent()) {
                    continue;
                }
                claims.put(candidate, new Claim(owner, Long.MAX_VALUE, false));
                allocatedTo.put(owner, candidate);
                return candidate;
            }
        }
        throw new HomeAddressException("no free home address in " + prefixes);
    }

    private static Ipv6Address withHostBits(HomePrefix p, long rnd, int hostBits) {
        long hi = p.prefix().high();
        long lo = p.prefix().low();
        if (hostBits >= 64) {
            lo = rnd;
            if (hostBits > 64) {
                long hostHiMask = hostBits >= 128 ? -1L : (1L << (hostBits - 64)) - 1;
                hi |= (rnd >>> 7) & hostHiMask;
            }
        } else {
            lo |= rnd & ((1L << hostBits) - 1);
        }
        return Ipv6Address.of(hi, lo);
    }

    @Override
    public synchronized void adopt(Identity owner, Ipv6Address address) throws HomeAddressException {
        claim(owner, address, Long.MAX_VALUE, false);
    }

    @Override
    public synchronized void reserve(Identity owner, Ipv6Address address, Duration ttl) throws HomeAddressException {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new HomeAddressException("a reservation needs a positive TTL, got " + ttl);
        }
        claim(owner, address, clock.millis() + ttl.toMillis(), true);
    }

    private void claim(Identity owner, Ipv6Address address, long expires, boolean reservation)
            throws HomeAddressException {
        if (!inHomePrefix(address)) {
            throw new HomeAddressException(address + " is outside the home prefixes " + prefixes);
        }
        Optional<Identity> current = ownerOf(address);
        if (current.isPresent() && !current.get().equals(owner)) {
            BindingRecord r = cache.get(address);
            boolean onlyAHold = r != null && !r.isBound() && !claimedByOther(address, owner);
            if (reservation || !onlyAHold) {
                throw new HomeAddressException(address + " belongs to another identity"
                        + (r != null && r.isBound() ? " with a live binding" : ""));
            }
            // The previous owner's binding has ended: the new lease holder supersedes its replay hold.
            cache.remove(address);
        }
        Claim existing = claims.get(address);
        if (existing != null && !existing.reservation && reservation) {
            return; // an adoption or allocation is stronger than a reservation
        }
        claims.put(address, new Claim(owner, expires, reservation));
    }

    @Override
    public synchronized void release(Identity owner, Ipv6Address address) throws HomeAddressException {
        Claim c = claims.get(address);
        if (c == null || !c.owner.equals(owner)) {
            throw new HomeAddressException(address + " is not claimed by " + owner);
        }
        claims.remove(address);
        allocatedTo.remove(owner, address);
    }

    private boolean claimedByOther(Ipv6Address address, Identity owner) {
        Claim c = claims.get(address);
        return c != null && !c.owner.equals(owner) && c.expiresAtMillis > clock.millis();
    }

    /**
     * The replay hold after {@code ended}'s binding has passed: an allocation or adoption by its
     * owner ends with it (reservations lapse on their own).
     */
    synchronized void forgotten(BindingRecord ended) {
        Claim c = claims.get(ended.homeAddress());
        if (c != null && !c.reservation && c.owner.equals(ended.identity())) {
            claims.remove(ended.homeAddress());
            allocatedTo.remove(ended.identity(), ended.homeAddress());
        }
    }

    @Override
    public synchronized Optional<Identity> ownerOf(Ipv6Address address) {
        Optional<Identity> fromCache = cache.ownerOf(address);
        if (fromCache.isPresent()) {
            return fromCache;
        }
        Claim c = claims.get(address);
        if (c == null) {
            return Optional.empty();
        }
        if (c.expiresAtMillis <= clock.millis()) {
            claims.remove(address);
            return Optional.empty();
        }
        return Optional.of(c.owner);
    }

    /** Drops lapsed reservations; run on the engine's tick. */
    synchronized void expireReservations() {
        long now = clock.millis();
        claims.entrySet().removeIf(e -> {
            if (e.getValue().expiresAtMillis > now) {
                return false;
            }
            allocatedTo.remove(e.getValue().owner, e.getKey());
            return true;
        });
    }

    synchronized int claimCount() {
        return claims.size();
    }
}
