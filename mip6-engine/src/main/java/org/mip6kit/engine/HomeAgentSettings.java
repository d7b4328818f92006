package org.mip6kit.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;

/**
 * A home agent's protocol settings: immutable, and validated when built, so a
 * {@link HomeAgentEngine} never starts with a setting it cannot honour.
 *
 * <p>Build them with {@link #builder(Ipv6Address, HomePrefix...)}, which starts from the
 * defaults of {@link #defaults(Ipv6Address, HomePrefix)}, and set only what differs; derive a
 * variant with {@link #toBuilder()} or a {@code with...} method. A setting added later gets a
 * default, so code that builds settings keeps compiling. Two settings are equal when every
 * value is equal.
 */
public final class HomeAgentSettings {

    private final Ipv6Address homeAgentAddress;
    private final List<HomePrefix> homePrefixes;
    private final Duration maxLifetime;
    private final double refreshAdviceRatio;
    private final Duration beforeAckTimeout;
    private final Duration replayHold;
    private final boolean sequenceNumberHold;
    private final int maxBindings;
    private final Duration sweepInterval;
    private final Duration natKeepalive;
    private final double failureRepliesPerSecond;
    private final double failureRepliesPerSourcePerSecond;
    private final double failureRepliesPerIdentityPerSecond;
    private final int maxHomeAddressesPerIdentity;
    private final double failureLogLinesPerSecond;
    private final double stateLogLinesPerSecond;
    private final Duration shutdownTimeout;
    private final List<MobileRouterAuthorization> mobileRouters;

    private HomeAgentSettings(Builder b) {
        if (b.homeAgentAddress == null || b.homePrefixes == null || b.homePrefixes.isEmpty()) {
            throw new IllegalArgumentException("a home agent needs its address and at least one home prefix");
        }
        requirePositive("maxLifetime", b.maxLifetime);
        if (b.maxLifetime.compareTo(Lifetime.MAX.toDuration()) > 0) {
            throw new IllegalArgumentException("maxLifetime cannot exceed " + Lifetime.MAX.seconds() + " s, got "
                    + b.maxLifetime);
        }
        if (b.refreshAdviceRatio < 0 || b.refreshAdviceRatio >= 1) {
            throw new IllegalArgumentException("refreshAdviceRatio must be in [0, 1), got " + b.refreshAdviceRatio);
        }
        requirePositive("beforeAckTimeout", b.beforeAckTimeout);
        requirePositive("replayHold", b.replayHold);
        requirePositive("sweepInterval", b.sweepInterval);
        requirePositive("natKeepalive", b.natKeepalive);
        requirePositive("shutdownTimeout", b.shutdownTimeout);
        if (b.maxBindings < 1) {
            throw new IllegalArgumentException("maxBindings must be positive, got " + b.maxBindings);
        }
        if (b.failureRepliesPerSecond <= 0 || b.failureLogLinesPerSecond <= 0 || b.stateLogLinesPerSecond <= 0
                || b.failureRepliesPerSourcePerSecond <= 0 || b.failureRepliesPerIdentityPerSecond <= 0) {
            throw new IllegalArgumentException("rate limits must be positive");
        }
        if (b.mobileRouters == null) {
            throw new IllegalArgumentException("mobileRouters must be a list (empty for none)");
        }
        if (b.maxHomeAddressesPerIdentity < 1) {
            throw new IllegalArgumentException("maxHomeAddressesPerIdentity must be positive, got "
                    + b.maxHomeAddressesPerIdentity);
        }
        checkMobileRouters(b.mobileRouters, b.homePrefixes);
        this.homeAgentAddress = b.homeAgentAddress;
        this.homePrefixes = b.homePrefixes;
        this.maxLifetime = b.maxLifetime;
        this.refreshAdviceRatio = b.refreshAdviceRatio;
        this.beforeAckTimeout = b.beforeAckTimeout;
        this.replayHold = b.replayHold;
        this.sequenceNumberHold = b.sequenceNumberHold;
        this.maxBindings = b.maxBindings;
        this.sweepInterval = b.sweepInterval;
        this.natKeepalive = b.natKeepalive;
        this.failureRepliesPerSecond = b.failureRepliesPerSecond;
        this.failureRepliesPerSourcePerSecond = b.failureRepliesPerSourcePerSecond;
        this.failureRepliesPerIdentityPerSecond = b.failureRepliesPerIdentityPerSecond;
        this.maxHomeAddressesPerIdentity = b.maxHomeAddressesPerIdentity;
        this.failureLogLinesPerSecond = b.failureLogLinesPerSecond;
        this.stateLogLinesPerSecond = b.stateLogLinesPerSecond;
        this.shutdownTimeout = b.shutdownTimeout;
        this.mobileRouters = b.mobileRouters;
    }

    /**
     * RFC 3963 §6.1.2: the prefix table must let the home agent keep one mobile router from
     * claiming another's prefixes, so no prefix may overlap another router's, and none may overlap
     * a home prefix (those addresses are home addresses, routed to mobile nodes one by one).
     */
    private static void checkMobileRouters(List<MobileRouterAuthorization> routers, List<HomePrefix> homePrefixes) {
        for (int i = 0; i < routers.size(); i++) {
            MobileRouterAuthorization r = routers.get(i);
            for (HomePrefix p : r.prefixes()) {
                for (HomePrefix home : homePrefixes) {
                    if (MobileRouterAuthorization.overlap(p, home)) {
                        throw new IllegalArgumentException("mobile router " + r.identity() + ": prefix " + p
                                + " overlaps the home prefix " + home + "; a mobile network prefix must lie outside "
                                + "the home prefixes");
                    }
                }
                for (int j = 0; j < i; j++) {
                    MobileRouterAuthorization other = routers.get(j);
                    if (other.identity().equals(r.identity())) {
                        throw new IllegalArgumentException("mobile router " + r.identity() + " is listed twice");
                    }
                    for (HomePrefix q : other.prefixes()) {
                        if (MobileRouterAuthorization.overlap(p, q)) {
                            throw new IllegalArgumentException("mobile router " + r.identity() + ": prefix " + p
                                    + " overlaps " + q + " of mobile router " + other.identity());
                        }
                    }
                }
            }
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /**
     * A builder for a home agent at {@code homeAgentAddress} serving {@code homePrefixes}, with
     * every other setting at its default (see {@link Builder}).
     */
    public static Builder builder(Ipv6Address homeAgentAddress, HomePrefix... homePrefixes) {
        return new Builder().homeAgentAddress(homeAgentAddress).homePrefixes(homePrefixes);
    }

    /** As {@link #builder(Ipv6Address, HomePrefix...)}, with the home prefixes as a list. */
    public static Builder builder(Ipv6Address homeAgentAddress, List<HomePrefix> homePrefixes) {
        return new Builder().homeAgentAddress(homeAgentAddress).homePrefixes(homePrefixes);
    }

    /**
     * Defaults for one home agent address and prefix: 1 h maximum lifetime, Binding Refresh Advice
     * at 0.8 of the granted lifetime, 5 s before-ack timeout, 5 min replay hold (of the owner;
     * no sequence-number hold), 1 000 000
     * bindings, at most 4 home addresses per identity, 1 s sweep, 110 s NAT keepalive, failure
     * replies to unauthenticated senders at 100 per second in all and 10 per source prefix,
     * failure replies to an authenticated identity at 100 per second each, 10 failure log lines per
     * second, 5 s shutdown.
     */
    public static HomeAgentSettings defaults(Ipv6Address homeAgentAddress, HomePrefix homePrefix) {
        return builder(homeAgentAddress, homePrefix).build();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.homeAgentAddress = homeAgentAddress;
        b.homePrefixes = homePrefixes;
        b.maxLifetime = maxLifetime;
        b.refreshAdviceRatio = refreshAdviceRatio;
        b.beforeAckTimeout = beforeAckTimeout;
        b.replayHold = replayHold;
        b.sequenceNumberHold = sequenceNumberHold;
        b.maxBindings = maxBindings;
        b.sweepInterval = sweepInterval;
        b.natKeepalive = natKeepalive;
        b.failureRepliesPerSecond = failureRepliesPerSecond;
        b.failureRepliesPerSourcePerSecond = failureRepliesPerSourcePerSecond;
        b.failureRepliesPerIdentityPerSecond = failureRepliesPerIdentityPerSecond;
        b.maxHomeAddressesPerIdentity = maxHomeAddressesPerIdentity;
        b.failureLogLinesPerSecond = failureLogLinesPerSecond;
        b.stateLogLinesPerSecond = stateLogLinesPerSecond;
        b.shutdownTimeout = shutdownTimeout;
        b.mobileRouters = mobileRouters;
        return b;
    }

    /** The home agent's own address (the Binding Acknowledgement's source). */
    public Ipv6Address homeAgentAddress() {
        return homeAgentAddress;
    }

    /** The home prefixes it serves (unmodifiable, never empty); see {@link Builder#homePrefixes(List)}. */
    public List<HomePrefix> homePrefixes() {
        return homePrefixes;
    }

    /** The largest lifetime granted; see {@link Builder#maxLifetime(Duration)}. */
    public Duration maxLifetime() {
        return maxLifetime;
    }

    /**
     * The fraction of the granted lifetime sent as Binding Refresh Advice, 0 for none; see
     * {@link Builder#refreshAdviceRatio(double)}.
     */
    public double refreshAdviceRatio() {
        return refreshAdviceRatio;
    }

    /** How long the BA waits for the provider; see {@link Builder#beforeAckTimeout(Duration)}. */
    public Duration beforeAckTimeout() {
        return beforeAckTimeout;
    }

    /** How long a finished entry's owner (and sequence number) are kept; see {@link Builder#replayHold(Duration)}. */
    public Duration replayHold() {
        return replayHold;
    }

    /**
     * Whether a replay hold also judges sequence numbers (outside RFC 6275); see
     * {@link Builder#sequenceNumberHold(boolean)}.
     */
    public boolean sequenceNumberHold() {
        return sequenceNumberHold;
    }

    /** The binding cache's capacity; see {@link Builder#maxBindings(int)}. */
    public int maxBindings() {
        return maxBindings;
    }

    /** How often expiry is checked. */
    public Duration sweepInterval() {
        return sweepInterval;
    }

    /** The NAT Detection option's refresh time; see {@link Builder#natKeepalive(Duration)}. */
    public Duration natKeepalive() {
        return natKeepalive;
    }

    /**
     * The rate limit, over all senders, for failure replies to senders the provider did not
     * authenticate; see {@link Builder#failureRepliesPerSecond(double)}.
     */
    public double failureRepliesPerSecond() {
        return failureRepliesPerSecond;
    }

    /**
     * The rate limit per source prefix for failure replies to senders the provider did not
     * authenticate; see {@link Builder#failureRepliesPerSourcePerSecond(double)}.
     */
    public double failureRepliesPerSourcePerSecond() {
        return failureRepliesPerSourcePerSecond;
    }

    /**
     * The rate limit per authenticated identity for its failure replies; see
     * {@link Builder#failureRepliesPerIdentityPerSecond(double)}.
     */
    public double failureRepliesPerIdentityPerSecond() {
        return failureRepliesPerIdentityPerSecond;
    }

    /**
     * How many home addresses one identity may hold entries for; see
     * {@link Builder#maxHomeAddressesPerIdentity(int)}.
     */
    public int maxHomeAddressesPerIdentity() {
        return maxHomeAddressesPerIdentity;
    }

    /** The rate limit for failure log lines. */
    public double failureLogLinesPerSecond() {
        return failureLogLinesPerSecond;
    }

    /** The rate limit for INFO lines about binding state changes; see {@link Builder#stateLogLinesPerSecond(double)}. */
    public double stateLogLinesPerSecond() {
        return stateLogLinesPerSecond;
    }

    /** How long {@code close()} waits for in-flight Binding Updates. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * The identities allowed to act as mobile routers and their prefixes (RFC 3963 §6.1.2);
     * unmodifiable, empty by default (every R=1 Binding Update gets 140). See
     * {@link Builder#mobileRouters(List)}.
     */
    public List<MobileRouterAuthorization> mobileRouters() {
        return mobileRouters;
    }

    /** The prefix table row for {@code who}, if it may act as a mobile router. */
    public Optional<MobileRouterAuthorization> mobileRouter(Identity who) {
        for (MobileRouterAuthorization r : mobileRouters) {
            if (r.matches(who)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public HomeAgentSettings withMaxLifetime(Duration d) {
        return toBuilder().maxLifetime(d).build();
    }

    public HomeAgentSettings withMaxBindings(int n) {
        return toBuilder().maxBindings(n).build();
    }

    public HomeAgentSettings withReplayHold(Duration d) {
        return toBuilder().replayHold(d).build();
    }

    public HomeAgentSettings withRefreshAdviceRatio(double r) {
        return toBuilder().refreshAdviceRatio(r).build();
    }

    public HomeAgentSettings withBeforeAckTimeout(Duration d) {
        return toBuilder().beforeAckTimeout(d).build();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof HomeAgentSettings s
                && homeAgentAddress.equals(s.homeAgentAddress)
                && homePrefixes.equals(s.homePrefixes)
                && maxLifetime.equals(s.maxLifetime)
                && Double.compare(refreshAdviceRatio, s.refreshAdviceRatio) == 0
                && beforeAckTimeout.equals(s.beforeAckTimeout)
                && replayHold.equals(s.replayHold)
                && sequenceNumberHold == s.sequenceNumberHold
                && maxBindings == s.maxBindings
                && sweepInterval.equals(s.sweepInterval)
                && natKeepalive.equals(s.natKeepalive)
                && Double.compare(failureRepliesPerSecond, s.failureRepliesPerSecond) == 0
                && Double.compare(failureRepliesPerSourcePerSecond, s.failureRepliesPerSourcePerSecond) == 0
                && Double.compare(failureRepliesPerIdentityPerSecond, s.failureRepliesPerIdentityPerSecond) == 0
                && maxHomeAddressesPerIdentity == s.maxHomeAddressesPerIdentity
                && Double.compare(failureLogLinesPerSecond, s.failureLogLinesPerSecond) == 0
                && Double.compare(stateLogLinesPerSecond, s.stateLogLinesPerSecond) == 0
                && shutdownTimeout.equals(s.shutdownTimeout)
                && mobileRouters.equals(s.mobileRouters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(homeAgentAddress, homePrefixes, maxLifetime, refreshAdviceRatio, beforeAckTimeout,
                replayHold, sequenceNumberHold, maxBindings, sweepInterval, natKeepalive, failureRepliesPerSecond,
                failureRepliesPerSourcePerSecond, failureRepliesPerIdentityPerSecond, maxHomeAddressesPerIdentity,
                failureLogLinesPerSecond, stateLogLinesPerSecond, shutdownTimeout, mobileRouters);
    }

    @Override
    public String toString() {
        return "HomeAgentSettings[homeAgentAddress=" + homeAgentAddress
                + ", homePrefixes=" + homePrefixes
                + ", maxLifetime=" + maxLifetime
                + ", refreshAdviceRatio=" + refreshAdviceRatio
                + ", beforeAckTimeout=" + beforeAckTimeout
                + ", replayHold=" + replayHold
                + ", sequenceNumberHold=" + sequenceNumberHold
                + ", maxBindings=" + maxBindings
                + ", sweepInterval=" + sweepInterval
                + ", natKeepalive=" + natKeepalive
                + ", failureRepliesPerSecond=" + failureRepliesPerSecond
                + ", failureRepliesPerSourcePerSecond=" + failureRepliesPerSourcePerSecond
                + ", failureRepliesPerIdentityPerSecond=" + failureRepliesPerIdentityPerSecond
                + ", maxHomeAddressesPerIdentity=" + maxHomeAddressesPerIdentity
                + ", failureLogLinesPerSecond=" + failureLogLinesPerSecond
                + ", stateLogLinesPerSecond=" + stateLogLinesPerSecond
                + ", shutdownTimeout=" + shutdownTimeout
                + ", mobileRouters=" + mobileRouters + "]";
    }

    /**
     * Collects home agent settings; {@link #build()} checks them. Every setting starts at the
     * default named on its setter. A builder is not thread-safe; the settings it builds are.
     */
    public static final class Builder {

        private Ipv6Address homeAgentAddress;
        private List<HomePrefix> homePrefixes;
        private Duration maxLifetime = Duration.ofHours(1);
        private double refreshAdviceRatio = 0.8;
        private Duration beforeAckTimeout = Duration.ofSeconds(5);
        private Duration replayHold = Duration.ofMinutes(5);
        private boolean sequenceNumberHold = false;
        private int maxBindings = 1_000_000;
        private Duration sweepInterval = Duration.ofSeconds(1);
        private Duration natKeepalive = Duration.ofSeconds(110);
        private double failureRepliesPerSecond = 100;
        private double failureRepliesPerSourcePerSecond = 10;
        private double failureRepliesPerIdentityPerSecond = 100;
        private int maxHomeAddressesPerIdentity = 4;
        private double failureLogLinesPerSecond = 10;
        private double stateLogLinesPerSecond = EngineEvents.DEFAULT_STATE_LINES_PER_SECOND;
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private List<MobileRouterAuthorization> mobileRouters = List.of();

        private Builder() {
        }

        /** The home agent's own address (the Binding Acknowledgement's source); required. */
        public Builder homeAgentAddress(Ipv6Address homeAgentAddress) {
            this.homeAgentAddress = homeAgentAddress;
            return this;
        }

        /**
         * The home prefixes it serves (RFC 6275 §10.3.1: a home address outside them gets 132);
         * at least one. The home link is virtual (docs/protocol-notes.md#the-home-link-is-virtual): no DAD, no proxy ND.
         */
        public Builder homePrefixes(List<HomePrefix> homePrefixes) {
            this.homePrefixes = homePrefixes == null ? null : List.copyOf(homePrefixes);
            return this;
        }

        /** As {@link #homePrefixes(List)}. */
        public Builder homePrefixes(HomePrefix... homePrefixes) {
            return homePrefixes(homePrefixes == null ? null : Arrays.asList(homePrefixes));
        }

        /**
         * The largest lifetime granted (RFC 6275 §10.3.1 "local policy"); positive, at most
         * 262 140 s. Default 1 h.
         */
        public Builder maxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
            return this;
        }

        /**
         * If positive, a Binding Refresh Advice of this fraction of the granted lifetime goes in
         * every accepting BA (RFC 6275 §6.2.4); 0 sends none. In [0, 1); default 0.8.
         */
        public Builder refreshAdviceRatio(double refreshAdviceRatio) {
            this.refreshAdviceRatio = refreshAdviceRatio;
            return this;
        }

        /**
         * How long the BA waits for the provider's
         * {@link org.mip6kit.spi.HomeAgentSecurity#beforeAck}; then 130. Default 5 s.
         */
        public Builder beforeAckTimeout(Duration beforeAckTimeout) {
            this.beforeAckTimeout = beforeAckTimeout;
            return this;
        }

        /**
         * How long an entry is kept after its binding ended (deregistration, expiry or
         * revocation): its owner, so that another identity cannot take the home address at once
         * (129), and its last sequence number, which is compared only when
         * {@link #sequenceNumberHold(boolean)} is on. Default 5 min.
         */
        public Builder replayHold(Duration replayHold) {
            this.replayHold = replayHold;
            return this;
        }

        /**
         * Whether a Binding Update for a home address whose binding has ended must still carry a
         * sequence number newer than the last one accepted (else 135) during the
         * {@link #replayHold(Duration) replay hold}. <b>Outside RFC 6275</b>: §9.5.1 has the home
         * agent accept any sequence number when it has no Binding Cache entry for the home
         * address, and replay protection after a binding ends is the security provider's job
         * (RFC 4285 timestamps, ESP and DTLS windows). Turn it on only for a provider that keeps
         * no replay state of its own. Default off.
         */
        public Builder sequenceNumberHold(boolean sequenceNumberHold) {
            this.sequenceNumberHold = sequenceNumberHold;
            return this;
        }

        /**
         * The binding cache's capacity (live entries plus replay holds); beyond it, 130. At
         * least 1; default 1 000 000.
         */
        public Builder maxBindings(int maxBindings) {
            this.maxBindings = maxBindings;
            return this;
        }

        /** How often expiry is checked. Default 1 s. */
        public Builder sweepInterval(Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
            return this;
        }

        /** The NAT Detection option's refresh time (RFC 5555 §3.2.2, recommended 110 s). Default 110 s. */
        public Builder natKeepalive(Duration natKeepalive) {
            this.natKeepalive = natKeepalive;
            return this;
        }

        /**
         * Rate limit, over all senders, for the failure replies to senders the provider did not
         * authenticate (burst twice this): Binding Errors for malformed messages, and rejecting
         * BAs for the provider's rejections (such as RFC 4285's 146), which anyone can provoke
         * with forged Binding Updates. Failure replies to an authenticated identity never draw on
         * it (see {@link #failureRepliesPerIdentityPerSecond(double)}), so a flood of forgeries
         * cannot silence the 135 a legitimate node needs. Positive, default 100.
         */
        public Builder failureRepliesPerSecond(double failureRepliesPerSecond) {
            this.failureRepliesPerSecond = failureRepliesPerSecond;
            return this;
        }

        /**
         * Rate limit per source prefix (a /64 of the IPv6 source, a /24 of an IPv4 outer peer)
         * for the failure replies to unauthenticated senders (burst twice this), within
         * {@link #failureRepliesPerSecond(double)}: one network cannot use up the whole budget.
         * Kept in a fixed table of buckets, so memory does not grow with the number of sources.
         * Positive, default 10.
         */
        public Builder failureRepliesPerSourcePerSecond(double failureRepliesPerSourcePerSecond) {
            this.failureRepliesPerSourcePerSecond = failureRepliesPerSourcePerSecond;
            return this;
        }

        /**
         * Rate limit per authenticated identity (the provider's accepting verdict named it) for
         * its failure replies (burst twice this): 135, 129, 130 and the other refusals of the
         * protocol checks. The default is what the whole home agent used to give all failure
         * replies together, so no node is answered less than before: a provider that takes
         * replayed copies of a node's Binding Updates for that node (one that trusts addresses)
         * would otherwise let the copies use up the node's own answers. A key holder can be
         * found and its key withdrawn; lower it to bound what one key can provoke. Kept in a
         * fixed table of buckets, so memory does not grow with the number of identities.
         * Positive, default 100.
         */
        public Builder failureRepliesPerIdentityPerSecond(double failureRepliesPerIdentityPerSecond) {
            this.failureRepliesPerIdentityPerSecond = failureRepliesPerIdentityPerSecond;
            return this;
        }

        /**
         * How many home addresses one identity may hold binding cache entries for (live bindings
         * and replay holds); a Binding Update that would add one more is refused with 129
         * (administratively prohibited). Without it one valid key could claim every free home
         * address and fill the cache, so every other node would get 130. A node normally has one
         * home address; the default 4 leaves room for a node with a few (one per home prefix)
         * or one that changed its home address within a {@link #replayHold(Duration) replay
         * hold}. At least 1; default 4.
         */
        public Builder maxHomeAddressesPerIdentity(int maxHomeAddressesPerIdentity) {
            this.maxHomeAddressesPerIdentity = maxHomeAddressesPerIdentity;
            return this;
        }

        /** Rate limit for failure log lines; positive, default 10. */
        public Builder failureLogLinesPerSecond(double failureLogLinesPerSecond) {
            this.failureLogLinesPerSecond = failureLogLinesPerSecond;
            return this;
        }

        /**
         * Rate limit for INFO log lines about binding state changes (created, moved, deleted,
         * expired, revoked; burst twice this); positive, default 50. Suppressed lines are counted
         * in the next one; listeners still get every event. Refreshes are logged at DEBUG.
         */
        public Builder stateLogLinesPerSecond(double stateLogLinesPerSecond) {
            this.stateLogLinesPerSecond = stateLogLinesPerSecond;
            return this;
        }

        /** How long {@code close()} waits for in-flight Binding Updates. Default 5 s. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * The identities that may act as mobile routers (RFC 3963 NEMO basic support) and their
         * authorised mobile network prefixes: the home agent's prefix table (§6.1.2). A Binding
         * Update with R from any other identity gets 140; an explicit prefix outside the sender's
         * row gets 142. No prefix may overlap another router's or a home prefix. Default: none.
         */
        public Builder mobileRouters(List<MobileRouterAuthorization> mobileRouters) {
            this.mobileRouters = mobileRouters == null ? null : List.copyOf(mobileRouters);
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the first setting out of its range
         */
        public HomeAgentSettings build() {
            return new HomeAgentSettings(this);
        }
    }
}
