package org.mip6kit.spi;

/**
 * What a provider can do, declared as data in its {@link ProviderDescriptor}. The engine asks
 * the descriptor, never {@code instanceof}.
 */
public enum Capability {
    /** Signalling is integrity-protected and authenticated (every provider must declare this). */
    INTEGRITY,
    /** Signalling is also encrypted. */
    CONFIDENTIALITY,
    /** Data traffic between the mobile node and the home agent can be protected too. */
    PROTECTS_DATA,
    /**
     * The key-management (IKE) security association survives a care-of address change, so the
     * engine may set the K flag in Binding Updates and Acknowledgements (RFC 6275 §6.1.7,
     * RFC 4877 §4.3). The only capability that lets the engine set K.
     */
    IKE_SURVIVES_MOVE,
    /** The provider's channel (e.g. a DTLS association with a connection ID) survives a care-of change. */
    CHANNEL_SURVIVES_COA_CHANGE,
    /** Bootstrap can assign a home address (draft §6.2). */
    ASSIGNS_HOME_ADDRESS,
    /** Bootstrap can assign a home prefix (draft §6.2, RFC 5026). */
    ASSIGNS_PREFIX,
    /** Replay protection depends on loosely synchronised clocks (RFC 4285 timestamps). */
    NEEDS_CLOCK_SYNC,
    /**
     * The provider cannot vouch for the packet's source address, so the mobile node must carry
     * the care-of address in an Alternate Care-of Address option (RFC 3776 §4.3, RFC 6275 §6.2.5).
     */
    NEEDS_ALTERNATE_COA,
    /** The provider needs root privileges (netlink, raw sockets). */
    NEEDS_ROOT,
    /**
     * The provider carries the mobile node's data traffic itself, in a tunnel of its own between
     * the care-of address and the home agent (e.g. IPsec tunnel mode through an IKE daemon's TUN
     * device). A data plane must stay out of its way: the reference daemons refuse
     * {@code data-plane.enabled} with such a provider (docs/data-plane.md). Declared by the
     * instance only in the modes that do.
     */
    CARRIES_TRAFFIC,
    /**
     * The home-agent path can protect a Home Agent Switch (RFC 5142 §5.1: as a Binding
     * Acknowledgement is protected) that answers no message: {@link SignallingPath#send} accepts
     * a {@code HomeAgentSwitch} with no {@link ReplyContext}, addressed to a bound node's care-of
     * address, and the mobile-node path verifies it. Without it the home agent refuses to drain
     * (docs/operator-guide.md#drain). Declared by auth-option-4285.
     */
    PROTECTS_HOME_AGENT_SWITCH
}
