package org.mip6kit.dataplane;

import java.util.List;

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
 *        (1 to 32765, before the main table's rule at 32766), and of the mobile network prefixes'
 *        rules
 * @param mobileNetworkPrefixes a mobile router's prefixes (RFC 3963): packets from them enter the
 *        reverse tunnel too (one rule {@code from <prefix> lookup <table>} each), and packets the
 *        home agent tunnels to them are delivered to the TUN device for the host to forward;
 *        empty for a mobile host; unmodifiable, none containing the home address
 */
public record MobileNodeDataPlaneSettings(String tunName, int linkMtu, Ipv6Address homeAddress, int routingTable,
                                          int rulePriority, List<RoutedPrefix> mobileNetworkPrefixes) {

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
        mobileNetworkPrefixes = List.copyOf(mobileNetworkPrefixes);
        for (RoutedPrefix p : mobileNetworkPrefixes) {
            if (p.contains(homeAddress)) {
                // The home address's own rule and the prefix's would compete for the same packets.
                throw new IllegalArgumentException("mobile network prefix " + p + " contains the home address "
                        + homeAddress);
            }
        }
    }

    /** A mobile host's settings: no mobile network prefixes. */
    public MobileNodeDataPlaneSettings(String tunName, int linkMtu, Ipv6Address homeAddress, int routingTable,
                                       int rulePriority) {
        this(tunName, linkMtu, homeAddress, routingTable, rulePriority, List.of());
    }

    /** Whether {@code address} is the home address or lies in one of the mobile network prefixes. */
    public boolean isOwnAddress(Ipv6Address address) {
        if (address.equals(homeAddress)) {
            return true;
        }
        for (RoutedPrefix p : mobileNetworkPrefixes) {
            if (p.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The TUN device's MTU. */
    public int tunMtu() {
        return linkMtu - TunnelEndpoint.Ipv6InIpv6.OVERHEAD;
    }
}
