package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;

/**
 * {@link HomeAgentMeters}: the meters read the engine's counts at each reading (they follow
 * them, they are not copies), rejections are counted by status and by whom from the events,
 * the provider's counters become gauges (also those that appear later), and processing times
 * feed the latency timer.
 */
@Tag("small")
class HomeAgentMetersTest {

    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");

    /** Readings a test sets by hand. */
    private static final class FakeReadings implements HomeAgentMeters.Readings {
        final Map<HomeAgentMeters.Count, Long> counts = new EnumMap<>(HomeAgentMeters.Count.class);
        final Map<String, Long> provider = new ConcurrentHashMap<>();
        volatile long bindings;
        volatile long providerState;

        @Override public long count(HomeAgentMeters.Count count) { return counts.getOrDefault(count, 0L); }
        @Override public long bindings() { return bindings; }
        @Override public long replayHolds() { return 3; }
        @Override public long inFlight() { return 2; }
        @Override public long providerState() { return providerState; }
        @Override public Map<String, Long> providerCounters() { return provider; }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HomeAgentMeters meters = new HomeAgentMeters(registry, "test-nai");
    private final FakeReadings readings = new FakeReadings();

    private double counter(String name) {
        return registry.get(name).functionCounter().count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void countersAndGaugesFollowTheEngineReadings() {
        meters.bind(readings);
        assertThat(counter("mip6.ha.binding.updates.accepted")).isZero();

        readings.counts.put(HomeAgentMeters.Count.RECEIVED, 7L);
        readings.counts.put(HomeAgentMeters.Count.ACCEPTED, 4L);
        readings.counts.put(HomeAgentMeters.Count.DROPPED, 2L);
        readings.counts.put(HomeAgentMeters.Count.MALFORMED, 1L);
        readings.bindings = 4;
        readings.providerState = 5;

        assertThat(counter("mip6.ha.messages.received")).isEqualTo(7);
        assertThat(counter("mip6.ha.binding.updates.accepted")).isEqualTo(4);
        assertThat(counter("mip6.ha.binding.updates.dropped")).isEqualTo(2);
        assertThat(counter("mip6.ha.messages.malformed")).isEqualTo(1);
        assertThat(counter("mip6.ha.messages.ignored")).isZero();
        assertThat(gauge("mip6.ha.bindings")).isEqualTo(4);
        assertThat(gauge("mip6.ha.replay.holds")).isEqualTo(3);
        assertThat(gauge("mip6.ha.in.flight")).isEqualTo(2);
        assertThat(registry.get("mip6.ha.provider.state").tag("provider", "test-nai").gauge().value()).isEqualTo(5);
        for (HomeAgentMeters.Count c : HomeAgentMeters.Count.values()) {
            assertThat(registry.find(c.meterName()).functionCounter()).as(c.meterName()).isNotNull();
        }
    }

    @Test
    void providerCountersBecomeGaugesTaggedByNameIncludingOnesThatAppearLater() {
        readings.provider.put("replays", 2L);
        meters.bind(readings);
        assertThat(registry.get("mip6.ha.provider.counter").tag("counter", "replays").gauge().value()).isEqualTo(2);
        readings.provider.put("replays", 9L);
        assertThat(registry.get("mip6.ha.provider.counter").tag("counter", "replays").gauge().value()).isEqualTo(9);

        readings.provider.put("unknownSpi", 1L);
        assertThat(registry.find("mip6.ha.provider.counter").tag("counter", "unknownSpi").gauge()).isNull();
        meters.refresh();
        assertThat(registry.get("mip6.ha.provider.counter").tags("provider", "test-nai", "counter", "unknownSpi")
                .gauge().value()).isEqualTo(1);
    }

    @Test
    void rejectionsAreCountedByStatusAndByWhomFromTheEvents() {
        meters.bind(readings);
        meters.onEvent(EngineEvent.of(EngineEvent.Kind.VERDICT_REJECTED, null, HOA, null,
                BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, "no"));
        meters.onEvent(EngineEvent.of(EngineEvent.Kind.VERDICT_REJECTED, null, HOA, null,
                BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, "no"));
        meters.onEvent(EngineEvent.of(EngineEvent.Kind.BINDING_UPDATE_REJECTED, null, HOA, null,
                BindingAckStatus.NOT_HOME_SUBNET, "elsewhere"));
        meters.onEvent(EngineEvent.of(EngineEvent.Kind.BINDING_CREATED, null, HOA, null,
                BindingAckStatus.ACCEPTED, ""));

        assertThat(registry.get("mip6.ha.binding.updates.rejected")
                .tags("status", BindingAckStatus.ADMINISTRATIVELY_PROHIBITED.name(), "by", "provider")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get("mip6.ha.binding.updates.rejected")
                .tags("status", BindingAckStatus.NOT_HOME_SUBNET.name(), "by", "home-agent")
                .counter().count()).isEqualTo(1);
        assertThat(registry.find("mip6.ha.binding.updates.rejected").counters()).hasSize(2);
    }

    @Test
    void processingTimesFeedTheLatencyTimer() {
        meters.onProcessed(Duration.ofMillis(30));
        meters.onProcessed(Duration.ofMillis(10));

        var timer = registry.get("mip6.ha.binding.update.latency").timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(30);
    }
}
