package org.mip6kit.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sequence numbers, lifetimes, addresses and status registries. */
@Tag("small")
class ValueTypesTest {

    @ParameterizedTest(name = "seq {0} newer than 15: {1}")
    @CsvSource({"0,false", "15,false", "16,true", "32782,true", "32783,false", "65535,false"})
    void sequenceComparisonFollowsRfc6275Example(int x, boolean newer) {
        assertThat(SequenceNumber.of(x).isNewerThan(SequenceNumber.of(15))).isEqualTo(newer);
    }

    @Test
    void sequenceNumberWrapsFrom65535ToZeroAndZeroIsNewer() {
        SequenceNumber last = SequenceNumber.of(65535);
        assertThat(last.next()).isEqualTo(SequenceNumber.ZERO);
        assertThat(SequenceNumber.ZERO.isNewerThan(last)).isTrue();
        assertThrows(IllegalArgumentException.class, () -> SequenceNumber.of(65536));
        assertThrows(IllegalArgumentException.class, () -> SequenceNumber.of(-1));
    }

    @Test
    void lifetimeRoundsDownToFourSecondUnitsAndClampsAtMaximum() {
        assertThat(Lifetime.ofDuration(Duration.ofSeconds(600)).units()).isEqualTo(150);
        assertThat(Lifetime.ofDuration(Duration.ofSeconds(7)).units()).isEqualTo(1);
        assertThat(Lifetime.ofDuration(Duration.ofDays(30))).isEqualTo(Lifetime.MAX);
        assertThat(Lifetime.MAX.seconds()).isEqualTo(262_140);
        assertThrows(IllegalArgumentException.class, () -> Lifetime.ofDuration(Duration.ofSeconds(-4)));
        assertThrows(IllegalArgumentException.class, () -> Lifetime.ofUnits(65536));
    }

    @Test
    void ipv6TextFormIsRfc5952Canonical() {
        assertThat(Ipv6Address.parse("2001:0DB8:0000:0000:0000:0000:0000:0001")).hasToString("2001:db8::1");
        assertThat(Ipv6Address.parse("2001:db8:0:0:1:0:0:1")).hasToString("2001:db8::1:0:0:1");
        assertThat(Ipv6Address.parse("2001:db8:0:1:1:1:1:1")).hasToString("2001:db8:0:1:1:1:1:1");
        assertThat(Ipv6Address.parse("::")).hasToString("::");
        assertThat(Ipv6Address.parse("::1")).hasToString("::1");
        assertThat(Ipv6Address.parse("fe80::")).hasToString("fe80::");
    }

    @Test
    void ipv4MappedAddressStaysIpv6() {
        Ipv6Address mapped = Ipv6Address.parse("::ffff:192.0.2.100");
        assertThat(mapped.isIpv4Mapped()).isTrue();
        assertThat(mapped.embeddedIpv4()).isEqualTo(Ipv4Address.parse("192.0.2.100"));
        assertThat(mapped).hasToString("::ffff:192.0.2.100");
        assertThat(Ipv6Address.ipv4Mapped(Ipv4Address.parse("192.0.2.100"))).isEqualTo(mapped);
    }

    @Test
    void addressParsingRefusesHostNamesAndGarbage() {
        assertThrows(IllegalArgumentException.class, () -> Ipv6Address.parse("example.com"));
        assertThrows(IllegalArgumentException.class, () -> Ipv6Address.parse("192.0.2.1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv6Address.parse("2001:db8::1::2"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("192.0.2"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("192.0.2.256"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("192.0.02.1"));
    }

    @Test
    void prefixMatchingUsesTheFirstBitsOnly() {
        Ipv6Address a = Ipv6Address.parse("2001:db8:1::100");
        assertThat(a.hasPrefix(Ipv6Address.parse("2001:db8:1::"), 64)).isTrue();
        assertThat(a.hasPrefix(Ipv6Address.parse("2001:db8:2::"), 64)).isFalse();
        assertThat(a.hasPrefix(Ipv6Address.parse("2001:db8:1::1"), 112)).isTrue();
        assertThat(a.hasPrefix(Ipv6Address.parse("2001:db8:1::1"), 128)).isFalse();
        assertThat(a.maskedTo(48)).isEqualTo(Ipv6Address.parse("2001:db8:1::"));
    }

    @Test
    void statusesPrintNameAndCodeAndKeepUnknownCodes() {
        assertThat(BindingAckStatus.of(135)).hasToString("Sequence number out of window(135)");
        assertThat(BindingAckStatus.of(146)).hasToString("MIPV6-AUTH-FAIL(146)");
        assertThat(BindingAckStatus.of(176)).hasToString("REINIT_SA_WITH_HAC(176)");
        assertThat(BindingAckStatus.of(250).code()).isEqualTo(250);
        assertThat(BindingAckStatus.of(250)).hasToString("Unassigned(250)");
        assertThat(BindingAckStatus.of(1).isAccepted()).isTrue();
        assertThat(BindingAckStatus.of(128).isAccepted()).isFalse();
        assertThat(BindingErrorStatus.of(2)).hasToString("Unrecognized MH Type value(2)");
        assertThat(Ipv4AddressAckStatus.of(132).isSuccess()).isFalse();
        assertThat(MobilityHeaderType.of(5)).hasToString("Binding Update(5)");
    }

    @Test
    void alignmentPaddingMatchesXnPlusY() {
        assertThat(Alignment.of(8, 6).paddingBefore(12)).isEqualTo(2);
        assertThat(Alignment.of(8, 2).paddingBefore(30)).isEqualTo(4);
        assertThat(Alignment.of(4, 1).paddingBefore(44)).isEqualTo(1);
        assertThat(Alignment.of(8, 4).paddingBefore(12)).isZero();
        assertThat(Alignment.NONE.paddingBefore(13)).isZero();
    }

    @Test
    void sequenceNumbersAndLifetimesFromTheFactoriesAreSharedAndStillCheckTheirRange() {
        assertThat(SequenceNumber.of(40_000)).isSameAs(SequenceNumber.of(40_000)).isEqualTo(new SequenceNumber(40_000));
        assertThat(SequenceNumber.of(7).next()).isEqualTo(SequenceNumber.of(8));
        assertThat(Lifetime.ofUnits(65_535)).isSameAs(Lifetime.ofUnits(65_535)).isEqualTo(Lifetime.MAX);
        assertThrows(IllegalArgumentException.class, () -> SequenceNumber.of(-1));
        assertThrows(IllegalArgumentException.class, () -> SequenceNumber.of(0x10000));
        assertThrows(IllegalArgumentException.class, () -> Lifetime.ofUnits(-1));
        assertThrows(IllegalArgumentException.class, () -> Lifetime.ofUnits(0x10000));
    }
}
