package org.mip6kit.ha;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Set;

import org.mip6kit.daemon.ConfigValues;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The home agent's {@code metrics} section: where its meters ({@link HomeAgentMeters}) are
 * published. Everything is off by default; the Prometheus endpoint listens on loopback unless
 * {@code bind} says otherwise.
 * <pre>
 * metrics:
 *   prometheus:
 *     enabled: false      # serve GET /metrics (Prometheus text format)
 *     bind: "::1"         # IP literal; "::" is every address
 *     port: 9464          # 0 picks a free port
 *   jmx:
 *     enabled: false      # register the meters as MBeans in the domain org.mip6kit.ha
 * </pre>
 *
 * @param prometheus whether {@code GET /metrics} is served
 * @param prometheusBind the address the endpoint listens on
 * @param prometheusPort its TCP port, 0 for any free one
 * @param jmx whether the meters are registered in the platform MBean server
 */
public record MetricsSettings(boolean prometheus, InetAddress prometheusBind, int prometheusPort, boolean jmx) {

    /** The keys of the {@code metrics} section. */
    public static final Set<String> KEYS = Set.of("prometheus", "jmx");
    /** The keys of {@code metrics.prometheus}. */
    public static final Set<String> PROMETHEUS_KEYS = Set.of("enabled", "bind", "port");
    /** The keys of {@code metrics.jmx}. */
    public static final Set<String> JMX_KEYS = Set.of("enabled");
    /** The endpoint's port when {@code metrics.prometheus.port} is absent. */
    public static final int DEFAULT_PROMETHEUS_PORT = 9464;

    public MetricsSettings {
        Objects.requireNonNull(prometheusBind, "prometheusBind");
        if (prometheusPort < 0 || prometheusPort > 65535) {
            throw new IllegalArgumentException("prometheusPort must be 0..65535: " + prometheusPort);
        }
    }

    /** Nothing published; the endpoint would listen on {@code [::1]:9464}. */
    public static MetricsSettings defaults() {
        return new MetricsSettings(false, loopback(), DEFAULT_PROMETHEUS_PORT, false);
    }

    /** Whether any registry is enabled (else the daemon binds no meters at all). */
    public boolean anyEnabled() {
        return prometheus || jmx;
    }

    /**
     * Reads the {@code metrics} section of a home agent's file (absent: {@link #defaults()}).
     *
     * @throws ProviderConfigException naming the key, for an unknown key or a wrong value
     */
    public static MetricsSettings read(ConfigSection root) throws ProviderConfigException {
        MetricsSettings d = defaults();
        ConfigSection metrics = root.section("metrics");
        metrics.allowOnly(KEYS);
        ConfigSection prometheus = metrics.section("prometheus");
        prometheus.allowOnly(PROMETHEUS_KEYS);
        ConfigSection jmx = metrics.section("jmx");
        jmx.allowOnly(JMX_KEYS);
        return new MetricsSettings(prometheus.bool("enabled", d.prometheus()),
                ConfigValues.ipAddress(prometheus, "bind", d.prometheusBind()),
                (int) prometheus.integer("port", 0, 65535, d.prometheusPort()),
                jmx.bool("enabled", d.jmx()));
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError("16 octets are always an address", e);
        }
    }
}
