package org.mip6kit.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityOptionRegistry;

/**
 * The one {@link ProviderContext} implementation: an immutable value built with
 * {@link #builder(Role)}. The engine builds one per provider instance; the provider kit and
 * provider unit tests build their own with a test clock, an in-memory network and a recording
 * event sink.
 */
public final class StandardProviderContext implements ProviderContext {

    private final Role role;
    private final Clock clock;
    private final Scheduler scheduler;
    private final MobilityHeaderCodec codec;
    private final EventSink events;
    private final HomeAddressBook homeAddresses;
    private final ProviderNetwork network;

    private StandardProviderContext(Builder b) {
        this.role = b.role;
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
        this.codec = b.codec != null ? b.codec : new MobilityHeaderCodec(MobilityOptionRegistry.standard());
        this.events = b.events != null ? b.events : e -> { };
        this.homeAddresses = b.homeAddresses != null ? b.homeAddresses : NO_ADDRESSES;
        this.network = b.network != null ? b.network : ProviderNetwork.NONE;
    }

    /**
     * A builder. Clock and scheduler are required; the codec defaults to the standard options,
     * events to a sink that discards them, the address book to an empty one (as on a mobile
     * node), the network to {@link ProviderNetwork#NONE}.
     */
    public static Builder builder(Role role) {
        return new Builder(Objects.requireNonNull(role, "role"));
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public MobilityHeaderCodec codec() {
        return codec;
    }

    @Override
    public EventSink events() {
        return events;
    }

    @Override
    public HomeAddressBook homeAddresses() {
        return homeAddresses;
    }

    @Override
    public ProviderNetwork network() {
        return network;
    }

    /** Builds a {@link StandardProviderContext}. */
    public static final class Builder {
        private final Role role;
        private Clock clock;
        private Scheduler scheduler;
        private MobilityHeaderCodec codec;
        private EventSink events;
        private HomeAddressBook homeAddresses;
        private ProviderNetwork network;

        private Builder(Role role) {
            this.role = role;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder codec(MobilityHeaderCodec codec) {
            this.codec = codec;
            return this;
        }

        public Builder events(EventSink events) {
            this.events = events;
            return this;
        }

        public Builder homeAddresses(HomeAddressBook homeAddresses) {
            this.homeAddresses = homeAddresses;
            return this;
        }

        public Builder network(ProviderNetwork network) {
            this.network = network;
            return this;
        }

        public StandardProviderContext build() {
            return new StandardProviderContext(this);
        }
    }

    /** The mobile node's book: it holds nothing and refuses every change. */
    private static final HomeAddressBook NO_ADDRESSES = new HomeAddressBook() {
        private HomeAddressException refused() {
            return new HomeAddressException("this side keeps no home addresses (only a home agent does)");
        }

        @Override
        public Ipv6Address allocate(Identity owner) throws HomeAddressException {
            throw refused();
        }

        @Override
        public void adopt(Identity owner, Ipv6Address address) throws HomeAddressException {
            throw refused();
        }

        @Override
        public void reserve(Identity owner, Ipv6Address address, Duration ttl) throws HomeAddressException {
            throw refused();
        }

        @Override
        public void release(Identity owner, Ipv6Address address) throws HomeAddressException {
            throw refused();
        }

        @Override
        public Optional<Identity> ownerOf(Ipv6Address address) {
            return Optional.empty();
        }
    };
}
