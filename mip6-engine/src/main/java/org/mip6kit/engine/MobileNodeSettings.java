package org.mip6kit.engine;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * How a {@link MobileNodeEngine} registers with its home agent: what bootstrap asks for, the
 * lifetime it requests, and the retransmission, rate and refresh timers of RFC 6275 §11.8 and
 * §13. Immutable; every value is checked when built, so an
 * engine never starts with a setting it cannot honour.
 *
 * <p>Build them with {@link #builder()}, which starts from RFC 6275's defaults
 * ({@link #defaults()}), and set only what differs; derive a variant with {@link #toBuilder()}
 * or a {@code with...} method. A setting added later gets a default, so code that builds
 * settings keeps compiling. Two settings are equal when every value is equal.
 */
public final class MobileNodeSettings {

    /** The largest lifetime the 16-bit field holds: 0xFFFF units of 4 s. */
    public static final Duration MAX_LIFETIME = Lifetime.MAX.toDuration();

    private final Optional<Ipv6Address> homeAgent;
    private final List<InetSocketAddress> homeAgentEndpoints;
    private final Map<Ipv6Address, List<InetSocketAddress>> otherHomeAgentEndpoints;
    private final Optional<Ipv6Address> homeAddress;
    private final BootstrapRequest.Want want;
    private final boolean ipv4HomeAddress;
    private final Duration requestedLifetime;
    private final Duration initialBindAckTimeoutFirstReg;
    private final Duration initialBindAckTimeout;
    private final Duration maxBindAckTimeout;
    private final int maxUpdatesPerSecond;
    private final int giveUpAfterRetransmissions;
    private final double refreshMargin;
    private final Duration shutdownTimeout;
    private final Optional<SequenceNumber> initialSequence;
    private final Optional<MobileRouterSettings> mobileRouter;

    private MobileNodeSettings(Builder b) {
        require(b.homeAgentEndpoints, "homeAgentEndpoints (use List.of())");
        require(b.want, "want");
        require(b.requestedLifetime, "requestedLifetime");
        require(b.initialBindAckTimeoutFirstReg, "initialBindAckTimeoutFirstReg");
        require(b.initialBindAckTimeout, "initialBindAckTimeout");
        require(b.maxBindAckTimeout, "maxBindAckTimeout");
        require(b.shutdownTimeout, "shutdownTimeout");
        if (b.requestedLifetime.compareTo(Duration.ofSeconds(Lifetime.UNIT_SECONDS)) < 0
                || b.requestedLifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("requestedLifetime must be between 4 s (one unit) and "
                    + MAX_LIFETIME.toSeconds() + " s (0xFFFF units of 4 s, RFC 6275 §6.1.7), got "
                    + b.requestedLifetime.toSeconds() + " s");
        }
        positive(b.initialBindAckTimeoutFirstReg, "initialBindAckTimeoutFirstReg");
        positive(b.initialBindAckTimeout, "initialBindAckTimeout");
        positive(b.maxBindAckTimeout, "maxBindAckTimeout");
        if (b.maxBindAckTimeout.compareTo(b.initialBindAckTimeout) < 0
                || b.maxBindAckTimeout.compareTo(b.initialBindAckTimeoutFirstReg) < 0) {
            throw new IllegalArgumentException("maxBindAckTimeout (" + b.maxBindAckTimeout + ") must be at least "
                    + "initialBindAckTimeout (" + b.initialBindAckTimeout + ") and initialBindAckTimeoutFirstReg ("
                    + b.initialBindAckTimeoutFirstReg + "): it caps the doubling back-off that starts there");
        }
        if (b.maxUpdatesPerSecond < 1) {
            throw new IllegalArgumentException("maxUpdatesPerSecond must be at least 1 (RFC 6275 MAX_UPDATE_RATE "
                    + "is 3), got " + b.maxUpdatesPerSecond);
        }
        if (b.giveUpAfterRetransmissions < 0) {
            throw new IllegalArgumentException("giveUpAfterRetransmissions must be 0 (never give up) or more, got "
                    + b.giveUpAfterRetransmissions);
        }
        if (!(b.refreshMargin > 0 && b.refreshMargin < 1)) {
            throw new IllegalArgumentException("refreshMargin is the fraction of the granted lifetime left when "
                    + "the mobile node refreshes; it must lie strictly between 0 and 1, got " + b.refreshMargin);
        }
        if (b.shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + b.shutdownTimeout);
        }
        this.homeAgentEndpoints = checkedEndpoints(b.homeAgentEndpoints);
        require(b.otherHomeAgentEndpoints, "otherHomeAgentEndpoints (use Map.of())");
        Map<Ipv6Address, List<InetSocketAddress>> others = new LinkedHashMap<>();
        b.otherHomeAgentEndpoints.forEach((address, endpoints) -> {
            if (address == null || endpoints == null || endpoints.isEmpty()) {
                throw new IllegalArgumentException("otherHomeAgentEndpoints maps a home agent address to one or two "
                        + "endpoints, got " + address + " -> " + endpoints);
            }
            others.put(address, checkedEndpoints(endpoints));
        });
        this.otherHomeAgentEndpoints = Map.copyOf(others);
        this.homeAgent = Optional.ofNullable(b.homeAgent);
        this.homeAddress = Optional.ofNullable(b.homeAddress);
        this.want = b.want;
        this.ipv4HomeAddress = b.ipv4HomeAddress;
        this.requestedLifetime = b.requestedLifetime;
        this.initialBindAckTimeoutFirstReg = b.initialBindAckTimeoutFirstReg;
        this.initialBindAckTimeout = b.initialBindAckTimeout;
        this.maxBindAckTimeout = b.maxBindAckTimeout;
        this.maxUpdatesPerSecond = b.maxUpdatesPerSecond;
        this.giveUpAfterRetransmissions = b.giveUpAfterRetransmissions;
        this.refreshMargin = b.refreshMargin;
        this.shutdownTimeout = b.shutdownTimeout;
        this.initialSequence = Optional.ofNullable(b.initialSequence);
        this.mobileRouter = Optional.ofNullable(b.mobileRouter);
    }

    private static List<InetSocketAddress> checkedEndpoints(List<InetSocketAddress> endpoints) {
        int ipv4 = 0;
        for (InetSocketAddress e : endpoints) {
            if (e == null) {
                throw new IllegalArgumentException("homeAgentEndpoints must not contain null, got " + endpoints);
            }
            if (e.isUnresolved()) {
                throw new IllegalArgumentException("homeAgentEndpoint " + e + " is unresolved; give an address "
                        + "literal (its address family decides which care-of addresses use it)");
            }
            if (e.getPort() == 0) {
                throw new IllegalArgumentException("homeAgentEndpoint needs a port (RFC 5555 uses 4191), got " + e);
            }
            if (isIpv4(e)) {
                ipv4++;
            }
        }
        if (ipv4 > 1 || endpoints.size() - ipv4 > 1) {
            throw new IllegalArgumentException("homeAgentEndpoints holds at most one endpoint per address family "
                    + "(one IPv4, one IPv6), got " + endpoints);
        }
        return List.copyOf(endpoints);
    }

    private static boolean isIpv4(InetSocketAddress endpoint) {
        return endpoint.getAddress() instanceof Inet4Address;
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * RFC 6275's defaults: nothing configured (bootstrap decides), a whole home address wanted, no
     * IPv4 home address, 600 s lifetime, 1.5 s / 1 s / 32 s timeouts, 3 updates per second, give up
     * after 10 retransmissions, refresh with 20 % of the lifetime left, 5 s shutdown, random first
     * sequence number.
     */
    public static MobileNodeSettings defaults() {
        return builder().build();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.homeAgent = homeAgent.orElse(null);
        b.homeAgentEndpoints = new ArrayList<>(homeAgentEndpoints);
        b.otherHomeAgentEndpoints = new LinkedHashMap<>(otherHomeAgentEndpoints);
        b.homeAddress = homeAddress.orElse(null);
        b.want = want;
        b.ipv4HomeAddress = ipv4HomeAddress;
        b.requestedLifetime = requestedLifetime;
        b.initialBindAckTimeoutFirstReg = initialBindAckTimeoutFirstReg;
        b.initialBindAckTimeout = initialBindAckTimeout;
        b.maxBindAckTimeout = maxBindAckTimeout;
        b.maxUpdatesPerSecond = maxUpdatesPerSecond;
        b.giveUpAfterRetransmissions = giveUpAfterRetransmissions;
        b.refreshMargin = refreshMargin;
        b.shutdownTimeout = shutdownTimeout;
        b.initialSequence = initialSequence.orElse(null);
        b.mobileRouter = mobileRouter.orElse(null);
        return b;
    }

    /** The bootstrap request these settings make, from the current care-of address. */
    public BootstrapRequest bootstrapRequest(Ipv6Address careOf) {
        return new BootstrapRequest(want, ipv4HomeAddress, homeAddress, homeAgent, careOf);
    }

    /** {@link #requestedLifetime} in wire units (rounded down to whole 4 s units). */
    public Lifetime requestedWireLifetime() {
        return Lifetime.ofDuration(requestedLifetime);
    }

    /** A configured home agent address; see {@link Builder#homeAgent(Ipv6Address)}. */
    public Optional<Ipv6Address> homeAgent() {
        return homeAgent;
    }

    /**
     * The configured UDP endpoints of the home agent, at most one per address family, in the
     * order given (unmodifiable; empty when none is configured); see
     * {@link Builder#homeAgentEndpoints(List)}.
     */
    public List<InetSocketAddress> homeAgentEndpoints() {
        return homeAgentEndpoints;
    }

    /**
     * Where other home agents a Home Agent Switch may name are reached over UDP, by home agent
     * address (unmodifiable; empty by default); see {@link Builder#otherHomeAgentEndpoints(Map)}.
     */
    public Map<Ipv6Address, List<InetSocketAddress>> otherHomeAgentEndpoints() {
        return otherHomeAgentEndpoints;
    }

    /** A configured home address; see {@link Builder#homeAddress(Ipv6Address)}. */
    public Optional<Ipv6Address> homeAddress() {
        return homeAddress;
    }

    /** Whether bootstrap should deliver a whole home address or only the prefix. */
    public BootstrapRequest.Want want() {
        return want;
    }

    /** Whether to ask for an IPv4 home address too; see {@link Builder#ipv4HomeAddress(boolean)}. */
    public boolean ipv4HomeAddress() {
        return ipv4HomeAddress;
    }

    /** The lifetime asked for in each Binding Update; 4 s .. 262 140 s. */
    public Duration requestedLifetime() {
        return requestedLifetime;
    }

    /**
     * The first retransmission timeout of a first registration; see
     * {@link Builder#initialBindAckTimeoutFirstReg(Duration)}.
     */
    public Duration initialBindAckTimeoutFirstReg() {
        return initialBindAckTimeoutFirstReg;
    }

    /** The first retransmission timeout otherwise (INITIAL_BINDACK_TIMEOUT). */
    public Duration initialBindAckTimeout() {
        return initialBindAckTimeout;
    }

    /** The cap of the doubling back-off (MAX_BINDACK_TIMEOUT). */
    public Duration maxBindAckTimeout() {
        return maxBindAckTimeout;
    }

    /**
     * At most this many Binding Updates per second to one destination; see
     * {@link Builder#maxUpdatesPerSecond(int)}.
     */
    public int maxUpdatesPerSecond() {
        return maxUpdatesPerSecond;
    }

    /**
     * Unanswered retransmissions of one Binding Update before giving up, 0 for never; see
     * {@link Builder#giveUpAfterRetransmissions(int)}.
     */
    public int giveUpAfterRetransmissions() {
        return giveUpAfterRetransmissions;
    }

    /** The fraction of the granted lifetime left when the node refreshes; see {@link Builder#refreshMargin(double)}. */
    public double refreshMargin() {
        return refreshMargin;
    }

    /** How long {@link MobileNodeEngine#close()} waits for the deregistration's Binding Acknowledgement. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** The first sequence number to send; empty picks a random one. */
    /**
     * Whether and how the node registers as a mobile router (RFC 3963); empty, the default, for
     * a mobile host. See {@link Builder#mobileRouter(MobileRouterSettings)}.
     */
    public Optional<MobileRouterSettings> mobileRouter() {
        return mobileRouter;
    }

    public Optional<SequenceNumber> initialSequence() {
        return initialSequence;
    }

    public MobileNodeSettings withHomeAgent(Ipv6Address v) {
        return toBuilder().homeAgent(v).build();
    }

    /**
     * These settings with {@code v} as the home agent endpoint of its address family: it replaces
     * a configured endpoint of that family and keeps one of the other family.
     *
     * @see Builder#homeAgentEndpoint(InetSocketAddress)
     */
    public MobileNodeSettings withHomeAgentEndpoint(InetSocketAddress v) {
        return toBuilder().homeAgentEndpoint(v).build();
    }

    /** These settings with exactly {@code v} as the home agent endpoints ({@code List.of()} for none). */
    public MobileNodeSettings withHomeAgentEndpoints(List<InetSocketAddress> v) {
        return toBuilder().homeAgentEndpoints(v).build();
    }

    /** These settings with exactly {@code v} as the other home agents' endpoints ({@code Map.of()} for none). */
    public MobileNodeSettings withOtherHomeAgentEndpoints(Map<Ipv6Address, List<InetSocketAddress>> v) {
        return toBuilder().otherHomeAgentEndpoints(v).build();
    }

    public MobileNodeSettings withHomeAddress(Ipv6Address v) {
        return toBuilder().homeAddress(v).build();
    }

    public MobileNodeSettings withWant(BootstrapRequest.Want v) {
        return toBuilder().want(v).build();
    }

    public MobileNodeSettings withIpv4HomeAddress(boolean v) {
        return toBuilder().ipv4HomeAddress(v).build();
    }

    public MobileNodeSettings withRequestedLifetime(Duration v) {
        return toBuilder().requestedLifetime(v).build();
    }

    public MobileNodeSettings withInitialBindAckTimeoutFirstReg(Duration v) {
        return toBuilder().initialBindAckTimeoutFirstReg(v).build();
    }

    public MobileNodeSettings withInitialBindAckTimeout(Duration v) {
        return toBuilder().initialBindAckTimeout(v).build();
    }

    public MobileNodeSettings withMaxBindAckTimeout(Duration v) {
        return toBuilder().maxBindAckTimeout(v).build();
    }

    public MobileNodeSettings withMaxUpdatesPerSecond(int v) {
        return toBuilder().maxUpdatesPerSecond(v).build();
    }

    public MobileNodeSettings withGiveUpAfterRetransmissions(int v) {
        return toBuilder().giveUpAfterRetransmissions(v).build();
    }

    public MobileNodeSettings withRefreshMargin(double v) {
        return toBuilder().refreshMargin(v).build();
    }

    public MobileNodeSettings withShutdownTimeout(Duration v) {
        return toBuilder().shutdownTimeout(v).build();
    }

    public MobileNodeSettings withInitialSequence(SequenceNumber v) {
        return toBuilder().initialSequence(v).build();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof MobileNodeSettings s
                && homeAgent.equals(s.homeAgent)
                && homeAgentEndpoints.equals(s.homeAgentEndpoints)
                && otherHomeAgentEndpoints.equals(s.otherHomeAgentEndpoints)
                && homeAddress.equals(s.homeAddress)
                && want == s.want
                && ipv4HomeAddress == s.ipv4HomeAddress
                && requestedLifetime.equals(s.requestedLifetime)
                && initialBindAckTimeoutFirstReg.equals(s.initialBindAckTimeoutFirstReg)
                && initialBindAckTimeout.equals(s.initialBindAckTimeout)
                && maxBindAckTimeout.equals(s.maxBindAckTimeout)
                && maxUpdatesPerSecond == s.maxUpdatesPerSecond
                && giveUpAfterRetransmissions == s.giveUpAfterRetransmissions
                && Double.compare(refreshMargin, s.refreshMargin) == 0
                && shutdownTimeout.equals(s.shutdownTimeout)
                && initialSequence.equals(s.initialSequence)
                && mobileRouter.equals(s.mobileRouter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(homeAgent, homeAgentEndpoints, otherHomeAgentEndpoints, homeAddress, want, ipv4HomeAddress, requestedLifetime,
                initialBindAckTimeoutFirstReg, initialBindAckTimeout, maxBindAckTimeout, maxUpdatesPerSecond,
                giveUpAfterRetransmissions, refreshMargin, shutdownTimeout, initialSequence, mobileRouter);
    }

    @Override
    public String toString() {
        return "MobileNodeSettings[homeAgent=" + homeAgent
                + ", homeAgentEndpoints=" + homeAgentEndpoints
                + ", otherHomeAgentEndpoints=" + otherHomeAgentEndpoints
                + ", homeAddress=" + homeAddress
                + ", want=" + want
                + ", ipv4HomeAddress=" + ipv4HomeAddress
                + ", requestedLifetime=" + requestedLifetime
                + ", initialBindAckTimeoutFirstReg=" + initialBindAckTimeoutFirstReg
                + ", initialBindAckTimeout=" + initialBindAckTimeout
                + ", maxBindAckTimeout=" + maxBindAckTimeout
                + ", maxUpdatesPerSecond=" + maxUpdatesPerSecond
                + ", giveUpAfterRetransmissions=" + giveUpAfterRetransmissions
                + ", refreshMargin=" + refreshMargin
                + ", shutdownTimeout=" + shutdownTimeout
                + ", initialSequence=" + initialSequence
                + ", mobileRouter=" + mobileRouter + "]";
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

    /**
     * Collects mobile node settings; {@link #build()} checks them. Every setting starts at
     * RFC 6275's default, named on its setter. A builder is not thread-safe; the settings it
     * builds are.
     */
    public static final class Builder {

        private Ipv6Address homeAgent;
        private List<InetSocketAddress> homeAgentEndpoints = new ArrayList<>();
        private Map<Ipv6Address, List<InetSocketAddress>> otherHomeAgentEndpoints = new LinkedHashMap<>();
        private Ipv6Address homeAddress;
        private BootstrapRequest.Want want = BootstrapRequest.Want.HOME_ADDRESS;
        private boolean ipv4HomeAddress;
        private Duration requestedLifetime = Duration.ofSeconds(600);
        private Duration initialBindAckTimeoutFirstReg = Duration.ofMillis(1500);
        private Duration initialBindAckTimeout = Duration.ofSeconds(1);
        private Duration maxBindAckTimeout = Duration.ofSeconds(32);
        private int maxUpdatesPerSecond = 3;
        private int giveUpAfterRetransmissions = 10;
        private double refreshMargin = 0.2;
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private SequenceNumber initialSequence;
        private MobileRouterSettings mobileRouter;

        private Builder() {
        }

        /**
         * A configured home agent address, passed to bootstrap (the bootstrap result decides);
         * {@code null} for none, the default.
         */
        public Builder homeAgent(Ipv6Address homeAgent) {
            this.homeAgent = homeAgent;
            return this;
        }

        /**
         * Where UDP-encapsulated signalling goes (RFC 5555 port 4191): at most one endpoint per
         * address family, so that a care-of address of one family uses the endpoint of that
         * family (else the other one). Each is an address literal with a port. They are used when
         * bootstrap reports no endpoints; a provider that owns its channel reports its own, and
         * those take precedence. Replaces any endpoints set before; default none.
         */
        public Builder homeAgentEndpoints(List<InetSocketAddress> homeAgentEndpoints) {
            this.homeAgentEndpoints = homeAgentEndpoints == null ? null : new ArrayList<>(homeAgentEndpoints);
            return this;
        }

        /**
         * Where other home agents are reached over UDP, by home agent address (each at most one
         * endpoint per address family): after a verified Home Agent Switch (RFC 5142) the node
         * sends to the endpoints listed for the home agent it moves to. A home agent not listed is
         * reached by the current endpoints, with an endpoint whose address is the old home
         * agent's own moved to the new home agent's address (same port). Replaces any set before;
         * default none.
         */
        public Builder otherHomeAgentEndpoints(Map<Ipv6Address, List<InetSocketAddress>> endpoints) {
            this.otherHomeAgentEndpoints = endpoints == null ? null : new LinkedHashMap<>(endpoints);
            return this;
        }

        /**
         * Sets {@code homeAgentEndpoint} as the endpoint of its address family (IPv4 or IPv6):
         * it replaces an endpoint of that family set before and keeps one of the other family.
         * See {@link #homeAgentEndpoints(List)}.
         *
         * @throws IllegalArgumentException if {@code homeAgentEndpoint} is null
         */
        public Builder homeAgentEndpoint(InetSocketAddress homeAgentEndpoint) {
            if (homeAgentEndpoint == null) {
                throw new IllegalArgumentException("homeAgentEndpoint must not be null; "
                        + "homeAgentEndpoints(List.of()) configures none");
            }
            List<InetSocketAddress> next = new ArrayList<>();
            boolean replaced = false;
            for (InetSocketAddress e : homeAgentEndpoints == null ? List.<InetSocketAddress>of() : homeAgentEndpoints) {
                if (e != null && !e.isUnresolved() && !homeAgentEndpoint.isUnresolved()
                        && isIpv4(e) == isIpv4(homeAgentEndpoint)) {
                    if (!replaced) {
                        next.add(homeAgentEndpoint);
                        replaced = true;
                    }
                } else {
                    next.add(e);
                }
            }
            if (!replaced) {
                next.add(homeAgentEndpoint);
            }
            homeAgentEndpoints = next;
            return this;
        }

        /**
         * A configured home address, passed to bootstrap; with
         * {@link BootstrapRequest.Want#PREFIX_ONLY} it is used when it lies inside the prefix.
         * {@code null} for none, the default.
         */
        public Builder homeAddress(Ipv6Address homeAddress) {
            this.homeAddress = homeAddress;
            return this;
        }

        /**
         * Whether bootstrap should deliver a whole home address or only the prefix; required,
         * default {@link BootstrapRequest.Want#HOME_ADDRESS}.
         */
        public Builder want(BootstrapRequest.Want want) {
            this.want = want;
            return this;
        }

        /**
         * Whether to ask for an IPv4 home address too (RFC 5555 IPv4 Home Address option in
         * every registration). Default false.
         */
        public Builder ipv4HomeAddress(boolean ipv4HomeAddress) {
            this.ipv4HomeAddress = ipv4HomeAddress;
            return this;
        }

        /** The lifetime asked for in each Binding Update; 4 s .. 262 140 s, default 600 s. */
        public Builder requestedLifetime(Duration requestedLifetime) {
            this.requestedLifetime = requestedLifetime;
            return this;
        }

        /**
         * The first retransmission timeout when the home agent has no binding for us yet
         * (InitialBindackTimeoutFirstReg); positive, default 1.5 s.
         */
        public Builder initialBindAckTimeoutFirstReg(Duration initialBindAckTimeoutFirstReg) {
            this.initialBindAckTimeoutFirstReg = initialBindAckTimeoutFirstReg;
            return this;
        }

        /** The first retransmission timeout otherwise (INITIAL_BINDACK_TIMEOUT); positive, default 1 s. */
        public Builder initialBindAckTimeout(Duration initialBindAckTimeout) {
            this.initialBindAckTimeout = initialBindAckTimeout;
            return this;
        }

        /**
         * The cap of the doubling back-off (MAX_BINDACK_TIMEOUT); at least both initial timeouts,
         * default 32 s.
         */
        public Builder maxBindAckTimeout(Duration maxBindAckTimeout) {
            this.maxBindAckTimeout = maxBindAckTimeout;
            return this;
        }

        /**
         * At most this many Binding Updates per second to one destination (MAX_UPDATE_RATE); a
         * Binding Update over the rate is delayed, never dropped. At least 1, default 3.
         */
        public Builder maxUpdatesPerSecond(int maxUpdatesPerSecond) {
            this.maxUpdatesPerSecond = maxUpdatesPerSecond;
            return this;
        }

        /**
         * Give up after this many unanswered retransmissions of one Binding Update; 0 keeps
         * retransmitting at the capped interval for ever (RFC 6275 allows it). Default 10.
         */
        public Builder giveUpAfterRetransmissions(int giveUpAfterRetransmissions) {
            this.giveUpAfterRetransmissions = giveUpAfterRetransmissions;
            return this;
        }

        /**
         * Refresh when this fraction of the granted lifetime is left (0 exclusive .. 1 exclusive);
         * a Binding Refresh Advice that asks for an earlier refresh wins. Default 0.2.
         */
        public Builder refreshMargin(double refreshMargin) {
            this.refreshMargin = refreshMargin;
            return this;
        }

        /**
         * How long {@link MobileNodeEngine#close()} waits for the deregistration's Binding
         * Acknowledgement; not negative, default 5 s.
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /** The first sequence number to send; {@code null}, the default, picks a random one. */
        public Builder initialSequence(SequenceNumber initialSequence) {
            this.initialSequence = initialSequence;
            return this;
        }

        /**
         * Registers as a mobile router (RFC 3963): R in every Binding Update, Mobile Network
         * Prefix options in explicit mode; {@code null}, the default, for a mobile host.
         */
        public Builder mobileRouter(MobileRouterSettings mobileRouter) {
            this.mobileRouter = mobileRouter;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the first setting that is missing or out of range
         */
        public MobileNodeSettings build() {
            return new MobileNodeSettings(this);
        }
    }
}
