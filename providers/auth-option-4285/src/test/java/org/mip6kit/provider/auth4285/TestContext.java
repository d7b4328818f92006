package org.mip6kit.provider.auth4285;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.EventSink;
import org.mip6kit.spi.HomeAddressBook;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;

/** A provider context on virtual time, with the provider's option codecs registered and the events kept. */
final class TestContext implements ProviderContext {

    final VirtualTime time;
    final List<ProviderEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final Role role;
    private final Duration skew;
    private final MobilityHeaderCodec codec;

    TestContext(Role role, VirtualTime time) {
        this(role, time, Duration.ZERO);
    }

    /** A context whose clock runs {@code skew} ahead of {@code time} (behind when negative). */
    TestContext(Role role, VirtualTime time, Duration skew) {
        this.role = role;
        this.time = time;
        this.skew = skew;
        this.codec = providerCodec();
    }

    /** Virtual time starting at {@code start}. */
    static VirtualTime timeAt(Instant start) {
        return new VirtualTime(start);
    }

    static MobilityHeaderCodec providerCodec() {
        MobilityOptionRegistry r = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : new AuthOption4285Provider().optionCodecs()) {
            r = r.with(c);
        }
        return new MobilityHeaderCodec(r);
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public Clock clock() {
        return skew.isZero() ? time.clock() : Clock.offset(time.clock(), skew);
    }

    @Override
    public Scheduler scheduler() {
        return time;
    }

    @Override
    public MobilityHeaderCodec codec() {
        return codec;
    }

    @Override
    public EventSink events() {
        return events::add;
    }

    List<String> eventKinds() {
        synchronized (events) {
            return events.stream().map(ProviderEvent::kind).toList();
        }
    }

    @Override
    public org.mip6kit.spi.net.ProviderNetwork network() {
        return org.mip6kit.spi.net.ProviderNetwork.NONE;
    }

    @Override
    public HomeAddressBook homeAddresses() {
        return new HomeAddressBook() {
            @Override
            public Ipv6Address allocate(Identity owner) throws HomeAddressException {
                throw new HomeAddressException("no home addresses in this test");
            }

            @Override
            public void adopt(Identity owner, Ipv6Address address) throws HomeAddressException {
                throw new HomeAddressException("no home addresses in this test");
            }

            @Override
            public void reserve(Identity owner, Ipv6Address address, Duration ttl) throws HomeAddressException {
                throw new HomeAddressException("no home addresses in this test");
            }

            @Override
            public void release(Identity owner, Ipv6Address address) throws HomeAddressException {
                throw new HomeAddressException("no home addresses in this test");
            }

            @Override
            public Optional<Identity> ownerOf(Ipv6Address address) {
                return Optional.empty();
            }
        };
    }
}
