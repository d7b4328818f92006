package org.mip6kit.daemon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;

/**
 * One Binding Update and its Acknowledgement over real UDP sockets on {@code ::1}: the "home
 * agent" side is captured, the "mobile node" side is a plain {@link UdpTransport}.
 */
final class UdpCaptureRig {

    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final SequenceNumber SEQUENCE = SequenceNumber.of(4711);
    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();

    /** Where the two sockets were bound. */
    record Exchange(InetSocketAddress homeAgent, InetSocketAddress mobileNode) {
    }

    private UdpCaptureRig() {
    }

    static Exchange run(Path pcap) throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        try (PacketCapture capture = PacketCapture.open(pcap, Clock.systemUTC());
             SignallingTransport ha = CapturingTransport.udp(UdpTransport.Config.ephemeral(loopback), capture).open();
             UdpTransport mn = UdpTransport.open(UdpTransport.Config.ephemeral(loopback))) {
            InetSocketAddress haAddress = ((UdpTransport) ((CapturingTransport) ha).inner()).localAddress();
            ha.start((Inbound in) -> {
                Addressing bu = in.addressing();
                Addressing back = new Addressing(bu.destination(), bu.source(), Optional.empty(),
                        bu.homeAddressOption(), bu.outerPeer());
                ha.send(CODEC.encode(new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(), SEQUENCE,
                        Lifetime.ofSeconds(600), List.of()), back.pseudoHeaderSource(), back.pseudoHeaderDestination()),
                        back);
            });
            CompletableFuture<Inbound> ack = new CompletableFuture<>();
            mn.start(ack::complete);
            Addressing to = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.of(haAddress));
            mn.send(CODEC.encode(new BindingUpdate(SEQUENCE, EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                    BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofSeconds(600), List.of()), HOA, HA), to)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            ack.get(5, TimeUnit.SECONDS);
            return new Exchange(haAddress, mn.localAddress());
        }
    }
}
