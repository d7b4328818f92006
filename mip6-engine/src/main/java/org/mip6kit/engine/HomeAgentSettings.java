package org.mip6kit.engine;

import java.time.Duration;
import java.util.List;

import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * A home agent's protocol settings, validated on construction.
 *
 * @param homeAgentAddress the home agent's own address (the Binding Acknowledgement's source)
 * @param homePrefixes the home prefixes it serves (RFC 6275 §10.3.1: a home address outside
 *        them gets 132); the home link is virtual (DESIGN.md): no DAD, no proxy ND
 * @param maxLifetime the largest lifetime granted (RFC 6275 §10.3.1 "local policy")
 * @param refreshAdviceRatio if positive, a Binding Refresh Advice of this fraction of the
 *        granted lifetime goes in every accepting BA (RFC 6275 §6.2.4); 0 sends none
 * @param beforeAckTimeout how long the BA waits for the provider's
 *        {@link org.mip6kit.spi.HomeAgentSecurity#beforeAck}; then 130
 * @param replayHold how long an entry's sequence number and owner are kept after
 *        deregistration or expiry, so a captured BU cannot recreate the binding
 * @param maxBindings the binding cache's capacity (live entries plus replay holds); beyond it, 130
 * @param sweepInterval how often expiry is checked
 * @param natKeepalive the NAT Detection option's refresh time (RFC 5555 §3.2.2, recommended 110 s)
 * @param failureRepliesPerSecond rate limit for rejecting BAs and Binding Errors (burst twice this)
 * @param failureLogLinesPerSecond rate limit for failure log lines
 * @param shutdownTimeout how long {@code close()} waits for in-flight Binding Updates
 */
public record HomeAgentSettings(Ipv6Address homeAgentAddress, List<HomePrefix> homePrefixes, Duration maxLifetime,
                                double refreshAdviceRatio, Duration beforeAckTimeout, Duration replayHold,
                                int maxBindings, Duration sweepInterval, Duration natKeepalive,
                                double failureRepliesPerSecond, double failureLogLinesPerSecond,
                                Duration shutdownTimeout) {

    public HomeAgentSettings {
        if (homeAgentAddress == null || homePrefixes == null || homePrefixes.isEmpty()) {
            throw new IllegalArgumentException("a home agent needs its address and at least one home prefix");
        }
        homePrefixes = List.copyOf(homePrefixes);
        requirePositive("maxLifetime", maxLifetime);
        if (maxLifetime.compareTo(Lifetime.MAX.toDuration()) > 0) {
            throw new IllegalArgumentException("maxLifetime cannot exceed " + Lifetime.MAX.seconds() + " s, got " + maxLifetime);
        }
        if (refreshAdviceRatio < 0 || refreshAdviceRatio >= 1) {
            throw new IllegalArgumentException("refreshAdviceRatio must be in [0, 1), got " + refreshAdviceRatio);
        }
        requirePositive("beforeAckTimeout", beforeAckTimeout);
        requirePositive("replayHold", replayHold);
        requirePositive("sweepInterval", sweepInterval);
        requirePositive("natKeepalive", natKeepalive);
        requirePositive("shutdownTimeout", shutdownTimeout);
        if (maxBindings < 1) {
            throw new IllegalArgumentException("maxBindings must be positive, got " + maxBindings);
        }
        if (failureRepliesPerSecond <= 0 || failureLogLinesPerSecond <= 0) {
            throw new IllegalArgumentException("rate limits must be positive");
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** Defaults for one home agent address and prefix. */
    public static HomeAgentSettings defaults(Ipv6Address homeAgentAddress, HomePrefix homePrefix) {
        return new HomeAgentSettings(homeAgentAddress, List.of(homePrefix), Duration.ofHours(1), 0.8,
                Duration.ofSeconds(5), Duration.ofMinutes(5), 1_000_000, Duration.ofSeconds(1),
                Duration.ofSeconds(110), 100, 10, Duration.ofSeconds(5));
    }

    public HomeAgentSettings withMaxLifetime(Duration d) {
        return new HomeAgentSettings(homeAgentAddress, homePrefixes, d, refreshAdviceRatio, beforeAckTimeout,
                replayHold, maxBindings, sweepInterval, natKeepalive, failureRepliesPerSecond,
                failureLogLinesPerSecond, shutdownTimeout);
    }

    public HomeAgentSettings withMaxBindings(int n) {
        return new HomeAgentSettings(homeAgentAddress, homePrefixes, maxLifetime, refreshAdviceRatio, beforeAckTimeout,
                replayHold, n, sweepInterval, natKeepalive, failureRepliesPerSecond, failureLogLinesPerSecond,
                shutdownTimeout);
    }

    public HomeAgentSettings withReplayHold(Duration d) {
        return new HomeAgentSettings(homeAgentAddress, homePrefixes, maxLifetime, refreshAdviceRatio, beforeAckTimeout,
                d, maxBindings, sweepInterval, natKeepalive, failureRepliesPerSecond, failureLogLinesPerSecond,
                shutdownTimeout);
    }

    public HomeAgentSettings withRefreshAdviceRatio(double r) {
        return new HomeAgentSettings(homeAgentAddress, homePrefixes, maxLifetime, r, beforeAckTimeout,
                replayHold, maxBindings, sweepInterval, natKeepalive, failureRepliesPerSecond,
                failureLogLinesPerSecond, shutdownTimeout);
    }

    public HomeAgentSettings withBeforeAckTimeout(Duration d) {
        return new HomeAgentSettings(homeAgentAddress, homePrefixes, maxLifetime, refreshAdviceRatio, d,
                replayHold, maxBindings, sweepInterval, natKeepalive, failureRepliesPerSecond,
                failureLogLinesPerSecond, shutdownTimeout);
    }
}
