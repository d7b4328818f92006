package org.mip6kit.engine;

import java.util.List;

import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.MobileNetworkPrefix;

/**
 * How a {@link MobileNodeEngine} registers as a mobile router (RFC 3963 §5): every Binding
 * Update carries the R flag; in {@link Mode#EXPLICIT explicit} mode each registration also
 * carries one Mobile Network Prefix option per prefix (§5.1), in {@link Mode#IMPLICIT implicit}
 * mode none, and the home agent uses the prefixes configured for this router.
 *
 * @param mode explicit or implicit
 * @param prefixes the mobile network prefixes: sent in explicit mode (at least one required),
 *        only shown (what the router expects the home agent to hold) in implicit mode, where
 *        the list may be empty; unmodifiable, no duplicates
 */
public record MobileRouterSettings(Mode mode, List<HomePrefix> prefixes) {

    /** How the mobile router tells the home agent its prefixes (RFC 3963 §5.1). */
    public enum Mode {
        /** Mobile Network Prefix options in every registration. */
        EXPLICIT,
        /** No option: the home agent knows the prefixes from its own configuration. */
        IMPLICIT
    }

    public MobileRouterSettings {
        if (mode == null || prefixes == null) {
            throw new IllegalArgumentException("a mobile router needs a mode and a prefix list");
        }
        prefixes = List.copyOf(prefixes);
        if (mode == Mode.EXPLICIT && prefixes.isEmpty()) {
            throw new IllegalArgumentException("explicit mode needs at least one mobile network prefix");
        }
        if (prefixes.stream().distinct().count() != prefixes.size()) {
            throw new IllegalArgumentException("a mobile network prefix is listed twice: " + prefixes);
        }
        for (HomePrefix p : prefixes) {
            if (!MobileRouterAuthorization.isValidMobileNetworkPrefix(p.prefix(), p.length())) {
                throw new IllegalArgumentException(p + " is not a usable mobile network prefix (length 1..128, "
                        + "global unicast)");
            }
        }
    }

    /** Explicit mode with {@code prefixes}. */
    public static MobileRouterSettings explicit(List<HomePrefix> prefixes) {
        return new MobileRouterSettings(Mode.EXPLICIT, prefixes);
    }

    /** Implicit mode; {@code expected} only informs status output. */
    public static MobileRouterSettings implicit(List<HomePrefix> expected) {
        return new MobileRouterSettings(Mode.IMPLICIT, expected);
    }

    /** The Mobile Network Prefix options a registration carries: one per prefix in explicit mode, else none. */
    public List<MobileNetworkPrefix> options() {
        return mode == Mode.IMPLICIT ? List.of()
                : prefixes.stream().map(p -> new MobileNetworkPrefix(p.length(), p.prefix())).toList();
    }
}
