package org.mip6kit.dataplane;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.mip6kit.spi.BindingChange;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The home agent's data plane in user space: a TUN device the home prefixes are routed into (the
 * virtual home link) and a protocol-41 raw socket bound to the home agent's address.
 *
 * <pre>
 *  correspondent ──▶ kernel (forwards, hop limit −1) ──▶ TUN ──▶ [home-link thread] ──▶ raw socket ──▶ care-of
 *  care-of ──▶ raw socket ──▶ [tunnel thread: ReverseTunnelCheck] ──▶ TUN ──▶ kernel (forwards, hop limit −1)
 * </pre>
 *
 * <p>The kernel routes a packet for the home prefix into the TUN device as it forwards it, so
 * the hop limit is decremented there, once, as RFC 2473 §3.1 asks of the tunnel entry point; the
 * packet is then carried unchanged. Packets for a home address with no binding, multicast and
 * link-local ones are dropped and counted; one too big for its tunnel is answered with an ICMPv6
 * Packet Too Big from the home agent's address (RFC 2473 §7.1). Binding changes swap an entry of
 * the {@link TunnelRoutes} table, so the packet read after {@link #prepare} returns takes the new
 * path.
 *
 * <p>Two threads, one per direction; the packet rules ({@link #fromHomeLink}, {@link #fromTunnel})
 * take the device and socket as given, so tests drive them with fakes.
 */
public final class UserSpaceHomeAgentForwarding implements HomeAgentForwarding {

    private static final Logger LOG = LoggerFactory.getLogger(UserSpaceHomeAgentForwarding.class);
    private static final int POLL_MILLIS = 200;

    private final HomeAgentDataPlaneSettings settings;
    private final PacketDevice device;
    private final TunnelSocket socket;
    private final Runnable cleanup;
    private final TunnelRoutes routes = new TunnelRoutes();
    private final DropCounters drops = new DropCounters();
    private final LongAdder tooBigAnswered = new LongAdder();
    private final Map<Ipv6Address, Pending> prepared = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile UdpDataPath udp;
    private Thread homeLinkThread;
    private Thread tunnelThread;

    /**
     * A data plane over the given device and socket (tests; a kernel-independent set-up).
     *
     * @param cleanup run once by {@link #close} after both are closed (removing routes, say)
     */
    public UserSpaceHomeAgentForwarding(HomeAgentDataPlaneSettings settings, PacketDevice device, TunnelSocket socket,
                                        Runnable cleanup) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        this.device = java.util.Objects.requireNonNull(device, "device");
        this.socket = java.util.Objects.requireNonNull(socket, "socket");
        this.cleanup = cleanup == null ? () -> { } : cleanup;
    }

    /**
     * Creates the TUN device (deleting a left-over interface of the same name first), sets its MTU
     * and brings it up, routes the home prefixes into it and opens the raw socket. Needs
     * CAP_NET_ADMIN and CAP_NET_RAW.
     *
     * @throws IOException naming the step that failed; whatever was created is removed again
     */
    public static UserSpaceHomeAgentForwarding open(HomeAgentDataPlaneSettings settings, LinkCommands ip)
            throws IOException {
        if (ip.deleteLinkIfPresent(settings.tunName())) {
            LOG.warn("removed interface {} left over from an earlier run", settings.tunName());
        }
        TunDevice tun = TunDevice.open(settings.tunName());
        RawTunnelSocket raw = null;
        try {
            ip.bringUp(settings.tunName(), settings.tunMtu());
            for (RoutedPrefix p : settings.homePrefixes()) {
                ip.addRoute(p.toString(), settings.tunName(), null);
            }
            raw = RawTunnelSocket.open(settings.tunnelAddress());
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
        // The routes go with the device, which goes with its descriptor: nothing else to remove.
        return new UserSpaceHomeAgentForwarding(settings, tun, raw, null);
    }

    @Override
    public synchronized void start() {
        if (running || homeLinkThread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        homeLinkThread = new Thread(this::homeLinkLoop, "mip6kit-ha-dataplane-" + device.name());
        tunnelThread = new Thread(this::tunnelLoop, "mip6kit-ha-dataplane-tunnel");
        homeLinkThread.setDaemon(true);
        tunnelThread.setDaemon(true);
        homeLinkThread.start();
        tunnelThread.start();
        LOG.info("data plane up: {} (MTU {}) attracts {}, tunnels from {}", device.name(), settings.tunMtu(),
                settings.homePrefixes(), settings.tunnelAddress());
    }

    // ------------------------------------------------------------------ binding changes

    @Override
    public CompletionStage<Void> prepare(BindingChange change) {
        TunnelEndpoint endpoint = TunnelEndpoint.of(change);
        List<RoutedPrefix> extra = extraPrefixes(change);
        Optional<TunnelBinding> before = routes.byHomeAddress(change.homeAddress());
        TunnelBinding installed = before.map(b -> b.movedTo(endpoint, extra))
                .orElseGet(() -> new TunnelBinding(change.homeAddress(), endpoint, extra));
        routes.put(installed);
        prepared.put(change.homeAddress(), new Pending(change, before.orElse(null), installed));
        if (before.isEmpty() || !before.get().endpoint().equals(endpoint)) {
            LOG.info("{} now tunnelled to {} ({})", change.homeAddress(), endpoint, change.kind());
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Prefixes routed into the binding's tunnel besides the home address: a mobile router's
     * registered Mobile Network Prefixes (RFC 3963); none for a mobile host.
     */
    static List<RoutedPrefix> extraPrefixes(BindingChange change) {
        return change.mobileNetworkPrefixes().stream()
                .map(p -> new RoutedPrefix(p.prefix(), p.prefixLength()))
                .toList();
    }

    @Override
    public void abandoned(BindingChange change) {
        Pending p = prepared.get(change.homeAddress());
        if (p == null || !p.change.equals(change)) {
            return;
        }
        prepared.remove(change.homeAddress(), p);
        Optional<TunnelBinding> now = routes.byHomeAddress(change.homeAddress());
        if (now.isPresent() && now.get() == p.installed) {
            if (p.before != null) {
                routes.put(p.before);
            } else {
                routes.remove(change.homeAddress());
            }
            LOG.info("{}: change {} abandoned, tunnel restored", change.homeAddress(), change.kind());
        }
    }

    @Override
    public void removed(BindingChange change) {
        prepared.remove(change.homeAddress());
        routes.remove(change.homeAddress()).ifPresent(b -> LOG.info("{} no longer tunnelled ({}); carried {}",
                change.homeAddress(), change.kind(), b.counters()));
    }

    private record Pending(BindingChange change, TunnelBinding before, TunnelBinding installed) {
    }

    // ------------------------------------------------------------------ packets

    /**
     * One packet the host routed into the virtual home link: tunnel it to its binding's care-of
     * address, or drop and count it.
     *
     * @return null when sent, otherwise why it was dropped
     */
    DropReason fromHomeLink(byte[] packet, int length) {
        Ipv6Header h;
        try {
            h = Ipv6Header.parse(packet, length);
        } catch (PacketFormatException e) {
            return drop(DropReason.MALFORMED);
        }
        if (h.destination().isMulticast() || h.destination().isLinkLocal()) {
            return drop(DropReason.NOT_TUNNELLED_SCOPE);
        }
        TunnelBinding b = routes.route(h.destination());
        if (b == null) {
            return drop(DropReason.UNBOUND_DESTINATION);
        }
        TunnelEndpoint endpoint = b.endpoint();
        int room = settings.linkMtu() - endpoint.overhead();
        if (length > room) {
            answerTooBig(packet, length, h, room);
            return drop(DropReason.TOO_BIG);
        }
        try {
            if (endpoint instanceof TunnelEndpoint.Ipv6InIpv6 v6) {
                socket.send(v6.careOf(), packet, 0, length);
            } else {
                UdpDataPath path = udp;
                if (path == null) {
                    return drop(DropReason.SEND_FAILED);
                }
                path.send(((TunnelEndpoint.UdpEncapsulated) endpoint).peer(), packet, 0, length);
            }
        } catch (IOException e) {
            LOG.debug("tunnel send to {} failed: {}", endpoint, e.getMessage());
            return drop(DropReason.SEND_FAILED);
        }
        b.countToNode(length);
        return null;
    }

    /**
     * One packet decapsulated from the tunnel socket: forward it into the host when it passes
     * {@link ReverseTunnelCheck}, or drop and count it.
     *
     * @param outerSource the outer header's source (16 octets)
     * @return null when forwarded, otherwise why it was dropped
     */
    DropReason fromTunnel(byte[] outerSource, byte[] packet, int length) {
        Ipv6Header h;
        try {
            h = Ipv6Header.parse(packet, length);
        } catch (PacketFormatException e) {
            return drop(DropReason.MALFORMED);
        }
        return intoHost(packet, length, h,
                ReverseTunnelCheck.checkIpv6InIpv6(routes, Ipv6Address.fromBytes(outerSource, 0), h));
    }

    /**
     * A reverse-tunnelled packet that passed ({@code verdict} null) or failed its check: written
     * into the host, which forwards it, and counted on its binding; or dropped and counted.
     *
     * @return null when forwarded, otherwise why it was dropped
     */
    private DropReason intoHost(byte[] packet, int length, Ipv6Header h, DropReason verdict) {
        if (verdict != null) {
            return drop(verdict);
        }
        if (h.destination().isMulticast() || h.destination().isLinkLocal()) {
            return drop(DropReason.NOT_TUNNELLED_SCOPE);
        }
        try {
            device.write(packet, 0, length);
        } catch (IOException e) {
            LOG.debug("write to {} failed: {}", device.name(), e.getMessage());
            return drop(DropReason.SEND_FAILED);
        }
        routes.route(h.source()).countFromNode(length);
        return null;
    }

    @Override
    public void attachUdp(UdpDataPath path) {
        this.udp = path;
    }

    @Override
    public void fromUdp(InetSocketAddress from, byte[] packet) {
        fromUdpPeer(from, packet, packet.length);
    }

    /**
     * One data packet from the UDP signalling socket (RFC 5555 §4): forward it into the host when
     * it passes {@link ReverseTunnelCheck#checkUdp}, or drop and count it. An IPv4 inner packet
     * (an IPv4 home address) is not forwarded: it counts as malformed.
     *
     * @return null when forwarded, otherwise why it was dropped
     */
    DropReason fromUdpPeer(InetSocketAddress from, byte[] packet, int length) {
        Ipv6Header h;
        try {
            h = Ipv6Header.parse(packet, length);
        } catch (PacketFormatException e) {
            return drop(DropReason.MALFORMED);
        }
        return intoHost(packet, length, h, ReverseTunnelCheck.checkUdp(routes, from, h));
    }

    private void answerTooBig(byte[] packet, int length, Ipv6Header h, int room) {
        if (!PacketTooBig.mayAnswer(packet, h)) {
            return;
        }
        byte[] ptb = PacketTooBig.build(settings.tunnelAddress(), packet, length, h,
                Math.max(room, PacketTooBig.MINIMUM_MTU));
        try {
            device.write(ptb, 0, ptb.length);
            tooBigAnswered.increment();
        } catch (IOException e) {
            LOG.debug("Packet Too Big to {} not written: {}", h.source(), e.getMessage());
        }
    }

    private DropReason drop(DropReason reason) {
        drops.count(reason);
        return reason;
    }

    private void homeLinkLoop() {
        PacketLoops.readDevice(device, POLL_MILLIS, () -> running, this::fromHomeLink, LOG);
    }

    private void tunnelLoop() {
        PacketLoops.receiveTunnel(socket, POLL_MILLIS, () -> running, this::fromTunnel, LOG);
    }

    // ------------------------------------------------------------------ counters, close

    @Override
    public Optional<TrafficCounters> counters(Ipv6Address homeAddress) {
        return routes.byHomeAddress(homeAddress).map(TunnelBinding::counters);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("bindings", (long) routes.size());
        m.put("too-big-answered", tooBigAnswered.sum());
        m.putAll(drops.asMap());
        return m;
    }

    /** The forwarding table (read-only use: tests and listings). */
    TunnelRoutes routes() {
        return routes;
    }

    /** The drop counters. */
    public long dropped(DropReason reason) {
        return drops.get(reason);
    }

    @Override
    public void close() {
        Thread a;
        Thread b;
        synchronized (this) {
            running = false;
            a = homeLinkThread;
            b = tunnelThread;
        }
        join(a);
        join(b);
        device.close();
        socket.close();
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            LOG.warn("data plane clean-up failed: {}", e.toString());
        }
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(2L * POLL_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
