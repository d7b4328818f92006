package org.mip6kit.dataplane;

import org.mip6kit.wire.Ipv6Address;

/**
 * How the mobile node's user-space data plane is set up.
 *
 * @param tunName the TUN interface's name (1 to 15 characters)
 * @param linkMtu the MTU of the access links; the TUN device gets {@code linkMtu - 40}
 * @param homeAddress the home address, put on the TUN device as a /128
 * @param routingTable the routing table whose default route is the TUN device (1 to 252, not
 *        253–255, the kernel's default, main and local tables)
 * @param rulePriority the priority of the policy rule {@code from <home address> lookup <table>}
 *        (1 to 32765, before the main table's rule at 32766)
 */
public record MobileNodeDataPlaneSettings(String tunName, int linkMtu, Ipv6Address homeAddress, int routingTable,
                                          int rulePriority) {

    /** The default routing table of the home address's traffic. */
    public static final int DEFAULT_TABLE = 191;
    /** The default priority of its policy rule. */
    public static final int DEFAULT_RULE_PRIORITY = 1000;

    public MobileNodeDataPlaneSettings {
        TunDevice.checkName(tunName);
        if (linkMtu - TunnelEndpoint.Ipv6InIpv6.OVERHEAD < PacketTooBig.MINIMUM_MTU || linkMtu > 65535) {
            throw new IllegalArgumentException("the link MTU must leave at least " + PacketTooBig.MINIMUM_MTU
                    + " octets after the 40-octet tunnel header (at least 1320, at most 65535): " + linkMtu);
        }
        if (homeAddress == null || homeAddress.isMulticast() || homeAddress.isUnspecified()) {
            throw new IllegalArgumentException("the mobile node's data plane needs a unicast home address");
        }
        if (routingTable < 1 || routingTable > 252) {
            throw new IllegalArgumentException("routing table " + routingTable + " is not in 1..252");
        }
        if (rulePriority < 1 || rulePriority > 32765) {
            throw new IllegalArgumentException("rule priority " + rulePriority + " is not in 1..32765");
        }
    }

    /** The TUN device's MTU. */
    public int tunMtu() {
        return linkMtu - TunnelEndpoint.Ipv6InIpv6.OVERHEAD;
    }
}
