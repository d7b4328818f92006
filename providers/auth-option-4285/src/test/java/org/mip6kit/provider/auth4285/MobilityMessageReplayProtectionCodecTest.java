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
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.SequenceNumber;

/** The Mobility Message Replay Protection option (type 10) codec. */
@Tag("small")
class MobilityMessageReplayProtectionCodecTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void timestampIsEightOctetsInNetworkOrder() {
        byte[] out = new byte[8];
        MobilityMessageReplayProtection.CODEC.write(new MobilityMessageReplayProtection(0xe93c7f0080000000L), out, 0);
        assertThat(HEX.formatHex(out)).isEqualTo("e93c7f0080000000");
    }

    @Test
    void optionSitsAt8nPlus2SoTheTimestampIsEightOctetAligned() {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(1), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE),
                Lifetime.ofUnits(1), List.of(new MobilityMessageReplayProtection(-1L)));
        byte[] mh = TestContext.providerCodec().encode(bu, Ipv6Address.parse("2001:db8::1"), Ipv6Address.parse("2001:db8::2"));
        assertThat(HEX.formatHex(mh, 12, 28))
                .isEqualTo("010400000000" + "0a08" + "ffffffffffffffff"); // PadN(6) at 12, option at 18 = 8n+2
        assertThat(mh[18]).isEqualTo((byte) MobilityMessageReplayProtection.TYPE);
    }

    @Test
    void lengthOtherThanEightIsMalformed() {
        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> MobilityMessageReplayProtection.CODEC.read(new byte[16], 2, 7));
        assertThat(e.reaction()).isEqualTo(FormatReaction.SILENT_DISCARD);
        assertThat(e.offset()).isEqualTo(1);
    }

    @Test
    void decodesWhatItEncodesIncludingTheTopBit() throws Exception {
        byte[] out = new byte[8];
        MobilityMessageReplayProtection o = new MobilityMessageReplayProtection(0x8000_0000_0000_0001L);
        MobilityMessageReplayProtection.CODEC.write(o, out, 0);
        assertThat(MobilityMessageReplayProtection.CODEC.read(out, 0, 8)).isEqualTo(o);
    }
}
