package org.mip6kit.mn;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.daemon.ConfigValues;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.engine.MobileRouterAuthorization;
import org.mip6kit.engine.MobileRouterSettings;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * The {@code mobile-node} section of {@code mn.yaml}: who the node is, where its home agent is,
 * where its care-of address comes from, and the registration timers. Every key is optional
 * except a care-of source ({@code care-of.address} or {@code care-of.interface}); defaults are
 * RFC 6275's ({@link MobileNodeSettings#defaults()}). The reference of every key is in
 * {@code docs/operator-guide.md#mobile-node} and in the commented {@code docs/examples/mn.yaml}.
 *
 * @param settings the engine's settings
 * @param careOf where the care-of address comes from
 */
public record MobileNodeSection(MobileNodeSettings settings, CareOfSource careOf) {

    /** The section's name at the top of the file. */
    public static final String NAME = "mobile-node";

    /** The default {@code care-of.poll-interval}. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    private static final Set<String> KEYS = Set.of("home-address", "home-agent", "home-agent-endpoint", "bootstrap",
            "care-of", "lifetime", "refresh-margin", "retransmission", "max-updates-per-second", "shutdown-timeout",
            "initial-sequence", "mobile-router", "other-home-agents");
    private static final Set<String> MOBILE_ROUTER_KEYS = Set.of("enabled", "mode", "prefixes");
    private static final Set<String> BOOTSTRAP_KEYS = Set.of("want", "ipv4-home-address");
    private static final Set<String> CARE_OF_KEYS = Set.of("address", "interface", "poll-interval");
    private static final Set<String> RETRANSMISSION_KEYS = Set.of("first-registration-timeout", "initial-timeout",
            "max-timeout", "give-up-after");

    /**
     * Where the care-of address comes from: a fixed initial address, an interface to follow, or
     * both (the address is registered first, then the interface is followed).
     *
     * @param address the care-of address registered at start-up (IPv4 as IPv4-mapped)
     * @param interfaceName the interface whose addresses the node follows
     * @param pollInterval how often the interface is read
     */
    public record CareOfSource(Optional<Ipv6Address> address, Optional<String> interfaceName, Duration pollInterval) {
        public CareOfSource {
            if (address.isEmpty() && interfaceName.isEmpty()) {
                throw new IllegalArgumentException("a care-of source needs an address, an interface or both");
            }
        }
    }

    /**
     * Reads and validates the section.
     *
     * @throws ProviderConfigException naming the key and the file
     */
    public static MobileNodeSection read(ConfigSection section) throws ProviderConfigException {
        section.allowOnly(KEYS);
        MobileNodeSettings s = MobileNodeSettings.defaults();

        Optional<Ipv6Address> homeAddress = optionalIpv6(section, "home-address");
        Optional<Ipv6Address> homeAgent = optionalIpv6(section, "home-agent");
        s = s.withHomeAddress(homeAddress.orElse(null)).withHomeAgent(homeAgent.orElse(null));
        s = s.withHomeAgentEndpoints(endpoints(section, "home-agent-endpoint"));
        s = s.withOtherHomeAgentEndpoints(otherHomeAgents(section));

        ConfigSection bootstrap = section.section("bootstrap");
        bootstrap.allowOnly(BOOTSTRAP_KEYS);
        String want = bootstrap.optionalString("want").orElse("home-address");
        s = s.withWant(switch (want) {
            case "home-address" -> BootstrapRequest.Want.HOME_ADDRESS;
            case "home-prefix" -> BootstrapRequest.Want.PREFIX_ONLY;
            default -> throw bootstrap.error("want", "must be home-address or home-prefix, got '" + want + "'");
        });
        s = s.withIpv4HomeAddress(bootstrap.bool("ipv4-home-address", false));

        Duration lifetime = section.duration("lifetime", Duration.ofSeconds(4), MobileNodeSettings.MAX_LIFETIME,
                s.requestedLifetime());
        if (lifetime.toMillis() % 4000 != 0) {
            throw section.error("lifetime", "must be a whole multiple of 4 s (the Binding Update carries "
                    + "the lifetime in units of 4 s, RFC 6275 §6.1.7), got " + lifetime.toMillis() / 1000.0 + " s");
        }
        s = s.withRequestedLifetime(lifetime);
        Optional<String> margin = section.optionalString("refresh-margin");
        if (margin.isPresent()) {
            s = s.withRefreshMargin(fraction(section, "refresh-margin", margin.get()));
        }
        s = s.withMaxUpdatesPerSecond((int) section.integer("max-updates-per-second", 1, 100,
                s.maxUpdatesPerSecond()));
        s = s.withShutdownTimeout(section.duration("shutdown-timeout", Duration.ZERO, Duration.ofMinutes(5),
                s.shutdownTimeout()));
        if (section.has("initial-sequence")) {
            s = s.withInitialSequence(SequenceNumber.of((int) section.integer("initial-sequence", 0, 0xFFFF)));
        }

        ConfigSection retransmission = section.section("retransmission");
        retransmission.allowOnly(RETRANSMISSION_KEYS);
        Duration firstReg = retransmission.duration("first-registration-timeout", Duration.ofMillis(100),
                Duration.ofMinutes(5), s.initialBindAckTimeoutFirstReg());
        Duration initial = retransmission.duration("initial-timeout", Duration.ofMillis(100), Duration.ofMinutes(5),
                s.initialBindAckTimeout());
        Duration max = retransmission.duration("max-timeout", Duration.ofMillis(100), Duration.ofHours(1),
                s.maxBindAckTimeout());
        if (max.compareTo(firstReg) < 0 || max.compareTo(initial) < 0) {
            throw retransmission.error("max-timeout", "must be at least first-registration-timeout (" + firstReg
                    + ") and initial-timeout (" + initial + "): it caps the doubling that starts there, got " + max);
        }
        int giveUp = (int) retransmission.integer("give-up-after", 0, 1000, s.giveUpAfterRetransmissions());
        try {
            // All three timeouts at once: the settings check that the cap is above both, so
            // changing them one by one could fail half-way through a valid combination.
            s = s.toBuilder().initialBindAckTimeoutFirstReg(firstReg).initialBindAckTimeout(initial)
                    .maxBindAckTimeout(max).giveUpAfterRetransmissions(giveUp).build();
        } catch (IllegalArgumentException e) {
            // The checks above keep the engine's own from failing; if one still does, say where.
            throw new ProviderConfigException(section.path(), section.file().orElse(null), e.getMessage());
        }

        s = s.toBuilder().mobileRouter(mobileRouter(section.section("mobile-router")).orElse(null)).build();

        CareOfSource careOf = careOf(section, homeAddress);
        return new MobileNodeSection(s, careOf);
    }

    /**
     * {@code mobile-router}: {@code enabled} (default false), {@code mode} explicit (default) or
     * implicit, {@code prefixes} (required in explicit mode; in implicit mode only shown by
     * {@code mn status}). RFC 3963 §5.
     */
    private static Optional<MobileRouterSettings> mobileRouter(ConfigSection r) throws ProviderConfigException {
        r.allowOnly(MOBILE_ROUTER_KEYS);
        if (!r.bool("enabled", false)) {
            if (r.has("mode") || r.has("prefixes")) {
                throw r.error("enabled", "is false (the default) but mode or prefixes are set: set enabled: true to "
                        + "register as a mobile router, or remove the section");
            }
            return Optional.empty();
        }
        String mode = r.optionalString("mode").orElse("explicit").strip();
        MobileRouterSettings.Mode m = switch (mode) {
            case "explicit" -> MobileRouterSettings.Mode.EXPLICIT;
            case "implicit" -> MobileRouterSettings.Mode.IMPLICIT;
            default -> throw r.error("mode", "must be explicit (prefixes in every Binding Update) or implicit (the "
                    + "home agent uses its own list), got '" + mode + "'");
        };
        List<HomePrefix> prefixes = List.of();
        if (m == MobileRouterSettings.Mode.EXPLICIT && !r.has("prefixes")) {
            throw r.error("prefixes", "is required in explicit mode: the mobile network prefixes to register, "
                    + "such as [2001:db8:100::/48]");
        }
        if (r.has("prefixes")) {
            prefixes = ConfigValues.prefixes(r, "prefixes");
            for (int i = 0; i < prefixes.size(); i++) {
                HomePrefix p = prefixes.get(i);
                if (!MobileRouterAuthorization.isValidMobileNetworkPrefix(p.prefix(), p.length())) {
                    throw r.error("prefixes[" + i + "]", p + " is not a global unicast prefix");
                }
                for (int j = 0; j < i; j++) {
                    if (MobileRouterAuthorization.overlap(p, prefixes.get(j))) {
                        throw r.error("prefixes[" + i + "]", p + " overlaps " + prefixes.get(j));
                    }
                }
            }
        }
        return Optional.of(new MobileRouterSettings(m, prefixes));
    }

    private static CareOfSource careOf(ConfigSection parent, Optional<Ipv6Address> homeAddress)
            throws ProviderConfigException {
        if (!parent.has("care-of")) {
            throw parent.error("care-of", "is required: give care-of.address (the initial care-of address), "
                    + "care-of.interface (follow that interface's addresses), or both");
        }
        ConfigSection c = parent.section("care-of");
        c.allowOnly(CARE_OF_KEYS);
        Optional<Ipv6Address> address = Optional.empty();
        Optional<String> text = c.optionalString("address");
        if (text.isPresent()) {
            try {
                address = Optional.of(CareOfAddresses.parse(text.get()));
            } catch (IllegalArgumentException e) {
                throw c.error("address", e.getMessage());
            }
            if (homeAddress.isPresent() && address.get().equals(homeAddress.get())) {
                throw c.error("address", "is the home address; a care-of address is where the node is away "
                        + "from home (at home there is nothing to register)");
            }
        }
        Optional<String> nif = c.optionalString("interface").map(String::trim);
        if (nif.isPresent() && (nif.get().isEmpty() || !nif.get().matches("[A-Za-z0-9_.:@-]{1,15}"))) {
            throw c.error("interface", "must be an interface name such as eth0 or wlan0 (1..15 letters, digits, "
                    + "'_', '.', ':', '@', '-'), got '" + nif.get() + "'");
        }
        if (address.isEmpty() && nif.isEmpty()) {
            throw c.error("address", "is required unless care-of.interface is set (then the interface's first "
                    + "global unicast address is registered)");
        }
        Duration poll = c.duration("poll-interval", Duration.ofMillis(100), Duration.ofMinutes(1),
                DEFAULT_POLL_INTERVAL);
        return new CareOfSource(address, nif, poll);
    }

    private static Optional<Ipv6Address> optionalIpv6(ConfigSection section, String key) throws ProviderConfigException {
        Optional<String> text = section.optionalString(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Ipv6Address a;
        try {
            a = Ipv6Address.parse(text.get().trim());
        } catch (IllegalArgumentException e) {
            throw section.error(key, "must be an IPv6 address such as 2001:db8:1::100, got '" + text.get() + "'");
        }
        if (a.isUnspecified() || a.isMulticast() || a.isIpv4Mapped()) {
            throw section.error(key, "must be a unicast IPv6 address, got " + a);
        }
        return Optional.of(a);
    }

    /**
     * One endpoint ({@code "[2001:db8::1]:4191"}), or a list of up to two, one IPv4 and one IPv6
     * ({@code ["[2001:db8::1]:4191", "192.0.2.1:4191"]}); empty when the key is absent.
     */
    /**
     * {@code other-home-agents}: where home agents a Home Agent Switch may name are reached, as
     * {@code "<home agent address>": <endpoint or list of endpoints>} (docs/operator-guide.md#drain).
     */
    private static Map<Ipv6Address, List<InetSocketAddress>> otherHomeAgents(ConfigSection section)
            throws ProviderConfigException {
        if (!section.has("other-home-agents")) {
            return Map.of();
        }
        ConfigSection others = section.section("other-home-agents");
        Map<Ipv6Address, List<InetSocketAddress>> result = new LinkedHashMap<>();
        for (String key : new java.util.TreeSet<>(others.keys())) {
            Ipv6Address address;
            try {
                address = Ipv6Address.parse(key.trim());
            } catch (IllegalArgumentException e) {
                throw others.error(key, "must be a home agent's IPv6 address, such as \"2001:db8:1::2\" (quoted)");
            }
            if (address.isUnspecified() || address.isMulticast()) {
                throw others.error(key, "cannot be a home agent address");
            }
            result.put(address, endpoints(others, key));
        }
        return result;
    }

    static List<InetSocketAddress> endpoints(ConfigSection section, String key) throws ProviderConfigException {
        Optional<String> single;
        try {
            single = section.optionalString(key);
        } catch (ProviderConfigException notASingleValue) {
            // ConfigSection tells a scalar from a list only by refusing the wrong accessor.
            return endpointList(section, key);
        }
        return single.isPresent() ? List.of(endpoint(section, key, single.get())) : List.of();
    }

    private static List<InetSocketAddress> endpointList(ConfigSection section, String key)
            throws ProviderConfigException {
        String expected = "one endpoint such as \"[2001:db8:1::1]:4191\", or a list of two, one IPv6 and one "
                + "IPv4, such as [\"[2001:db8:1::1]:4191\", \"192.0.2.1:4191\"]";
        List<String> texts;
        try {
            texts = section.strings(key);
        } catch (ProviderConfigException notAList) {
            throw section.error(key, "must be " + expected + "; got a section");
        }
        if (texts.isEmpty() || texts.size() > 2) {
            throw section.error(key, "must be " + expected + "; got a list of " + texts.size());
        }
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            endpoints.add(endpoint(section, key + "[" + i + "]", texts.get(i)));
        }
        if (endpoints.size() == 2
                && (endpoints.get(0).getAddress() instanceof Inet4Address)
                        == (endpoints.get(1).getAddress() instanceof Inet4Address)) {
            String family = endpoints.get(0).getAddress() instanceof Inet4Address ? "IPv4" : "IPv6";
            throw section.error(key, "lists two " + family + " endpoints ('" + texts.get(0).trim() + "' and '"
                    + texts.get(1).trim() + "'); give at most one per address family, one IPv6 and one IPv4 (the "
                    + "node sends to the one of its care-of address's family)");
        }
        return List.copyOf(endpoints);
    }

    /** {@code [2001:db8::1]:4191}, {@code 192.0.2.1:4191}, or an address alone (port 4191). */
    static InetSocketAddress endpoint(ConfigSection section, String key, String text) throws ProviderConfigException {
        String t = text.trim();
        String host;
        int port = UdpTransport.DEFAULT_PORT;
        String portText = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw section.error(key, "has '[' without ']': write [2001:db8::1]:4191, got '" + t + "'");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw section.error(key, "must be [IPv6]:port or IPv4:port, got '" + t + "'");
                }
                portText = rest.substring(1);
            }
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            host = t;   // a bare IPv6 address
        } else if (t.indexOf(':') >= 0) {
            host = t.substring(0, t.indexOf(':'));
            portText = t.substring(t.indexOf(':') + 1);
        } else {
            host = t;
        }
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 0xFFFF) {
                throw section.error(key, "has port '" + portText + "'; a UDP port is 1..65535 (RFC 5555 uses 4191)");
            }
        }
        InetAddress address;
        try {
            address = host.indexOf(':') >= 0 ? Ipv6Address.parse(host).toInetAddress()
                    : InetAddress.getByAddress(Ipv4Address.parse(host).toBytes());
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw section.error(key, "must be an address literal and port such as \"[::1]:4191\" or "
                    + "\"127.0.0.1:4191\" (no host names), got '" + t + "'");
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            throw section.error(key, "must be the home agent's unicast address, got '" + t + "'");
        }
        return new InetSocketAddress(address, port);
    }

    private static double fraction(ConfigSection section, String key, String text) throws ProviderConfigException {
        double d;
        try {
            d = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw section.error(key, "must be a fraction between 0 and 1 such as 0.2, got '" + text + "'");
        }
        if (!(d > 0 && d < 1)) {
            throw section.error(key, "is the fraction of the granted lifetime left when the node refreshes; it "
                    + "must lie strictly between 0 and 1, got " + text);
        }
        return d;
    }
}
