package org.mip6kit.wire.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mip6kit.wire.packet.PacketTestVectors.COA;
import static org.mip6kit.wire.packet.PacketTestVectors.HA;
import static org.mip6kit.wire.packet.PacketTestVectors.HOA;
import static org.mip6kit.wire.packet.PacketTestVectors.TV1_MH;
import static org.mip6kit.wire.packet.PacketTestVectors.TV1_PACKET;
import static org.mip6kit.wire.packet.PacketTestVectors.TV2_MH;
import static org.mip6kit.wire.packet.PacketTestVectors.TV2_PACKET;
import static org.mip6kit.wire.packet.PacketTestVectors.TV6_MH;
import static org.mip6kit.wire.packet.PacketTestVectors.TV6_PACKET;
import static org.mip6kit.wire.packet.PacketTestVectors.V4_COA;
import static org.mip6kit.wire.packet.PacketTestVectors.V4_HA;
import static org.mip6kit.wire.packet.PacketTestVectors.hex;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.InternetChecksum;
import org.mip6kit.wire.Ipv6Address;

@Tag("small")
class MobilityPacketTest {

    private static final int MH = MobilityPacket.MOBILITY_HEADER_NEXT_HEADER;

    private static MobilityPacket tv1() {
        return MobilityPacket.of(COA, HA, TV1_MH).withHomeAddressOption(HOA);
    }

    private static MobilityPacket tv2() {
        return MobilityPacket.of(HA, COA, TV2_MH).withType2RoutingHeader(HOA);
    }

    private static MobilityPacket tv6() {
        Ipv6Address mappedCoa = Ipv6Address.ipv4Mapped(V4_COA);
        return MobilityPacket.of(mappedCoa, HA, TV6_MH).withHomeAddressOption(HOA)
                .withUdpEncapsulation(new UdpEncapsulation.OverIpv4(V4_COA, V4_HA, 49152,
                        MobilityPacket.DSMIPV6_UDP_PORT));
    }

    @Test
    void buildsTv1BindingUpdateWithDestinationOptionsHeaderAfterIpv6Header() {
        assertThat(tv1().toBytes()).isEqualTo(TV1_PACKET);
    }

    @Test
    void buildsTv2BindingAckWithType2RoutingHeaderAfterIpv6Header() {
        assertThat(tv2().toBytes()).isEqualTo(TV2_PACKET);
    }

    @Test
    void buildsTv6BindingUpdateInIpv4UdpWithHeaderAndUdpChecksums() {
        assertThat(tv6().toBytes()).isEqualTo(TV6_PACKET);
    }

    @Test
    void putsRoutingHeaderBeforeDestinationOptionsWhenPacketHasBoth() {
        byte[] bytes = MobilityPacket.of(HA, COA, TV2_MH).withType2RoutingHeader(HOA).withHomeAddressOption(COA)
                .toBytes();

        assertThat(bytes[6]).isEqualTo((byte) 43);                       // IPv6 NH: Routing
        assertThat(bytes[40]).isEqualTo((byte) 60);                      // RH2 NH: Destination Options
        assertThat(bytes[64]).isEqualTo((byte) MH);                      // DestOpt NH: Mobility Header
        assertThat(bytes.length).isEqualTo(40 + 24 + 24 + TV2_MH.length);
        assertThat(bytes[5]).isEqualTo((byte) (24 + 24 + TV2_MH.length)); // payload length
    }

    @Test
    void writesPlainIpv6HeaderWithMobilityNextHeaderWhenNoExtensionHeaders() {
        byte[] bytes = MobilityPacket.of(HOA, HA, TV2_MH).toBytes();

        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(hex("60000000 0010 87 40")); // payload 16, NH 135, hop 64
        assertThat(Arrays.copyOfRange(bytes, 40, bytes.length)).isEqualTo(TV2_MH);
    }

    @Test
    void pseudoHeaderSourceIsTheHomeAddressOfTheHomeAddressOption() {
        MobilityPacket packet = tv1();

        assertThat(packet.pseudoHeaderSource()).isEqualTo(HOA);
        assertThat(packet.pseudoHeaderDestination()).isEqualTo(HA);
        // TV1's checksum verifies over HoA -> HA and not over the CoA in the IPv6 header.
        assertThat(mhChecksum(packet.pseudoHeaderSource(), packet.pseudoHeaderDestination(), TV1_MH)).isZero();
        assertThat(mhChecksum(COA, HA, TV1_MH)).isNotZero();
    }

    @Test
    void pseudoHeaderDestinationIsTheHomeAddressOfTheType2RoutingHeader() {
        MobilityPacket packet = tv2();

        assertThat(packet.pseudoHeaderSource()).isEqualTo(HA);
        assertThat(packet.pseudoHeaderDestination()).isEqualTo(HOA);
        assertThat(mhChecksum(packet.pseudoHeaderSource(), packet.pseudoHeaderDestination(), TV2_MH)).isZero();
        assertThat(mhChecksum(HA, COA, TV2_MH)).isNotZero();
    }

    @Test
    void pseudoHeaderAddressesAreTheIpv6HeaderAddressesWithoutExtensionHeaders() {
        MobilityPacket packet = MobilityPacket.of(HOA, HA, TV1_MH);

        assertThat(packet.pseudoHeaderSource()).isEqualTo(HOA);
        assertThat(packet.pseudoHeaderDestination()).isEqualTo(HA);
    }

    @Test
    void pseudoHeaderOfTv6IsTheHomeAddressAndNotTheOuterOrMappedAddress() {
        MobilityPacket packet = tv6();

        assertThat(packet.pseudoHeaderSource()).isEqualTo(HOA);
        assertThat(mhChecksum(packet.pseudoHeaderSource(), packet.pseudoHeaderDestination(), TV6_MH)).isZero();
    }

    @Test
    void buildsUdpEncapsulationOverIpv6WithVerifyingUdpChecksum() {
        MobilityPacket packet = tv1().withUdpEncapsulation(
                new UdpEncapsulation.OverIpv6(COA, HA, 49152, MobilityPacket.DSMIPV6_UDP_PORT));

        byte[] bytes = packet.toBytes();

        assertThat(bytes.length).isEqualTo(40 + 8 + TV1_PACKET.length);
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(hex("60000000 0068 11 40")); // payload 104, NH 17, hop 64
        assertThat(Arrays.copyOfRange(bytes, 40, 46)).isEqualTo(hex("c000 105f 0068")); // ports, UDP length
        assertThat(InternetChecksum.ipv6(COA, HA, 17, bytes, 40, 8 + TV1_PACKET.length)).isZero();
        assertThat(Arrays.copyOfRange(bytes, 48, bytes.length)).isEqualTo(TV1_PACKET);
    }

    @Test
    void copiesMobilityHeaderOnTheWayInAndOut() {
        byte[] mh = TV1_MH.clone();
        MobilityPacket packet = MobilityPacket.of(COA, HA, mh);

        mh[0] = 0;
        packet.mobilityHeader()[1] = 0;

        assertThat(packet.mobilityHeader()).isEqualTo(TV1_MH);
    }

    @Test
    void packetsWithEqualFieldsAreEqual() {
        assertThat(tv6()).isEqualTo(tv6()).hasSameHashCodeAs(tv6());
        assertThat(tv1()).isNotEqualTo(MobilityPacket.of(COA, HA, TV1_MH));
    }

    @Test
    void rejectsEmptyMobilityHeader() {
        assertThrows(IllegalArgumentException.class, () -> MobilityPacket.of(COA, HA, new byte[0]));
    }

    @Test
    void rejectsMobilityHeaderTooLongForIpv6PayloadLength() {
        MobilityPacket largest = MobilityPacket.of(COA, HA, new byte[0xFFFF]);

        assertThat(largest.toBytes()).hasSize(40 + 0xFFFF);
        assertThrows(IllegalArgumentException.class, () -> largest.withHomeAddressOption(HOA));
    }

    @Test
    void rejectsMobilityHeaderTooLongForIpv4TotalLength() {
        UdpEncapsulation v4 = new UdpEncapsulation.OverIpv4(V4_COA, V4_HA, 49152, 4191);
        MobilityPacket largest = MobilityPacket.of(COA, HA, new byte[0xFFFF - 20 - 8 - 40])
                .withUdpEncapsulation(v4);

        assertThat(largest.toBytes()).hasSize(0xFFFF);
        assertThrows(IllegalArgumentException.class,
                () -> MobilityPacket.of(COA, HA, new byte[0xFFFF - 20 - 8 - 40 + 1]).withUdpEncapsulation(v4));
    }

    @Test
    void rejectsUdpPortOutsideSixteenBits() {
        assertThrows(IllegalArgumentException.class, () -> new UdpEncapsulation.OverIpv4(V4_COA, V4_HA, 65536, 4191));
        assertThrows(IllegalArgumentException.class, () -> new UdpEncapsulation.OverIpv6(COA, HA, 4191, -1));
    }

    @Test
    void rejectsNullOptionalInsteadOfEmpty() {
        assertThrows(NullPointerException.class,
                () -> new MobilityPacket(COA, HA, null, Optional.empty(), Optional.empty(), TV1_MH));
    }

    private static int mhChecksum(Ipv6Address source, Ipv6Address destination, byte[] mh) {
        return InternetChecksum.ipv6(source, destination, MH, mh, 0, mh.length);
    }
}
