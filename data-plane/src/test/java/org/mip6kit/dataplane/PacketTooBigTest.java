package org.mip6kit.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.InternetChecksum;

@Tag("small")
class PacketTooBigTest {

    @Test
    void isSentFromTheEntryPointToTheSourceWithTypeTwoCodeZeroAndTheMtu() throws Exception {
        byte[] invoking = Packets.ipv6(Packets.CN, Packets.HOA, 1500 - 40);
        Ipv6Header h = Ipv6Header.parse(invoking, invoking.length);

        byte[] ptb = PacketTooBig.build(Packets.HA, invoking, invoking.length, h, 1460);
        Ipv6Header outer = Ipv6Header.parse(ptb, ptb.length);

        assertThat(outer.source()).isEqualTo(Packets.HA);
        assertThat(outer.destination()).isEqualTo(Packets.CN);
        assertThat(outer.nextHeader()).isEqualTo(58);
        assertThat(outer.hopLimit()).isEqualTo(255);
        assertThat(ptb[40]).isEqualTo((byte) 2);            // Type: Packet Too Big
        assertThat(ptb[41]).isEqualTo((byte) 0);            // Code 0
        assertThat(Packets.hex("000005b4")).isEqualTo(Arrays.copyOfRange(ptb, 44, 48));   // MTU 1460
    }

    @Test
    void neverExceedsTheMinimumMtuAndQuotesAsMuchOfTheInvokingPacketAsFits() throws Exception {
        byte[] invoking = Packets.ipv6(Packets.CN, Packets.HOA, 1500 - 40);
        Ipv6Header h = Ipv6Header.parse(invoking, invoking.length);

        byte[] ptb = PacketTooBig.build(Packets.HA, invoking, invoking.length, h, 1460);

        assertThat(ptb).hasSize(1280);
        assertThat(Arrays.copyOfRange(ptb, 48, 1280)).isEqualTo(Arrays.copyOfRange(invoking, 0, 1232));
    }

    @Test
    void quotesAShortInvokingPacketWhole() throws Exception {
        byte[] invoking = Packets.ipv6(Packets.CN, Packets.HOA, 100);
        Ipv6Header h = Ipv6Header.parse(invoking, invoking.length);

        byte[] ptb = PacketTooBig.build(Packets.HA, invoking, invoking.length, h, 1280);

        assertThat(ptb).hasSize(40 + 8 + 140);
        assertThat(Arrays.copyOfRange(ptb, 48, ptb.length)).isEqualTo(invoking);
    }

    @Test
    void checksumVerifiesOverThePseudoHeader() throws Exception {
        byte[] invoking = Packets.ipv6(Packets.CN, Packets.HOA, 1400);
        Ipv6Header h = Ipv6Header.parse(invoking, invoking.length);

        byte[] ptb = PacketTooBig.build(Packets.HA, invoking, invoking.length, h, 1300);

        assertThat(InternetChecksum.ipv6(Packets.HA, Packets.CN, 58, ptb, 40, ptb.length - 40)).isZero();
        assertThat(ptb[42] != 0 || ptb[43] != 0).as("a checksum was written").isTrue();
    }

    @Test
    void refusesAnMtuBelowTheIpv6Minimum() throws Exception {
        byte[] invoking = Packets.ipv6(Packets.CN, Packets.HOA, 100);
        Ipv6Header h = Ipv6Header.parse(invoking, invoking.length);

        assertThrows(IllegalArgumentException.class,
                () -> PacketTooBig.build(Packets.HA, invoking, invoking.length, h, 1279));
    }

    @Test
    void neverAnswersAnIcmpv6ErrorMessage() throws Exception {
        byte[] error = Packets.ipv6(Packets.CN, Packets.HOA, 58, 64, 8);
        error[40] = 1;   // Destination Unreachable
        byte[] echo = Packets.ipv6(Packets.CN, Packets.HOA, 58, 64, 8);
        echo[40] = (byte) 128;   // Echo Request

        assertThat(PacketTooBig.mayAnswer(error, Ipv6Header.parse(error, error.length))).isFalse();
        assertThat(PacketTooBig.mayAnswer(echo, Ipv6Header.parse(echo, echo.length))).isTrue();
    }

    @Test
    void neverAnswersAnUnspecifiedSource() throws Exception {
        byte[] p = Packets.ipv6(org.mip6kit.wire.Ipv6Address.UNSPECIFIED, Packets.HOA, 8);

        assertThat(PacketTooBig.mayAnswer(p, Ipv6Header.parse(p, p.length))).isFalse();
    }
}
