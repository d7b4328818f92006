package org.mip6kit.provider.tls.protect;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Random;

/** Associations with known keys and a fixed clock for the protect tests. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final int SPI = 0x0ABCDEF;

    /**
     * A Binding Update Mobility Header of 32 octets: Payload Proto 59, header length 3 (32 octets),
     * type 5, reserved, checksum (arbitrary here: the protection does not look inside), sequence 7,
     * flags A H K, lifetime 150, a PadN of 2 octets and an Alternate Care-of Address option.
     */
    static final byte[] BINDING_UPDATE = HexFormat.of().parseHex(
            "3b030500" + "1234" + "0007" + "b000" + "0096" + "0100" + "0312" + "20010db8000200000000000000000100");

    private Fixtures() {
    }

    static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static SecurityAssociation association(Suite suite) {
        return association(suite, SPI, NOW.plusSeconds(3600));
    }

    static SecurityAssociation association(Suite suite, int spi, Instant validityEnd) {
        return new SecurityAssociation(spi, suite,
                new DirectionKeys(bytes(20, 1), bytes(suite.encryptionKeyLength(), 2)),
                new DirectionKeys(bytes(20, 3), bytes(suite.encryptionKeyLength(), 4)), validityEnd);
    }

    static PacketProtection protection(Suite suite) {
        return new PacketProtection(association(suite), new SecureRandom(), CLOCK);
    }
}
