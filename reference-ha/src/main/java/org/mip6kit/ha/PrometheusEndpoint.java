package org.mip6kit.ha;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.daemon.DaemonSettings;

/**
 * The home agent's Prometheus scrape endpoint: {@code GET /metrics} (also {@code HEAD}) answers
 * the registry in the Prometheus text format; any other path is 404, any other method 405.
 * Served by the JDK's {@link HttpServer} on one thread of its own; no web framework. Off
 * unless {@code metrics.prometheus.enabled} ({@link MetricsSettings}).
 */
public final class PrometheusEndpoint implements AutoCloseable {

    /** The one path served. */
    public static final String PATH = "/metrics";
    /** The content type of the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private PrometheusEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on {@code address} and serves {@code registry}, calling {@code beforeScrape} (e.g.
     * {@link HomeAgentMeters#refresh()}) before each answer.
     *
     * @throws DaemonStartException if the address cannot be bound; the message names the config keys
     */
    public static PrometheusEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry,
                                           Runnable beforeScrape) throws DaemonStartException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(beforeScrape, "beforeScrape");
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new DaemonStartException("cannot listen for Prometheus scrapes on " + DaemonSettings.describe(address)
                    + ": the address is not local or the port is in use (" + e.getMessage()
                    + "); change metrics.prometheus.port or metrics.prometheus.bind", e);
        } catch (IOException e) {
            throw new DaemonStartException("cannot listen for Prometheus scrapes on " + DaemonSettings.describe(address)
                    + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mip6-ha-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> answer(exchange, registry, beforeScrape));
        server.start();
        return new PrometheusEndpoint(server, executor);
    }

    private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry, Runnable beforeScrape)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, "only " + PATH + " is served\n", false);
                return;
            }
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "only GET and HEAD\n", false);
                return;
            }
            beforeScrape.run();
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            send(exchange, 200, registry.scrape(), "HEAD".equals(method));
        }
    }

    private static void send(HttpExchange exchange, int status, String body, boolean headOnly) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (headOnly) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Where it listens (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops listening; scrapes under way get up to 1 s to finish. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
