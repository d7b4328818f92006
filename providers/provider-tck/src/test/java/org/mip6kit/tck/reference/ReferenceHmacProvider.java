package org.mip6kit.tck.reference;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityOptionCodec;

/**
 * The TCK's reference provider, {@code reference-hmac}: the smallest provider that passes the
 * whole kit. {@link Placement#IN_MESSAGE}: per-node 32-octet keys, the node's NAI in the MN-ID
 * option (RFC 4283), and an {@link AuthenticatorOption} of its own in the Experimental Mobility
 * Option (type 18, RFC 5096) with key id, NTP timestamp and HMAC-SHA256-128; strict replay
 * checks (timestamp window plus the authenticators accepted inside it, per node); the Binding
 * Acknowledgement authenticated with the node's key; replay state kept past deregistration for
 * the window, then released. Test-only: option type 18 is for experiments.
 *
 * <p>Configuration ({@code security.reference-hmac}):
 * <pre>
 * # home agent                                  # mobile node
 * replay-window: 7s        # optional            nai: node-0@tck.example
 * nodes:                                        key-id: 1
 *   - nai: node-0@tck.example                   key: 64 hex digits
 *     key-id: 1                                 home-address: 2001:db8:1::1:0   # optional
 *     key: 64 hex digits                        home-agent: 2001:db8:1::1       # optional
 *                                               replay-window: 7s               # optional
 * </pre>
 *
 * <p>{@link Flaw} switches in the deliberate defects the kit must catch.
 */
public final class ReferenceHmacProvider implements SecurityProviderFactory {

    public static final String NAME = "reference-hmac";

    /** Deliberate defects, for proving that the kit fails a bad provider. */
    public enum Flaw {
        /** The real thing. */
        NONE,
        /** Accepts every message naming a known node: no MAC, timestamp or replay check, on either side. */
        ACCEPTS_EVERYTHING,
        /** Never releases per-node replay state on the home agent. */
        NEVER_RELEASES_STATE,
        /** Drops a node's replay state the moment its binding is deleted or expires. */
        FORGETS_REPLAY_STATE_AT_DEREGISTRATION
    }

    static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "1.0", SpiVersion.MAJOR,
            Placement.IN_MESSAGE,
            EnumSet.of(Capability.INTEGRITY, Capability.NEEDS_CLOCK_SYNC, Capability.NEEDS_ALTERNATE_COA));
    private static final Duration DEFAULT_WINDOW = Duration.ofSeconds(7);

    private final Flaw flaw;

    /** The real provider (what {@link java.util.ServiceLoader} instantiates). */
    public ReferenceHmacProvider() {
        this(Flaw.NONE);
    }

    public ReferenceHmacProvider(Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<MobilityOptionCodec<?>> optionCodecs() {
        return List.of(AuthenticatorOption.CODEC);
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        Set<String> allowed = new HashSet<>(NodeCredentials.KEYS);
        allowed.addAll(Set.of("home-address", "home-agent", "replay-window"));
        config.allowOnly(allowed);
        NodeCredentials self = NodeCredentials.read(config);
        return new ReferenceMobileNodeSecurity(context, self, address(config, "home-address"),
                address(config, "home-agent"), window(config), flaw);
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        config.allowOnly(Set.of("nodes", "replay-window"));
        Map<Long, NodeCredentials> byKeyId = new HashMap<>();
        Set<String> nais = new HashSet<>();
        List<ConfigSection> nodes = config.sections("nodes");
        for (int i = 0; i < nodes.size(); i++) {
            ConfigSection s = nodes.get(i);
            s.allowOnly(NodeCredentials.KEYS);
            NodeCredentials c = NodeCredentials.read(s);
            if (byKeyId.putIfAbsent(c.keyId(), c) != null) {
                throw s.error("key-id", c.keyId() + " is used by another node");
            }
            if (!nais.add(c.nai())) {
                throw s.error("nai", c.nai() + " appears twice");
            }
        }
        return new ReferenceHomeAgentSecurity(context, byKeyId, window(config), flaw);
    }

    private static Duration window(ConfigSection config) throws ProviderConfigException {
        return config.duration("replay-window", Duration.ofSeconds(1), Duration.ofHours(1), DEFAULT_WINDOW);
    }

    private static Optional<Ipv6Address> address(ConfigSection config, String key) throws ProviderConfigException {
        Optional<String> text = config.optionalString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Ipv6Address.parse(text.get().trim()));
        } catch (IllegalArgumentException e) {
            throw config.error(key, "is not an IPv6 address: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return NAME + (flaw == Flaw.NONE ? "" : " (flaw: " + flaw + ")");
    }
}
