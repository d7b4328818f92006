package org.mip6kit.dataplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mobile node's data plane in user space: a TUN device carrying the home address (a /128),
 * a policy rule {@code from <home address> lookup <table>} whose table's default route is the
 * TUN device — so only traffic from the home address enters the tunnel, while the care-of
 * address and the signalling keep the host's normal routes — and protocol-41 raw sockets: one
 * unbound for receiving, one bound to the current care-of address for sending.
 *
 * <pre>
 *  application (source = home address) ──▶ rule ──▶ TUN ──▶ [TUN thread] ──▶ raw socket at care-of ──▶ home agent
 *  home agent ──▶ raw socket ──▶ [tunnel thread: outer source = home agent, inner destination = home address] ──▶ TUN
 * </pre>
 *
 * <p>For a mobile router (RFC 3963 §5.5) each mobile network prefix gets the same kind of rule,
 * {@code from <prefix> lookup <table>}: packets from the mobile network behind the router, which
 * the host forwards (it needs {@code net.ipv6.conf.all.forwarding=1}), enter the tunnel too, and
 * packets the home agent tunnels to a prefix are written to the TUN device, from where the host
 * forwards them onto the mobile network. A decapsulated packet for any other destination is
 * dropped and counted.
 *
 * <p>{@link #switchTo} opens the socket for the new care-of address and swaps it in before it
 * returns (the engine calls it when the Binding Acknowledgement arrives), so the next packet
 * leaves from the new address; the old socket closes after.
 */
public final class UserSpaceMobileNodeTunnel implements MobileNodeTunnel {

    private static final Logger LOG = LoggerFactory.getLogger(UserSpaceMobileNodeTunnel.class);
    private static final int POLL_MILLIS = 200;

    /** Opens the sending socket for a care-of address. */
    @FunctionalInterface
    public interface SenderFactory {
        /** A socket whose packets leave from {@code careOf}. */
        TunnelSocket open(Ipv6Address careOf) throws IOException;
    }

    private final MobileNodeDataPlaneSettings settings;
    private final PacketDevice device;
    private final TunnelSocket receiver;
    private final SenderFactory senders;
    private final Runnable cleanup;
    private final DropCounters drops = new DropCounters();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder switches = new LongAdder();
    private volatile Endpoint endpoint;
    private volatile UdpDataPath udp;
    private volatile InetSocketAddress homeAgentUdp;
    private volatile boolean running;
    private Thread tunThread;
    private Thread tunnelThread;

    /**
     * The tunnel as it stands: from {@code careOf} to {@code homeAgent}, through {@code sender}
     * (IPv6-in-IPv6) or, for an IPv4 care-of address, through the UDP path to {@code udpPeer}.
     */
    private record Endpoint(Ipv6Address careOf, Ipv6Address homeAgent, TunnelSocket sender,
                            InetSocketAddress udpPeer) {
        int overhead() {
            return udpPeer != null ? TunnelEndpoint.UdpEncapsulated.OVERHEAD : TunnelEndpoint.Ipv6InIpv6.OVERHEAD;
        }

        void close() {
            if (sender != null) {
                sender.close();
            }
        }
    }

    /**
     * A tunnel over the given device and sockets (tests).
     *
     * @param cleanup run once by {@link #close} after everything is closed
     */
    public UserSpaceMobileNodeTunnel(MobileNodeDataPlaneSettings settings, PacketDevice device, TunnelSocket receiver,
                                     SenderFactory senders, Runnable cleanup) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        this.device = java.util.Objects.requireNonNull(device, "device");
        this.receiver = java.util.Objects.requireNonNull(receiver, "receiver");
        this.senders = java.util.Objects.requireNonNull(senders, "senders");
        this.cleanup = cleanup == null ? () -> { } : cleanup;
    }

    /**
     * Creates the TUN device with the home address, the routing table and the policy rule, and
     * the receiving socket; first removes what an earlier run of the same configuration left
     * (after SIGKILL: the rule; the device and its routes go with the process). Needs
     * CAP_NET_ADMIN and CAP_NET_RAW.
     *
     * @throws IOException naming the step that failed; whatever was created is removed again
     */
    public static UserSpaceMobileNodeTunnel open(MobileNodeDataPlaneSettings settings, LinkCommands ip)
            throws IOException {
        List<String> sources = new ArrayList<>();
        sources.add(settings.homeAddress() + "/128");
        settings.mobileNetworkPrefixes().forEach(p -> sources.add(p.toString()));
        int leftRules = 0;
        for (String from : sources) {
            leftRules += ip.deleteRules(from, settings.routingTable());
        }
        boolean leftLink = ip.deleteLinkIfPresent(settings.tunName());
        if (leftRules > 0 || leftLink) {
            LOG.warn("removed what an earlier run left: {} rule(s) from {}{}", leftRules, String.join(", ", sources),
                    leftLink ? ", interface " + settings.tunName() : "");
        }
        ip.flushTable(settings.routingTable());
        Runnable undo = () -> {
            for (String from : sources) {
                try {
                    ip.deleteRules(from, settings.routingTable());
                } catch (IOException e) {
                    LOG.warn("removing the rule from {} failed: {}", from, e.getMessage());
                }
            }
            try {
                ip.flushTable(settings.routingTable());
            } catch (IOException e) {
                LOG.warn("flushing table {} failed: {}", settings.routingTable(), e.getMessage());
            }
        };
        TunDevice tun = TunDevice.open(settings.tunName());
        try {
            ip.bringUp(settings.tunName(), settings.tunMtu());
            ip.addAddress(settings.tunName(), sources.get(0));
            ip.addRoute("default", settings.tunName(), Integer.toString(settings.routingTable()));
            for (String from : sources) {
                ip.addRule(from, settings.routingTable(), settings.rulePriority());
            }
            RawTunnelSocket rx = RawTunnelSocket.open(null);
            return new UserSpaceMobileNodeTunnel(settings, tun, rx, RawTunnelSocket::open, undo);
        } catch (IOException | RuntimeException e) {
            tun.close();
            undo.run();
            throw e;
        }
    }

    @Override
    public synchronized void start() {
        if (running || tunThread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        tunThread = new Thread(this::tunLoop, "mip6kit-mn-dataplane-" + device.name());
        tunnelThread = new Thread(this::tunnelLoop, "mip6kit-mn-dataplane-tunnel");
        tunThread.setDaemon(true);
        tunnelThread.setDaemon(true);
        tunThread.start();
        tunnelThread.start();
        LOG.info("data plane up: {} (MTU {}) carries {}; rule from {} lookup {}{}", device.name(), settings.tunMtu(),
                settings.homeAddress(), settings.homeAddress(), settings.routingTable(),
                settings.mobileNetworkPrefixes().isEmpty() ? ""
                        : "; mobile network prefixes " + settings.mobileNetworkPrefixes() + " (a rule each)");
    }

    @Override
    public synchronized void switchTo(Ipv6Address careOf, Ipv6Address homeAgent) {
        Endpoint old = endpoint;
        if (old != null && old.careOf.equals(careOf) && old.homeAgent.equals(homeAgent)) {
            return;
        }
        if (careOf.isIpv4Mapped()) {
            InetSocketAddress peer = homeAgentUdp;
            if (udp == null || peer == null) {
                LOG.warn("care-of address {} is IPv4 but the home agent has no IPv4 UDP endpoint for data "
                        + "(mobile-node.home-agent-endpoint): nothing is tunnelled", careOf);
                stop();
                return;
            }
            endpoint = new Endpoint(careOf, homeAgent, null, peer);
            switches.increment();
            LOG.info("reverse tunnel now from {} over UDP to {}", careOf, peer);
            if (old != null) {
                old.close();
            }
            return;
        }
        TunnelSocket sender;
        try {
            sender = senders.open(careOf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send tunnel packets from " + careOf + ": " + e.getMessage(), e);
        }
        endpoint = new Endpoint(careOf, homeAgent, sender, null);
        switches.increment();
        LOG.info("reverse tunnel now from {} to {}", careOf, homeAgent);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public synchronized void stop() {
        Endpoint old = endpoint;
        endpoint = null;
        if (old != null) {
            LOG.info("reverse tunnel from {} closed", old.careOf);
            old.close();
        }
    }

    /** The care-of address tunnel packets leave from, or null when there is no tunnel. */
    public Ipv6Address careOf() {
        Endpoint e = endpoint;
        return e == null ? null : e.careOf;
    }

    /**
     * One packet the host routed into the TUN device: reverse-tunnel it to the home agent when its
     * source is the home address or in a mobile network prefix.
     *
     * @return null when sent, otherwise why it was dropped
     */
    DropReason fromTun(byte[] packet, int length) {
        Ipv6Header h;
        try {
            h = Ipv6Header.parse(packet, length);
        } catch (PacketFormatException e) {
            return drop(DropReason.MALFORMED);
        }
        if (h.destination().isMulticast() || h.destination().isLinkLocal()) {
            return drop(DropReason.NOT_TUNNELLED_SCOPE);
        }
        if (!settings.isOwnAddress(h.source())) {
            return drop(DropReason.NOT_FROM_HOME_ADDRESS);
        }
        Endpoint e = endpoint;
        if (e == null) {
            return drop(DropReason.NOT_REGISTERED);
        }
        int room = settings.linkMtu() - e.overhead();
        if (length > room) {
            if (PacketTooBig.mayAnswer(packet, h)) {
                byte[] ptb = PacketTooBig.build(e.careOf, packet, length, h, room);
                try {
                    device.write(ptb, 0, ptb.length);
                } catch (IOException x) {
                    LOG.debug("Packet Too Big not written: {}", x.getMessage());
                }
            }
            return drop(DropReason.TOO_BIG);
        }
        try {
            if (e.udpPeer != null) {
                udp.send(e.udpPeer, packet, 0, length);
            } else {
                e.sender.send(e.homeAgent, packet, 0, length);
            }
        } catch (IOException x) {
            LOG.debug("tunnel send to {} failed: {}", e.homeAgent, x.getMessage());
            return drop(DropReason.SEND_FAILED);
        }
        packetsOut.increment();
        bytesOut.add(length);
        return null;
    }

    /**
     * One packet decapsulated from the receiving socket: deliver it to the host when the home
     * agent sent it and it is for the home address or a mobile network prefix (the host forwards
     * the latter onto the mobile network).
     *
     * @return null when delivered, otherwise why it was dropped
     */
    DropReason fromTunnel(byte[] outerSource, byte[] packet, int length) {
        Ipv6Header h;
        try {
            h = Ipv6Header.parse(packet, length);
        } catch (PacketFormatException e) {
            return drop(DropReason.MALFORMED);
        }
        Endpoint e = endpoint;
        if (e == null) {
            return drop(DropReason.NOT_REGISTERED);
        }
        if (e.udpPeer != null || !e.homeAgent.equals(Ipv6Address.fromBytes(outerSource, 0))) {
            return drop(DropReason.UNKNOWN_TUNNEL_SOURCE);
        }
        return deliver(h, packet, length);
    }

    @Override
    public void attachUdp(UdpDataPath path, InetSocketAddress homeAgentEndpoint) {
        this.udp = path;
        this.homeAgentUdp = homeAgentEndpoint;
    }

    @Override
    public void fromUdp(InetSocketAddress from, byte[] packet) {
        fromUdpPeer(from, packet, packet.length);
    }

    /**
     * One data packet from the UDP signalling socket: deliver it when it came from the home
     * agent's endpoint of the UDP tunnel in force and is for the home address.
     *
     * @return null when delivered, otherwise why it was dropped
     */
    DropReason fromUdpPeer(InetSocketAddress from, byte[] packet, int length) {
        Ipv6Header h;
        try {
            h = Ipv6Header.parse(packet, length);
        } catch (PacketFormatException x) {
            return drop(DropReason.MALFORMED);
        }
        Endpoint e = endpoint;
        if (e == null) {
            return drop(DropReason.NOT_REGISTERED);
        }
        if (e.udpPeer == null || !TunnelRoutes.normalise(e.udpPeer).equals(TunnelRoutes.normalise(from))) {
            return drop(DropReason.UNKNOWN_TUNNEL_SOURCE);
        }
        return deliver(h, packet, length);
    }

    private DropReason deliver(Ipv6Header h, byte[] packet, int length) {
        if (!settings.isOwnAddress(h.destination())) {
            return drop(DropReason.NOT_FOR_HOME_ADDRESS);
        }
        try {
            device.write(packet, 0, length);
        } catch (IOException x) {
            LOG.debug("write to {} failed: {}", device.name(), x.getMessage());
            return drop(DropReason.SEND_FAILED);
        }
        packetsIn.increment();
        bytesIn.add(length);
        return null;
    }

    private DropReason drop(DropReason reason) {
        drops.count(reason);
        return reason;
    }

    private void tunLoop() {
        PacketLoops.readDevice(device, POLL_MILLIS, () -> running, this::fromTun, LOG);
    }

    private void tunnelLoop() {
        PacketLoops.receiveTunnel(receiver, POLL_MILLIS, () -> running, this::fromTunnel, LOG);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("packets-to-home-agent", packetsOut.sum());
        m.put("bytes-to-home-agent", bytesOut.sum());
        m.put("packets-from-home-agent", packetsIn.sum());
        m.put("bytes-from-home-agent", bytesIn.sum());
        m.put("endpoint-switches", switches.sum());
        m.putAll(drops.asMap());
        return m;
    }

    @Override
    public void close() {
        Thread a;
        Thread b;
        synchronized (this) {
            running = false;
            a = tunThread;
            b = tunnelThread;
        }
        join(a);
        join(b);
        stop();
        device.close();
        receiver.close();
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
