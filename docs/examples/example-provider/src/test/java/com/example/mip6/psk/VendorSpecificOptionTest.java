package com.example.mip6.psk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/** The RFC 5094 Vendor-Specific Mobility Option codec, inside real Mobility Headers. */
@Tag("small")
class VendorSpecificOptionTest {

    private static final MobilityHeaderCodec CODEC =
            new MobilityHeaderCodec(MobilityOptionRegistry.standard().with(VendorSpecificOption.CODEC));
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::10");
    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");

    private static BindingUpdate bu(List<org.mip6kit.wire.MobilityOption> options) {
        return new BindingUpdate(SequenceNumber.of(7), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(150), options);
    }

    @Test
    void encodesTypeLengthVendorIdSubTypeAndDataAtFourNPlusTwo() {
        VendorSpecificOption o = new VendorSpecificOption(32473, 1, new byte[] {(byte) 0xAA, (byte) 0xBB});
        byte[] mh = CODEC.encode(bu(List.of(MobileNodeIdentifier.nai("a@b"), o)), HOA, HA);

        // Fixed part ends at 12; MN-ID (type 8, no alignment) takes 12..17 (2 + subtype + "a@b");
        // the vendor option must start at 4n+2, so at 18 with no padding in between.
        assertEquals(8, mh[12]);
        assertEquals("13" // Type 19
                + "07"        // Length: Vendor ID 4 + Sub-Type 1 + data 2
                + "00007ed9"  // Vendor ID 32473
                + "01"        // Sub-Type
                + "aabb",     // data
                HexFormat.of().formatHex(mh, 18, 27));
        assertEquals(0, mh.length % 8, "the message is padded to a multiple of 8 octets");
    }

    @Test
    void insertsPaddingSoTheOptionStartsAtFourNPlusTwo() {
        VendorSpecificOption o = new VendorSpecificOption(32473, 1, new byte[0]);
        // MN-ID "ab@c" ends at 19: the vendor option needs 3 octets of PadN to reach 22 = 4*5+2.
        byte[] mh = CODEC.encode(bu(List.of(MobileNodeIdentifier.nai("ab@c"), o)), HOA, HA);
        assertEquals(1, mh[19], "PadN type");
        assertEquals(1, mh[20], "PadN length (3 octets in all)");
        assertEquals(19, mh[22], "the vendor option's Type octet at offset 22");
    }

    @Test
    void decodesBackToAnEqualValue() throws MobilityHeaderFormatException {
        VendorSpecificOption o = new VendorSpecificOption(0xFFFF_FFFFL, 255, new byte[] {1, 2, 3, 4, 5});
        BindingUpdate original = bu(List.of(o));
        MobilityMessage decoded = CODEC.decode(CODEC.encode(original, HOA, HA), HOA, HA);
        assertEquals(original, decoded);
        VendorSpecificOption back = decoded.option(VendorSpecificOption.class).orElseThrow();
        assertEquals(0xFFFF_FFFFL, back.vendorId());
        assertEquals(255, back.subType());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, back.data());
    }

    @Test
    void anotherVendorsOptionDecodesButIsNotAnAuthenticator() throws MobilityHeaderFormatException {
        VendorSpecificOption foreign = new VendorSpecificOption(9, PskAuthenticator.SUB_TYPE, new byte[24]);
        MobilityMessage decoded = CODEC.decode(CODEC.encode(bu(List.of(foreign)), HOA, HA), HOA, HA);
        assertEquals(foreign, decoded.option(VendorSpecificOption.class).orElseThrow());
        assertEquals(0, PskAuthenticator.countIn(decoded));
        assertTrue(PskAuthenticator.isOurs(PskAuthenticator.placeholder(1)));
    }

    @Test
    void rejectsAnOptionTooShortForVendorIdAndSubType() {
        byte[] mh = CODEC.encode(bu(List.of(new VendorSpecificOption(32473, 1, new byte[0]))), HOA, HA);
        // The option sits at 14 (4n+2 after the 12-octet fixed part); claim 4 data octets instead of 5
        // and give the lost octet to the trailing PadN so the framing stays valid.
        assertEquals(19, mh[14]);
        mh[15] = 4;
        mh[14 + 6] = 1; // PadN at 20 ...
        mh[14 + 7] = 2; // ... of 4 octets: 20..23 (was 21..23)
        mh[14 + 8] = 0;
        MobilityHeaderCodec.fillChecksum(mh, HOA, HA);

        MobilityHeaderFormatException e = assertThrows(MobilityHeaderFormatException.class,
                () -> CODEC.decode(mh, HOA, HA));
        assertEquals("Vendor Specific option length", e.field());
        assertEquals(15, e.offset());
        assertEquals(FormatReaction.SILENT_DISCARD, e.reaction());
    }

    @Test
    void refusesValuesOutsideTheFieldSizes() {
        assertThrows(IllegalArgumentException.class, () -> new VendorSpecificOption(1L << 32, 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new VendorSpecificOption(-1, 1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new VendorSpecificOption(1, 256, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new VendorSpecificOption(1, 1, new byte[251]));
    }
}
