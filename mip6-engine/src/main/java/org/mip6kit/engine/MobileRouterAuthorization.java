package org.mip6kit.engine;

import java.util.List;
import java.util.Optional;

import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;

/**
 * One row of the home agent's prefix table (RFC 3963 §6.1.2): an identity allowed to act as a
 * mobile router (to send Binding Updates with the R flag) and the mobile network prefixes it is
 * authorised for.
 *
 * <p>RFC 3963 indexes its prefix table by the mobile router's home address. Here it is keyed by
 * the identity the security provider authenticated instead: home addresses may be assigned at
 * bootstrap (RFC 5026) and change, while the identity is what the provider vouches for and what
 * already owns the home address in the binding cache (an identity's home addresses are its own;
 * 129 for anyone else). An identity with several home addresses may register its prefixes from
 * any one of them, but a prefix is held by one binding at a time.
 *
 * <p>The prefixes are used twice: in explicit mode each Mobile Network Prefix option must equal
 * one of them or lie inside one (a /64 out of an authorised /48), else 142; in implicit mode (no
 * option) the binding gets exactly these prefixes (§6.2).
 *
 * @param identity the identity as {@code kind:value} ({@code nai:mr1@example.org}, as
 *        {@code ha bindings} prints it) or just the value, which then matches any kind
 * @param prefixes the authorised mobile network prefixes, at least one, none overlapping
 *        another (unmodifiable)
 */
public record MobileRouterAuthorization(String identity, List<HomePrefix> prefixes) {

    public MobileRouterAuthorization {
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("a mobile router needs an identity such as nai:mr1@example.org");
        }
        if (prefixes == null || prefixes.isEmpty()) {
            throw new IllegalArgumentException("mobile router " + identity + " needs at least one prefix");
        }
        prefixes = List.copyOf(prefixes);
        for (int i = 0; i < prefixes.size(); i++) {
            HomePrefix p = prefixes.get(i);
            if (!isValidMobileNetworkPrefix(p.prefix(), p.length())) {
                throw new IllegalArgumentException("mobile router " + identity + ": " + p
                        + " is not a usable mobile network prefix (length 1..128, global unicast)");
            }
            for (int j = 0; j < i; j++) {
                if (overlap(p, prefixes.get(j))) {
                    throw new IllegalArgumentException("mobile router " + identity + ": " + p + " overlaps "
                            + prefixes.get(j));
                }
            }
        }
    }

    /** Whether this row is for {@code who}: its {@code kind:value} or its value alone. */
    public boolean matches(Identity who) {
        return who.toString().equals(identity) || who.value().equals(identity);
    }

    /** The authorised prefix that equals or contains {@code prefix}/{@code length}, if any. */
    public Optional<HomePrefix> covering(Ipv6Address prefix, int length) {
        return prefixes.stream().filter(p -> length >= p.length() && prefix.hasPrefix(p.prefix(), p.length()))
                .findFirst();
    }

    /** Whether two prefixes share any address (one contains the other). */
    public static boolean overlap(HomePrefix a, HomePrefix b) {
        int shorter = Math.min(a.length(), b.length());
        return a.prefix().maskedTo(shorter).equals(b.prefix().maskedTo(shorter));
    }

    /**
     * RFC 3963 §6.2's "invalid prefix" (141), as this home agent reads it: a prefix that can
     * never name a mobile network: length 0 (the whole address space), host bits set beyond the
     * length, or an address that is not global unicast (unspecified, loopback, multicast,
     * link-local, IPv4-mapped).
     */
    public static boolean isValidMobileNetworkPrefix(Ipv6Address prefix, int length) {
        return length >= 1 && length <= 128 && prefix.maskedTo(length).equals(prefix) && !prefix.isUnspecified()
                && !prefix.isLoopback() && !prefix.isMulticast() && !prefix.isLinkLocal() && !prefix.isIpv4Mapped();
    }
}
