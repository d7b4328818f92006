package org.mip6kit.wire;

import java.util.List;

/**
 * Home Agent Switch, MH Type 12 (RFC 5142 §4): a home agent tells a mobile node to register
 * with another home agent, listing the candidates in order of preference. An empty list tells
 * the node to find one itself (Dynamic Home Agent Address Discovery, RFC 6275 §10.5); a node
 * that cannot discover keeps its registration. The mobile node acts on it only when it is
 * protected as a Binding Acknowledgement would be (RFC 5142 §5.1, §6.1). Minimum Header Len 0;
 * with {@code n} addresses, at least {@code 2n}.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |# of Addresses |   Reserved    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Home Agent Addresses (n x 128)              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 *
 * @param homeAgents the home agents to switch to, most preferred first; at most
 *        {@link #MAX_ADDRESSES}, no duplicates, each a unicast address
 * @param options mobility options (RFC 5142 defines none)
 */
public record HomeAgentSwitch(List<Ipv6Address> homeAgents, List<MobilityOption> options) implements MobilityMessage {

    /**
     * The most addresses that fit: the count is one octet, and the whole message must stay
     * within Header Len 255 (2048 octets), so 127 addresses (8 + 127 x 16 = 2040 octets).
     */
    public static final int MAX_ADDRESSES = 127;

    public HomeAgentSwitch {
        if (homeAgents == null) {
            throw new IllegalArgumentException("homeAgents must not be null (use List.of() for none)");
        }
        homeAgents = List.copyOf(homeAgents);
        if (homeAgents.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("a Home Agent Switch lists at most " + MAX_ADDRESSES
                    + " home agents, got " + homeAgents.size());
        }
        if (homeAgents.stream().distinct().count() != homeAgents.size()) {
            throw new IllegalArgumentException("a home agent is listed twice: " + homeAgents);
        }
        for (Ipv6Address a : homeAgents) {
            if (a.isUnspecified() || a.isMulticast()) {
                throw new IllegalArgumentException(a + " cannot be a home agent address");
            }
        }
        options = MessageOptions.check(options);
    }

    /** A Home Agent Switch naming {@code homeAgents}, with no options. */
    public static HomeAgentSwitch to(List<Ipv6Address> homeAgents) {
        return new HomeAgentSwitch(homeAgents, List.of());
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.HOME_AGENT_SWITCH;
    }
}
