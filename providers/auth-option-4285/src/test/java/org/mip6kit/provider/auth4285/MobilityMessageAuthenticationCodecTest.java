package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/** The Mobility Message Authentication option (type 9) codec. */
@Tag("small")
class MobilityMessageAuthenticationCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final Ipv6Address SRC = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address DST = Ipv6Address.parse("2001:db8:1::1");

    @Test
    void encodesSubtypeSpiAndAuthenticatorAfterTypeAndLength() {
        byte[] out = new byte[7 + 12];
        MobilityMessageAuthentication o = new MobilityMessageAuthentication(1, 0x01020304L, HEX.parseHex(
                "a0a1a2a3a4a5a6a7a8a9aaab"));
        MobilityMessageAuthentication.CODEC.write(o, out, 2);
        assertThat(MobilityMessageAuthentication.CODEC.dataLength(o)).isEqualTo(17);
        assertThat(HEX.formatHex(out, 2, out.length)).isEqualTo("01" + "01020304" + "a0a1a2a3a4a5a6a7a8a9aaab");
    }

    @Test
    void lastOptionWithA96BitAuthenticatorStartsAt8nPlus5AndEndsTheMessageWithoutPadding() {
        // Alone after the 12-octet BU fixed part: the next 8n+5 offset is 13, so one Pad1 at 12.
        byte[] mh = encode(List.of(MobilityMessageAuthentication.placeholder(1, 256, 12)));
        assertThat(mh[12]).as("Pad1").isEqualTo((byte) 0);
        assertThat(mh[13]).isEqualTo((byte) MobilityMessageAuthentication.TYPE);
        assertThat(mh.length).isEqualTo(13 + 19);
        assertThat(13 % 4).as("satisfies RFC 4285's 4n+1").isEqualTo(1);
        assertThat(AuthenticatorLocation.find(mh)).isEqualTo(13);
    }

    @Test
    void mnAaaAuthenticatorOf160BitsAlsoEndsTheMessageWithoutPadding() {
        byte[] mh = encode(List.of(MobilityMessageAuthentication.placeholder(2, 3, 20)));
        assertThat(mh.length).isEqualTo(13 + 27);
        assertThat(AuthenticatorLocation.find(mh)).isEqualTo(13);
    }

    @Test
    void decodesWhatItEncodes() throws Exception {
        MobilityMessageAuthentication o = new MobilityMessageAuthentication(2, 0xFFFF_FFFFL, new byte[20]);
        MobilityMessage m = TestContext.providerCodec().decode(encode(List.of(o)), SRC, DST);
        assertThat(m.options()).containsExactly(o);
    }

    @Test
    void optionShorterThanSubtypeAndSpiIsMalformed() {
        byte[] data = HEX.parseHex("0100000100");
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> MobilityMessageAuthentication.CODEC.read(data, 0, 4));
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
        assertThat(e.field()).contains("Mobility Message Authentication");
    }

    @Test
    void valuesAreCheckedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new MobilityMessageAuthentication(1, -1, new byte[12]));
        assertThrows(IllegalArgumentException.class, () -> new MobilityMessageAuthentication(1, 1L << 32, new byte[12]));
        assertThrows(IllegalArgumentException.class, () -> new MobilityMessageAuthentication(256, 1, new byte[12]));
        assertThrows(IllegalArgumentException.class, () -> new MobilityMessageAuthentication(1, 1, new byte[251]));
    }

    @Test
    void authenticatorIsCopiedInAndOut() {
        byte[] a = new byte[12];
        MobilityMessageAuthentication o = new MobilityMessageAuthentication(1, 256, a);
        a[0] = 9;
        o.authenticator()[1] = 9;
        assertThat(o.authenticator()).containsOnly(0);
    }

    @Test
    void locationIsNoneWhenTheAuthenticationOptionIsNotLastOrAppearsTwice() {
        assertThat(AuthenticatorLocation.find(encode(List.of(MobilityMessageAuthentication.placeholder(1, 256, 12),
                new MobilityMessageReplayProtection(1))))).isEqualTo(AuthenticatorLocation.NONE);
        assertThat(AuthenticatorLocation.find(encode(List.of(MobilityMessageAuthentication.placeholder(1, 256, 12),
                MobilityMessageAuthentication.placeholder(1, 256, 12))))).isEqualTo(AuthenticatorLocation.NONE);
        assertThat(AuthenticatorLocation.find(new byte[] {59, 0, 5})).isEqualTo(AuthenticatorLocation.NONE);
        assertThat(AuthenticatorLocation.find(HEX.parseHex("3b010500000000000000000009"))).isEqualTo(AuthenticatorLocation.NONE);
    }

    private static byte[] encode(List<MobilityOption> options) {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(1), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE),
                Lifetime.ofUnits(1), options);
        return TestContext.providerCodec().encode(bu, SRC, DST);
    }

    static MobilityHeaderCodec codec() {
        return TestContext.providerCodec();
    }
}
