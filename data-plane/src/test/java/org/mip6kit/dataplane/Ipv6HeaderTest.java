package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.Ipv6Address;

@Tag("small")
class Ipv6HeaderTest {

    /** An ICMPv6 Echo Request header from 2001:db8:5::5 to 2001:db8:1::100, hop limit 63, 8 octets of payload. */
    private static final byte[] ECHO = Packets.hex(
            "60000000"                                  // version 6, traffic class 0, flow label 0
            + "0008"                                    // Payload Length 8                offset 4
            + "3a"                                      // Next Header 58 (ICMPv6)         offset 6
            + "3f"                                      // Hop Limit 63                    offset 7
            + "20010db8000500000000000000000005"        // Source                          offset 8
            + "20010db8000100000000000000000100"        // Destination                     offset 24
            + "8000f00d00010001");                      // Echo Request, id 1, seq 1

    @Test
    void readsTheFieldsTheRulesNeed() throws Exception {
        Ipv6Header h = Ipv6Header.parse(ECHO, ECHO.length);

        assertThat(h).isEqualTo(new Ipv6Header(8, 58, 63, Ipv6Address.parse("2001:db8:5::5"),
                Ipv6Address.parse("2001:db8:1::100")));
    }

    @Test
    void rejectsPacketShorterThanTheHeader() {
        PacketFormatException e = assertThrows(PacketFormatException.class, () -> Ipv6Header.parse(ECHO, 39));
        assertThat(e.getMessage()).contains("IPv6 header");
    }

    @Test
    void rejectsVersionOtherThanSix() {
        byte[] p = ECHO.clone();
        p[0] = 0x45;
        PacketFormatException e = assertThrows(PacketFormatException.class, () -> Ipv6Header.parse(p, p.length));
        assertThat(e.getMessage()).contains("Version").contains("4");
        assertThat(e.offset()).isZero();
    }

    @Test
    void rejectsPayloadLengthThatDisagreesWithThePacket() {
        PacketFormatException e = assertThrows(PacketFormatException.class, () -> Ipv6Header.parse(ECHO, 47));
        assertThat(e.getMessage()).contains("Payload Length");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void rejectsJumbogramPayloadLengthZero() {
        byte[] p = ECHO.clone();
        p[5] = 0;
        PacketFormatException e = assertThrows(PacketFormatException.class, () -> Ipv6Header.parse(p, p.length));
        assertThat(e.getMessage()).contains("jumbogram");
    }

    @Test
    void rejectsLengthBeyondTheBuffer() {
        assertThrows(PacketFormatException.class, () -> Ipv6Header.parse(ECHO, ECHO.length + 1));
    }
}
