package org.mip6kit.ha;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.wire.BindingAckStatus;

/**
 * The home agent's Micrometer meters, read from a {@link HomeAgentEngine}'s counters and fed by
 * its events; the engine itself knows nothing of Micrometer. Create it, give the engine's
 * builder {@link #onEvent} as a listener and {@link #onProcessed} as its processing-time
 * listener, then {@link #bind} the engine's readings once built.
 *
 * <table>
 * <caption>Meters (Prometheus names in brackets)</caption>
 * <tr><th>name</th><th>type</th><th>what</th></tr>
 * <tr><td>{@code mip6.ha.messages.received} ({@code mip6_ha_messages_received_total})</td><td>counter</td>
 *     <td>mobility messages received (Binding Updates and any other)</td></tr>
 * <tr><td>{@code mip6.ha.messages.malformed}</td><td>counter</td><td>messages that did not decode</td></tr>
 * <tr><td>{@code mip6.ha.messages.ignored}</td><td>counter</td><td>messages a home agent does not handle</td></tr>
 * <tr><td>{@code mip6.ha.binding.updates.accepted}</td><td>counter</td><td>Binding Updates accepted</td></tr>
 * <tr><td>{@code mip6.ha.binding.updates.rejected}</td><td>counter, tags {@code status}, {@code by}</td>
 *     <td>Binding Updates turned down, by Binding Acknowledgement status (its name, e.g.
 *     {@code NOT_HOME_SUBNET}) and by whom: {@code provider} (its verdict) or {@code home-agent}
 *     (the engine's protocol checks)</td></tr>
 * <tr><td>{@code mip6.ha.binding.updates.dropped}</td><td>counter</td><td>Binding Updates dropped without a reply</td></tr>
 * <tr><td>{@code mip6.ha.bindings.expired}, {@code mip6.ha.bindings.revoked}</td><td>counter</td>
 *     <td>bindings that ran out, and that the provider removed</td></tr>
 * <tr><td>{@code mip6.ha.send.failures}</td><td>counter</td><td>messages the path failed to send</td></tr>
 * <tr><td>{@code mip6.ha.bindings}</td><td>gauge</td><td>bindings in the cache</td></tr>
 * <tr><td>{@code mip6.ha.replay.holds}, {@code mip6.ha.in.flight}</td><td>gauge</td>
 *     <td>deleted bindings still guarding against replay; Binding Updates being processed</td></tr>
 * <tr><td>{@code mip6.ha.provider.state}</td><td>gauge, tag {@code provider}</td>
 *     <td>the provider's per-node state entries</td></tr>
 * <tr><td>{@code mip6.ha.provider.counter}</td><td>gauge, tags {@code provider}, {@code counter}</td>
 *     <td>each of the provider's own counters</td></tr>
 * <tr><td>{@code mip6.ha.binding.update.latency}</td><td>timer (histogram)</td>
 *     <td>receipt of a Binding Update to the end of its processing: its Binding Acknowledgement
 *     handed to the path ({@link org.mip6kit.engine.ProcessingTimeListener})</td></tr>
 * </table>
 *
 * <p>The provider's counters may appear after start-up: {@link #refresh()} registers those not
 * seen yet (the Prometheus endpoint calls it before each scrape). Thread-safe.
 */
public final class HomeAgentMeters {

    /** The prefix of every meter name. */
    public static final String PREFIX = "mip6.ha.";
    /** {@code by} of a rejection by the provider's verdict. */
    public static final String BY_PROVIDER = "provider";
    /** {@code by} of a refusal by the engine's own checks. */
    public static final String BY_HOME_AGENT = "home-agent";

    /**
     * What the meters read: the engine's counters and counts, as plain numbers (so that a test
     * can stand in for an engine).
     */
    public interface Readings {
        /** One of the engine's {@link HomeAgentEngine.Counters}. */
        long count(Count count);

        long bindings();

        long replayHolds();

        long inFlight();

        long providerState();

        Map<String, Long> providerCounters();

        /** The readings of a running engine. */
        static Readings of(HomeAgentEngine engine) {
            Objects.requireNonNull(engine, "engine");
            return new Readings() {
                @Override public long count(Count count) { return count.of(engine.counters()); }
                @Override public long bindings() { return engine.bindingCount(); }
                @Override public long replayHolds() { return engine.replayHoldCount(); }
                @Override public long inFlight() { return engine.inFlight(); }
                @Override public long providerState() { return engine.providerStateCount(); }
                @Override public Map<String, Long> providerCounters() { return engine.providerCounters(); }
            };
        }
    }

    /** The engine's counters that become Micrometer counters, with their meter names (after {@link #PREFIX}). */
    public enum Count {
        RECEIVED("messages.received", "Mobility messages received"),
        MALFORMED("messages.malformed", "Messages that did not decode"),
        IGNORED("messages.ignored", "Messages a home agent does not handle"),
        ACCEPTED("binding.updates.accepted", "Binding Updates accepted"),
        DROPPED("binding.updates.dropped", "Binding Updates dropped without a reply"),
        EXPIRED("bindings.expired", "Bindings that ran out"),
        REVOKED("bindings.revoked", "Bindings the provider removed"),
        SEND_FAILURES("send.failures", "Messages the path failed to send");

        private final String meter;
        private final String description;

        Count(String meter, String description) {
            this.meter = meter;
            this.description = description;
        }

        /** The meter's name, {@link #PREFIX} included. */
        public String meterName() {
            return PREFIX + meter;
        }

        long of(HomeAgentEngine.Counters c) {
            return switch (this) {
                case RECEIVED -> c.received();
                case MALFORMED -> c.malformed();
                case IGNORED -> c.ignored();
                case ACCEPTED -> c.accepted();
                case DROPPED -> c.dropped();
                case EXPIRED -> c.expired();
                case REVOKED -> c.revoked();
                case SEND_FAILURES -> c.sendFailures();
            };
        }
    }

    private final MeterRegistry registry;
    private final String provider;
    private final Timer latency;
    private final Set<String> providerCountersSeen = ConcurrentHashMap.newKeySet();
    private volatile Readings readings;

    /**
     * Meters in {@code registry} for a home agent running {@code provider}.
     *
     * @param registry where the meters go
     * @param provider the security provider's name (the {@code provider} tag)
     */
    public HomeAgentMeters(MeterRegistry registry, String provider) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.latency = Timer.builder(PREFIX + "binding.update.latency")
                .description("Receipt of a Binding Update to its Binding Acknowledgement handed to the path")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** Registers the meters that read {@code source}. Once only. */
    public synchronized void bind(Readings source) {
        Objects.requireNonNull(source, "source");
        if (readings != null) {
            throw new IllegalStateException("already bound");
        }
        readings = source;
        for (Count count : Count.values()) {
            FunctionCounter.builder(PREFIX + count.meter, source, r -> r.count(count))
                    .description(count.description)
                    .register(registry);
        }
        gauge("bindings", "Bindings in the cache", Readings::bindings);
        gauge("replay.holds", "Deleted bindings still guarding against replay", Readings::replayHolds);
        gauge("in.flight", "Binding Updates being processed", Readings::inFlight);
        Gauge.builder(PREFIX + "provider.state", source, r -> r.providerState())
                .description("The security provider's per-node state entries")
                .tag("provider", provider)
                .register(registry);
        refresh();
    }

    /** Registers a gauge for each of the provider's counters not registered yet. */
    public void refresh() {
        Readings r = readings;
        if (r == null) {
            return;
        }
        for (String name : r.providerCounters().keySet()) {
            if (providerCountersSeen.add(name)) {
                Gauge.builder(PREFIX + "provider.counter", r, x -> x.providerCounters().getOrDefault(name, 0L))
                        .description("The security provider's own counters")
                        .tags("provider", provider, "counter", name)
                        .register(registry);
            }
        }
    }

    /** The engine's event listener: counts rejections by status. Never throws. */
    public void onEvent(EngineEvent event) {
        String by = switch (event.kind()) {
            case VERDICT_REJECTED -> BY_PROVIDER;
            case BINDING_UPDATE_REJECTED -> BY_HOME_AGENT;
            default -> null;
        };
        if (by == null) {
            return;
        }
        String status = event.status().map(BindingAckStatus::name).orElse("NONE");
        registry.counter(PREFIX + "binding.updates.rejected", "status", status, "by", by).increment();
    }

    /** The engine's processing-time listener: records one Binding Update's latency. */
    public void onProcessed(Duration elapsed) {
        latency.record(elapsed);
    }

    private void gauge(String name, String description, ToLongFunction<Readings> value) {
        Gauge.builder(PREFIX + name, readings, x -> value.applyAsLong(x))
                .description(description)
                .register(registry);
    }
}
