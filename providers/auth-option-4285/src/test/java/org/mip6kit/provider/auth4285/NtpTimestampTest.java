package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** NTP timestamps (RFC 4285 §6: seconds since 1900 and a binary fraction). */
@Tag("small")
class NtpTimestampTest {

    @Test
    void tv3TimestampIsNewYear2024AndAHalfSecond() {
        assertThat(NtpTimestamp.of(Instant.parse("2024-01-01T00:00:00.500Z"))).isEqualTo(0xe93c7f0080000000L);
        assertThat(NtpTimestamp.toInstant(0xe93c7f0080000000L)).isEqualTo(Instant.parse("2024-01-01T00:00:00.500Z"));
    }

    @Test
    void unixEpochIsNtpSeconds2208988800() {
        assertThat(NtpTimestamp.of(Instant.EPOCH)).isEqualTo(2_208_988_800L << 32);
    }

    @Test
    void secondsAfterTheWrapIn2036AreReadAsEraOne() {
        Instant after = Instant.parse("2040-06-01T00:00:00Z");
        long ntp = NtpTimestamp.of(after);
        assertThat(ntp >>> 63).as("top bit clear after 2036").isZero();
        assertThat(NtpTimestamp.toInstant(ntp)).isEqualTo(after);
    }

    @Test
    void fractionKeepsSubMicrosecondPrecision() {
        Instant t = Instant.parse("2025-01-01T00:00:00.123456789Z");
        assertThat(Duration.between(NtpTimestamp.toInstant(NtpTimestamp.of(t)), t).abs())
                .isLessThan(Duration.ofNanos(2));
    }

    @Test
    void windowIncludesItsEnds() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        assertThat(NtpTimestamp.within(NtpTimestamp.of(now.plusSeconds(7)), now, Duration.ofSeconds(7))).isTrue();
        assertThat(NtpTimestamp.within(NtpTimestamp.of(now.minusSeconds(7)), now, Duration.ofSeconds(7))).isTrue();
        assertThat(NtpTimestamp.within(NtpTimestamp.of(now.minusMillis(7001)), now, Duration.ofSeconds(7))).isFalse();
    }

    @Test
    void windowIsMeasuredToTheNanosecondOfTheTimestampsInstant() {
        Instant now = Instant.parse("2025-01-01T00:00:00.123456789Z");
        long ntp = NtpTimestamp.of(now.minusSeconds(7));
        Duration exact = Duration.between(NtpTimestamp.toInstant(ntp), now);
        assertThat(NtpTimestamp.within(ntp, now, exact)).isTrue();
        assertThat(NtpTimestamp.within(ntp, now, exact.minusNanos(1))).isFalse();
        assertThat(NtpTimestamp.within(ntp, now.minus(exact).minus(exact), exact)).as("the other side").isTrue();
        assertThat(NtpTimestamp.within(NtpTimestamp.of(Instant.parse("2090-01-01T00:00:00Z")), now,
                Duration.ofHours(1))).as("decades away, the other era").isFalse();
    }
}
