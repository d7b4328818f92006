package org.mip6kit.daemon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * The sections every daemon's file shares: {@code transport}, {@code admin} and
 * {@code logging}. The daemon reads its own section ({@code home-agent}, {@code mobile-node})
 * and the {@code security} section ({@link SelectedProvider}) itself.
 * <pre>
 * transport:
 *   udp:
 *     bind: "::1"              # IP literal; "::" is every address, IPv4 too (dual-stack)
 *     port: 4191               # 0 picks a free port
 *     receive-buffer: 1048576  # SO_RCVBUF in octets; 0 keeps the system's default
 *     receive-threads: 1       # threads reading the socket, 1..64
 *     batch-size: 32           # datagrams per recvmmsg/sendmmsg, 1..256; 1 = one per system call
 *     native-io: auto          # auto | on | off: batches through jnr-ffi (64-bit Linux), else the JDK
 * admin:
 *   socket: ha.sock            # unix socket, owner-only; relative to the file's directory
 * logging:
 *   level: info
 *   loggers: { org.mip6kit.ha: debug }
 * </pre>
 *
 * @param udp where the RFC 5555 UDP transport binds
 * @param adminSocket the admin socket's absolute path
 * @param logging the levels to apply
 */
public record DaemonSettings(UdpTransport.Config udp, Path adminSocket, LogLevels logging) {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DaemonSettings.class);

    /** The top-level sections this class reads. */
    public static final Set<String> SECTIONS = Set.of("transport", "admin", "logging");

    public DaemonSettings {
        Objects.requireNonNull(udp, "udp");
        Objects.requireNonNull(adminSocket, "adminSocket");
        Objects.requireNonNull(logging, "logging");
    }

    /**
     * What a daemon uses when its file leaves a key out.
     *
     * @param udp the UDP bind address, port and receive buffer
     * @param socketName the admin socket's file name, next to the configuration file
     */
    public record Defaults(UdpTransport.Config udp, String socketName) {
        public Defaults {
            Objects.requireNonNull(udp, "udp");
            Objects.requireNonNull(socketName, "socketName");
        }
    }

    /**
     * Reads {@code transport}, {@code admin} and {@code logging} from the file's root section.
     * Each section allows only its own keys.
     *
     * @throws ProviderConfigException naming the key and the file
     */
    public static DaemonSettings read(ConfigSection root, Defaults defaults) throws ProviderConfigException {
        return new DaemonSettings(readTransport(root.section("transport"), defaults.udp()),
                readAdminSocket(root, defaults.socketName()), LogLevels.read(root.section("logging")));
    }

    /** Only {@code admin.socket}: what a command line tool needs to reach a running daemon. */
    public static Path readAdminSocket(ConfigSection root, String defaultSocketName) throws ProviderConfigException {
        ConfigSection admin = root.section("admin");
        admin.allowOnly(Set.of("socket"));
        Path socket;
        if (admin.has("socket")) {
            socket = admin.path("socket");
        } else {
            Path dir = root.file().map(f -> f.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
            socket = dir.resolve(defaultSocketName);
        }
        socket = socket.toAbsolutePath().normalize();
        String tooLong = AdminServer.pathTooLong(socket);
        if (tooLong != null) {
            throw admin.error("socket", tooLong);
        }
        return socket;
    }

    private static UdpTransport.Config readTransport(ConfigSection transport, UdpTransport.Config defaults)
            throws ProviderConfigException {
        transport.allowOnly(Set.of("udp"));
        ConfigSection udp = transport.section("udp");
        udp.allowOnly(Set.of("bind", "port", "receive-buffer", "receive-threads", "batch-size", "native-io"));
        InetAddress bind = ConfigValues.ipAddress(udp, "bind", defaults.bindAddress());
        int port = (int) udp.integer("port", 0, 65535, defaults.port());
        int buffer = (int) udp.integer("receive-buffer", 0, 64L * 1024 * 1024, defaults.receiveBufferBytes());
        int threads = (int) udp.integer("receive-threads", 1, UdpTransport.Config.MAX_RECEIVE_THREADS,
                defaults.receiveThreads());
        int batch = (int) udp.integer("batch-size", 1, UdpTransport.Config.MAX_BATCH_SIZE, defaults.batchSize());
        UdpTransport.NativeIo nativeIo = defaults.nativeIo();
        Optional<String> mode = udp.optionalString("native-io");
        if (mode.isPresent()) {
            nativeIo = switch (mode.get()) {
                case "auto" -> UdpTransport.NativeIo.AUTO;
                case "on" -> UdpTransport.NativeIo.ON;
                case "off" -> UdpTransport.NativeIo.OFF;
                default -> throw udp.error("native-io", "is '" + mode.get() + "'; give auto, on or off "
                        + "(docs/operator-guide.md#transport)");
            };
        }
        return new UdpTransport.Config(bind, port, buffer, threads, batch, nativeIo);
    }

    /** A UDP endpoint as {@code [2001:db8::1]:4191} (RFC 5952 text) or {@code 192.0.2.1:4191}. */
    public static String describe(InetSocketAddress endpoint) {
        InetAddress a = endpoint.getAddress();
        if (a instanceof java.net.Inet6Address) {
            return "[" + Ipv6Address.fromBytes(a.getAddress()) + "]:" + endpoint.getPort();
        }
        return (a == null ? endpoint.getHostString() : a.getHostAddress()) + ":" + endpoint.getPort();
    }

    /**
     * Opens the daemon's UDP transport; when that fails, the message also names the settings that
     * choose the address and port ({@code transport.udp.port}, {@code transport.udp.bind}) and
     * the file they are in, so that the operator knows what to change.
     *
     * Logs at INFO which path the transport moves datagrams on ({@link UdpTransport#ioPath()}).
     *
     * @param configFile the daemon's configuration file, for the message
     * @throws SecurityProviderException if the socket cannot be bound, or batched I/O was required
     *         and is unavailable, as {@link UdpTransport#open}
     */
    public static UdpTransport openUdp(UdpTransport.Config udp, Path configFile) {
        try {
            UdpTransport opened = UdpTransport.open(udp);
            LOG.info("UDP transport on {}: {}", describe(opened.localAddress()), opened.ioPath());
            return opened;
        } catch (SecurityProviderException e) {
            if (udp.nativeIo() == UdpTransport.NativeIo.ON && e.getMessage() != null
                    && e.getMessage().contains("native-io")) {
                // Not the address or port: batched I/O was asked for and is not available here.
                throw new SecurityProviderException(e.getMessage() + " (" + configFile + ")", e.getCause());
            }
            throw new SecurityProviderException(e.getMessage() + "; to use another port or address, change "
                    + "transport.udp.port or transport.udp.bind in " + configFile
                    + " (see docs/errors.md#udp-port-busy)", e.getCause() != null ? e.getCause() : e);
        }
    }
}
