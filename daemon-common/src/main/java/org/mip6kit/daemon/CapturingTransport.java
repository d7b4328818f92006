package org.mip6kit.daemon;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.UdpEncapsulation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SignallingTransport} decorator that writes every Mobility Header message it sends
 * and receives into a {@link PacketCapture}, as the whole packet that travelled:
 * <pre>
 *  outer IPv4 or IPv6 | UDP (local port, peer port) | inner IPv6 [HAO | RH2] | Mobility Header
 * </pre>
 * The inner packet is rebuilt with {@link MobilityPacket} from the message's
 * {@link Addressing}; the outer addresses are the transport's local address and the peer's
 * {@link Addressing#outerPeer() observed endpoint}. <b>When the transport is bound to a
 * wildcard address</b> ({@code ::} or {@code 0.0.0.0}) the local outer address is written as
 * the unspecified address of the peer's family, because a wildcard socket does not learn which
 * of the host's addresses a datagram used. A message without an outer peer (an in-memory
 * transport) is written as the bare inner IPv6 packet.
 *
 * <p>Sent messages are written when they are handed to the inner transport, before its send
 * completes, and received ones before they are handed on: so a Binding Update is always in the
 * file before the acknowledgement that answers it, however fast that comes back and however
 * late the inner transport completes its send. The file therefore shows what the node handed
 * to its transport: a send that then fails stays in it (the engine logs the failure as
 * {@code send-failed}). Wireshark shows the inner packet with
 * {@code -d udp.port==4191,ipv6} (it registers its Mobile IPv6 dissector on UDP 5436 only).
 */
public final class CapturingTransport implements SignallingTransport {

    private static final Logger LOG = LoggerFactory.getLogger(CapturingTransport.class);

    private final SignallingTransport inner;
    private final InetSocketAddress local;
    private final PacketCapture capture;

    /**
     * @param inner the transport that moves the packets
     * @param local the local address and port {@code inner} is bound to
     * @param capture where packets are written (not closed by this transport)
     */
    public CapturingTransport(SignallingTransport inner, InetSocketAddress local, PacketCapture capture) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.local = Objects.requireNonNull(local, "local");
        this.capture = Objects.requireNonNull(capture, "capture");
        if (local.getAddress() == null) {
            throw new IllegalArgumentException("the local address must be resolved, got " + local);
        }
    }

    /**
     * A factory that opens a {@link UdpTransport} with {@code config} and wraps it, using the
     * address and port the socket was actually bound to.
     */
    public static TransportFactory udp(UdpTransport.Config config, PacketCapture capture) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(capture, "capture");
        return () -> {
            UdpTransport udp = UdpTransport.open(config);
            return new CapturingTransport(udp, udp.localAddress(), capture);
        };
    }

    /** The transport being captured. */
    public SignallingTransport inner() {
        return inner;
    }

    @Override
    public void start(Consumer<Inbound> receiver) {
        Objects.requireNonNull(receiver, "receiver");
        inner.start(in -> {
            capture.write(packet(in.octets(), in.addressing(), false));
            receiver.accept(in);
        });
    }

    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        // Written before the hand-off: the answer may be received, and written, before the send completes.
        try {
            capture.write(packet(octets, to, true));
        } catch (RuntimeException e) {
            // The capture is a record of the signalling, never a reason to stop it.
            LOG.warn("{}: a sent message could not be written to the capture: {}", this, e.toString());
        }
        return inner.send(octets, to);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** The whole packet for a message sent to, or received from, {@code addressing}. */
    byte[] packet(byte[] octets, Addressing addressing, boolean sent) {
        MobilityPacket packet = new MobilityPacket(addressing.source(), addressing.destination(),
                addressing.homeAddressOption(), addressing.routingHeader(), Optional.empty(), octets);
        if (addressing.outerPeer().isPresent()) {
            packet = packet.withUdpEncapsulation(encapsulation(addressing.outerPeer().get(), sent));
        }
        return packet.toBytes();
    }

    private UdpEncapsulation encapsulation(InetSocketAddress peer, boolean sent) {
        InetAddress peerAddress = peer.getAddress();
        InetAddress localAddress = local.getAddress();
        if (peerAddress instanceof Inet4Address peer4) {
            Ipv4Address here = localAddress instanceof Inet4Address l4 && !l4.isAnyLocalAddress()
                    ? Ipv4Address.fromBytes(l4.getAddress(), 0) : Ipv4Address.ANY;
            Ipv4Address there = Ipv4Address.fromBytes(peer4.getAddress(), 0);
            return sent ? new UdpEncapsulation.OverIpv4(here, there, local.getPort(), peer.getPort())
                    : new UdpEncapsulation.OverIpv4(there, here, peer.getPort(), local.getPort());
        }
        Ipv6Address here = localAddress instanceof Inet6Address l6 && !l6.isAnyLocalAddress()
                ? Ipv6Address.fromBytes(l6.getAddress()) : Ipv6Address.UNSPECIFIED;
        Ipv6Address there = Ipv6Address.fromBytes(peerAddress.getAddress());
        return sent ? new UdpEncapsulation.OverIpv6(here, there, local.getPort(), peer.getPort())
                : new UdpEncapsulation.OverIpv6(there, here, peer.getPort(), local.getPort());
    }

    @Override
    public String toString() {
        return "CapturingTransport[" + inner + " -> " + capture.file() + "]";
    }
}
