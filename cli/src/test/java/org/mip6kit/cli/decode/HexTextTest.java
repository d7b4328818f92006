package org.mip6kit.cli.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class HexTextTest {

    @Test
    void acceptsSpacesColonsNewlinesAndZeroXPrefixes() {
        byte[] expected = {0x3b, 0x01, 0x06, 0x00, (byte) 0xff};

        assertThat(HexText.parse("3b010600ff")).isEqualTo(expected);
        assertThat(HexText.parse("3b 01 06 00 FF")).isEqualTo(expected);
        assertThat(HexText.parse("3b:01:06:00:ff")).isEqualTo(expected);
        assertThat(HexText.parse("  3b01\n\t0600ff\n")).isEqualTo(expected);
        assertThat(HexText.parse("0x3b010600 0xff")).isEqualTo(expected);
    }

    @Test
    void rejectsANonHexCharacterNamingItsColumn() {
        assertThatThrownBy(() -> HexText.parse("3b 0z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'z' at column 5 is not a hex digit");
    }

    @Test
    void rejectsAnOctetSplitBySeparator() {
        assertThatThrownBy(() -> HexText.parse("3b 0 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("odd hex digit '0' at column 4");
    }

    @Test
    void rejectsTextWithoutDigits() {
        assertThatThrownBy(() -> HexText.parse(" : "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no hex digits found");
    }

    @Test
    void formatsLowerCaseWithoutSeparators() {
        assertThat(HexText.format(new byte[] {0x3b, (byte) 0xAB})).isEqualTo("3bab");
    }
}
