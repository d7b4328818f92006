package org.mip6kit.dataplane;

/**
 * Why the data plane dropped a packet; each has a counter ({@link #counterName()}) in the
 * daemon's status.
 */
public enum DropReason {
    /** Not a well-formed IPv6 packet ({@link PacketFormatException}). */
    MALFORMED("malformed"),
    /** Home agent: the destination is no bound home address or registered prefix (RFC 6275 §10.4.1). */
    UNBOUND_DESTINATION("unbound-destination"),
    /**
     * Home agent: a reverse-tunnelled packet whose inner source is not the home address (or a
     * prefix) of the binding whose care-of address sent it (RFC 6275 §10.4.5).
     */
    SPOOFED_INNER_SOURCE("spoofed-inner-source"),
    /**
     * A tunnelled packet whose outer source is not a binding's care-of address (home agent) or
     * not the home agent (mobile node).
     */
    UNKNOWN_TUNNEL_SOURCE("unknown-tunnel-source"),
    /**
     * Mobile node: a packet from the TUN whose source is neither the home address nor in a mobile
     * router's mobile network prefixes.
     */
    NOT_FROM_HOME_ADDRESS("not-from-home-address"),
    /**
     * Mobile node: a decapsulated packet whose destination is neither the home address nor in a
     * mobile router's mobile network prefixes.
     */
    NOT_FOR_HOME_ADDRESS("not-for-home-address"),
    /** Mobile node: no registration is in force, so there is no tunnel. */
    NOT_REGISTERED("not-registered"),
    /** Too big for the tunnel: answered with an ICMPv6 Packet Too Big (RFC 2473 §7.1). */
    TOO_BIG("too-big"),
    /** Multicast and link-local traffic is not tunnelled (a virtual home link has no neighbours). */
    NOT_TUNNELLED_SCOPE("not-tunnelled-scope"),
    /** The operating system refused to send the packet. */
    SEND_FAILED("send-failed");

    private final String counterName;

    DropReason(String counterName) {
        this.counterName = counterName;
    }

    /** The counter's stable name, lower case with hyphens. */
    public String counterName() {
        return counterName;
    }
}
