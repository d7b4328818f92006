package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.wire.MobileNodeIdentifier;

/**
 * A security association is a view of one key-table row: each row authenticates with its own
 * key, whatever its length and whichever row the thread's {@code Mac} served before.
 */
@Tag("small")
class SecurityAssociationTest {

    private static final String KEY_16 = "000102030405060708090a0b0c0d0e0f";
    private static final String KEY_20 = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3";
    private static final String KEY_64 = "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
            + "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f";

    @Test
    void rowsWithKeysOfDifferentLengthsEachAuthenticateWithTheirOwnKeyInAnyOrder() throws Exception {
        Path file = KeyTableTest.privateFile("""
                mn1@example.com 256 hmac-sha1 key=%s
                mn2@example.com 257 hmac-sha1 key=%s
                mn3@example.com 258 hmac-sha1 key=%s
                """.formatted(KEY_16, KEY_64, KEY_20));
        KeyTable t = KeyTable.readFile(file, ConfigSection.of("s", null, Map.of()), "key-table");
        String[] keys = {KEY_16, KEY_64, KEY_20};
        int[] order = {0, 1, 1, 2, 0, 2, 2, 1, 0, 0};
        for (int row : order) {
            SecurityAssociation sa = t.bySpi(256 + row).orElseThrow();
            byte[] mh = signed(sa);
            assertThat(HomeAgentVerificationTest.independentlyVerified(mh, keys[row], Parties.CARE_OF,
                    Parties.HOME_ADDRESS)).as("row %d", row).isTrue();
            int at = AuthenticatorLocation.find(mh);
            AuthenticatedAddresses addresses = new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS);
            assertThat(sa.verifies(addresses, mh, at)).isTrue();
            assertThat(t.association((row + 1) % 3).verifies(addresses, mh, at)).as("another row's key").isFalse();
        }
    }

    @Test
    void associationMadeAloneMatchesTheSameRowReadFromATable() throws Exception {
        SecurityAssociation alone = HomeAgentVerificationTest.association(Parties.NAI, Parties.SPI, KEY_20);
        KeyTable t = KeyTable.of(Parties.NAI, Parties.SPI, Algorithm.HMAC_SHA1, java.util.HexFormat.of()
                .parseHex(KEY_20));
        assertThat(signed(alone)).isEqualTo(signed(t.association(0)));
        assertThat(alone.spi()).isEqualTo(Parties.SPI);
        assertThat(alone.nai()).isEqualTo(Parties.NAI);
        assertThat(alone.algorithm()).isEqualTo(Algorithm.HMAC_SHA1);
    }

    @Test
    void viewsOfOneRowAreEqualAndShareTheIdentity() {
        KeyTable t = KeyTable.of(Parties.NAI, Parties.SPI, Algorithm.HMAC_SHA1, java.util.HexFormat.of()
                .parseHex(KEY_16));
        assertThat(t.association(0)).isEqualTo(t.bySpi(Parties.SPI).orElseThrow()).isNotSameAs(t.association(0));
        assertThat(t.association(0).identity()).isSameAs(t.association(0).identity());
    }

    private static byte[] signed(SecurityAssociation sa) {
        return Protection.protect(TestContext.providerCodec(), Parties.tv3Update(), MobileNodeIdentifier.nai(sa.nai()),
                NtpTimestamp.of(Parties.TV3_TIME), sa, new AuthenticatedAddresses(Parties.CARE_OF,
                        Parties.HOME_ADDRESS), Parties.fromCareOf());
    }
}
