package org.mip6kit.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link MobileNodeIdentifier#namesNai} answers as {@code isNai() && nai().equals(text)} would (RFC 4283). */
@Tag("small")
class MobileNodeIdentifierTest {

    @Test
    void namesTheAsciiNaiItHolds() {
        assertThat(MobileNodeIdentifier.nai("mn17@example.org").namesNai("mn17@example.org")).isTrue();
    }

    @Test
    void doesNotNameAnAsciiNaiThatDiffersInOneOctetOrInLength() {
        MobileNodeIdentifier id = MobileNodeIdentifier.nai("mn17@example.org");
        assertThat(id.namesNai("mn18@example.org")).isFalse();
        assertThat(id.namesNai("mn17@example.or")).isFalse();
        assertThat(id.namesNai("mn17@example.orgx")).isFalse();
    }

    @Test
    void comparesANonAsciiNaiByItsUtf8Octets() {
        MobileNodeIdentifier id = MobileNodeIdentifier.nai("mö@example.org");
        assertThat(id.namesNai("mö@example.org")).isTrue();
        assertThat(id.namesNai("mo@example.org")).isFalse();
    }

    @Test
    void octetsThatAreNotUtf8NameNoAsciiNaiOfTheSameLength() {
        byte[] octets = "mx@example.org".getBytes(StandardCharsets.US_ASCII);
        octets[1] = (byte) 0xC3; // a lead octet with no continuation
        assertThat(new MobileNodeIdentifier(MobileNodeIdentifier.SUBTYPE_NAI, octets).namesNai("mx@example.org"))
                .isFalse();
    }

    @Test
    void anIdentifierOfAnotherSubtypeNamesNoNai() {
        byte[] octets = "mn@example.org".getBytes(StandardCharsets.US_ASCII);
        assertThat(new MobileNodeIdentifier(2, octets).namesNai("mn@example.org")).isFalse();
    }
}
