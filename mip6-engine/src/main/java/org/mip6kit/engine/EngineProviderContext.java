package org.mip6kit.engine;

import java.time.Clock;
import java.util.Optional;

import org.mip6kit.spi.EventSink;
import org.mip6kit.spi.HomeAddressBook;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.MobilityHeaderCodec;

/** The {@link ProviderContext} the engine hands a provider. */
final class EngineProviderContext implements ProviderContext {

    private final Role role;
    private final Clock clock;
    private final Scheduler scheduler;
    private final MobilityHeaderCodec codec;
    private final EngineEvents events;
    private final HomeAddressBook homeAddresses;

    EngineProviderContext(Role role, Clock clock, Scheduler scheduler, MobilityHeaderCodec codec,
                          EngineEvents events, HomeAddressBook homeAddresses) {
        this.role = role;
        this.clock = clock;
        this.scheduler = scheduler;
        this.codec = codec;
        this.events = events;
        this.homeAddresses = homeAddresses;
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
        return e -> events.emit(new EngineEvent(EngineEvent.Kind.PROVIDER_EVENT, e.identity(), e.homeAddress(),
                Optional.empty(), Optional.empty(), Optional.empty(), e.kind() + ": " + e.detail()));
    }

    @Override
    public HomeAddressBook homeAddresses() {
        return homeAddresses;
    }
}
