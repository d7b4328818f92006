package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent daemon's Prometheus endpoint, scraped with {@link HttpClient} on {@code ::1}:
 * a mobile node registers over real UDP and the accepted counter, the bindings gauge and the
 * latency histogram move; the endpoint serves {@code GET /metrics} only; it is not opened
 * unless the file enables it.
 */
@Tag("medium")
class HomeAgentMetricsEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    private static final String NAI = "mn1@example.org";

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Path config(String metrics) throws Exception {
        return Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                  shutdown-timeout: 2s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: test-nai
                  test-nai: { realm: example.org }
                """ + metrics);
    }

    private HomeAgentDaemon start(Path file) throws Exception {
        HomeAgentDaemon daemon = HomeAgentDaemon.start(HomeAgentConfig.load(file), HomeAgentDaemon.Options.defaults());
        toClose.add(daemon);
        return daemon;
    }

    private void register(InetSocketAddress homeAgent) throws Exception {
        ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2);
        toClose.add(scheduler);
        InetAddress loopback = InetAddress.getByName("::1");
        MobileNodeEngine mn = MobileNodeEngine.builder()
                .provider(new NaiTestProvider(), ConfigSection.of("security.test-nai", null, Map.of("nai", NAI)))
                .settings(MobileNodeSettings.defaults().withHomeAgent(HA).withHomeAddress(HOA)
                        .withHomeAgentEndpoint(homeAgent).withRequestedLifetime(Duration.ofSeconds(600)))
                .transports(() -> UdpTransport.open(UdpTransport.Config.ephemeral(loopback)))
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .careOfAddress(COA)
                .build();
        toClose.add(mn);
        mn.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(InetSocketAddress endpoint, String path, String method) throws Exception {
        URI uri = URI.create("http://[::1]:" + endpoint.getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(WAIT)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample {@code name} (no labels, or exactly {@code labels}) in a scrape. */
    private static double sample(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as("%s%s in the scrape:%n%s", name, labels, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void scrapeShowsTheAcceptedBindingUpdateTheBindingAndItsLatency() throws Exception {
        HomeAgentDaemon daemon = start(config("""
                metrics:
                  prometheus: { enabled: true, bind: "::1", port: 0 }
                """));
        InetSocketAddress endpoint = daemon.prometheusAddress().orElseThrow();
        assertThat(endpoint.getAddress().isLoopbackAddress()).isTrue();

        HttpResponse<String> before = get(endpoint, "/metrics", "GET");
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(sample(before.body(), "mip6_ha_binding_updates_accepted_total", "")).isZero();
        assertThat(sample(before.body(), "mip6_ha_bindings", "")).isZero();

        register(daemon.udpAddress().orElseThrow());

        // The latency is recorded when the Binding Update's processing completes, which may be just
        // after the Binding Acknowledgement left: scrape until it shows (or the deadline passes).
        String after = get(endpoint, "/metrics", "GET").body();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sample(after, "mip6_ha_binding_update_latency_seconds_count", "") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = get(endpoint, "/metrics", "GET").body();
        }
        assertThat(sample(after, "mip6_ha_binding_updates_accepted_total", "")).isEqualTo(1);
        assertThat(sample(after, "mip6_ha_messages_received_total", "")).isEqualTo(1);
        assertThat(sample(after, "mip6_ha_bindings", "")).isEqualTo(1);
        assertThat(sample(after, "mip6_ha_binding_update_latency_seconds_count", "")).isEqualTo(1);
        assertThat(sample(after, "mip6_ha_provider_state", "{provider=\"test-nai\"}"))
                .isEqualTo(daemon.engine().providerStateCount());
    }

    @Test
    void onlyGetAndHeadOfSlashMetricsAreServed() throws Exception {
        HomeAgentDaemon daemon = start(config("""
                metrics:
                  prometheus: { enabled: true, port: 0 }
                """));
        InetSocketAddress endpoint = daemon.prometheusAddress().orElseThrow();

        assertThat(get(endpoint, "/", "GET").statusCode()).isEqualTo(404);
        assertThat(get(endpoint, "/metrics/x", "GET").statusCode()).isEqualTo(404);
        HttpResponse<String> post = get(endpoint, "/metrics", "POST");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(get(endpoint, "/metrics", "HEAD").statusCode()).isEqualTo(200);
    }

    @Test
    void endpointIsOffWhenTheFileSaysNothing() throws Exception {
        HomeAgentDaemon daemon = start(config(""));

        assertThat(daemon.config().metrics().prometheus()).isFalse();
        assertThat(daemon.prometheusAddress()).isEmpty();
    }

    @Test
    void endpointWithEnabledFalseListensNowhere() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            port = probe.getLocalPort();
        }
        HomeAgentDaemon daemon = start(config("metrics:\n  prometheus: { enabled: false, port: " + port + " }\n"));

        assertThat(daemon.prometheusAddress()).isEmpty();
        try (Socket s = new Socket()) {
            assertThatThrownBy(() -> s.connect(new InetSocketAddress(InetAddress.getByName("::1"), port), 2000))
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void jmxRegistersTheMetersAsMBeansUntilTheDaemonStops() throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName domain = new javax.management.ObjectName(HomeAgentMetrics.JMX_DOMAIN + ":*");
        HomeAgentDaemon daemon = start(config("metrics: { jmx: { enabled: true } }\n"));
        register(daemon.udpAddress().orElseThrow());

        javax.management.ObjectName accepted = server.queryNames(domain, null).stream()
                .filter(n -> n.toString().contains("BindingUpdatesAccepted")).findFirst().orElseThrow(
                        () -> new AssertionError("no accepted counter among " + server.queryNames(domain, null)));
        assertThat(((Number) server.getAttribute(accepted, "Count")).longValue()).isEqualTo(1);
        assertThat(daemon.prometheusAddress()).as("JMX alone opens no port").isEmpty();

        daemon.close();
        assertThat(server.queryNames(domain, null)).isEmpty();
    }

    @Test
    void busyPortStopsTheStartAndNamesTheConfigKeys() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            Path file = config("""
                    metrics:
                      prometheus: { enabled: true, port: %d }
                    """.formatted(busy.getLocalPort()));
            assertThatThrownBy(() -> start(file))
                    .isInstanceOf(DaemonStartException.class)
                    .hasMessageContaining("[::1]:" + busy.getLocalPort())
                    .hasMessageContaining("metrics.prometheus.port");
            // Everything it had opened was closed again: the admin socket is gone.
            assertThat(dir.resolve("ha.sock")).doesNotExist();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
