package org.mip6kit.provider.ipsec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's section: {@link IkeOptions} plus {@code home-prefix} (the tunnel's local
 * traffic selector), {@code pool} (the home addresses charon hands out: one prefix inside
 * the home prefix; charon leases from its second address and never its last), {@code psk-table}
 * ({@code <IKE identity> <hex key>} lines), {@code ike-listen}
 * (optional local IKE addresses), {@code verify-wait} (how long a Binding Update that arrived
 * before the IKE event proving it may wait), and for mode kernel {@code payload-tunnel} (accept a
 * tunnel-mode CHILD SA for the home address's traffic and install its policies; default no).
 */
record HomeAgentConfig(IkeOptions ike, HomePrefix homePrefix, String pool, Map<String, byte[]> psks,
                       List<String> ikeListen, Duration verifyWait, Duration registrationWait, Duration teardownDelay,
                       boolean payloadTunnel) {

    static HomeAgentConfig read(ConfigSection c) throws ProviderConfigException {
        Set<String> keys = new HashSet<>(IkeOptions.KEYS);
        keys.addAll(Set.of("home-prefix", "pool", "psk-table", "ike-listen", "verify-wait",
                "registration-wait", "teardown-delay", "payload-tunnel"));
        c.allowOnly(keys);
        IkeOptions ike = IkeOptions.read(c);
        HomePrefix prefix = IkeOptions.prefix(c, "home-prefix", c.string("home-prefix"));
        String pool = c.string("pool");
        HomePrefix range = IkeOptions.prefix(c, "pool", pool);
        if (range.length() < prefix.length() || !prefix.contains(range.prefix())) {
            throw c.error("pool", "is " + pool + ", which does not lie inside the home prefix " + prefix);
        }
        Map<String, byte[]> psks = Secrets.readTable(c.path("psk-table"), c, "psk-table");
        for (String id : psks.keySet()) {
            IkeOptions.checkIdentity(c, "psk-table", id);
        }
        List<String> listen = new ArrayList<>();
        for (String a : IkeOptions.oneOrMany(c, "ike-listen")) {
            listen.add(IkeOptions.address(c, "ike-listen", a));
        }
        boolean payload = c.bool("payload-tunnel", false);
        return new HomeAgentConfig(ike, prefix, pool, Map.copyOf(psks), List.copyOf(listen),
                c.duration("verify-wait", Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(2)),
                c.duration("registration-wait", Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofSeconds(60)),
                c.duration("teardown-delay", Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(2)), payload);
    }

    boolean inHomePrefix(Ipv6Address a) {
        return homePrefix.contains(a);
    }

    @Override
    public String toString() {
        return "HomeAgentConfig[" + ike + ", " + homePrefix + ", pool " + pool + ", " + psks.size() + " identities]";
    }
}
