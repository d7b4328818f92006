package org.mip6kit.provider.ipsec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The mobile node's section: {@link IkeOptions} plus {@code home-agent-identity},
 * {@code ike-peer} (the home agent's IKE address or addresses), {@code home-prefix} (the
 * tunnel's remote traffic selector), {@code psk-file}, {@code initiate-timeout},
 * {@code mobike-timeout}; for mode kernel {@code reqid} (the reqid pinned on the signalling
 * CHILD SA, which the node's XFRM templates name; default {@link #defaultReqid}) and
 * {@code payload-tunnel} (also negotiate a tunnel-mode CHILD SA care-of address ↔ home agent for
 * the home address's traffic, reqid {@code reqid + 1}, whose policies a care-of change migrates;
 * default no).
 */
record MobileNodeConfig(IkeOptions ike, String homeAgentIdentity, List<String> ikePeers, HomePrefix homePrefix,
                        byte[] psk, Duration initiateTimeout, Duration mobikeTimeout, int reqid,
                        boolean payloadTunnel) {

    /**
     * 7300 plus a number from 0 to 999 derived from the node's identity: stable across restarts,
     * and unlikely to meet another daemon's pinned reqids on the same host.
     */
    static int defaultReqid(String identity) {
        return 7300 + Math.floorMod(identity.hashCode(), 1000);
    }

    static MobileNodeConfig read(ConfigSection c) throws ProviderConfigException {
        Set<String> keys = new HashSet<>(IkeOptions.KEYS);
        keys.addAll(Set.of("home-agent-identity", "ike-peer", "home-prefix", "psk-file", "initiate-timeout",
                "mobike-timeout", "reqid", "payload-tunnel"));
        c.allowOnly(keys);
        IkeOptions ike = IkeOptions.read(c);
        String haId = c.text("home-agent-identity");
        IkeOptions.checkIdentity(c, "home-agent-identity", haId);
        List<String> peers = new ArrayList<>();
        List<String> given = IkeOptions.oneOrMany(c, "ike-peer");
        if (given.isEmpty()) {
            throw c.error("ike-peer", "is required: the home agent's IKE address (its outer address, e.g. "
                    + "2001:db8:ff::1)");
        }
        for (String p : given) {
            peers.add(IkeOptions.address(c, "ike-peer", p));
        }
        HomePrefix prefix = IkeOptions.prefix(c, "home-prefix", c.string("home-prefix"));
        byte[] psk = Secrets.readPsk(c.path("psk-file"), c, "psk-file");
        int reqid = (int) c.integer("reqid", 1, 16_000_000, defaultReqid(c.text("identity")));
        boolean payload = c.bool("payload-tunnel", false);
        return new MobileNodeConfig(ike, haId, List.copyOf(peers), prefix, psk,
                c.duration("initiate-timeout", Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofSeconds(10)),
                c.duration("mobike-timeout", Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofSeconds(3)),
                reqid, payload);
    }

    @Override
    public String toString() {
        return "MobileNodeConfig[" + ike + ", home agent " + homeAgentIdentity + " at " + ikePeers + ", " + homePrefix
                + "]";
    }
}
