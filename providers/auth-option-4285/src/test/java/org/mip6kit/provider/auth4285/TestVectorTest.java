package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;

/**
 * The RFC 4285 test vectors of docs/protocol-notes.md#test-vectors (TV3, TV3b; made with scapy 2.5.0 and an
 * independent encoder) and this provider's own IPv4 care-of address vector (TV3c, computed
 * independently with Python's {@code hmac} over a hand-assembled message), reproduced octet for
 * octet by the provider's mobile node and home agent sides.
 */
@Tag("small")
class TestVectorTest {

    private static final HexFormat HEX = HexFormat.of();

    /** TV3: MN-ID + replay + MN-HA authentication, 64 octets. */
    private static final byte[] TV3 = hex(
            "3b 07 05 00 11db 0002 c000 0096"                    // Payload Proto 59, HL 7, BU, rsvd, cksum, seq 2, A|H, lifetime 150
            + "08 10 01 6d6e31406578616d706c652e636f6d"           // MN-ID (off 12): len 16, subtype NAI, "mn1@example.com"
            + "01 02 0000"                                        // PadN(4) (off 30)
            + "0a 08 e93c7f0080000000"                            // Replay (off 34 = 8n+2): NTP 2024-01-01T00:00:00.5Z
            + "00"                                                // Pad1 (off 44)
            + "09 11 01 00000100"                                 // AUTH (off 45 = 8n+5): len 17, MN-HA, SPI 256
            + "f57e2b6cd4d20fdf260bb732");                        // authenticator

    /** TV3's HMAC input: CoA ‖ HoA ‖ MH[0:52] with the checksum zeroed (84 octets). */
    private static final byte[] TV3_MAC_INPUT = hex(
            "20010db8000200000000000000000100"                    // care-of address
            + "20010db8000100000000000000000100"                  // home address
            + "3b07050000000002c00000960810016d6e31406578616d706c652e636f6d010200000a08e93c7f0080000000"
            + "0009110100000100");                                // ... up to and including the SPI

    /** TV3b: the BA accepting TV3, the replay option echoed, 48 octets. */
    private static final byte[] TV3B = hex(
            "3b 05 06 00 9a63 00 00 0002 0096"                   // HL 5, BA, cksum, status 0, flags 0, seq 2, lifetime 150
            + "01 04 00000000"                                    // PadN(6) (off 12)
            + "0a 08 e93c7f0080000000"                            // Replay echoed (off 18 = 8n+2)
            + "00"                                                // Pad1 (off 28)
            + "09 11 01 00000100"                                 // AUTH (off 29 = 8n+5): MN-HA, SPI 256
            + "d5d3c3a3e4eb218be030415f");                        // authenticator over CoA ‖ HoA ‖ MH[0:36]

    /**
     * TV3c (this provider's own): the TV3 node registers from the IPv4 care-of address
     * 192.0.2.100 (RFC 5555): sent from the home address with no Home Address option, the care-of
     * address in the IPv4 Care-of Address option, and authenticated over the IPv4-mapped care-of
     * address ::ffff:192.0.2.100. Seq 3, flags A|H|F, lifetime 150, 72 octets.
     */
    private static final byte[] TV3C = hex(
            "3b 08 05 00 f349 0003 c100 0096"                    // HL 8, BU, cksum (HoA -> HA), seq 3, A|H|F, lifetime 150
            + "20 06 0000 c0000264"                               // IPv4 CoA (off 12 = 4n): 192.0.2.100
            + "08 10 01 6d6e31406578616d706c652e636f6d"           // MN-ID (off 20)
            + "01 02 0000"                                        // PadN(4) (off 38)
            + "0a 08 e93c7f0080000000"                            // Replay (off 42 = 8n+2)
            + "00"                                                // Pad1 (off 52)
            + "09 11 01 00000100"                                 // AUTH (off 53 = 8n+5)
            + "40f6597ec929faf21a7fa4e6");                        // authenticator

    private static final byte[] TV3C_MAC_INPUT = hex(
            "00000000000000000000ffffc0000264"                    // care-of address: IPv4-mapped 192.0.2.100
            + "20010db8000100000000000000000100"                  // home address
            + "3b08050000000003c100009620060000c00002640810016d6e31406578616d706c652e636f6d01020000"
            + "0a08e93c7f00800000000009110100000100");            // MH up to and including the SPI, checksum 0

    @Test
    void mobileNodeProducesTv3OctetForOctet() throws Exception {
        Parties p = Parties.at(Parties.TV3_TIME);
        byte[] mh = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(HEX.formatHex(mh)).isEqualTo(HEX.formatHex(TV3));
    }

    @Test
    void authenticatorCoversCareOfThenHomeAddressThenMobilityHeaderUpToTheSpiWithChecksumZero() throws Exception {
        assertThat(TV3_MAC_INPUT).hasSize(84);
        SecurityAssociation sa = new SecurityAssociation(Parties.NAI, Parties.SPI, Algorithm.HMAC_SHA1,
                HEX.parseHex(Parties.KEY));
        AuthenticatedAddresses addresses = new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS);
        assertThat(HEX.formatHex(sa.authenticate(addresses, TV3, 45))).isEqualTo("f57e2b6cd4d20fdf260bb732");
        assertThat(HEX.formatHex(first96(hmacSha1(HEX.parseHex(Parties.KEY), TV3_MAC_INPUT))))
                .as("an independent HMAC over the documented input").isEqualTo("f57e2b6cd4d20fdf260bb732");
        // The home agent's address is not part of the input (docs/protocol-notes.md#oracle-mistakes item 6).
        AuthenticatedAddresses wrong = new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_AGENT);
        assertThat(sa.verifies(wrong, TV3, 45)).isFalse();
        assertThat(sa.verifies(addresses, TV3, 45)).isTrue();
    }

    @Test
    void homeAgentAcceptsTv3AndAnswersWithTv3bOctetForOctet() throws Exception {
        Parties p = Parties.at(Parties.TV3_TIME);
        Verdict v = p.homeAgentJudges(TV3, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Accept.class);
        assertThat(((Verdict.Accept) v).identity()).isEqualTo(Identity.nai(Parties.NAI));
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.ACCEPTED, SequenceNumber.of(2), Parties.replyOf(v),
                Parties.toCareOf());
        assertThat(HEX.formatHex(ba)).isEqualTo(HEX.formatHex(TV3B));
    }

    @Test
    void mobileNodeAcceptsTv3bAsTheAnswerToTv3() throws Exception {
        Parties p = Parties.at(Parties.TV3_TIME);
        p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(p.mobileNodeJudges(TV3B, Parties.toCareOf())).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void ipv4CareOfAddressIsAuthenticatedAsIpv4MappedTv3c() throws Exception {
        Parties p = Parties.at(Parties.TV3_TIME);
        Addressing fromHome = Addressing.of(Parties.HOME_ADDRESS, Parties.HOME_AGENT);
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(3), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION, BindingUpdate.Flag.FORCE_UDP_ENCAPSULATION), Lifetime.ofUnits(150),
                List.of(new Ipv4CareOfAddress(Ipv4Address.parse("192.0.2.100"))));
        byte[] mh = p.mobileNodeSends(bu, fromHome);
        assertThat(HEX.formatHex(mh)).isEqualTo(HEX.formatHex(TV3C));

        assertThat(TV3C_MAC_INPUT).hasSize(16 + 16 + 60);
        assertThat(HEX.formatHex(first96(hmacSha1(HEX.parseHex(Parties.KEY), TV3C_MAC_INPUT))))
                .isEqualTo("40f6597ec929faf21a7fa4e6");
        assertThat(AuthenticatedAddresses.forBindingUpdate(Parties.decode(mh, fromHome), fromHome))
                .isEqualTo(new AuthenticatedAddresses(Ipv6Address.parse("::ffff:192.0.2.100"), Parties.HOME_ADDRESS));
        assertThat(p.homeAgentJudges(mh, fromHome)).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void natRewritingTheOuterAddressDoesNotChangeTheAuthenticatedCareOfAddress() throws Exception {
        Parties p = Parties.at(Parties.TV3_TIME);
        // The home agent sees the packet from a NAT's outer endpoint: only outerPeer differs.
        Addressing viaNat = Addressing.of(Parties.HOME_ADDRESS, Parties.HOME_AGENT)
                .withOuterPeer(new java.net.InetSocketAddress(java.net.InetAddress.getByName("198.51.100.77"), 40000));
        Verdict v = p.homeAgentJudges(TV3C, viaNat);
        assertThat(v).isInstanceOf(Verdict.Accept.class);
        assertThat(((Exchange) Parties.replyOf(v)).addresses().careOf())
                .isEqualTo(Ipv6Address.parse("::ffff:192.0.2.100"));
    }

    @Test
    void checksumIsComputedAfterTheAuthenticatorOverTheHomeAddressPseudoHeader() {
        assertThat(MobilityHeaderCodec.checksumValid(TV3, Parties.HOME_ADDRESS, Parties.HOME_AGENT)).isTrue();
        assertThat(MobilityHeaderCodec.checksumValid(TV3B, Parties.HOME_AGENT, Parties.HOME_ADDRESS)).isTrue();
        assertThat(MobilityHeaderCodec.checksumValid(TV3C, Parties.HOME_ADDRESS, Parties.HOME_AGENT)).isTrue();
        assertThat(TV3).hasSize(64);
        assertThat(TV3B).hasSize(48);
        assertThat(TV3C).hasSize(72);
    }

    static byte[] hmacSha1(byte[] key, byte[] input) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA1"));
        return mac.doFinal(input);
    }

    static byte[] first96(byte[] mac) {
        return java.util.Arrays.copyOf(mac, 12);
    }

    static byte[] hex(String spaced) {
        return HEX.parseHex(spaced.replace(" ", ""));
    }
}
