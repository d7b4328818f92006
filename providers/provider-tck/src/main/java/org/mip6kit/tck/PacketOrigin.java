package org.mip6kit.tck;

/**
 * Who really sent a packet on the kit's network, as only the kit knows it. Given to
 * {@link ProviderCompatibilityKit#arrival} so a test can model the network: a node's own
 * packets leave its IPsec tunnel on the tunnel's interface, a forger's and those of a node
 * without a security association arrive on the outside interface.
 *
 * @param kind the sender
 * @param node the mobile node's index for {@link Kind#MOBILE_NODE} and
 *        {@link Kind#MOBILE_NODE_WITH_WRONG_CREDENTIALS}, else -1
 */
public record PacketOrigin(Kind kind, int node) {

    /** The kinds of sender. */
    public enum Kind {
        /** The home agent under test. */
        HOME_AGENT,
        /** Mobile node {@code node}, configured with its own credentials. */
        MOBILE_NODE,
        /** Mobile node {@code node}, configured with credentials the home agent must not accept. */
        MOBILE_NODE_WITH_WRONG_CREDENTIALS,
        /** The kit's attacker: tampered, replayed, spoofed or forged packets. */
        ATTACKER,
        /** Not sent through the kit's transports (never expected). */
        UNKNOWN
    }

    public static final PacketOrigin HOME_AGENT = new PacketOrigin(Kind.HOME_AGENT, -1);
    public static final PacketOrigin ATTACKER = new PacketOrigin(Kind.ATTACKER, -1);
    public static final PacketOrigin UNKNOWN = new PacketOrigin(Kind.UNKNOWN, -1);

    public PacketOrigin {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        boolean isNode = kind == Kind.MOBILE_NODE || kind == Kind.MOBILE_NODE_WITH_WRONG_CREDENTIALS;
        if (isNode != (node >= 0)) {
            throw new IllegalArgumentException("a node index goes with a mobile node origin, and only with one: "
                    + kind + " " + node);
        }
    }

    public static PacketOrigin mobileNode(int node) {
        return new PacketOrigin(Kind.MOBILE_NODE, node);
    }

    public static PacketOrigin mobileNodeWithWrongCredentials(int node) {
        return new PacketOrigin(Kind.MOBILE_NODE_WITH_WRONG_CREDENTIALS, node);
    }
}
