package org.mip6kit.ha;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.mip6kit.daemon.DaemonStartException;

/**
 * Where a home agent daemon publishes its {@link HomeAgentMeters}, as {@code metrics} in its
 * file says: a Prometheus registry served by a {@link PrometheusEndpoint}, and/or a JMX registry
 * (MBeans in the domain {@value #JMX_DOMAIN} of the platform MBean server). Created only when
 * at least one is enabled; otherwise the daemon binds no meters and the engine gets no extra
 * listener.
 */
public final class HomeAgentMetrics implements AutoCloseable {

    /** The JMX domain of the meters' MBeans. */
    public static final String JMX_DOMAIN = "org.mip6kit.ha";

    private final MetricsSettings settings;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus;
    private final JmxMeterRegistry jmx;
    private final HomeAgentMeters meters;
    private volatile PrometheusEndpoint endpoint;

    private HomeAgentMetrics(MetricsSettings settings, String provider) {
        this.settings = settings;
        this.prometheus = settings.prometheus() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        JmxConfig jmxConfig = new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return JMX_DOMAIN;
            }
        };
        this.jmx = settings.jmx() ? new JmxMeterRegistry(jmxConfig, Clock.SYSTEM) : null;
        if (prometheus != null) {
            registry.add(prometheus);
        }
        if (jmx != null) {
            registry.add(jmx);
        }
        this.meters = new HomeAgentMeters(registry, provider);
    }

    /** The registries {@code settings} enables, or empty when it enables none. */
    public static Optional<HomeAgentMetrics> create(MetricsSettings settings, String provider) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(provider, "provider");
        return settings.anyEnabled() ? Optional.of(new HomeAgentMetrics(settings, provider)) : Optional.empty();
    }

    /** The meters, to give the engine's builder their listeners and then bind them. */
    public HomeAgentMeters meters() {
        return meters;
    }

    /** Opens the Prometheus endpoint if it is enabled. */
    public void listen() throws DaemonStartException {
        if (prometheus != null && endpoint == null) {
            endpoint = PrometheusEndpoint.start(new InetSocketAddress(settings.prometheusBind(),
                    settings.prometheusPort()), prometheus, meters::refresh);
        }
    }

    /** Where the Prometheus endpoint listens, once {@linkplain #listen() open}. */
    public Optional<InetSocketAddress> prometheusAddress() {
        PrometheusEndpoint e = endpoint;
        return e == null ? Optional.empty() : Optional.of(e.address());
    }

    /** Closes the endpoint and the registries (the MBeans are unregistered). */
    @Override
    public void close() {
        PrometheusEndpoint e = endpoint;
        if (e != null) {
            e.close();
        }
        registry.close();
        if (prometheus != null) {
            prometheus.close();
        }
        if (jmx != null) {
            jmx.close();
        }
    }
}
