package org.mip6kit.provider.tls.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class SecurityAssociationTest {

    @Test
    void spiIs28BitsAndNotZero() {
        assertThatThrownBy(() -> Fixtures.association(Suite.NULL_SHA, 0, Fixtures.NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mip6-spi");
        assertThatThrownBy(() -> Fixtures.association(Suite.NULL_SHA, 1 << 28, Fixtures.NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Fixtures.association(Suite.NULL_SHA, (1 << 28) - 1, Fixtures.NOW).spi()).isEqualTo(268435455);
    }

    @Test
    void keyLengthsMustFitTheSuite() {
        DirectionKeys aes = new DirectionKeys(new byte[20], new byte[16]);
        DirectionKeys shortMac = new DirectionKeys(new byte[16], new byte[16]);
        DirectionKeys none = new DirectionKeys(new byte[20], null);
        assertThatThrownBy(() -> new SecurityAssociation(1, Suite.AES_128_CBC_SHA, aes, shortMac, Fixtures.NOW))
                .hasMessageContaining("mip6-ha-to-mn-ikey has 16 octets");
        assertThatThrownBy(() -> new SecurityAssociation(1, Suite.AES_128_CBC_SHA, none, aes, Fixtures.NOW))
                .hasMessageContaining("mip6-mn-to-ha-ekey has 0 octets");
        assertThatThrownBy(() -> new SecurityAssociation(1, Suite.NULL_SHA, aes, none, Fixtures.NOW))
                .hasMessageContaining("mip6-mn-to-ha-ekey has 16 octets");
    }

    @Test
    void keysAreCopiedInAndOut() {
        byte[] key = new byte[20];
        DirectionKeys k = new DirectionKeys(key, null);
        key[0] = 1;
        assertThat(k.integrityKey()[0]).isZero();
        k.integrityKey()[1] = 1;
        assertThat(k.integrityKey()[1]).isZero();
    }

    @Test
    void keysNeverAppearInToString() {
        SecurityAssociation sa = Fixtures.association(Suite.AES_128_CBC_SHA);
        PacketProtection p = new PacketProtection(sa, new SecureRandom(), Fixtures.CLOCK);
        for (Direction d : Direction.values()) {
            for (byte[] key : new byte[][] {sa.keys(d).integrityKey(), sa.keys(d).encryptionKey()}) {
                String hex = HexFormat.of().formatHex(key);
                for (String text : new String[] {sa.toString(), sa.keys(d).toString(), p.toString()}) {
                    assertThat(text.toLowerCase()).doesNotContain(hex).doesNotContain(hex.substring(0, 8));
                    assertThat(text).doesNotContain(java.util.Base64.getEncoder().encodeToString(key));
                }
            }
        }
        assertThat(sa.toString()).contains("spi=" + Fixtures.SPI).contains("AES_128_CBC_SHA");
    }

    @Test
    void validUpToAndIncludingItsValidityEnd() {
        SecurityAssociation sa = Fixtures.association(Suite.NULL_SHA, 5, Fixtures.NOW);
        assertThat(sa.isValidAt(Fixtures.NOW)).isTrue();
        assertThat(sa.isValidAt(Fixtures.NOW.plusMillis(1))).isFalse();
    }
}
