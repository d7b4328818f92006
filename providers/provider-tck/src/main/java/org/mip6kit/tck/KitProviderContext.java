package org.mip6kit.tck;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.mip6kit.spi.EventSink;
import org.mip6kit.spi.HomeAddressBook;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * The mobile-node context the kit gives a provider it drives directly ({@link DirectMobileNode}),
 * built as the engine builds its own: virtual clock and scheduler, the codec with the provider's
 * options, a home-address book that refuses every change.
 */
final class KitProviderContext implements ProviderContext {

    private final Clock clock;
    private final Scheduler scheduler;
    private final MobilityHeaderCodec codec;
    private final List<ProviderEvent> events;

    KitProviderContext(Clock clock, Scheduler scheduler, MobilityHeaderCodec codec, List<ProviderEvent> events) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.codec = codec;
        this.events = events;
    }

    @Override
    public Role role() {
        return Role.MOBILE_NODE;
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
        return events::add;
    }

    @Override
    public HomeAddressBook homeAddresses() {
        return new HomeAddressBook() {
            private HomeAddressException refused() {
                return new HomeAddressException("a mobile node has no home-address book");
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
}
