package org.mip6kit.provider.auth4285;

import java.time.Duration;
import java.time.Instant;

/**
 * The 64-bit NTP timestamp carried by the Mobility Message Replay Protection option (RFC 4285
 * §6, docs/providers/auth-option-4285.md#what-goes-on-the-wire): 32 bits of seconds since 1900-01-01T00:00:00Z and 32 bits of
 * binary fraction.
 *
 * <p>The seconds field wraps on 2036-02-07 (NTP era 1). Following RFC 4330 §3, a seconds value
 * whose top bit is clear is read as era 1, so values decode to instants between 1968 and 2104.
 */
public final class NtpTimestamp {

    /** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
    static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;
    private static final long ERA = 1L << 32;

    private NtpTimestamp() {
    }

    /** The NTP timestamp of {@code instant}; the fraction is truncated to 2^-32 s. */
    public static long of(Instant instant) {
        long seconds = (instant.getEpochSecond() + NTP_TO_UNIX_SECONDS) & 0xFFFF_FFFFL;
        long fraction = ((long) instant.getNano() << 32) / 1_000_000_000L;
        return (seconds << 32) | fraction;
    }

    /**
     * The timestamp a status 144 answer carries (RFC 4285 §6, which takes RFC 3344 §5.7.1's
     * timestamp rule): the home agent's time in the high-order 32 bits (whole NTP seconds) and the
     * low-order 32 bits copied from the rejected Binding Update's timestamp, so the mobile node
     * can tell which of its Binding Updates the answer belongs to.
     */
    public static long resynchronisation(Instant homeAgentTime, long rejected) {
        return (of(homeAgentTime) & HIGH) | (rejected & LOW);
    }

    /** Whether two timestamps agree in their low-order 32 bits (a 144 answer and the Binding Update it answers). */
    public static boolean sameLowOrderBits(long a, long b) {
        return (a & LOW) == (b & LOW);
    }

    /** The instant the high-order 32 bits of {@code ntp} stand for: whole seconds, fraction dropped. */
    public static Instant secondsOf(long ntp) {
        return toInstant(ntp & HIGH);
    }

    private static final long HIGH = 0xFFFF_FFFF_0000_0000L;
    private static final long LOW = 0xFFFF_FFFFL;

    /** The instant an NTP timestamp stands for (see the class comment for the era rule). */
    public static Instant toInstant(long ntp) {
        return Instant.ofEpochSecond(epochSecond(ntp), nano(ntp));
    }

    /**
     * Whether {@code ntp} lies within {@code window} of {@code now}, either side, ends included:
     * {@code |toInstant(ntp) - now| <= window}, to the nanosecond, without allocating.
     */
    public static boolean within(long ntp, Instant now, Duration window) {
        long seconds = epochSecond(ntp) - now.getEpochSecond();
        long nanos = nano(ntp) - now.getNano();
        if (Math.abs(seconds) > window.getSeconds() + 1) {
            return false;
        }
        if (window.getSeconds() > 1L << 40) {
            return true; // longer than the whole NTP range; and window.toNanos() would overflow
        }
        return Math.abs(seconds * 1_000_000_000L + nanos) <= window.toNanos();
    }

    private static long epochSecond(long ntp) {
        long seconds = ntp >>> 32;
        if ((seconds & 0x8000_0000L) == 0) {
            seconds += ERA;
        }
        return seconds - NTP_TO_UNIX_SECONDS;
    }

    private static long nano(long ntp) {
        return ((ntp & 0xFFFF_FFFFL) * 1_000_000_000L) >>> 32;
    }

    /** {@code 0x...} with 16 hexadecimal digits, for log lines. */
    public static String hex(long ntp) {
        return String.format("0x%016x", ntp);
    }
}
