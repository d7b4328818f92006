package org.mip6kit.ha;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.mip6kit.daemon.ConfigValues;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The home agent's {@code data-plane} section: whether the daemon carries the mobile nodes'
 * packets itself (docs/data-plane.md), over which TUN device, for which prefixes.
 * <pre>
 * data-plane:
 *   enabled: false             # true: create the TUN device and tunnel packets (root / CAP_NET_ADMIN)
 *   tun-name: mip6ha0          # the TUN interface, created at start and gone at stop
 *   mtu: 1500                  # MTU of the links tunnel packets travel; the TUN device gets mtu - 40
 *   prefixes: [2001:db8:1::/64] # routed into the TUN device; default: home-agent.home-prefixes
 * </pre>
 *
 * @param enabled whether the data plane runs
 * @param tunName the TUN interface's name
 * @param mtu the link MTU
 * @param prefixes the prefixes the TUN device attracts (the virtual home link)
 */
public record HomeAgentDataPlaneConfig(boolean enabled, String tunName, int mtu, List<HomePrefix> prefixes) {

    /** The keys of the {@code data-plane} section. */
    public static final Set<String> KEYS = Set.of("enabled", "tun-name", "mtu", "prefixes");
    /** The TUN device's name when {@code tun-name} is absent. */
    public static final String DEFAULT_TUN_NAME = "mip6ha0";
    /** The link MTU when {@code mtu} is absent. */
    public static final int DEFAULT_MTU = 1500;

    public HomeAgentDataPlaneConfig {
        Objects.requireNonNull(tunName, "tunName");
        prefixes = List.copyOf(prefixes);
    }

    /**
     * Reads the section (absent: disabled).
     *
     * @param homePrefixes {@code home-agent.home-prefixes}, the default of {@code prefixes}
     * @throws ProviderConfigException naming the key, for an unknown key or a wrong value
     */
    public static HomeAgentDataPlaneConfig read(ConfigSection root, List<HomePrefix> homePrefixes)
            throws ProviderConfigException {
        ConfigSection s = root.section("data-plane");
        s.allowOnly(KEYS);
        String name = s.optionalString("tun-name").orElse(DEFAULT_TUN_NAME);
        if (!name.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw s.error("tun-name", "must be an interface name of 1 to 15 letters, digits, '_', '.' or '-', not '"
                    + name + "'");
        }
        int mtu = (int) s.integer("mtu", 1320, 65535, DEFAULT_MTU);
        List<HomePrefix> prefixes = s.has("prefixes") ? ConfigValues.prefixes(s, "prefixes") : homePrefixes;
        return new HomeAgentDataPlaneConfig(s.bool("enabled", false), name, mtu, prefixes);
    }
}
