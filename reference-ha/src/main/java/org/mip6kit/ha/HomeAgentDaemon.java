package org.mip6kit.ha;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminException;
import org.mip6kit.daemon.AdminServer;
import org.mip6kit.daemon.AdminStreamingCommand;
import org.mip6kit.daemon.CapturingProviderNetwork;
import org.mip6kit.daemon.CapturingTransport;
import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.daemon.ExitStatus;
import org.mip6kit.daemon.LogbackLevels;
import org.mip6kit.daemon.PacketCapture;
import org.mip6kit.daemon.ReloadSignal;
import org.mip6kit.daemon.SelectedProvider;
import org.mip6kit.daemon.SystemdNotifier;
import org.mip6kit.daemon.TerminationSignals;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.RestoredBindings;
import org.mip6kit.ha.state.BindingJournal;
import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ReloadOutcome;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.transport.SocketProviderNetwork;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference home agent: a {@link HomeAgentEngine} on the RFC 5555 UDP transport with the
 * security provider the configuration names, an admin socket answering {@code bindings},
 * {@code status} and {@code reload} (also on SIGHUP, see {@link #reload}), and optionally a pcap of all signalling.
 *
 * <p>Start-up order, each step undone if a later one fails: select the provider (fail closed)
 * → open the pcap file → build the engine (the provider validates its section) → with
 * {@code data-plane.enabled}, refuse a provider that carries the traffic itself and open the data
 * plane (TUN device, routes, raw socket; docs/data-plane.md) → open the
 * Prometheus endpoint if {@code metrics} enables it → bind the admin socket (refused if another daemon runs on it) → start the engine (binds the UDP port).
 *
 * <p>{@link #close()}: the engine stops accepting Binding Updates and finishes those in flight
 * (each still gets its Binding Acknowledgement, up to {@code home-agent.shutdown-timeout}),
 * then the provider and transport close, then the data plane (its TUN device and routes go), then the admin socket closes and its file is removed,
 * then the pcap file is closed. Every signalling event is one log line on the logger
 * {@value #LOGGER} (the engine's events: binding created, refreshed, moved, deleted, expired,
 * refused, dropped), with identity and home address.
 *
 * <p>Under a service manager ({@code NOTIFY_SOCKET} set, see {@link SystemdNotifier}),
 * {@link #run} sends {@code READY=1} once the daemon serves: the UDP port is bound, the provider
 * started, the admin socket listens and the signal handlers are installed (a SIGHUP right after
 * {@code READY=1} reloads instead of killing the JVM). A {@code STATUS=} line names the address,
 * the UDP endpoint and the binding count, refreshed every {@link #STATUS_INTERVAL}; a reload (SIGHUP
 * or the admin command) is bracketed by {@code RELOADING=1} and {@code READY=1}; {@link #close()}
 * starts with {@code STOPPING=1}.
 */
public final class HomeAgentDaemon implements AutoCloseable {

    /** The logger of the home agent's events and of this daemon's own lines. */
    public static final String LOGGER = "org.mip6kit.ha";
    /** The name {@code ping} answers. */
    public static final String DAEMON_NAME = "home-agent";

    /** How often the service manager's {@code STATUS=} line is refreshed (binding count). */
    public static final Duration STATUS_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final HomeAgentConfig config;
    private final SelectedProvider provider;
    private final HomeAgentEngine engine;
    private final ExecutorScheduler scheduler;
    private final PacketCapture capture;
    private final AtomicReference<UdpTransport> udp;
    private final SocketProviderNetwork network;
    private final Clock clock;
    private final DiscoveryReport providers;
    private final Object reloading = new Object();
    private final Instant startedAt;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile AdminServer admin;
    /** The meters' registries and endpoint; null when {@code metrics} enables none. */
    private volatile HomeAgentMetrics metrics;
    /** The durable binding store; null with {@code state.enabled: false}. */
    private volatile BindingJournal journal;
    private volatile boolean closing;
    private volatile boolean started;
    private volatile SystemdNotifier notifier = SystemdNotifier.disabled();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    /** The data plane's hook and state; null when {@code data-plane.enabled} is false. */
    private volatile HomeAgentDataPlane dataPlane;

    private HomeAgentDaemon(HomeAgentConfig config, SelectedProvider provider, HomeAgentEngine engine,
                            ExecutorScheduler scheduler, PacketCapture capture, AtomicReference<UdpTransport> udp,
                            SocketProviderNetwork network, Clock clock, DiscoveryReport providers) {
        this.config = config;
        this.provider = provider;
        this.engine = engine;
        this.scheduler = scheduler;
        this.capture = capture;
        this.udp = udp;
        this.network = network;
        this.clock = clock;
        this.providers = providers;
        this.startedAt = clock.instant();
    }

    /**
     * How to start: where to write a pcap, which providers to choose from, which clock.
     *
     * @param pcap the capture file ({@code --pcap}), if any
     * @param providers the providers discovered; by default those on this class's class loader
     * @param clock the engine's clock; the system clock by default
     * @param pcapMaxBytes the size at which the capture file is rotated ({@code --pcap-max-bytes});
     *                     {@link PacketCapture#DEFAULT_MAX_BYTES} by default
     */
    public record Options(Optional<Path> pcap, DiscoveryReport providers, Clock clock, long pcapMaxBytes) {
        public Options {
            Objects.requireNonNull(pcap, "pcap");
            Objects.requireNonNull(providers, "providers");
            Objects.requireNonNull(clock, "clock");
        }

        /** No pcap, the providers on the class path, the system clock. */
        public static Options defaults() {
            return new Options(Optional.empty(), SecurityProviders.discover(HomeAgentDaemon.class.getClassLoader()),
                    Clock.systemUTC(), PacketCapture.DEFAULT_MAX_BYTES);
        }

        public Options withPcap(Path file) {
            return new Options(Optional.of(file), providers, clock, pcapMaxBytes);
        }

        /** A capture to {@code file}, rotated to {@code FILE.1} at {@code maxBytes}. */
        public Options withPcap(Path file, long maxBytes) {
            return new Options(Optional.of(file), providers, clock, maxBytes);
        }

        public Options withProviders(DiscoveryReport report) {
            return new Options(pcap, report, clock, pcapMaxBytes);
        }
    }

    /**
     * Starts a home agent.
     *
     * @throws ProviderSelectionException if the configured provider cannot be selected (the
     *         message is for the operator, verbatim)
     * @throws ProviderConfigException if the {@code security} section or the provider's own
     *         section is wrong
     * @throws DaemonStartException if the pcap file, the admin socket or the UDP port cannot be
     *         opened
     */
    public static HomeAgentDaemon start(HomeAgentConfig config, Options options)
            throws ProviderSelectionException, ProviderConfigException, DaemonStartException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        SelectedProvider provider = SelectedProvider.select(config.root(), options.providers());
        PacketCapture capture = null;
        ExecutorScheduler scheduler = null;
        SocketProviderNetwork network = null;
        HomeAgentDaemon daemon = null;
        HomeAgentMetrics metrics = null;
        BindingJournal journal = null;
        try {
            if (options.pcap().isPresent()) {
                try {
                    capture = PacketCapture.open(options.pcap().get(), options.clock(), options.pcapMaxBytes());
                } catch (IOException | IllegalArgumentException e) {
                    throw new DaemonStartException("cannot write the pcap file " + options.pcap().get() + ": "
                            + e.getMessage(), e);
                }
            }
            scheduler = new ExecutorScheduler("mip6-ha", 2);
            if (capture != null) {
                capture.flushEvery(scheduler, PacketCapture.FLUSH_INTERVAL);
            }
            AtomicReference<HomeAgentDaemon> self = new AtomicReference<>();
            Consumer<Throwable> onFatal = e -> {
                HomeAgentDaemon d = self.get();
                if (d != null) {
                    d.fatalError(e);
                }
            };
            scheduler.onFatalError(onFatal);
            AtomicReference<UdpTransport> udp = new AtomicReference<>();
            network = new SocketProviderNetwork();
            metrics = HomeAgentMetrics.create(config.metrics(), provider.name()).orElse(null);
            HomeAgentEngine.Builder builder = HomeAgentEngine.builder();
            if (config.state().enabled()) {
                journal = openJournal(config, options.clock());
                builder.store(journal).restore(journal.recovery().entries());
            }
            HomeAgentDataPlane plane = config.dataPlane().enabled() ? new HomeAgentDataPlane(config.dataPlane()) : null;
            if (plane != null) {
                builder.forwarding(plane);
            }
            if (metrics != null) {
                HomeAgentMeters meters = metrics.meters();
                builder.listener(meters::onEvent).processingTime(meters::onProcessed);
            }
            HomeAgentEngine engine = builder
                    .provider(provider.factory(), provider.section())
                    .settings(config.homeAgent())
                    .transports(transports(config.daemon().udp(), config.file(), capture, udp, onFatal, plane))
                    // --pcap records the provider's own UDP channel too (RFC 6618, DTLS), not only the engine's socket.
                    .network(capture == null ? network : new CapturingProviderNetwork(network, capture))
                    .clock(options.clock())
                    .scheduler(scheduler)
                    .build();
            daemon = new HomeAgentDaemon(config, provider, engine, scheduler, capture, udp, network, options.clock(),
                    options.providers());
            self.set(daemon);
            if (journal != null) {
                daemon.journal = journal;
                journal = null;   // the daemon closes it from now on
                daemon.logRestored();
            }
            if (plane != null) {
                daemon.dataPlane = plane;
                plane.open(engine.capabilities(), provider.name(), config.homeAgent().homeAgentAddress());
            }
            if (metrics != null) {
                metrics.meters().bind(HomeAgentMeters.Readings.of(engine));
                daemon.metrics = metrics;
                metrics = null;   // the daemon closes it from now on
            }
            if (daemon.metrics != null) {
                daemon.metrics.listen();   // before the admin socket: once status answers, it names the endpoint
            }
            daemon.admin = daemon.openAdmin();
            try {
                engine.start();
            } catch (RuntimeException e) {
                throw new DaemonStartException("the home agent could not start: " + e.getMessage(), e);
            }
            daemon.started = true;
            daemon.logStarted();
            return daemon;
        } catch (DaemonStartException | ProviderConfigException | RuntimeException e) {
            if (daemon != null) {
                daemon.close();
            } else {
                if (capture != null) {
                    capture.close();
                }
                if (network != null) {
                    network.close();
                }
                if (scheduler != null) {
                    scheduler.shutdown(Duration.ofSeconds(1));
                }
            }
            if (metrics != null) {
                metrics.close();
            }
            if (journal != null) {
                journal.close();
            }
            throw e;
        }
    }

    private static BindingJournal openJournal(HomeAgentConfig config, Clock clock) throws DaemonStartException {
        StateSettings state = config.state();
        try {
            return BindingJournal.open(state.directory(),
                    BindingJournal.Settings.of(state.syncDelay(), config.homeAgent().replayHold()), clock);
        } catch (IOException e) {
            // A corrupt store's message names the file, the offset and docs/errors.md#corrupt-state-store.
            throw new DaemonStartException(e instanceof org.mip6kit.ha.state.StateStoreCorruptException ? e.getMessage()
                    : "cannot use the state directory " + state.directory() + " (state.directory in "
                    + config.file() + "): " + e.getMessage() + " (see docs/operator-guide.md#durable-state)", e);
        }
    }

    private void logRestored() {
        BindingJournal j = journal;
        RestoredBindings r = engine.restored();
        BindingJournal.Recovery rec = j.recovery();
        LOG.info("home agent {} restored {} bindings and {} replay holds from {}; {} had expired while it was down"
                        + "{}{}", config.homeAgent().homeAgentAddress(), r.bindings(), r.replayHolds(), j.directory(),
                r.expired(), r.dropped() == 0 ? "" : ", " + r.dropped() + " not restored (lapsed or over max-bindings)",
                rec.tornBytes() == 0 ? "" : "; cut off a last write torn by a crash (" + rec.tornBytes() + " octets)");
    }

    private static TransportFactory transports(UdpTransport.Config config, Path configFile, PacketCapture capture,
                                               AtomicReference<UdpTransport> opened, Consumer<Throwable> onFatal,
                                               HomeAgentDataPlane plane) {
        return () -> {
            UdpTransport u = DaemonSettings.openUdp(config, configFile);
            u.onFatalError(onFatal);
            if (plane != null) {
                plane.attachUdp(u);   // RFC 5555 §4: data shares the signalling socket
            }
            opened.set(u);
            SignallingTransport t = u;
            if (capture != null) {
                t = new CapturingTransport(u, u.localAddress(), capture);
            }
            return t;
        };
    }

    private AdminServer openAdmin() throws DaemonStartException {
        try {
            return AdminServer.builder(config.daemon().adminSocket())
                    .daemon(DAEMON_NAME)
                    .streamingCommand("bindings", this::bindings)
                    .command("status", (request, reply) -> status(reply))
                    .command("reload", (request, reply) -> reloadCommand(reply))
                    .command("drain", this::drainCommand)
                    .start();
        } catch (AdminException e) {
            throw new DaemonStartException(e.getMessage(), e);
        }
    }

    private void logStarted() {
        HomeAgentSettings s = config.homeAgent();
        LOG.info("home agent {} serving {} on udp {} with security provider {}; admin socket {}{}",
                s.homeAgentAddress(), s.homePrefixes().stream().map(HomePrefix::toString).toList(),
                udpAddress().map(DaemonSettings::describe).orElse("(not opened: the provider owns its channel)"),
                provider.describe(), config.daemon().adminSocket(),
                (capture != null ? "; capturing to " + capture.file() : "")
                        + prometheusAddress().map(a -> "; Prometheus metrics on http://" + DaemonSettings.describe(a)
                        + PrometheusEndpoint.PATH).orElse("")
                        + (config.metrics().jmx() ? "; JMX meters in " + HomeAgentMetrics.JMX_DOMAIN : ""));
    }

    // ------------------------------------------------------------------ admin commands

    /**
     * The {@code bindings} answer, {@code {"bindings":[...], "count":N, "next":...}}, streamed
     * from the binding cache a page at a time (see {@link BindingListing}).
     */
    AdminStreamingCommand.Answer bindings(ObjectNode request) throws AdminException {
        BindingListing.Query query = BindingListing.Query.of(request);
        Predicate<Identity> identity = query.identity() == null ? null : query::accepts;
        HomeAgentDataPlane plane = dataPlane;
        return out -> BindingListing.write(out, (after, limit) -> engine.bindings(after, limit, identity), query,
                provider.name(), clock.instant(), plane == null ? null : plane::traffic);
    }

    /** The {@code status} answer: addresses, provider, counts and counters. */
    void status(ObjectNode reply) {
        HomeAgentSettings s = config.homeAgent();
        reply.put("daemon", DAEMON_NAME);
        reply.put("homeAgent", s.homeAgentAddress().toString());
        ArrayNode prefixes = reply.putArray("homePrefixes");
        s.homePrefixes().forEach(p -> prefixes.add(p.toString()));
        reply.put("udp", udpAddress().map(DaemonSettings::describe).orElse(null));
        UdpTransport transport = udp.get();
        if (transport != null) {
            UdpTransport.BatchCounters b = transport.batchCounters();
            ObjectNode t = reply.putObject("transport");
            t.put("io", b.ioPath());
            t.put("batched", transport.batched());
            t.put("batchSize", b.batchSize());
            t.put("receives", b.receives());
            t.put("datagramsReceived", b.datagramsReceived());
            t.put("meanReceiveBatch", Math.round(b.meanReceive() * 100) / 100.0);
            t.put("largestReceiveBatch", b.largestReceive());
            ObjectNode histogram = t.putObject("receiveBatchHistogram");
            long[] counts = b.receiveHistogram();
            List<String> labels = UdpTransport.BatchCounters.bucketLabels();
            for (int i = 0; i < counts.length; i++) {
                histogram.put(labels.get(i), counts[i]);
            }
            t.put("batchSends", b.batchSends());
            t.put("meanBatchSend", Math.round(b.meanBatchSend() * 100) / 100.0);
            t.put("largestBatchSend", b.largestBatchSend());
            UdpTransport.Counters c = transport.counters();
            t.put("sent", c.sent());
            t.put("sendFailures", c.sendFailures());
            t.put("malformed", c.malformed());
        }
        ObjectNode p = reply.putObject("provider");
        p.put("name", provider.name());
        p.put("version", provider.selection().descriptor().version());
        p.put("placement", provider.selection().descriptor().placement().name());
        p.put("perNodeState", engine.providerStateCount());
        ObjectNode providerCounters = p.putObject("counters");
        engine.providerCounters().forEach(providerCounters::put);
        reply.put("bindings", engine.bindingCount());
        reply.put("replayHolds", engine.replayHoldCount());
        ObjectNode drain = reply.putObject("drain");
        Optional<List<Ipv6Address>> draining = engine.draining();
        drain.put("draining", draining.isPresent());
        ArrayNode drainTargets = drain.putArray("to");
        draining.ifPresent(list -> list.forEach(a -> drainTargets.add(a.toString())));
        drain.put("nodesLeft", draining.isPresent() ? engine.bindingCount() : 0);
        drain.put("supported", engine.capabilities().contains(Capability.PROTECTS_HOME_AGENT_SWITCH));
        reply.put("inFlight", engine.inFlight());
        HomeAgentEngine.Counters c = engine.counters();
        ObjectNode counters = reply.putObject("counters");
        counters.put("received", c.received());
        counters.put("accepted", c.accepted());
        counters.put("refused", c.refused());
        counters.put("rejected", c.rejected());
        counters.put("dropped", c.dropped());
        counters.put("malformed", c.malformed());
        counters.put("ignored", c.ignored());
        counters.put("expired", c.expired());
        counters.put("sendFailures", c.sendFailures());
        reply.put("startedAt", startedAt.toString());
        reply.put("pcap", capture != null ? capture.file().toString() : null);
        reply.put("prometheus", prometheusAddress().map(m -> "http://" + DaemonSettings.describe(m)
                + PrometheusEndpoint.PATH).orElse(null));
        HomeAgentDataPlane plane = dataPlane;
        ObjectNode dp = reply.putObject("dataPlane");
        dp.put("enabled", plane != null && plane.running());
        if (plane != null) {
            dp.put("tun", plane.config().tunName());
            dp.put("mtu", plane.config().mtu());
            ArrayNode attracted = dp.putArray("prefixes");
            plane.config().prefixes().forEach(x -> attracted.add(x.toString()));
            ObjectNode dc = dp.putObject("counters");
            plane.counters().forEach(dc::put);
        }
    }

    // ------------------------------------------------------------------ drain

    /** Where drain refusals are explained. */
    public static final String DRAIN_DOCS = "docs/operator-guide.md#drain";

    /**
     * The {@code drain} admin command, {@code {"command":"drain","to":["2001:db8:1::2"]}}: starts
     * (or repeats) a planned drain with {@link HomeAgentEngine#drain}; answers how many Home Agent
     * Switch messages were sent and where the nodes are sent. A wrong address, or a provider that
     * cannot protect the message, is an error that changes nothing.
     */
    void drainCommand(ObjectNode request, ObjectNode reply) throws AdminException {
        List<Ipv6Address> targets = new ArrayList<>();
        JsonNode to = request.path("to");
        if (!to.isMissingNode() && !to.isNull()) {
            if (!to.isArray()) {
                throw new AdminException("'to' must be a list of home agent addresses");
            }
            for (JsonNode n : to) {
                Ipv6Address a;
                try {
                    a = Ipv6Address.parse(n.asText().trim());
                } catch (IllegalArgumentException e) {
                    throw new AdminException("'" + n.asText() + "' is not an IPv6 address (" + DRAIN_DOCS + ")");
                }
                if (a.equals(config.homeAgent().homeAgentAddress())) {
                    throw new AdminException(a + " is this home agent's own address: name the home agents the nodes "
                            + "should move to (" + DRAIN_DOCS + ")");
                }
                targets.add(a);
            }
        }
        int sent;
        try {
            sent = engine.drain(targets);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new AdminException(e.getMessage());
        }
        LOG.warn("draining (admin socket): sent {} Home Agent Switch message(s) naming {}; new registrations are "
                + "refused with 130", sent, targets);
        reply.put("sent", sent);
        ArrayNode where = reply.putArray("to");
        targets.forEach(a -> where.add(a.toString()));
        reply.put("bindings", engine.bindingCount());
    }

    // ------------------------------------------------------------------ reload

    /** Where reload failures are explained. */
    public static final String RELOAD_DOCS = "docs/errors.md#reload-failed";

    /**
     * Re-reads this daemon's configuration file and hands the security provider its section
     * again ({@link HomeAgentEngine#reloadSecurity}), e.g. a key table with a new association.
     * Only {@code security.<provider>} is reloaded: the provider cannot change, and changes to
     * {@code home-agent}, {@code transport}, {@code admin} and {@code logging} wait for a
     * restart (the summary says so when the file has any). All or nothing; calls are
     * serialised. Logs nothing: {@link #reloadAndLog} does.
     *
     * @return what the provider did, or that it cannot reload
     * @throws ProviderConfigException if the file, or the provider's section or a file it
     *         names, is wrong; nothing changed
     * @throws ProviderSelectionException if the file's {@code security} section selects no
     *         usable provider; nothing changed
     */
    public ReloadOutcome reload() throws ProviderConfigException, ProviderSelectionException {
        synchronized (reloading) {
            HomeAgentConfig fresh = HomeAgentConfig.load(config.file());
            SelectedProvider again = SelectedProvider.select(fresh.root(), providers);
            if (!again.name().equals(provider.name())) {
                throw new ProviderConfigException("security.provider", config.file(), "now names " + again.name()
                        + ", but this home agent runs " + provider.name() + "; a reload cannot change the provider: "
                        + "restart the home agent. Nothing was reloaded");
            }
            ReloadOutcome outcome = engine.reloadSecurity(again.section());
            boolean elsewhere = !fresh.homeAgent().equals(config.homeAgent()) || !fresh.daemon().equals(config.daemon())
                    || !fresh.metrics().equals(config.metrics());
            if (outcome.reloaded() && elsewhere) {
                return ReloadOutcome.reloaded(outcome.summary() + "; the file also changes home-agent, transport, "
                        + "admin, logging or metrics, which only a restart applies");
            }
            return outcome;
        }
    }

    /**
     * {@link #reload}, reported in one log line on {@value #LOGGER}: INFO when the new section
     * applies, WARN when the provider cannot reload, ERROR (with {@link #RELOAD_DOCS}) when the
     * file is wrong. Never throws.
     *
     * @param trigger what asked for it, for the log line ({@code SIGHUP}, {@code admin socket})
     * @return the outcome; a failure as a not-reloaded outcome whose summary is the error
     */
    public ReloadOutcome reloadAndLog(String trigger) {
        try {
            return loggedReload(trigger);
        } catch (AdminException e) {
            return ReloadOutcome.notSupported(e.getMessage());
        }
    }

    /** {@link #reload} and its log line; a failure as an exception whose message says why, in one line. */
    private ReloadOutcome loggedReload(String trigger) throws AdminException {
        SystemdNotifier n = notifier;
        n.reloading("reloading the security provider's section (" + trigger + ")");
        try {
            return loggedReloadSteps(trigger);
        } finally {
            // READY=1 whatever the outcome: a failed reload changed nothing and the daemon still serves.
            n.ready(serviceStatus());
        }
    }

    private ReloadOutcome loggedReloadSteps(String trigger) throws AdminException {
        ReloadOutcome outcome;
        try {
            outcome = reload();
        } catch (ProviderConfigException | ProviderSelectionException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String why = message.replace('\n', ' ').replace('\r', ' ');
            why = "reload failed, nothing changed: " + why + (why.contains(RELOAD_DOCS) ? "" : " (see " + RELOAD_DOCS
                    + ")");
            LOG.error("reload ({}): {}", trigger, why);
            throw new AdminException(why);
        }
        if (outcome.reloaded()) {
            LOG.info("reload ({}): security provider {} reloaded: {}", trigger, provider.name(), outcome.summary());
        } else {
            LOG.warn("reload ({}): nothing reloaded: {}", trigger, outcome.summary());
        }
        return outcome;
    }

    /** The {@code reload} admin command: {@code reloaded} and {@code summary}, or an error (nothing changed). */
    private void reloadCommand(ObjectNode reply) throws AdminException {
        ReloadOutcome outcome = loggedReload("admin socket");
        reply.put("reloaded", outcome.reloaded());
        reply.put("summary", outcome.summary());
    }

    // ------------------------------------------------------------------ service manager

    /**
     * The service manager's {@code STATUS=} line: {@code serving 2001:db8:1::1 on udp [::1]:4191
     * with auth-option-4285, 2 bindings}.
     */
    String serviceStatus() {
        return "serving " + config.homeAgent().homeAgentAddress() + " on udp "
                + udpAddress().map(DaemonSettings::describe).orElse("(the provider's channel)") + " with "
                + provider.name() + ", " + engine.bindingCount() + (engine.bindingCount() == 1 ? " binding" : " bindings");
    }

    /**
     * Tells the service manager that the daemon serves ({@code READY=1}) and keeps its
     * {@code STATUS=} line current every {@link #STATUS_INTERVAL} until {@link #close()}. Call
     * once the signal handlers are installed; does nothing with a disabled notifier.
     */
    void notifyReady(SystemdNotifier serviceManager) {
        Objects.requireNonNull(serviceManager, "serviceManager");
        notifier = serviceManager;
        if (!serviceManager.enabled()) {
            return;
        }
        serviceManager.ready(serviceStatus());
        scheduleStatus();
    }

    private void scheduleStatus() {
        if (closing) {
            return;
        }
        try {
            scheduler.schedule(STATUS_INTERVAL, () -> {
                if (!closing) {
                    notifier.status(serviceStatus());
                    scheduleStatus();
                }
            });
        } catch (RuntimeException e) {
            // the scheduler is shutting down: the daemon is closing, STOPPING=1 says the rest
        }
    }

    // ------------------------------------------------------------------ accessors

    public HomeAgentEngine engine() {
        return engine;
    }

    public HomeAgentConfig config() {
        return config;
    }

    public SelectedProvider provider() {
        return provider;
    }

    /** Where the UDP transport is bound (the real port when the file said 0); empty until opened. */
    public Optional<InetSocketAddress> udpAddress() {
        UdpTransport u = udp.get();
        return u == null ? Optional.empty() : Optional.of(u.localAddress());
    }

    /** Where the Prometheus endpoint listens (the real port when the file said 0); empty when it is off. */
    public Optional<InetSocketAddress> prometheusAddress() {
        HomeAgentMetrics m = metrics;
        return m == null ? Optional.empty() : m.prometheusAddress();
    }

    public Path adminSocket() {
        return config.daemon().adminSocket();
    }

    /**
     * Stops the home agent because signalling cannot go on: the receive loop or a timer died of
     * an {@link Error} (out of memory, stack overflow) or the socket failed under it. Logs one
     * ERROR line saying so and closes the daemon on a thread of its own; {@link #exitStatus()}
     * is then {@link ExitStatus#FAILURE}. Only the first call counts.
     */
    void fatalError(Throwable e) {
        if (!fatal.compareAndSet(null, e)) {
            return;
        }
        LOG.error("home agent {} stopping on a fatal error: {}; Binding Updates are no longer received, so the "
                        + "daemon exits with status {} (see docs/errors.md#fatal-signalling-error)",
                config.homeAgent().homeAgentAddress(), e.toString(), ExitStatus.FAILURE);
        Thread stopper = new Thread(this::close, "mip6-ha-fatal-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** {@link ExitStatus#FAILURE} once a {@linkplain #fatalError fatal error} stopped the daemon, else {@link ExitStatus#OK}. */
    public int exitStatus() {
        return fatal.get() == null ? ExitStatus.OK : ExitStatus.FAILURE;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Like {@link #awaitTermination()}, at most {@code timeout}; true if it finished. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops accepting Binding Updates, finishes those in flight, closes the provider and the
     * transport, removes the admin socket and closes the pcap file. Idempotent; a second caller
     * waits for the first to finish.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                try {
                    terminated.await(config.homeAgent().shutdownTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            closing = true;
        }
        try {
            if (started) {
                notifier.stopping("stopping: finishing " + engine.inFlight() + " Binding Updates in flight; "
                        + engine.bindingCount() + " bindings");
                LOG.info("home agent {} stopping: no new Binding Updates; {} in flight, {} bindings",
                        config.homeAgent().homeAgentAddress(), engine.inFlight(), engine.bindingCount());
            }
            HomeAgentMetrics m = metrics;
            if (m != null) {
                m.close();     // first: no scrape reads an engine that is closing
            }
            engine.close();
            HomeAgentDataPlane plane = dataPlane;
            if (plane != null) {
                plane.close();   // after the engine: no binding change reaches a closed data plane
            }
            network.close();   // after the engine: the provider's sockets are closed by then
            AdminServer a = admin;
            if (a != null) {
                a.close();
            }
            if (capture != null) {
                capture.close();
            }
            BindingJournal j = journal;
            if (j != null) {
                j.close();     // after the engine: the changes of in-flight Binding Updates are written first
            }
            scheduler.shutdown(Duration.ofMillis(200));
            if (!started) {
                return;
            }
            HomeAgentEngine.Counters c = engine.counters();
            java.util.Map<String, Long> pc = engine.providerCounters();
            LOG.info("home agent {} stopped: {} Binding Updates received, {} accepted, {} refused, {} rejected, "
                            + "{} dropped, {} malformed{}{}",
                    config.homeAgent().homeAgentAddress(), c.received(), c.accepted(), c.refused(), c.rejected(),
                    c.dropped(), c.malformed(),
                    pc.isEmpty() ? "" : "; provider " + provider.name() + ": " + describe(pc),
                    capture != null ? "; " + capture.packetsWritten() + " packets in " + capture.file() : "");
        } finally {
            terminated.countDown();
        }
    }

    // ------------------------------------------------------------------ foreground

    /**
     * {@code mip6kit ha run}: loads {@code configFile}, starts, and runs until SIGTERM or SIGINT
     * (then shuts down cleanly; the process exits with 0). Problems go to {@code err}.
     *
     * @return {@link ExitStatus#BAD_CONFIGURATION} for a wrong file or an unknown provider,
     *         {@link ExitStatus#FAILURE} if the daemon could not start, {@link ExitStatus#OK}
     *         once it has stopped
     */
    public static int run(Path configFile, Optional<Path> pcap, PrintWriter err) {
        return run(configFile, pcap, PacketCapture.DEFAULT_MAX_BYTES, err);
    }

    /** As {@link #run(Path, Optional, PrintWriter)}, rotating the capture at {@code pcapMaxBytes}. */
    public static int run(Path configFile, Optional<Path> pcap, long pcapMaxBytes, PrintWriter err) {
        HomeAgentConfig config;
        try {
            config = HomeAgentConfig.load(configFile);
        } catch (ProviderConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitStatus.BAD_CONFIGURATION;
        }
        LogbackLevels.apply(config.daemon().logging());
        Options options = Options.defaults();
        if (pcap.isPresent()) {
            options = options.withPcap(pcap.get(), pcapMaxBytes);
        }
        HomeAgentDaemon daemon;
        try {
            daemon = start(config, options);
        } catch (ProviderSelectionException | ProviderConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitStatus.BAD_CONFIGURATION;
        } catch (DaemonStartException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitStatus.FAILURE;
        }
        TerminationSignals.install("mip6-ha", daemon::close);
        ReloadSignal.install("mip6-ha", () -> daemon.reloadAndLog("SIGHUP"));
        Thread.setDefaultUncaughtExceptionHandler(fatalOnError(daemon::fatalError));
        daemon.notifyReady(SystemdNotifier.fromEnvironment());
        try {
            daemon.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            daemon.close();
        }
        if (daemon.exitStatus() != ExitStatus.OK) {
            err.println("mip6kit ha run: stopped on a fatal error: " + daemon.fatal.get()
                    + " (see docs/errors.md#fatal-signalling-error)");
            err.flush();
        }
        return daemon.exitStatus();
    }

    /**
     * A handler for threads that die of an uncaught exception: an {@link Error} anywhere in the
     * process (an admin thread out of memory) stops the daemon; anything else is logged.
     */
    static Thread.UncaughtExceptionHandler fatalOnError(Consumer<Throwable> fatalError) {
        return (thread, e) -> {
            LOG.error("thread {} died: {}", thread.getName(), e.toString(), e);
            if (e instanceof Error) {
                fatalError.accept(e);
            }
        };
    }

    @Override
    public String toString() {
        return "HomeAgentDaemon[" + config.homeAgent().homeAgentAddress() + ", " + config.file() + "]";
    }

    /** {@code name=value, ...} in name order. */
    private static String describe(java.util.Map<String, Long> counters) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(counters).forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=')
                .append(v));
        return b.toString();
    }
}
