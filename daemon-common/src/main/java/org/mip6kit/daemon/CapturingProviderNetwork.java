package org.mip6kit.daemon;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.packet.UdpEncapsulation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProviderNetwork} that writes every datagram a provider's own UDP endpoints send and
 * receive to a {@link PacketCapture}, as IPv4 or IPv6 packets with a UDP header around the
 * provider's payload (an RFC 6618 packet, a DTLS record): what a capture on the interface would
 * show. Streams and raw sockets pass through uncaptured. Capture failures are logged, never
 * passed on.
 */
public final class CapturingProviderNetwork implements ProviderNetwork {

    private static final Logger LOG = LoggerFactory.getLogger(CapturingProviderNetwork.class);

    private final ProviderNetwork inner;
    private final PacketCapture capture;

    public CapturingProviderNetwork(ProviderNetwork inner, PacketCapture capture) {
        this.inner = inner;
        this.capture = capture;
    }

    @Override
    public UdpEndpoint bindUdp(InetSocketAddress local) {
        UdpEndpoint e = inner.bindUdp(local);
        return new UdpEndpoint() {
            @Override
            public InetSocketAddress localAddress() {
                return e.localAddress();
            }

            @Override
            public void start(Consumer<Datagram> receiver) {
                e.start(d -> {
                    record(d.payload(), d.peer(), e.localAddress());
                    receiver.accept(d);
                });
            }

            @Override
            public CompletionStage<Void> send(byte[] payload, InetSocketAddress to) {
                record(payload, e.localAddress(), to);
                return e.send(payload, to);
            }

            @Override
            public void close() {
                e.close();
            }
        };
    }

    private void record(byte[] payload, InetSocketAddress from, InetSocketAddress to) {
        try {
            capture.write(udpPacket(payload, from, to));
        } catch (RuntimeException ex) {
            LOG.warn("a provider datagram could not be written to the capture: {}", ex.toString());
        }
    }

    /** An IPv4 or IPv6 packet carrying {@code payload} in UDP from {@code from} to {@code to}. */
    static byte[] udpPacket(byte[] payload, InetSocketAddress from, InetSocketAddress to) {
        boolean v4 = to.getAddress() instanceof Inet4Address || from.getAddress() instanceof Inet4Address;
        int udpLength = 8 + payload.length;
        byte[] udp = new byte[udpLength];
        udp[0] = (byte) (from.getPort() >>> 8);
        udp[1] = (byte) from.getPort();
        udp[2] = (byte) (to.getPort() >>> 8);
        udp[3] = (byte) to.getPort();
        udp[4] = (byte) (udpLength >>> 8);
        udp[5] = (byte) udpLength;
        System.arraycopy(payload, 0, udp, 8, payload.length);
        byte[] packet;
        UdpEncapsulation outer;
        if (v4) {
            Ipv4Address src = v4Of(from);
            Ipv4Address dst = v4Of(to);
            outer = new UdpEncapsulation.OverIpv4(src, dst, from.getPort(), to.getPort());
            packet = new byte[20 + udpLength];
            packet[0] = 0x45;
            packet[2] = (byte) (packet.length >>> 8);
            packet[3] = (byte) packet.length;
            packet[8] = 64;
            packet[9] = 17;
            src.writeTo(packet, 12);
            dst.writeTo(packet, 16);
            int sum = 0;
            for (int i = 0; i < 20; i += 2) {
                sum += ((packet[i] & 0xFF) << 8) | (packet[i + 1] & 0xFF);
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
            int header = ~sum & 0xFFFF;
            packet[10] = (byte) (header >>> 8);
            packet[11] = (byte) header;
        } else {
            Ipv6Address src = v6Of(from);
            Ipv6Address dst = v6Of(to);
            outer = new UdpEncapsulation.OverIpv6(src, dst, from.getPort(), to.getPort());
            packet = new byte[40 + udpLength];
            packet[0] = 0x60;
            packet[4] = (byte) (udpLength >>> 8);
            packet[5] = (byte) udpLength;
            packet[6] = 17;
            packet[7] = 64;
            System.arraycopy(src.toBytes(), 0, packet, 8, 16);
            System.arraycopy(dst.toBytes(), 0, packet, 24, 16);
        }
        int checksum = outer.udpChecksum(udp, 0, udp.length);
        udp[6] = (byte) (checksum >>> 8);
        udp[7] = (byte) checksum;
        System.arraycopy(udp, 0, packet, packet.length - udpLength, udpLength);
        return packet;
    }

    private static Ipv4Address v4Of(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        return b.length == 4 ? Ipv4Address.fromBytes(b, 0) : Ipv4Address.ANY;
    }

    private static Ipv6Address v6Of(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        return b.length == 16 ? Ipv6Address.fromBytes(b) : Ipv6Address.UNSPECIFIED;
    }

    @Override
    public SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
        return inner.openMobilityHeaderSocket(interfaceName);
    }

    @Override
    public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
        return inner.connectTcp(remote);
    }

    @Override
    public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
        return inner.listenTcp(local, accepted);
    }

    @Override
    public String toString() {
        return "CapturingProviderNetwork[" + inner + " -> " + capture.file() + "]";
    }
}
