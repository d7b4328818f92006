package org.mip6kit.benchmarks.load;

import java.time.Clock;
import java.util.Optional;

import org.mip6kit.spi.EventSink;
import org.mip6kit.spi.HomeAddressBook;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;

/** The provider context the simulated mobile nodes share: real clock, provider events counted and dropped. */
final class ClientContext implements ProviderContext {

    private final MobilityHeaderCodec codec;
    private final Scheduler scheduler;
    private final EventSink events;

    ClientContext(MobilityHeaderCodec codec, Scheduler scheduler, EventSink events) {
        this.codec = codec;
        this.scheduler = scheduler;
        this.events = events;
    }

    @Override
    public Role role() {
        return Role.MOBILE_NODE;
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
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
        return NO_BOOK;
    }

    private static final HomeAddressBook NO_BOOK = new HomeAddressBook() {
        @Override
        public Ipv6Address allocate(Identity owner) throws HomeAddressException {
            throw new UnsupportedOperationException("a mobile node keeps no home address book");
        }

        @Override
        public void adopt(Identity owner, Ipv6Address address) {
            throw new UnsupportedOperationException("a mobile node keeps no home address book");
        }

        @Override
        public void reserve(Identity owner, Ipv6Address address, java.time.Duration ttl) {
            throw new UnsupportedOperationException("a mobile node keeps no home address book");
        }

        @Override
        public void release(Identity owner, Ipv6Address address) {
            throw new UnsupportedOperationException("a mobile node keeps no home address book");
        }

        @Override
        public Optional<Identity> ownerOf(Ipv6Address address) {
            return Optional.empty();
        }
    };
}
