package com.example.mip6.psk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.NetworkOrder;
import org.mip6kit.wire.SequenceNumber;

/** The authenticator's layout and what its MAC covers. */
@Tag("small")
class PskAuthenticatorTest {

    private static final MobilityHeaderCodec CODEC =
            new MobilityHeaderCodec(MobilityOptionRegistry.standard().with(VendorSpecificOption.CODEC));
    private static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f1011121314151617");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::10");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::10");
    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    /** A Binding Update from the care-of address: the pseudo-header source is the home address. */
    private static final Addressing TO_HA = new Addressing(COA, HA, Optional.of(HOA), Optional.empty(), Optional.empty());
    private static final long COUNTER = 1_704_067_200_000_000L; // 2024-01-01T00:00:00Z in microseconds

    private static byte[] signedBindingUpdate() {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(1), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(150), List.of(new AlternateCareOfAddress(COA)));
        return PskAuthenticator.encodeSigned(CODEC, bu, List.of(MobileNodeIdentifier.nai("mn1@example.com")), COUNTER,
                TO_HA, PresharedKey.of(KEY));
    }

    @Test
    void macIsTruncatedHmacSha256OverPseudoHeaderAddressesAndOctetsUpToTheCounter() throws Exception {
        byte[] mh = signedBindingUpdate();
        int at = PskAuthenticator.locate(mh).orElseThrow();

        assertEquals(19, mh[at]);
        assertEquals(29, mh[at + 1]);
        assertEquals(32473, NetworkOrder.u32(mh, at + 2));
        assertEquals(1, mh[at + 6]);
        assertEquals(COUNTER, NetworkOrder.u64(mh, at + 7));
        assertEquals(2, at % 4, "the option sits at 4n+2");

        // Recompute by hand: HoA ‖ HA ‖ MH octets 0 .. at+14 with the checksum zeroed.
        byte[] covered = Arrays.copyOf(mh, at + 15);
        covered[4] = 0;
        covered[5] = 0;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        mac.update(HOA.toBytes());
        mac.update(HA.toBytes());
        byte[] expected = Arrays.copyOf(mac.doFinal(covered), 16);
        assertArrayEquals(expected, Arrays.copyOfRange(mh, at + 15, at + 31));
        assertTrue(MobilityHeaderCodec.checksumValid(mh, HOA, HA), "checksum filled in after the MAC");
        assertTrue(PskAuthenticator.verify(mh, at, TO_HA, PresharedKey.of(KEY)));
    }

    @Test
    void everyCoveredOctetChangeBreaksTheMac() {
        byte[] mh = signedBindingUpdate();
        int at = PskAuthenticator.locate(mh).orElseThrow();
        for (int i = 0; i < at + 31; i++) {
            if (i == 4 || i == 5) {
                continue; // the checksum is zeroed before the MAC is computed
            }
            byte[] copy = mh.clone();
            copy[i] ^= 0x01;
            assertFalse(PskAuthenticator.locate(copy).isPresent()
                    && PskAuthenticator.verify(copy, at, TO_HA, PresharedKey.of(KEY)), "octet " + i + " changed");
        }
    }

    @Test
    void theMacBindsTheHomeAddressAndTheHomeAgent() {
        byte[] mh = signedBindingUpdate();
        int at = PskAuthenticator.locate(mh).orElseThrow();
        Ipv6Address other = Ipv6Address.parse("2001:db8:1::11");
        assertFalse(PskAuthenticator.verify(mh, at, new Addressing(COA, HA, Optional.of(other), Optional.empty(),
                Optional.empty()), PresharedKey.of(KEY)), "another home address");
        assertFalse(PskAuthenticator.verify(mh, at, new Addressing(COA, other, Optional.of(HOA), Optional.empty(),
                Optional.empty()), PresharedKey.of(KEY)), "another home agent");
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertFalse(PskAuthenticator.verify(mh, at, TO_HA, PresharedKey.of(otherKey)), "another key");
    }

    @Test
    void nonZeroPaddingAfterTheAuthenticatorIsRefused() {
        byte[] mh = signedBindingUpdate();
        int at = PskAuthenticator.locate(mh).orElseThrow();
        int end = at + 31;
        assertTrue(end < mh.length, "the fixture ends with padding");
        assertEquals(1, mh[end], "PadN after the authenticator");
        assertTrue(mh[end + 1] > 0, "with data octets");
        byte[] copy = mh.clone();
        copy[end + 2] = 0x5A;
        assertEquals(Optional.empty(), PskAuthenticator.locate(copy));
    }

    @Test
    void anAuthenticatorThatIsNotTheLastOptionIsNotFound() {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(1), EnumSet.of(BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofUnits(1), List.of(PskAuthenticator.placeholder(COUNTER), new AlternateCareOfAddress(COA)));
        assertEquals(Optional.empty(), PskAuthenticator.locate(CODEC.encode(bu, HOA, HA)));
    }

    @Test
    void keysNeverAppearInToString() {
        PresharedKey key = PresharedKey.of(KEY);
        assertFalse(key.toString().contains("0001020304"), key.toString());
        NodeCredential node = new NodeCredential(org.mip6kit.spi.Identity.nai("mn1@example.com"), key,
                Optional.of(HOA));
        assertFalse(node.toString().contains("0001020304"), node.toString());
        assertFalse(new PskReplyContext(node, 5).toString().contains("0001020304"));
    }
}
