package com.example.mip6.psk;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;

/**
 * The provider's configuration section, {@code security.example-psk}, read and validated as a
 * whole before anything is created. Every error names the key (as a dotted path) and the file.
 *
 * <p>Home agent:
 * <pre>
 * security:
 *   provider: example-psk
 *   example-psk:
 *     replay-window: 10m          # how long a node's counter is kept after its last message
 *     max-clock-skew: 30s         # how far a counter may be from this clock
 *     nodes:
 *       - nai: mn1@example.com
 *         key-file: keys/mn1.hex  # hex; mode 600
 *         home-address: 2001:db8:1::10
 * </pre>
 * Mobile node:
 * <pre>
 * security:
 *   provider: example-psk
 *   example-psk:
 *     nai: mn1@example.com
 *     key: "000102030405060708090a0b0c0d0e0f"   # or key-file
 *     home-address: 2001:db8:1::10               # optional if the daemon configures it
 *     home-agent: 2001:db8:1::1                  # optional if the daemon configures it
 * </pre>
 */
final class ExamplePskConfig {

    static final Set<String> HOME_AGENT_KEYS = Set.of("replay-window", "max-clock-skew", "nodes");
    static final Set<String> NODE_KEYS = Set.of("nai", "key", "key-file", "home-address");
    static final Set<String> MOBILE_NODE_KEYS = Set.of("nai", "key", "key-file", "home-address", "home-agent");

    static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofMinutes(10);
    static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofSeconds(30);

    private ExamplePskConfig() {
    }

    /**
     * The home agent's settings.
     *
     * @param nodes by NAI, in configuration order
     * @param replayWindow how long replay state outlives a node's last message once it has no binding
     * @param maxClockSkew how far a counter may lie from the home agent's clock
     */
    record HomeAgent(Map<String, NodeCredential> nodes, Duration replayWindow, Duration maxClockSkew) {
    }

    /**
     * The mobile node's settings.
     *
     * @param identity its NAI
     * @param key its key
     * @param homeAddress its home address, if configured here
     * @param homeAgent its home agent, if configured here
     */
    record MobileNode(Identity identity, PresharedKey key, Optional<Ipv6Address> homeAddress,
                      Optional<Ipv6Address> homeAgent) {
        @Override
        public String toString() {
            return "MobileNode[" + identity + "]";
        }
    }

    static HomeAgent homeAgent(ConfigSection section) throws ProviderConfigException {
        section.allowOnly(HOME_AGENT_KEYS);
        Duration skew = section.duration("max-clock-skew", Duration.ofSeconds(1), Duration.ofHours(1),
                DEFAULT_MAX_CLOCK_SKEW);
        Duration window = section.duration("replay-window", Duration.ofSeconds(1), Duration.ofDays(7),
                DEFAULT_REPLAY_WINDOW);
        if (window.compareTo(skew.multipliedBy(2)) <= 0) {
            throw section.error("replay-window", "must be more than twice max-clock-skew (" + skew + "), got "
                    + window + ": otherwise a message replayed just after its node's state is released could "
                    + "still look fresh");
        }
        List<ConfigSection> list = section.sections("nodes");
        if (list.isEmpty()) {
            throw section.error("nodes", "must list at least one node (nai, key or key-file, home-address)");
        }
        Map<String, NodeCredential> nodes = new LinkedHashMap<>();
        Map<Ipv6Address, String> homeAddresses = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigSection node = list.get(i);
            node.allowOnly(NODE_KEYS);
            Identity identity = nai(node);
            if (nodes.containsKey(identity.value())) {
                throw node.error("nai", "'" + identity.value() + "' is listed twice");
            }
            Optional<Ipv6Address> hoa = address(node, "home-address");
            if (hoa.isPresent() && homeAddresses.containsKey(hoa.get())) {
                throw node.error("home-address", hoa.get() + " is already the home address of "
                        + homeAddresses.get(hoa.get()));
            }
            hoa.ifPresent(a -> homeAddresses.put(a, identity.value()));
            nodes.put(identity.value(), new NodeCredential(identity, PresharedKey.read(node), hoa));
        }
        return new HomeAgent(Collections.unmodifiableMap(nodes), window, skew);
    }

    static MobileNode mobileNode(ConfigSection section) throws ProviderConfigException {
        section.allowOnly(MOBILE_NODE_KEYS);
        return new MobileNode(nai(section), PresharedKey.read(section), address(section, "home-address"),
                address(section, "home-agent"));
    }

    /** An NAI that fits the RFC 4283 option and is a valid {@link Identity}. */
    private static Identity nai(ConfigSection section) throws ProviderConfigException {
        String nai = section.string("nai").strip();
        int octets = nai.getBytes(StandardCharsets.UTF_8).length;
        if (octets == 0 || octets > MobileNodeIdentifier.MAX_IDENTIFIER_LENGTH) {
            throw section.error("nai", "must be 1.." + MobileNodeIdentifier.MAX_IDENTIFIER_LENGTH
                    + " octets of UTF-8, got " + octets);
        }
        if (nai.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            throw section.error("nai", "must not contain spaces or control characters");
        }
        return Identity.nai(nai);
    }

    private static Optional<Ipv6Address> address(ConfigSection section, String key) throws ProviderConfigException {
        Optional<String> text = section.optionalString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Ipv6Address.parse(text.get().strip()));
        } catch (IllegalArgumentException e) {
            throw section.error(key, "is not an IPv6 address: '" + text.get() + "'");
        }
    }
}
