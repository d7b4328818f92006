package org.mip6kit.provider.tls.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** RFC 6618 §5.6.5 suite names and what each needs. */
@Tag("small")
class SuiteTest {

    @Test
    void parsesShortNameTlsNameAndCodePoint() {
        assertThat(Suite.parse("AES_128_CBC_SHA")).isEqualTo(Suite.AES_128_CBC_SHA);
        assertThat(Suite.parse(" tls_rsa_with_aes_128_cbc_sha ")).isEqualTo(Suite.AES_128_CBC_SHA);
        assertThat(Suite.parse("002F")).isEqualTo(Suite.AES_128_CBC_SHA);
        assertThat(Suite.parse("0x002f")).isEqualTo(Suite.AES_128_CBC_SHA);
        assertThat(Suite.parse("NULL_SHA")).isEqualTo(Suite.NULL_SHA);
        assertThat(Suite.parse("0002")).isEqualTo(Suite.NULL_SHA);
        assertThat(Suite.parse("3DES_EDE_CBC_SHA")).isEqualTo(Suite.TRIPLE_DES_EDE_CBC_SHA);
        for (Suite s : Suite.values()) {
            assertThat(Suite.parse(s.wireName())).isEqualTo(s);
            assertThat(Suite.parse(s.tlsName())).isEqualTo(s);
            assertThat(Suite.parse(s.rfcName())).isEqualTo(s);
        }
    }

    @Test
    void wireNameIsTheCodePointInHex() {
        assertThat(Suite.AES_128_CBC_SHA.wireName()).isEqualTo("002F");
        assertThat(Suite.NULL_SHA.wireName()).isEqualTo("0002");
        assertThat(Suite.TRIPLE_DES_EDE_CBC_SHA.wireName()).isEqualTo("000A");
    }

    @Test
    void unknownSuiteNamesTheKnownOnes() {
        assertThatThrownBy(() -> Suite.parse("RC4_128_SHA")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RC4_128_SHA").hasMessageContaining("AES_128_CBC_SHA (002F)");
    }

    @Test
    void xcbcSuitesAreRecognisedButNotSupported() {
        assertThatThrownBy(() -> Suite.parse("AES_128_CBC_SHA256")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not supported");
        assertThatThrownBy(() -> Suite.parse("003B")).hasMessageContaining("not supported");
    }

    @Test
    void keyLengthsAndConfidentialityPerSuite() {
        assertThat(Suite.NULL_SHA.confidentiality()).isFalse();
        assertThat(Suite.NULL_SHA.encryptionKeyLength()).isZero();
        assertThat(Suite.NULL_SHA.ivLength()).isZero();
        assertThat(Suite.AES_128_CBC_SHA.confidentiality()).isTrue();
        assertThat(Suite.AES_128_CBC_SHA.encryptionKeyLength()).isEqualTo(16);
        assertThat(Suite.AES_128_CBC_SHA.ivLength()).isEqualTo(16);
        assertThat(Suite.TRIPLE_DES_EDE_CBC_SHA.encryptionKeyLength()).isEqualTo(24);
        for (Suite s : Suite.values()) {
            assertThat(s.integrityKeyLength()).isEqualTo(20);
            assertThat(s.icvLength()).isEqualTo(12);
        }
    }
}
