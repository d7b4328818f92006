package org.mip6kit.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mip6kit.wire.TestVectors.COA;
import static org.mip6kit.wire.TestVectors.CN;
import static org.mip6kit.wire.TestVectors.HA;
import static org.mip6kit.wire.TestVectors.HOA;
import static org.mip6kit.wire.TestVectors.hex;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Byte-exact checks against the test vectors of docs/protocol-notes.md#test-vectors, and the malformed cases. */
@Tag("small")
class MobilityHeaderCodecTest {

    private final MobilityHeaderCodec codec = MobilityHeaderCodec.standard();

    // TV1: home-registration BU, CoA -> HA with a Home Address option; pseudo-source is the HoA.
    private static final byte[] TV1 = hex(
            "3b"        // Payload Proto 59
          + "03"        // Header Len 3 -> 32 octets
          + "05"        // MH Type 5, Binding Update
          + "00"        // Reserved
          + "5f7d"      // Checksum over HoA -> HA
          + "0001"      // Sequence 1
          + "d000"      // Flags A|H|K
          + "0096"      // Lifetime 150 units = 600 s
          + "0100"      // PadN(2) at offset 12
          + "0310"      // Alternate Care-of Address at offset 14 (8n+6), length 16
          + "20010db8000200000000000000000100"); // 2001:db8:2::100

    private static BindingUpdate tv1Message() {
        return new BindingUpdate(SequenceNumber.of(1),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION,
                        BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY),
                Lifetime.ofUnits(150), List.of(new AlternateCareOfAddress(COA)));
    }

    @Test
    void encodesTv1HomeRegistrationWithHomeAddressAsPseudoSource() {
        assertThat(codec.encode(tv1Message(), HOA, HA)).isEqualTo(TV1);
    }

    @Test
    void checksumOverCareOfAddressInsteadOfHomeAddressDiffersAsTv1Says() {
        byte[] wrong = codec.encode(tv1Message(), COA, HA);
        assertThat(NetworkOrder.u16(wrong, 4)).isEqualTo(0x5f7c);
    }

    @Test
    void decodesTv1() throws Exception {
        MobilityMessage m = codec.decode(TV1, HOA, HA);
        assertThat(m).isEqualTo(tv1Message());
        BindingUpdate bu = (BindingUpdate) m;
        assertThat(bu.flagLetters()).isEqualTo("AHK");
        assertThat(bu.lifetime().seconds()).isEqualTo(600);
        assertThat(bu.option(AlternateCareOfAddress.class)).map(AlternateCareOfAddress::address).contains(COA);
    }

    @Test
    void rejectsTv1WhenVerifiedAgainstTheCareOfAddress() {
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decode(TV1, COA, HA));
        assertThat(e.field()).isEqualTo("Checksum");
        assertThat(e.offset()).isEqualTo(4);
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
    }

    // TV2: BA accepting TV1, HA -> CoA with RH2; pseudo-destination is the HoA.
    private static final byte[] TV2 = hex(
            "3b 01 06 00"   // Payload Proto, Header Len 1 (16 octets), MH Type 6, Reserved
          + "5fd9"          // Checksum HA -> HoA
          + "00"            // Status 0 accepted
          + "80"            // Flags K
          + "0001"          // Sequence 1
          + "0096"          // Lifetime 150 units
          + "01020000");    // PadN(4) to 16 octets

    private static BindingAcknowledgement tv2Message() {
        return new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                EnumSet.of(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY), SequenceNumber.of(1),
                Lifetime.ofUnits(150), List.of());
    }

    @Test
    void encodesTv2AcknowledgementWithHomeAddressAsPseudoDestination() {
        assertThat(codec.encode(tv2Message(), HA, HOA)).isEqualTo(TV2);
        assertThat(NetworkOrder.u16(codec.encode(tv2Message(), HA, COA), 4)).isEqualTo(0x5fd8);
    }

    @Test
    void decodesTv2() throws Exception {
        assertThat(codec.decode(TV2, HA, HOA)).isEqualTo(tv2Message());
    }

    // TV4b: HoTI HoA -> CN, cookie a1..a8.
    private static final byte[] TV4B = hex(
            "3b 01 01 00"           // Payload Proto, Header Len 1, MH Type 1 HoTI, Reserved
          + "d459"                  // Checksum
          + "0000"                  // Reserved
          + "a1a2a3a4a5a6a7a8");    // Home Init Cookie

    @Test
    void encodesAndDecodesTv4bHomeTestInit() throws Exception {
        HomeTestInit hoti = new HomeTestInit(0xa1a2a3a4a5a6a7a8L, List.of());
        assertThat(codec.encode(hoti, HOA, CN)).isEqualTo(TV4B);
        assertThat(codec.decode(TV4B, HOA, CN)).isEqualTo(hoti);
    }

    // TV4: route-optimised BU with Nonce Indices (2n at 12) and Binding Authorization Data (8n+2 at 18).
    private static final byte[] TV4 = hex(
            "3b 03 05 00 b3fe"      // header, checksum CoA(HAO: HoA) -> CN
          + "0005 8000 0069"        // seq 5, A, lifetime 105 units (420 s)
          + "04 04 0003 0004"       // Nonce Indices: home 3, care-of 4
          + "05 0c 2663c9a503ae21d21f05f0cb"); // BAD, 12-octet authenticator

    @Test
    void encodesAndDecodesTv4NonceIndicesAndAuthorizationDataWithoutPadding() throws Exception {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(5), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE),
                Lifetime.ofUnits(105), List.of(new NonceIndices(3, 4),
                new BindingAuthorizationData(hex("2663c9a503ae21d21f05f0cb"))));
        assertThat(codec.encode(bu, HOA, CN)).isEqualTo(TV4);
        assertThat(codec.decode(TV4, HOA, CN)).isEqualTo(bu);
    }

    // TV5: NEMO BU, A|H|R, seq 9, MNP 2001:db8:100::/48 at offset 12 (8n+4).
    private static final byte[] TV5 = hex(
            "3b 03 05 00 6945"      // header, checksum HoA -> HA
          + "0009 c400 0096"        // seq 9, A|H|R, lifetime 150
          + "06 12 00 30"           // MNP, length 18, reserved, prefix length 48
          + "20010db8010000000000000000000000");

    @Test
    void encodesAndDecodesTv5MobileNetworkPrefix() throws Exception {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(9),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION,
                        BindingUpdate.Flag.MOBILE_ROUTER),
                Lifetime.ofUnits(150), List.of(new MobileNetworkPrefix(48, Ipv6Address.parse("2001:db8:100::"))));
        assertThat(codec.encode(bu, HOA, HA)).isEqualTo(TV5);
        assertThat(codec.decode(TV5, HOA, HA)).isEqualTo(bu);
    }

    // TV6: DSMIPv6 BU, inner source ::ffff:192.0.2.100 with HAO (pseudo-source HoA), A|H|F.
    private static final byte[] TV6 = hex(
            "3b 03 05 00 20cf"      // header, checksum
          + "0007 c100 0096"        // seq 7, A|H|F, lifetime 150
          + "1d 06 8000 00000000"   // IPv4 Home Address at 12 (4n): prefix-len 32, P=0, 0.0.0.0 (allocate)
          + "20 06 0000 c0000264"   // IPv4 Care-of Address at 20 (4n): 192.0.2.100
          + "01020000");            // PadN(4)

    @Test
    void encodesAndDecodesTv6DualStackRegistration() throws Exception {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(7),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION,
                        BindingUpdate.Flag.FORCE_UDP_ENCAPSULATION),
                Lifetime.ofUnits(150), List.of(new Ipv4HomeAddressRequest(32, false, Ipv4Address.ANY),
                new Ipv4CareOfAddress(Ipv4Address.parse("192.0.2.100"))));
        assertThat(codec.encode(bu, HOA, HA)).isEqualTo(TV6);
        assertThat(codec.decode(TV6, HOA, HA)).isEqualTo(bu);
    }

    // TV6b: BA with IPv4 Address Acknowledgement and NAT Detection.
    private static final byte[] TV6B = hex(
            "3b 03 06 00 1842"      // header, checksum 0x1842
          + "00 00 0007 0096"       // status 0, no flags, seq 7, lifetime 150
          + "1e 06 00 80 0a000005"  // IPv4 Ack: status 0, pref-len 32 (0x80 = 32 << 2), 10.0.0.5
          + "1f 06 0000 0000006e"   // NAT Detection: F=0, refresh 110 s
          + "01020000");            // PadN(4)

    @Test
    void decodesTv6bAddressAcknowledgementAndNatDetection() throws Exception {
        BindingAcknowledgement ba = (BindingAcknowledgement) codec.decodeTrustingChecksum(TV6B);
        assertThat(ba.option(Ipv4AddressAcknowledgement.class)).contains(
                new Ipv4AddressAcknowledgement(Ipv4AddressAckStatus.SUCCESS, 32, Ipv4Address.parse("10.0.0.5")));
        assertThat(ba.option(NatDetection.class)).contains(new NatDetection(false, 110));
        assertThat(codec.encodeWithoutChecksum(ba)).isEqualTo(withChecksumZeroed(TV6B));
    }

    // TV3 (RFC 4285 BU) decoded with the standard registry: options 9 and 10 are unknown here and keep their octets.
    private static final byte[] TV3 = hex(
            "3b 07 05 00 11db 0002 c000 0096"
          + "08 10 01 6d6e31406578616d706c652e636f6d"   // MN-ID, NAI mn1@example.com
          + "01 02 0000"                                 // PadN(4)
          + "0a 08 e93c7f0080000000"                     // replay protection (type 10)
          + "00"                                         // Pad1
          + "09 11 01 00000100 f57e2b6cd4d20fdf260bb732"); // auth option (type 9)

    @Test
    void keepsOptionsWithoutCodecAsUnknownOptionsInOrder() throws Exception {
        BindingUpdate bu = (BindingUpdate) codec.decode(TV3, HOA, HA);
        assertThat(bu.options()).containsExactly(
                MobileNodeIdentifier.nai("mn1@example.com"),
                new UnknownOption(10, hex("e93c7f0080000000")),
                new UnknownOption(9, hex("01 00000100 f57e2b6cd4d20fdf260bb732")));
    }

    @Test
    void registeredCodecTakesOverAnOptionTypeWithoutChangingTheWirePackage() throws Exception {
        record Replay(long timestamp) implements MobilityOption {
            @Override
            public int type() {
                return 10;
            }
        }
        MobilityOptionCodec<Replay> replayCodec = new MobilityOptionCodec<>() {
            @Override public int type() { return 10; }
            @Override public String name() { return "Mobility Message Replay Protection"; }
            @Override public Class<Replay> optionClass() { return Replay.class; }
            @Override public Alignment alignment() { return Alignment.of(8, 2); }
            @Override public int dataLength(Replay o) { return 8; }
            @Override public void write(Replay o, byte[] out, int offset) { NetworkOrder.put64(out, offset, o.timestamp()); }
            @Override public Replay read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
                MobilityOptionCodec.requireLength(name(), offset, length, 8);
                return new Replay(NetworkOrder.u64(mh, offset));
            }
        };
        MobilityHeaderCodec extended = new MobilityHeaderCodec(MobilityOptionRegistry.standard().with(replayCodec));
        BindingUpdate bu = (BindingUpdate) extended.decode(TV3, HOA, HA);
        assertThat(bu.option(Replay.class)).contains(new Replay(0xe93c7f0080000000L));
        // Re-encoding lays the replay option out at 8n+2 after a PadN(4), as in TV3.
        byte[] again = extended.encodeWithoutChecksum(bu);
        assertThat(again[34]).isEqualTo((byte) 10);
        assertThat(again[30]).isEqualTo((byte) 1);
        assertThat(again[31]).isEqualTo((byte) 2);
    }

    @Test
    void refusesToRegisterASecondCodecForAType() {
        assertThrows(IllegalArgumentException.class,
                () -> MobilityOptionRegistry.standard().with(AlternateCareOfAddress.CODEC));
    }

    @Test
    void encodesBindingErrorWithUnspecifiedHomeAddressAndRefreshRequest() throws Exception {
        BindingError be = new BindingError(BindingErrorStatus.UNRECOGNIZED_MH_TYPE, Ipv6Address.UNSPECIFIED, List.of());
        byte[] bytes = codec.encode(be, HA, COA);
        assertThat(bytes).hasSize(24);
        assertThat(bytes[1]).isEqualTo((byte) 2);
        assertThat(bytes[6]).isEqualTo((byte) 2);
        assertThat(codec.decode(bytes, HA, COA)).isEqualTo(be);

        byte[] brr = codec.encode(BindingRefreshRequest.create(), HA, HOA);
        assertThat(brr).hasSize(8);
        assertThat(brr[1]).isEqualTo((byte) 0);
        assertThat(codec.decode(brr, HA, HOA)).isEqualTo(BindingRefreshRequest.create());
    }

    @Test
    void bindingAcknowledgementCarriesRefreshAdviceAt2n() throws Exception {
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(),
                SequenceNumber.of(3), Lifetime.ofUnits(150), List.of(new BindingRefreshAdvice(Lifetime.ofUnits(100))));
        byte[] bytes = codec.encode(ba, HA, HOA);
        assertThat(bytes).hasSize(16);
        assertThat(bytes[12]).isEqualTo((byte) 2);
        assertThat(NetworkOrder.u16(bytes, 14)).isEqualTo(100);
        assertThat(codec.decode(bytes, HA, HOA)).isEqualTo(ba);
    }

    // ------------------------------------------------------------------ malformed input

    @Test
    void rejectsPayloadProtoOtherThan59WithParameterProblemAtOffset0() {
        byte[] bad = TV1.clone();
        bad[0] = 6;
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Payload Proto");
        assertThat(e.offset()).isZero();
        assertThat(e.reaction()).isEqualTo(FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsUnknownMhTypeWithBindingErrorStatus2() {
        byte[] bad = hex("3b 00 08 00 0000 0000");
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("MH Type");
        assertThat(e.offset()).isEqualTo(2);
        assertThat(e.reaction()).isEqualTo(FormatReaction.BINDING_ERROR_UNRECOGNIZED_TYPE);
    }

    @Test
    void rejectsHeaderLenBelowTypeMinimumWithParameterProblemAtOffset1() {
        byte[] bad = hex("3b 00 05 00 0000 0001 8000 0001 00");
        byte[] eight = java.util.Arrays.copyOf(bad, 8);
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(eight));
        assertThat(e.field()).isEqualTo("Header Len");
        assertThat(e.offset()).isEqualTo(1);
        assertThat(e.reaction()).isEqualTo(FormatReaction.ICMP_PARAMETER_PROBLEM);
    }

    @Test
    void rejectsHeaderLenThatDisagreesWithTheOctetsReceived() {
        byte[] bad = TV1.clone();
        bad[1] = 4;
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Header Len");
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsTrailingOctetsAfterTheMessage() {
        byte[] bad = java.util.Arrays.copyOf(TV2, TV2.length + 8);
        assertThrows(MobilityHeaderFormatException.class, () -> codec.decodeTrustingChecksum(bad));
    }

    @Test
    void rejectsMessagesShorterThanEightOctets() {
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(hex("3b 00 00")));
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
        assertThrows(MobilityHeaderFormatException.class, () -> codec.decodeTrustingChecksum(new byte[0]));
        assertThrows(MobilityHeaderFormatException.class, () -> codec.decodeTrustingChecksum(null));
    }

    @Test
    void rejectsScapyDefaultNonceIndicesLength16AsMalformed() {
        // docs/protocol-notes.md#test-vectors negative check: scapy's default olen=16 for Nonce Indices and BAD.
        byte[] bad = hex("3b030500d948000580000069 0410 00030004 0510 000000000000000000000000");
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Nonce Indices option length");
        assertThat(e.offset()).isEqualTo(13);
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
    }

    @Test
    void rejectsOptionWhoseLengthRunsPastTheMessage() {
        byte[] bad = TV1.clone();
        bad[15] = 17;   // Alternate CoA length 17 would end one octet after the message
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Alternate Care-of Address option length");
        assertThat(e.offset()).isEqualTo(15);
    }

    @Test
    void rejectsAlternateCareOfAddressWithWrongFixedLength() {
        byte[] bad = hex("3b 03 05 00 0000 0001 c000 0096 0000 030e 20010db80002000000000000000001 00");
        bad = java.util.Arrays.copyOf(bad, 32);
        final byte[] input = bad;
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(input));
        assertThat(e.field()).isEqualTo("Alternate Care-of Address option length");
    }

    @Test
    void rejectsOptionTypeOctetWithNoRoomForItsLength() {
        // BA: 12 octets fixed, then Pad1 x3, then an option type on the very last octet.
        byte[] bad = hex("3b 01 06 00 0000 00 00 0001 0096 00 00 00 03");
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(bad));
        assertThat(e.offset()).isEqualTo(16);
    }

    @Test
    void rejectsMobileNetworkPrefixLongerThan128Bits() {
        byte[] bad = TV5.clone();
        bad[15] = (byte) 129;
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> codec.decodeTrustingChecksum(bad));
        assertThat(e.field()).isEqualTo("Mobile Network Prefix length");
        assertThat(e.offset()).isEqualTo(15);
    }

    @Test
    void rejectsEmptyMobileNodeIdentifier() {
        byte[] bad = hex("3b 01 05 00 0000 0001 c000 0096 08 01 01 00");
        assertThrows(MobilityHeaderFormatException.class, () -> codec.decodeTrustingChecksum(bad));
    }

    @Test
    void aCodecThatThrowsIsReportedAsAFormatErrorNotACrash() {
        MobilityOptionCodec<UnknownishOption> broken = new MobilityOptionCodec<>() {
            @Override public int type() { return 40; }
            @Override public String name() { return "Broken"; }
            @Override public Class<UnknownishOption> optionClass() { return UnknownishOption.class; }
            @Override public Alignment alignment() { return Alignment.NONE; }
            @Override public int dataLength(UnknownishOption o) { return 0; }
            @Override public void write(UnknownishOption o, byte[] out, int offset) { }
            @Override public UnknownishOption read(byte[] mh, int offset, int length) {
                throw new ArrayIndexOutOfBoundsException("bug in a third-party codec");
            }
        };
        MobilityHeaderCodec withBroken = new MobilityHeaderCodec(MobilityOptionRegistry.standard().with(broken));
        byte[] mh = hex("3b 01 06 00 0000 00 00 0001 0096 28 02 0000");
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> withBroken.decodeTrustingChecksum(mh));
        assertThat(e.field()).isEqualTo("Broken option");
        assertThat(e.offset()).isEqualTo(12);
    }

    record UnknownishOption() implements MobilityOption {
        @Override
        public int type() {
            return 40;
        }
    }

    @Test
    void refusesToPutPaddingIntoAMessageByHand() {
        assertThrows(IllegalArgumentException.class,
                () -> new BindingRefreshRequest(List.of(new PadN(4))));
    }

    @Test
    void refusesToEncodeAnOptionWithNoRegisteredCodec() {
        BindingRefreshRequest brr = new BindingRefreshRequest(List.of(new UnknownishOption()));
        assertThrows(IllegalArgumentException.class, () -> codec.encodeWithoutChecksum(brr));
    }

    @Test
    void reservedFlagBitsAreIgnoredOnDecode() throws Exception {
        byte[] mh = hex("3b 01 05 00 0000 0001 c00f 0096 01020000");
        BindingUpdate bu = (BindingUpdate) codec.decodeTrustingChecksum(mh);
        assertThat(bu.flagBits()).isEqualTo(0xc000);
    }

    private static byte[] withChecksumZeroed(byte[] mh) {
        byte[] copy = mh.clone();
        copy[4] = 0;
        copy[5] = 0;
        return copy;
    }

    @Test
    void appendedOptionsEncodeAsIfTheMessageListedThemLast() {
        BindingAcknowledgement bare = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(),
                SequenceNumber.of(7), Lifetime.ofUnits(100), List.of(new BindingRefreshAdvice(Lifetime.ofUnits(50))));
        List<MobilityOption> appended = List.of(new AlternateCareOfAddress(COA), new NatDetection(false, 20));
        BindingAcknowledgement listed = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set.of(),
                SequenceNumber.of(7), Lifetime.ofUnits(100), List.of(new BindingRefreshAdvice(Lifetime.ofUnits(50)),
                new AlternateCareOfAddress(COA), new NatDetection(false, 20)));
        assertThat(codec.encodeWithoutChecksum(bare, appended)).isEqualTo(codec.encodeWithoutChecksum(listed));
    }

    @Test
    void encodesTv1AlikeWhenItsOnlyOptionIsAppended() {
        BindingUpdate withoutOption = new BindingUpdate(SequenceNumber.of(1), tv1Message().flags(),
                Lifetime.ofUnits(150), List.of());
        byte[] mh = codec.encodeWithoutChecksum(withoutOption, List.of(new AlternateCareOfAddress(COA)));
        MobilityHeaderCodec.fillChecksum(mh, HOA, HA);
        assertThat(mh).isEqualTo(TV1);
    }

    @Test
    void rejectsAppendedPadding() {
        BindingUpdate bu = tv1Message();
        assertThrows(IllegalArgumentException.class, () -> codec.encodeWithoutChecksum(bu, List.of(new PadN(4))));
    }
}
