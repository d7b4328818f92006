package org.mip6kit.ha;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.dataplane.HomeAgentDataPlaneSettings;
import org.mip6kit.dataplane.HomeAgentForwarding;
import org.mip6kit.dataplane.LinkCommands;
import org.mip6kit.dataplane.RoutedPrefix;
import org.mip6kit.dataplane.TrafficCounters;
import org.mip6kit.dataplane.UserSpaceHomeAgentForwarding;
import org.mip6kit.engine.BindingForwarding;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The home agent daemon's side of the data plane: the hook the engine is built with (empty until
 * the data plane is open, so the engine can be built first and its provider's capabilities read),
 * the checks before opening ({@code CARRIES_TRAFFIC}, privileges) and the counters for the admin
 * socket.
 */
final class HomeAgentDataPlane implements BindingForwarding, AutoCloseable {

    /** Where data-plane start-up failures are explained. */
    static final String DOCS = "docs/errors.md#data-plane-start";

    private static final Logger LOG = LoggerFactory.getLogger(HomeAgentDaemon.LOGGER);

    private final HomeAgentDataPlaneConfig config;
    private volatile HomeAgentForwarding forwarding;

    HomeAgentDataPlane(HomeAgentDataPlaneConfig config) {
        this.config = config;
    }

    /**
     * Opens the user-space data plane for this home agent.
     *
     * @param instanceCapabilities what the provider instance declared
     * @param tunnelAddress the home agent's address, the tunnels' outer source
     * @throws DaemonStartException when the provider carries traffic itself, or the TUN device,
     *         routes or raw socket cannot be created (no root / CAP_NET_ADMIN)
     */
    void open(java.util.Set<Capability> instanceCapabilities, String providerName, Ipv6Address tunnelAddress)
            throws DaemonStartException {
        if (instanceCapabilities.contains(Capability.CARRIES_TRAFFIC)) {
            throw new DaemonStartException("data-plane.enabled is true, but security provider " + providerName
                    + " carries the mobile nodes' traffic itself (capability CARRIES_TRAFFIC, e.g. ipsec-ikev2 in "
                    + "mode libipsec): set data-plane.enabled: false (see " + DOCS + ")");
        }
        List<RoutedPrefix> prefixes = config.prefixes().stream()
                .map(p -> new RoutedPrefix(p.prefix().maskedTo(p.length()), p.length())).toList();
        HomeAgentDataPlaneSettings settings = new HomeAgentDataPlaneSettings(config.tunName(), config.mtu(),
                tunnelAddress, prefixes);
        try {
            forwarding = UserSpaceHomeAgentForwarding.open(settings, new LinkCommands());
        } catch (IOException | RuntimeException e) {
            throw new DaemonStartException("the data plane could not create TUN device " + config.tunName()
                    + " with its routes and raw socket: " + e.getMessage() + "; it needs root, or CAP_NET_ADMIN and "
                    + "CAP_NET_RAW, and /dev/net/tun (see " + DOCS + ")", e);
        }
        forwarding.start();
        if (!ipv6Forwarding()) {
            LOG.warn("net.ipv6.conf.all.forwarding is not 1: the kernel will not forward what the data plane "
                    + "decapsulates, nor route packets for {} into {} (sysctl -w net.ipv6.conf.all.forwarding=1)",
                    config.prefixes(), config.tunName());
        }
    }

    private static boolean ipv6Forwarding() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/forwarding")).strip().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    boolean running() {
        return forwarding != null;
    }

    HomeAgentDataPlaneConfig config() {
        return config;
    }

    /** The traffic of one home address, when the data plane runs and the address is bound. */
    Optional<TrafficCounters> traffic(Ipv6Address homeAddress) {
        HomeAgentForwarding f = forwarding;
        return f == null ? Optional.empty() : f.counters(homeAddress);
    }

    Map<String, Long> counters() {
        HomeAgentForwarding f = forwarding;
        return f == null ? Map.of() : f.counters();
    }

    /**
     * The UDP signalling socket, opened when the engine starts: data packets for bindings with an
     * IPv4 care-of address go out through it, and those it receives come here (RFC 5555 §4).
     */
    void attachUdp(org.mip6kit.transport.UdpTransport transport) {
        HomeAgentForwarding f = forwarding;
        if (f != null) {
            f.attachUdp(transport::sendData);
            transport.onDataPacket(f::fromUdp);
        }
    }

    @Override
    public CompletionStage<Void> prepare(BindingChange change) {
        HomeAgentForwarding f = forwarding;
        return f == null ? BindingForwarding.NONE.prepare(change) : f.prepare(change);
    }

    @Override
    public void abandoned(BindingChange change) {
        HomeAgentForwarding f = forwarding;
        if (f != null) {
            f.abandoned(change);
        }
    }

    @Override
    public void removed(BindingChange change) {
        HomeAgentForwarding f = forwarding;
        if (f != null) {
            f.removed(change);
        }
    }

    @Override
    public void close() {
        HomeAgentForwarding f = forwarding;
        forwarding = null;
        if (f != null) {
            Map<String, Long> last = f.counters();
            f.close();
            LOG.info("data plane {} removed; {}", config.tunName(), last);
        }
    }
}
