package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.transport.InMemoryProviderNetwork;
import org.mip6kit.transport.InMemoryProviderNetwork.Kind;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.packet.MobilityPacket;

/** How the kit sees into a packet's framing, and the copies an attacker makes of it. */
@Tag("small")
class PacketTest {

    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::1");
    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::1:0:0");
    static final Addressing BU_ADDRESSING = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.empty());
    static final BindingUpdate BU = new BindingUpdate(SequenceNumber.of(7),
            EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(150),
            List.of());
    static final InetSocketAddress FROM = new InetSocketAddress(COA.toInetAddress(), 49152);
    static final InetSocketAddress TO = new InetSocketAddress(HA.toInetAddress(), 4191);

    static byte[] mh(Addressing a) {
        return CODEC.encode(BU, a.pseudoHeaderSource(), a.pseudoHeaderDestination());
    }

    static Packet encapsulated() {
        byte[] payload = new MobilityPacket(COA, HA, Optional.of(HOA), Optional.empty(), Optional.empty(),
                mh(BU_ADDRESSING)).toBytes();
        return new Packet(new InMemoryProviderNetwork.Packet(Kind.UDP, "mobile-node-0", FROM, TO, payload),
                "mobile-node-0", Optional.of(BU));
    }

    static Packet raw() {
        return new Packet(new InMemoryProviderNetwork.Packet(Kind.MOBILITY_HEADER, "mobile-node-0",
                new InetSocketAddress(COA.toInetAddress(), 0), new InetSocketAddress(HA.toInetAddress(), 0),
                mh(BU_ADDRESSING), Optional.of(BU_ADDRESSING), Optional.of("tun0")), "mobile-node-0", Optional.of(BU));
    }

    @Test
    void datagramWithAnInnerIpv6PacketShowsItsMobilityHeaderAndInnerAddressing() {
        Packet p = encapsulated();

        assertThat(p.framing()).isEqualTo(Packet.Framing.ENCAPSULATED);
        assertThat(p.mobilityHeader()).contains(mh(BU_ADDRESSING));
        assertThat(p.innerAddressing()).contains(BU_ADDRESSING.withOuterPeer(FROM));
        assertThat(p.decode(CODEC)).contains(BU);
        assertThat(p.carriesBindingUpdate()).isTrue();
    }

    @Test
    void rawMobilityHeaderPacketShowsItsAddressingAndTunnel() {
        Packet p = raw();

        assertThat(p.framing()).isEqualTo(Packet.Framing.MOBILITY_HEADER);
        assertThat(p.innerAddressing()).contains(BU_ADDRESSING);
        assertThat(p.tunnel()).contains("tun0");
        assertThat(p.decode(CODEC)).contains(BU);
    }

    @Test
    void opaqueDatagramShowsNothingAndIsTamperedOctetByOctet() {
        byte[] record = {5, 1, 2, 3, 4, 5, 6, 7, 8};
        Packet p = new Packet(new InMemoryProviderNetwork.Packet(Kind.UDP, "mobile-node-0", FROM, TO, record),
                "mobile-node-0", Optional.of(BU));

        assertThat(p.framing()).isEqualTo(Packet.Framing.OPAQUE);
        assertThat(p.mobilityHeader()).isEmpty();
        assertThat(p.decode(CODEC)).isEmpty();
        assertThat(p.tamperableLength()).isEqualTo(record.length);
        assertThat(p.withOctetFlipped(3, 1).octets()[3]).isEqualTo((byte) 2);
    }

    @Test
    void flippedOctetOfAnInnerMobilityHeaderComesWithARecomputedChecksum() {
        Packet p = encapsulated();

        // Binding Update: Sequence (octets 6, 7), flags and reserved (8, 9), Lifetime (10, 11).
        Packet copy = p.withOctetFlipped(11, 0x01);

        assertThat(copy.sender()).isEqualTo(Deployment.ATTACKER);
        assertThat(copy.source()).as("an on-path attacker keeps the source").isEqualTo(FROM);
        assertThat(copy.decode(CODEC)).as("decodes: the checksum was made right again").isPresent();
        assertThat(((BindingUpdate) copy.decode(CODEC).orElseThrow()).lifetime()).isNotEqualTo(BU.lifetime());
        assertThat(copy.carries()).as("what the attacker sends carries nothing of the sender's").isEmpty();
    }

    @Test
    void readdressedCopyClaimsAnotherHomeAddressWithAValidChecksum() {
        Ipv6Address other = Ipv6Address.parse("2001:db8:1::1:0:1");
        Packet copy = raw().withInnerAddressing(new Addressing(COA, HA, Optional.of(other), Optional.empty(),
                Optional.empty()));

        assertThat(copy.addressing().orElseThrow().homeAddressOption()).contains(other);
        assertThat(copy.tunnel()).as("the attacker's copy enters no tunnel").isEmpty();
        assertThat(copy.decode(CODEC)).contains(BU);
    }

    @Test
    void sameOnTheWireIgnoresWhoSentItAndWhatItCarried() {
        Packet p = raw();
        Packet relabelled = new Packet(new InMemoryProviderNetwork.Packet(Kind.MOBILITY_HEADER, "elsewhere",
                p.source(), p.destination(), p.octets(), p.addressing(), Optional.empty()), "elsewhere",
                Optional.empty());

        assertThat(p.sameOnTheWire(relabelled)).isTrue();
        assertThat(p.sameOnTheWire(p.withOctetFlipped(11, 1))).isFalse();
    }
}
