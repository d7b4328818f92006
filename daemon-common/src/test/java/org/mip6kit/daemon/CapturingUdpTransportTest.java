package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.packet.UdpEncapsulation;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;

/** A captured UDP transport on loopback writes the Binding Update it received and the Acknowledgement it sent. */
@Tag("medium")
class CapturingUdpTransportTest {

    @TempDir
    Path dir;

    @Test
    void capturedUdpExchangeHasBothPacketsWithTheRealPortsAndValidChecksums() throws Exception {
        Path pcap = dir.resolve("ha.pcap");

        UdpCaptureRig.Exchange ports = UdpCaptureRig.run(pcap);

        List<PcapRecord> records;
        try (PcapReader reader = new PcapReader(pcap)) {
            records = reader.readAll();
        }
        assertThat(records).hasSize(2);
        Ipv6Address loopback = Ipv6Address.parse("::1");

        MobilityPacket bu = MobilityPacketParser.parse(records.get(0).packet());
        assertThat(bu.udpEncapsulation()).contains(new UdpEncapsulation.OverIpv6(loopback, loopback,
                ports.mobileNode().getPort(), ports.homeAgent().getPort()));
        assertThat(bu.homeAddressOption()).contains(UdpCaptureRig.HOA);
        BindingUpdate decodedBu = (BindingUpdate) UdpCaptureRig.CODEC.decode(bu.mobilityHeader(),
                bu.pseudoHeaderSource(), bu.pseudoHeaderDestination());
        assertThat(decodedBu.sequence()).isEqualTo(UdpCaptureRig.SEQUENCE);

        MobilityPacket ba = MobilityPacketParser.parse(records.get(1).packet());
        assertThat(ba.udpEncapsulation()).contains(new UdpEncapsulation.OverIpv6(loopback, loopback,
                ports.homeAgent().getPort(), ports.mobileNode().getPort()));
        assertThat(ba.type2RoutingHeader()).contains(UdpCaptureRig.HOA);
        BindingAcknowledgement decodedBa = (BindingAcknowledgement) UdpCaptureRig.CODEC.decode(ba.mobilityHeader(),
                ba.pseudoHeaderSource(), ba.pseudoHeaderDestination());
        assertThat(decodedBa.sequence()).isEqualTo(UdpCaptureRig.SEQUENCE);
        assertThat(records.get(1).timestamp()).isAfterOrEqualTo(records.get(0).timestamp());
    }
}
