package org.mip6kit.ha;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.daemon.ConfigValues;
import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileRouterAuthorization;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * The reference home agent's configuration file ({@code ha.yaml}), read strictly: every
 * section allows only its documented keys, and every error names the key and the file
 * ({@code docs/operator-guide.md#home-agent-configuration} lists them all).
 * <pre>
 * home-agent:
 *   address: 2001:db8:1::1              # required
 *   home-prefixes: [2001:db8:1::/64]    # required, at least one
 *   max-lifetime: 1h                    # 4s .. 262140s
 *   refresh-advice-ratio: 0.8           # 0 (no advice) .. below 1
 *   replay-hold: 5m
 *   sequence-number-hold: false         # outside RFC 6275; see the operator guide
 *   max-bindings: 100000
 *   max-home-addresses-per-identity: 4
 *   before-ack-timeout: 5s
 *   sweep-interval: 1s
 *   nat-keepalive: 110s
 *   failure-replies-per-second: 100
 *   failure-replies-per-source-per-second: 10
 *   failure-replies-per-identity-per-second: 100
 *   failure-log-lines-per-second: 10
 *   state-log-lines-per-second: 50
 *   shutdown-timeout: 5s
 *   mobile-routers:                     # RFC 3963 prefix table; none by default (R=1 gets 140)
 *     - identity: nai:mr1@example.org   # kind:value as ha bindings prints it, or the value
 *       prefixes: [2001:db8:100::/48]   # outside the home prefixes, no overlap between routers
 * transport: { udp: { bind: "::", port: 4191, receive-buffer: 1048576 } }
 * admin: { socket: ha.sock }
 * logging: { level: info, loggers: { org.mip6kit.ha: info } }
 * metrics: { prometheus: { enabled: false, bind: "::1", port: 9464 }, jmx: { enabled: false } }
 * state: { enabled: true, directory: ha-state, sync-delay: 2ms }
 * data-plane: { enabled: false, tun-name: mip6ha0, mtu: 1500, prefixes: [2001:db8:1::/64] }
 * cluster: { enabled: false, member-name: ha-a, bind: 192.0.2.1, port: 5701, members: [...],
 *            failure-timeout: 3s, takeover-interface: eth0 }
 * security: { provider: NAME, NAME: { ... } }
 * </pre>
 * The {@code security} section is checked when the daemon starts, once the provider is known
 * ({@link org.mip6kit.daemon.SelectedProvider}).
 *
 * @param file the file, absolute
 * @param homeAgent the protocol settings ({@code home-agent})
 * @param daemon the shared sections ({@code transport}, {@code admin}, {@code logging})
 * @param root the whole file, for the {@code security} section
 * @param metrics where the meters are published ({@code metrics}, see {@link MetricsSettings})
 * @param state where bindings are kept across restarts ({@code state}, see {@link StateSettings})
 * @param dataPlane whether and how packets are tunnelled ({@code data-plane}, see
 *        {@link HomeAgentDataPlaneConfig})
 * @param cluster whether and how this home agent shares its bindings with others ({@code cluster},
 *        see {@link ClusterSettings}); with an enabled cluster {@code state} is disabled (the grid
 *        holds the bindings), {@code state.enabled: true}, {@code data-plane.enabled: true} and a
 *        wildcard {@code transport.udp.bind} are refused
 */
public record HomeAgentConfig(Path file, HomeAgentSettings homeAgent, DaemonSettings daemon, ConfigSection root,
                              MetricsSettings metrics, StateSettings state, HomeAgentDataPlaneConfig dataPlane,
                              ClusterSettings cluster) {

    /** The top-level keys of a home agent's file. */
    public static final Set<String> TOP_LEVEL = Set.of("home-agent", "transport", "admin", "security", "logging",
            "metrics", "state", "data-plane", "cluster");
    /** The keys of the {@code home-agent} section. */
    public static final Set<String> HOME_AGENT_KEYS = Set.of("address", "home-prefixes", "max-lifetime",
            "refresh-advice-ratio", "replay-hold", "sequence-number-hold", "max-bindings", "max-home-addresses-per-identity",
            "before-ack-timeout", "sweep-interval", "nat-keepalive", "failure-replies-per-second",
            "failure-replies-per-source-per-second", "failure-replies-per-identity-per-second",
            "failure-log-lines-per-second", "state-log-lines-per-second", "shutdown-timeout", "mobile-routers");
    /** The keys of one {@code home-agent.mobile-routers} entry. */
    public static final Set<String> MOBILE_ROUTER_KEYS = Set.of("identity", "prefixes");
    /** The admin socket's name next to the file when {@code admin.socket} is absent. */
    public static final String DEFAULT_SOCKET_NAME = "ha.sock";

    public HomeAgentConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(homeAgent, "homeAgent");
        Objects.requireNonNull(daemon, "daemon");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** Where the home agent listens when {@code transport.udp} says nothing: every address, port 4191. */
    public static UdpTransport.Config defaultUdp() {
        try {
            return UdpTransport.Config.homeAgent(InetAddress.getByAddress(new byte[16]));
        } catch (UnknownHostException e) {
            throw new AssertionError("16 octets are always an address", e);
        }
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws ProviderConfigException if the file cannot be read, is not YAML, or any key is
     *         unknown, missing or wrong; the message is {@code <file>: <key>: <problem>}
     */
    public static HomeAgentConfig load(Path file) throws ProviderConfigException {
        ConfigSection root = ConfigFile.load(file);
        return read(root, file.toAbsolutePath());
    }

    /** Checks an already parsed file (its root section). */
    public static HomeAgentConfig read(ConfigSection root, Path file) throws ProviderConfigException {
        root.allowOnly(TOP_LEVEL);
        if (!root.has("home-agent")) {
            throw root.error("home-agent", "is required: the section with the home agent's address and home "
                    + "prefixes (see docs/examples/ha.yaml)");
        }
        HomeAgentSettings settings = readHomeAgent(root.section("home-agent"));
        DaemonSettings daemon = DaemonSettings.read(root,
                new DaemonSettings.Defaults(defaultUdp(), DEFAULT_SOCKET_NAME));
        StateSettings state = StateSettings.read(root, file);
        HomeAgentDataPlaneConfig dataPlane = HomeAgentDataPlaneConfig.read(root, attracted(settings));
        ClusterSettings cluster = ClusterSettings.read(root);
        if (cluster.enabled()) {
            checkCluster(root, daemon, dataPlane, file);
            // The grid holds the bindings: the journal is not opened (the start-up line says so).
            state = new StateSettings(false, state.directory(), state.syncDelay());
        }
        return new HomeAgentConfig(file, settings, daemon, root, MetricsSettings.read(root), state, dataPlane,
                cluster);
    }

    /** What an enabled cluster cannot run with, each refusal naming both keys. */
    private static void checkCluster(ConfigSection root, DaemonSettings daemon, HomeAgentDataPlaneConfig dataPlane,
                                     Path file) throws ProviderConfigException {
        ConfigSection cluster = root.section("cluster");
        if (root.has("state")) {
            ConfigSection state = root.section("state");
            if (state.has("enabled") && state.bool("enabled", false)) {
                throw state.error("enabled", "true cannot go with cluster.enabled: true in the same file: a "
                        + "cluster member keeps its bindings in the grid, not in the state directory; remove "
                        + "state.enabled or set it to false (docs/operator-guide.md#cluster)");
            }
        }
        if (dataPlane.enabled()) {
            throw root.section("data-plane").error("enabled", "true cannot go with cluster.enabled: true: a "
                    + "taken-over home agent address would have no tunnel; run the cluster without the "
                    + "user-space data plane (docs/operator-guide.md#cluster)");
        }
        java.net.InetAddress bind = daemon.udp().bindAddress();
        if (bind.isAnyLocalAddress()) {
            String where = root.has("transport") ? "" : " (the default when transport.udp.bind is absent)";
            String text = bind instanceof java.net.Inet6Address ? "::" : bind.getHostAddress();
            throw new ProviderConfigException("transport.udp.bind", file, text + where
                    + " cannot go with cluster.enabled: true: a survivor takes over this member's UDP endpoint, "
                    + "so bind it to one address that moves with the home agent, normally home-agent.address "
                    + "(cluster." + (cluster.has("member-name") ? "member-name " + cluster.string("member-name")
                    : "enabled") + "; docs/operator-guide.md#cluster)");
        }
    }

    private static HomeAgentSettings readHomeAgent(ConfigSection ha) throws ProviderConfigException {
        ha.allowOnly(HOME_AGENT_KEYS);
        Ipv6Address address = ConfigValues.unicastIpv6(ha, "address");
        List<HomePrefix> prefixes = ConfigValues.prefixes(ha, "home-prefixes");
        HomeAgentSettings d = HomeAgentSettings.defaults(address, prefixes.get(0));
        try {
            return HomeAgentSettings.builder(address, prefixes)
                    .maxLifetime(ha.duration("max-lifetime", Duration.ofSeconds(Lifetime.UNIT_SECONDS),
                            Lifetime.MAX.toDuration(), d.maxLifetime()))
                    .refreshAdviceRatio(ConfigValues.number(ha, "refresh-advice-ratio", 0, 1, false,
                            d.refreshAdviceRatio()))
                    .beforeAckTimeout(ha.duration("before-ack-timeout", Duration.ofMillis(1), Duration.ofMinutes(5),
                            d.beforeAckTimeout()))
                    .replayHold(ha.duration("replay-hold", Duration.ofSeconds(1), Duration.ofDays(7), d.replayHold()))
                    .sequenceNumberHold(ha.bool("sequence-number-hold", d.sequenceNumberHold()))
                    .maxBindings((int) ha.integer("max-bindings", 1, 100_000_000, d.maxBindings()))
                    .maxHomeAddressesPerIdentity((int) ha.integer("max-home-addresses-per-identity", 1, 100_000_000,
                            d.maxHomeAddressesPerIdentity()))
                    .sweepInterval(ha.duration("sweep-interval", Duration.ofMillis(10), Duration.ofHours(1),
                            d.sweepInterval()))
                    .natKeepalive(ha.duration("nat-keepalive", Duration.ofSeconds(1), Duration.ofHours(1),
                            d.natKeepalive()))
                    .failureRepliesPerSecond(ConfigValues.number(ha, "failure-replies-per-second", 0.001, 1_000_000,
                            true, d.failureRepliesPerSecond()))
                    .failureRepliesPerSourcePerSecond(ConfigValues.number(ha, "failure-replies-per-source-per-second",
                            0.001, 1_000_000, true, d.failureRepliesPerSourcePerSecond()))
                    .failureRepliesPerIdentityPerSecond(ConfigValues.number(ha,
                            "failure-replies-per-identity-per-second", 0.001, 1_000_000, true,
                            d.failureRepliesPerIdentityPerSecond()))
                    .failureLogLinesPerSecond(ConfigValues.number(ha, "failure-log-lines-per-second", 0.001,
                            1_000_000, true, d.failureLogLinesPerSecond()))
                    .stateLogLinesPerSecond(ConfigValues.number(ha, "state-log-lines-per-second", 0.001,
                            1_000_000, true, d.stateLogLinesPerSecond()))
                    .shutdownTimeout(ha.duration("shutdown-timeout", Duration.ofMillis(1), Duration.ofMinutes(10),
                            d.shutdownTimeout()))
                    .mobileRouters(mobileRouters(ha, prefixes))
                    .build();
        } catch (IllegalArgumentException e) {
            // The ranges above keep the engine's own checks from failing; if one still does, say where.
            throw new ProviderConfigException(ha.path(), ha.file().orElse(null), e.getMessage());
        }
    }

    /**
     * {@code home-agent.mobile-routers}: the prefix table of RFC 3963 §6.1.2. Each entry names an
     * identity and its prefixes; a prefix must be a global unicast prefix outside the home
     * prefixes, and no two entries may share an identity or overlap in a prefix (one mobile
     * router must not be able to claim another's network).
     */
    private static List<MobileRouterAuthorization> mobileRouters(ConfigSection ha, List<HomePrefix> homePrefixes)
            throws ProviderConfigException {
        if (!ha.has("mobile-routers")) {
            return List.of();
        }
        List<ConfigSection> entries = ha.sections("mobile-routers");
        List<MobileRouterAuthorization> routers = new ArrayList<>();
        for (ConfigSection entry : entries) {
            entry.allowOnly(MOBILE_ROUTER_KEYS);
            if (!entry.has("identity")) {
                throw entry.error("identity", "is required: the identity the security provider authenticates for "
                        + "this mobile router, such as nai:mr1@example.org (see docs/operator-guide.md#mobile-routers)");
            }
            String identity = entry.string("identity").strip();
            if (identity.isEmpty() || identity.length() > 255 || identity.chars().anyMatch(Character::isISOControl)) {
                throw entry.error("identity", "must be an identity of 1..255 characters such as nai:mr1@example.org");
            }
            for (MobileRouterAuthorization earlier : routers) {
                if (earlier.identity().equals(identity)) {
                    throw entry.error("identity", "'" + identity + "' is listed twice; give each mobile router one "
                            + "entry with all its prefixes");
                }
            }
            List<HomePrefix> prefixes = ConfigValues.prefixes(entry, "prefixes");
            for (int i = 0; i < prefixes.size(); i++) {
                HomePrefix p = prefixes.get(i);
                String key = "prefixes[" + i + "]";
                if (!MobileRouterAuthorization.isValidMobileNetworkPrefix(p.prefix(), p.length())) {
                    throw entry.error(key, p + " is not a global unicast prefix (not link-local, multicast, "
                            + "loopback or IPv4-mapped)");
                }
                for (HomePrefix home : homePrefixes) {
                    if (MobileRouterAuthorization.overlap(p, home)) {
                        throw entry.error(key, p + " overlaps the home prefix " + home + "; a mobile network "
                                + "prefix must lie outside home-agent.home-prefixes");
                    }
                }
                for (int j = 0; j < i; j++) {
                    if (MobileRouterAuthorization.overlap(p, prefixes.get(j))) {
                        throw entry.error(key, p + " overlaps " + prefixes.get(j) + " of the same entry");
                    }
                }
                for (MobileRouterAuthorization earlier : routers) {
                    for (HomePrefix q : earlier.prefixes()) {
                        if (MobileRouterAuthorization.overlap(p, q)) {
                            throw entry.error(key, p + " overlaps " + q + " of mobile router " + earlier.identity()
                                    + "; a prefix belongs to one mobile router only (RFC 3963 §6.1.2)");
                        }
                    }
                }
            }
            routers.add(new MobileRouterAuthorization(identity, prefixes));
        }
        return List.copyOf(routers);
    }

    /**
     * What the data plane's TUN device attracts by default: the home prefixes and every mobile
     * router's authorised prefixes (RFC 3963: packets for a registered prefix are tunnelled to its
     * mobile router; those for an unregistered one are dropped and counted).
     */
    private static List<HomePrefix> attracted(HomeAgentSettings settings) {
        List<HomePrefix> all = new ArrayList<>(settings.homePrefixes());
        settings.mobileRouters().forEach(r -> all.addAll(r.prefixes()));
        return List.copyOf(all);
    }
}
