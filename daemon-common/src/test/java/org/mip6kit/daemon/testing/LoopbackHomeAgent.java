package org.mip6kit.daemon.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * A {@link HomeAgentEngine} on real time and UDP {@code [::1]:<ephemeral>}, with the
 * {@link NaiTestProvider} accepting {@value #NAI}: the peer a mobile node daemon test registers
 * with.
 */
public final class LoopbackHomeAgent implements AutoCloseable {

    public static final Ipv6Address ADDRESS = Ipv6Address.parse("2001:db8:1::1");
    public static final HomePrefix PREFIX = HomePrefix.parse("2001:db8:1::/64");
    public static final String NAI = "mn1@example.org";

    private final ExecutorScheduler scheduler = new ExecutorScheduler("test-ha", 2);
    private final AtomicReference<InetSocketAddress> bound = new AtomicReference<>();
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();
    private final HomeAgentEngine engine;

    public LoopbackHomeAgent() throws Exception {
        UdpTransport.Config udp = new UdpTransport.Config(InetAddress.getByName("::1"), 0, 0);
        engine = HomeAgentEngine.builder()
                .provider(new NaiTestProvider(), ConfigSection.of("security." + NaiTestProvider.NAME, null,
                        Map.of("nais", List.of(NAI))))
                .settings(HomeAgentSettings.defaults(ADDRESS, PREFIX))
                .transports(() -> {
                    UdpTransport t = UdpTransport.open(udp);
                    bound.set(t.localAddress());
                    return t;
                })
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .listener(events::add)
                .build();
        engine.start();
    }

    public int port() {
        return bound.get().getPort();
    }

    public Optional<BindingRecord> binding(Ipv6Address homeAddress) {
        return engine.binding(homeAddress).filter(BindingRecord::isBound);
    }

    public List<EngineEvent> events() {
        return events;
    }

    /** Polls {@code condition} every 20 ms for up to {@code limit}; true once it holds. */
    public static boolean eventually(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        engine.close();
        scheduler.shutdown(Duration.ofSeconds(2));
    }
}
