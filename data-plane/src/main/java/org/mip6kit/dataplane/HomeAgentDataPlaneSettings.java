package org.mip6kit.dataplane;

import java.util.List;

import org.mip6kit.wire.Ipv6Address;

/**
 * How the home agent's user-space data plane is set up.
 *
 * @param tunName the TUN interface's name (1 to 15 characters)
 * @param linkMtu the MTU of the links tunnel packets leave on; the TUN device gets
 *        {@code linkMtu - 40} (the IPv6-in-IPv6 overhead), at least 1280
 * @param tunnelAddress the home agent's address: the outer source of tunnel packets, the address
 *        tunnel packets are received at, and the source of Packet Too Big messages
 * @param homePrefixes the prefixes routed into the TUN device (the virtual home link)
 */
public record HomeAgentDataPlaneSettings(String tunName, int linkMtu, Ipv6Address tunnelAddress,
                                         List<RoutedPrefix> homePrefixes) {

    /** The default link MTU (Ethernet). */
    public static final int DEFAULT_LINK_MTU = 1500;

    public HomeAgentDataPlaneSettings {
        TunDevice.checkName(tunName);
        if (linkMtu - TunnelEndpoint.Ipv6InIpv6.OVERHEAD < PacketTooBig.MINIMUM_MTU || linkMtu > 65535) {
            throw new IllegalArgumentException("the link MTU must leave at least " + PacketTooBig.MINIMUM_MTU
                    + " octets after the 40-octet tunnel header (at least 1320, at most 65535): " + linkMtu);
        }
        if (tunnelAddress == null || homePrefixes == null || homePrefixes.isEmpty()) {
            throw new IllegalArgumentException("the home agent's data plane needs its address and the home prefixes");
        }
        homePrefixes = List.copyOf(homePrefixes);
    }

    /** The TUN device's MTU: what fits the link after the largest encapsulation. */
    public int tunMtu() {
        return linkMtu - TunnelEndpoint.Ipv6InIpv6.OVERHEAD;
    }
}
