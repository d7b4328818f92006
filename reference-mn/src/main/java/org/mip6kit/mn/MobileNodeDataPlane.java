package org.mip6kit.mn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.dataplane.LinkCommands;
import org.mip6kit.dataplane.MobileNodeDataPlaneSettings;
import org.mip6kit.dataplane.MobileNodeTunnel;
import org.mip6kit.dataplane.RoutedPrefix;
import org.mip6kit.dataplane.UserSpaceMobileNodeTunnel;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileRouterSettings;
import org.mip6kit.engine.TunnelEndpointListener;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mobile node daemon's side of the data plane: the listener the engine is built with (idle
 * until the tunnel is open, so the engine can be built first and its provider's capabilities
 * read), the checks before opening, and the counters for {@code status}.
 */
final class MobileNodeDataPlane implements TunnelEndpointListener, AutoCloseable {

    /** Where data-plane start-up failures are explained. */
    static final String DOCS = "docs/errors.md#data-plane-start";

    private static final Logger LOG = LoggerFactory.getLogger(MobileNodeEngine.LOGGER);
    /** Whether this host forwards IPv6 packets between its interfaces. */
    static final Path FORWARDING_SYSCTL = Path.of("/proc/sys/net/ipv6/conf/all/forwarding");

    private final MobileNodeDataPlaneConfig config;
    private volatile MobileNodeTunnel tunnel;

    MobileNodeDataPlane(MobileNodeDataPlaneConfig config) {
        this.config = config;
    }

    /**
     * Creates the TUN device with the home address, the table and the rule; for a mobile router
     * also a rule from each of its configured mobile network prefixes (explicit or implicit mode),
     * with a warning when the host does not forward IPv6.
     *
     * @throws DaemonStartException when the provider carries traffic itself, or the device, rule
     *         or raw socket cannot be created (no root / CAP_NET_ADMIN)
     */
    void open(Set<Capability> instanceCapabilities, String providerName, Ipv6Address homeAddress,
              Optional<MobileRouterSettings> mobileRouter) throws DaemonStartException {
        if (instanceCapabilities.contains(Capability.CARRIES_TRAFFIC)) {
            throw new DaemonStartException("data-plane.enabled is true, but security provider " + providerName
                    + " carries the mobile node's traffic itself (capability CARRIES_TRAFFIC, e.g. ipsec-ikev2 in "
                    + "mode libipsec): set data-plane.enabled: false (see " + DOCS + ")");
        }
        List<RoutedPrefix> prefixes = mobileRouter.map(MobileNodeDataPlane::routedPrefixes).orElse(List.of());
        MobileNodeDataPlaneSettings settings;
        try {
            settings = new MobileNodeDataPlaneSettings(config.tunName(), config.mtu(), homeAddress,
                    config.routingTable(), config.rulePriority(), prefixes);
        } catch (IllegalArgumentException e) {
            throw new DaemonStartException("the data plane cannot carry the mobile network prefixes: " + e.getMessage()
                    + " (see " + DOCS + ")", e);
        }
        if (mobileRouter.isPresent()) {
            if (prefixes.isEmpty()) {
                LOG.warn("mobile router in implicit mode without mobile-node.mobile-router.prefixes: the data plane "
                        + "tunnels the home address only; list the prefixes the home agent holds for this router "
                        + "so that the mobile network's packets enter the tunnel (docs/data-plane.md#mobile-routers)");
            }
            forwardingWarning(readForwarding(FORWARDING_SYSCTL)).ifPresent(LOG::warn);
        }
        try {
            tunnel = UserSpaceMobileNodeTunnel.open(settings, new LinkCommands());
        } catch (IOException | RuntimeException e) {
            throw new DaemonStartException("the data plane could not create TUN device " + config.tunName()
                    + " with the home address, its rule and raw sockets: " + e.getMessage() + "; it needs root, or "
                    + "CAP_NET_ADMIN and CAP_NET_RAW, and /dev/net/tun (see " + DOCS + ")", e);
        }
        tunnel.start();
    }

    /**
     * The UDP signalling socket, opened when the engine starts: with an IPv4 care-of address the
     * tunnel runs through it to the home agent's IPv4 endpoint (RFC 5555 §4), if one is configured.
     */
    void attachUdp(org.mip6kit.transport.UdpTransport transport, java.util.List<java.net.InetSocketAddress> endpoints) {
        MobileNodeTunnel t = tunnel;
        if (t == null) {
            return;
        }
        java.net.InetSocketAddress v4 = endpoints.stream()
                .filter(e -> e.getAddress() instanceof java.net.Inet4Address).findFirst().orElse(null);
        t.attachUdp(transport::sendData, v4);
        transport.onDataPacket(t::fromUdp);
    }

    /** The prefixes a mobile router's data plane carries: those of its settings, in either mode. */
    static List<RoutedPrefix> routedPrefixes(MobileRouterSettings router) {
        List<RoutedPrefix> out = new ArrayList<>();
        for (HomePrefix p : router.prefixes()) {
            out.add(new RoutedPrefix(p.prefix(), p.length()));
        }
        return out;
    }

    /**
     * The warning a mobile router's data plane logs when the host does not forward IPv6: the
     * mobile network's packets then never reach the TUN device, nor the home agent's reach the
     * mobile network.
     *
     * @param forwarding the value of {@code net.ipv6.conf.all.forwarding}, or null when unreadable
     */
    static Optional<String> forwardingWarning(String forwarding) {
        if (forwarding != null && !forwarding.strip().equals("0")) {
            return Optional.empty();
        }
        return Optional.of("mobile router: net.ipv6.conf.all.forwarding is "
                + (forwarding == null ? "unreadable" : "0") + ", so this host does not forward between the mobile "
                + "network and the tunnel; set it with sysctl -w net.ipv6.conf.all.forwarding=1 "
                + "(docs/data-plane.md#mobile-routers)");
    }

    private static String readForwarding(Path sysctl) {
        try {
            return Files.readString(sysctl);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void registrationChanged(RegistrationChange change, Ipv6Address homeAgent) {
        MobileNodeTunnel t = tunnel;
        if (t != null) {
            t.registrationChanged(change, homeAgent);
        }
    }

    MobileNodeDataPlaneConfig config() {
        return config;
    }

    Map<String, Long> counters() {
        MobileNodeTunnel t = tunnel;
        return t == null ? Map.of() : t.counters();
    }

    boolean running() {
        return tunnel != null;
    }

    @Override
    public void close() {
        MobileNodeTunnel t = tunnel;
        tunnel = null;
        if (t != null) {
            Map<String, Long> last = t.counters();
            t.close();
            LOG.info("data plane {} removed; {}", config.tunName(), last);
        }
    }
}
