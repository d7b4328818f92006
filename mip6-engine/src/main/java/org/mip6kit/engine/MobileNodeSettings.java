package org.mip6kit.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * How a {@link MobileNodeEngine} registers with its home agent: what bootstrap asks for, the
 * lifetime it requests, and the retransmission, rate and refresh timers of RFC 6275 §11.8 and
 * §13 (specs/MIP6-WIRE.md §2.8, §2.11). Immutable; every value is checked here, so an engine
 * never starts with a setting it cannot honour. Start from {@link #defaults()} and change what
 * you need with the {@code with...} methods.
 *
 * @param homeAgent a configured home agent address (passed to bootstrap; the bootstrap result decides)
 * @param homeAgentEndpoint where UDP-encapsulated signalling goes (RFC 5555 port 4191); overrides
 *        the endpoint bootstrap reports
 * @param homeAddress a configured home address (passed to bootstrap); with
 *        {@link BootstrapRequest.Want#PREFIX_ONLY} it is used when it lies inside the prefix
 * @param want whether bootstrap should deliver a whole home address or only the prefix
 * @param ipv4HomeAddress whether to ask for an IPv4 home address too (RFC 5555 IPv4 Home
 *        Address option in every registration)
 * @param requestedLifetime the lifetime asked for in each Binding Update; 4 s .. 262 140 s
 * @param initialBindAckTimeoutFirstReg the first retransmission timeout when the home agent has
 *        no binding for us yet (InitialBindackTimeoutFirstReg, default 1.5 s)
 * @param initialBindAckTimeout the first retransmission timeout otherwise (INITIAL_BINDACK_TIMEOUT, 1 s)
 * @param maxBindAckTimeout the cap of the doubling back-off (MAX_BINDACK_TIMEOUT, 32 s)
 * @param maxUpdatesPerSecond at most this many Binding Updates per second to one destination
 *        (MAX_UPDATE_RATE, 3); a Binding Update over the rate is delayed, never dropped
 * @param giveUpAfterRetransmissions give up after this many unanswered retransmissions of one
 *        Binding Update; 0 keeps retransmitting at the capped interval for ever (RFC 6275 allows it)
 * @param refreshMargin refresh when this fraction of the granted lifetime is left (0 exclusive .. 1
 *        exclusive); a Binding Refresh Advice that asks for an earlier refresh wins
 * @param shutdownTimeout how long {@link MobileNodeEngine#close()} waits for the deregistration's
 *        Binding Acknowledgement
 * @param initialSequence the first sequence number to send; empty picks a random one
 */
public record MobileNodeSettings(Optional<Ipv6Address> homeAgent, Optional<InetSocketAddress> homeAgentEndpoint,
                                 Optional<Ipv6Address> homeAddress, BootstrapRequest.Want want,
                                 boolean ipv4HomeAddress, Duration requestedLifetime,
                                 Duration initialBindAckTimeoutFirstReg, Duration initialBindAckTimeout,
                                 Duration maxBindAckTimeout, int maxUpdatesPerSecond,
                                 int giveUpAfterRetransmissions, double refreshMargin, Duration shutdownTimeout,
                                 Optional<SequenceNumber> initialSequence) {

    /** The largest lifetime the 16-bit field holds: 0xFFFF units of 4 s. */
    public static final Duration MAX_LIFETIME = Lifetime.MAX.toDuration();

    public MobileNodeSettings {
        require(homeAgent, "homeAgent (use Optional.empty())");
        require(homeAgentEndpoint, "homeAgentEndpoint (use Optional.empty())");
        require(homeAddress, "homeAddress (use Optional.empty())");
        require(want, "want");
        require(initialSequence, "initialSequence (use Optional.empty())");
        require(requestedLifetime, "requestedLifetime");
        require(initialBindAckTimeoutFirstReg, "initialBindAckTimeoutFirstReg");
        require(initialBindAckTimeout, "initialBindAckTimeout");
        require(maxBindAckTimeout, "maxBindAckTimeout");
        require(shutdownTimeout, "shutdownTimeout");
        if (requestedLifetime.compareTo(Duration.ofSeconds(Lifetime.UNIT_SECONDS)) < 0
                || requestedLifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("requestedLifetime must be between 4 s (one unit) and "
                    + MAX_LIFETIME.toSeconds() + " s (0xFFFF units of 4 s, RFC 6275 §6.1.7), got "
                    + requestedLifetime.toSeconds() + " s");
        }
        positive(initialBindAckTimeoutFirstReg, "initialBindAckTimeoutFirstReg");
        positive(initialBindAckTimeout, "initialBindAckTimeout");
        positive(maxBindAckTimeout, "maxBindAckTimeout");
        if (maxBindAckTimeout.compareTo(initialBindAckTimeout) < 0
                || maxBindAckTimeout.compareTo(initialBindAckTimeoutFirstReg) < 0) {
            throw new IllegalArgumentException("maxBindAckTimeout (" + maxBindAckTimeout + ") must be at least "
                    + "initialBindAckTimeout (" + initialBindAckTimeout + ") and initialBindAckTimeoutFirstReg ("
                    + initialBindAckTimeoutFirstReg + "): it caps the doubling back-off that starts there");
        }
        if (maxUpdatesPerSecond < 1) {
            throw new IllegalArgumentException("maxUpdatesPerSecond must be at least 1 (RFC 6275 MAX_UPDATE_RATE "
                    + "is 3), got " + maxUpdatesPerSecond);
        }
        if (giveUpAfterRetransmissions < 0) {
            throw new IllegalArgumentException("giveUpAfterRetransmissions must be 0 (never give up) or more, got "
                    + giveUpAfterRetransmissions);
        }
        if (!(refreshMargin > 0 && refreshMargin < 1)) {
            throw new IllegalArgumentException("refreshMargin is the fraction of the granted lifetime left when "
                    + "the mobile node refreshes; it must lie strictly between 0 and 1, got " + refreshMargin);
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + shutdownTimeout);
        }
        homeAgentEndpoint.ifPresent(e -> {
            if (e.getPort() == 0) {
                throw new IllegalArgumentException("homeAgentEndpoint needs a port (RFC 5555 uses 4191), got " + e);
            }
        });
    }

    /**
     * RFC 6275's defaults: nothing configured (bootstrap decides), a whole home address wanted, no
     * IPv4 home address, 600 s lifetime, 1.5 s / 1 s / 32 s timeouts, 3 updates per second, give up
     * after 10 retransmissions, refresh with 20 % of the lifetime left, 5 s shutdown, random first
     * sequence number.
     */
    public static MobileNodeSettings defaults() {
        return new MobileNodeSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                BootstrapRequest.Want.HOME_ADDRESS, false, Duration.ofSeconds(600), Duration.ofMillis(1500),
                Duration.ofSeconds(1), Duration.ofSeconds(32), 3, 10, 0.2, Duration.ofSeconds(5), Optional.empty());
    }

    /** The bootstrap request these settings make, from the current care-of address. */
    public BootstrapRequest bootstrapRequest(Ipv6Address careOf) {
        return new BootstrapRequest(want, ipv4HomeAddress, homeAddress, homeAgent, careOf);
    }

    /** {@link #requestedLifetime} in wire units (rounded down to whole 4 s units). */
    public Lifetime requestedWireLifetime() {
        return Lifetime.ofDuration(requestedLifetime);
    }

    public MobileNodeSettings withHomeAgent(Ipv6Address v) {
        return new MobileNodeSettings(Optional.ofNullable(v), homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withHomeAgentEndpoint(InetSocketAddress v) {
        return new MobileNodeSettings(homeAgent, Optional.ofNullable(v), homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withHomeAddress(Ipv6Address v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, Optional.ofNullable(v), want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withWant(BootstrapRequest.Want v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, v, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withIpv4HomeAddress(boolean v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, v,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withRequestedLifetime(Duration v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                v, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withInitialBindAckTimeoutFirstReg(Duration v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, v, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withInitialBindAckTimeout(Duration v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, v, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withMaxBindAckTimeout(Duration v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, v,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withMaxUpdatesPerSecond(int v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                v, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withGiveUpAfterRetransmissions(int v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, v, refreshMargin, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withRefreshMargin(double v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, v, shutdownTimeout, initialSequence);
    }

    public MobileNodeSettings withShutdownTimeout(Duration v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, v, initialSequence);
    }

    public MobileNodeSettings withInitialSequence(SequenceNumber v) {
        return new MobileNodeSettings(homeAgent, homeAgentEndpoint, homeAddress, want, ipv4HomeAddress,
                requestedLifetime, initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout,
                maxUpdatesPerSecond, giveUpAfterRetransmissions, refreshMargin, shutdownTimeout,
                Optional.ofNullable(v));
    }

    private static void require(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("mobile node setting " + name + " is required");
        }
    }

    private static void positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
