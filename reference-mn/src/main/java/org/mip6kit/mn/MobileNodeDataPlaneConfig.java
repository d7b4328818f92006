package org.mip6kit.mn;

import java.util.Objects;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The mobile node's {@code data-plane} section: whether the daemon tunnels the home address's
 * traffic to the home agent itself (docs/data-plane.md).
 * <pre>
 * data-plane:
 *   enabled: false         # true: create the TUN device, the rule and the table (root / CAP_NET_ADMIN)
 *   tun-name: mip6mn0      # the TUN interface carrying the home address
 *   mtu: 1500              # MTU of the access links; the TUN device gets mtu - 40
 *   routing-table: 191     # the table whose default route is the TUN device
 *   rule-priority: 1000    # ip -6 rule add from HOME-ADDRESS lookup TABLE priority PRIORITY
 * </pre>
 *
 * @param enabled whether the data plane runs
 * @param tunName the TUN interface's name
 * @param mtu the access links' MTU
 * @param routingTable the routing table of the home address's traffic
 * @param rulePriority the priority of its policy rule
 */
public record MobileNodeDataPlaneConfig(boolean enabled, String tunName, int mtu, int routingTable, int rulePriority) {

    /** The keys of the {@code data-plane} section. */
    public static final Set<String> KEYS = Set.of("enabled", "tun-name", "mtu", "routing-table", "rule-priority");
    /** The TUN device's name when {@code tun-name} is absent. */
    public static final String DEFAULT_TUN_NAME = "mip6mn0";

    public MobileNodeDataPlaneConfig {
        Objects.requireNonNull(tunName, "tunName");
    }

    /**
     * Reads the section (absent: disabled).
     *
     * @throws ProviderConfigException naming the key, for an unknown key or a wrong value
     */
    public static MobileNodeDataPlaneConfig read(ConfigSection root) throws ProviderConfigException {
        ConfigSection s = root.section("data-plane");
        s.allowOnly(KEYS);
        String name = s.optionalString("tun-name").orElse(DEFAULT_TUN_NAME);
        if (!name.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw s.error("tun-name", "must be an interface name of 1 to 15 letters, digits, '_', '.' or '-', not '"
                    + name + "'");
        }
        return new MobileNodeDataPlaneConfig(s.bool("enabled", false), name, (int) s.integer("mtu", 1320, 65535, 1500),
                (int) s.integer("routing-table", 1, 252, 191), (int) s.integer("rule-priority", 1, 32765, 1000));
    }
}
