package org.mip6kit.mn;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.transport.UdpTransport;

/**
 * The reference mobile node's configuration file ({@code mn.yaml}), read strictly: every
 * section allows only its documented keys, and every error names the key and the file as
 * {@code <file>: <key>: <problem>} ({@code docs/operator-guide.md#mobile-node} lists them all;
 * {@code docs/examples/mn.yaml} is a commented example).
 * <pre>
 * mobile-node:
 *   home-address: 2001:db8:1::100          # unless the provider's bootstrap assigns one
 *   home-agent: 2001:db8:1::1              # unless the provider's bootstrap names it
 *   home-agent-endpoint: "[::1]:4191"      # where the UDP signalling goes
 *   bootstrap: { want: home-address, ipv4-home-address: false }
 *   care-of:
 *     address: 2001:db8:2::100             # the first care-of address; IPv4 takes the RFC 5555 path
 *     interface: wlan0                     # follow this interface's addresses (optional)
 *     poll-interval: 1s
 *   lifetime: 600s
 *   refresh-margin: 0.2
 *   max-updates-per-second: 3
 *   shutdown-timeout: 5s
 *   initial-sequence: 0                    # absent: random
 *   retransmission: { first-registration-timeout: 1500ms, initial-timeout: 1s, max-timeout: 32s,
 *                     give-up-after: 10 }
 * transport: { udp: { bind: "::", port: 0 } }
 * admin: { socket: mn.sock }
 * logging: { level: info }
 * security: { provider: NAME, NAME: { ... } }
 * data-plane: { enabled: false, tun-name: mip6mn0, mtu: 1500, routing-table: 191, rule-priority: 1000 }
 * </pre>
 * The {@code security} section is checked when the daemon starts, once the provider is known
 * ({@link org.mip6kit.daemon.SelectedProvider}), and the provider validates its own section.
 *
 * @param file the file, absolute
 * @param mobileNode the {@code mobile-node} section
 * @param daemon the shared sections ({@code transport}, {@code admin}, {@code logging})
 * @param root the whole file, for the {@code security} section
 * @param dataPlane whether and how the home address's traffic is tunnelled ({@code data-plane},
 *        see {@link MobileNodeDataPlaneConfig})
 */
public record MobileNodeConfig(Path file, MobileNodeSection mobileNode, DaemonSettings daemon, ConfigSection root,
                               MobileNodeDataPlaneConfig dataPlane) {

    /** The top-level keys of a mobile node's file. */
    public static final Set<String> TOP_LEVEL = Set.of(MobileNodeSection.NAME, "transport", "admin", "security",
            "logging", "data-plane");
    /** The admin socket's name next to the file when {@code admin.socket} is absent. */
    public static final String DEFAULT_SOCKET_NAME = "mn.sock";

    public MobileNodeConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mobileNode, "mobileNode");
        Objects.requireNonNull(daemon, "daemon");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(dataPlane, "dataPlane");
    }

    /**
     * Where the mobile node's socket binds when {@code transport.udp} says nothing: every
     * address ({@code ::}, dual-stack), an ephemeral port, the system's receive buffer.
     */
    public static UdpTransport.Config defaultUdp() {
        try {
            return UdpTransport.Config.ephemeral(InetAddress.getByAddress(new byte[16]));
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
    public static MobileNodeConfig load(Path file) throws ProviderConfigException {
        ConfigSection root = ConfigFile.load(file);
        return read(root, file.toAbsolutePath());
    }

    /** Checks an already parsed file (its root section). */
    public static MobileNodeConfig read(ConfigSection root, Path file) throws ProviderConfigException {
        root.allowOnly(TOP_LEVEL);
        if (!root.has(MobileNodeSection.NAME)) {
            throw root.error(MobileNodeSection.NAME, "is required: the section with the home address, the home "
                    + "agent and the care-of address (see docs/examples/mn.yaml)");
        }
        MobileNodeSection mobileNode = MobileNodeSection.read(root.section(MobileNodeSection.NAME));
        DaemonSettings daemon = DaemonSettings.read(root, new DaemonSettings.Defaults(defaultUdp(),
                DEFAULT_SOCKET_NAME));
        MobileNodeDataPlaneConfig dataPlane = MobileNodeDataPlaneConfig.read(root);
        if (dataPlane.enabled() && mobileNode.settings().homeAddress().isEmpty()) {
            throw root.error("data-plane.enabled", "needs mobile-node.home-address: the data plane puts the home "
                    + "address on its TUN device at start, before any bootstrap (see docs/data-plane.md)");
        }
        return new MobileNodeConfig(file, mobileNode, daemon, root, dataPlane);
    }

    /**
     * Only the admin socket's path: what {@code mip6kit mn move --config FILE} needs to reach the
     * running daemon, without checking the rest of the file.
     */
    public static Path adminSocket(Path file) throws ProviderConfigException {
        return DaemonSettings.readAdminSocket(ConfigFile.load(file), DEFAULT_SOCKET_NAME);
    }
}
