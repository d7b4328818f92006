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
import org.mip6kit.dataplane.LinkCommands;
import org.mip6kit.dataplane.UnsolicitedNeighbourAdvertisement;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.ha.state.BindingJournal;
import org.mip6kit.ha.state.GridBindingStore;
import org.mip6kit.ha.state.GridMembership;
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
 * With {@code cluster.enabled} the daemon first joins the grid ({@link GridMembership}: its own
 * address is handed back if a survivor serves it), its engine's store is the grid and it
 * restores the bindings stored under its own address; once started it publishes its UDP
 * endpoint, and a departed member's address inherited from the grid gets an engine of its own
 * ({@link TakenOverAgent}), on the departed member's endpoint.
 *
 * <p>{@link #close()}: the engine stops accepting Binding Updates and finishes those in flight
 * (each still gets its Binding Acknowledgement, up to {@code home-agent.shutdown-timeout}),
 * then the provider and transport close, then the engines of taken-over cluster addresses close
 * (each address this member added is removed) and the member leaves the grid (the others take
 * over its addresses), then the data plane (its TUN device and routes go), then the admin socket closes and its file is removed,
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
    /** This member's place in the cluster; null without {@code cluster.enabled}. */
    private volatile GridMembership membership;
    /** Addresses taken over from departed members, by address; guarded by {@link #served}. */
    private final java.util.Map<Ipv6Address, TakenOverAgent> takenOver = new java.util.concurrent.ConcurrentHashMap<>();
    /** Serialises takeovers, hand-backs and close. */
    private final Object served = new Object();
    private final LinkCommands links = new LinkCommands();
    private volatile Consumer<Throwable> onFatal = e -> { };

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
        GridMembership membership = null;
        DeferredTakeover takeover = null;
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
            Ipv6Address own = config.homeAgent().homeAgentAddress();
            if (config.cluster().enabled()) {
                takeover = new DeferredTakeover();
                membership = joinCluster(config, options.clock(), takeover);
                GridBindingStore store = membership.store(own);
                builder.store(store).restore(store.entriesServedBy(own));
            } else if (config.state().enabled()) {
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
            daemon.onFatal = onFatal;
            if (membership != null) {
                daemon.membership = membership;
                membership = null;   // the daemon leaves the grid from now on
            }
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
            if (daemon.membership != null) {
                daemon.announceMembership();
            }
            daemon.started = true;
            daemon.logStarted();
            if (takeover != null) {
                takeover.ready(daemon);
            }
            return daemon;
        } catch (DaemonStartException | ProviderConfigException | RuntimeException e) {
            if (takeover != null) {
                takeover.failed();
            }
            if (membership != null) {
                membership.close();
            }
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

    /** Joins the grid as {@code cluster} says; a failure names the keys and docs/errors.md#cluster-join-failed. */
    private static GridMembership joinCluster(HomeAgentConfig config, Clock clock, GridMembership.Takeover takeover)
            throws DaemonStartException {
        ClusterSettings c = config.cluster();
        // A holder stops its engine (shutdown-timeout) before it hands the address back; a holder
        // that went silent is noticed within the failure timeout.
        Duration handBack = config.homeAgent().shutdownTimeout().plus(c.failureTimeout()).plusSeconds(5);
        GridMembership.Settings settings = new GridMembership.Settings(c.memberName(), c.bind(), c.port(), c.members(),
                c.failureTimeout());
        try {
            return GridMembership.join(settings, config.homeAgent().homeAgentAddress(), takeover, clock, handBack);
        } catch (IllegalStateException e) {
            throw new DaemonStartException("cannot join the cluster as member " + c.memberName() + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw new DaemonStartException("cannot join the cluster as member " + c.memberName() + " on " + c.bind()
                    + " port " + c.port() + " (cluster.bind, cluster.port, cluster.members in " + config.file() + "): "
                    + rootMessage(e) + " (see docs/errors.md#cluster-join-failed)", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? m : e.getMessage() + ": " + m;
    }

    /** After the engine started: publish the endpoint a survivor would open, and say what was restored. */
    private void announceMembership() throws DaemonStartException {
        GridMembership m = membership;
        Optional<InetSocketAddress> endpoint = udpAddress();
        if (endpoint.isEmpty()) {
            throw new DaemonStartException("security provider " + provider.name() + " carries the signalling on "
                    + "its own channel, which a cluster member cannot hand to a survivor; cluster.enabled needs a "
                    + "provider that uses transport.udp (see docs/errors.md#cluster-join-failed)");
        }
        Ipv6Address own = config.homeAgent().homeAgentAddress();
        m.publishEndpoint(own, endpoint.get());
        if (config.cluster().addsTakenOverAddresses()) {
            // Back after a crash or a hand-back: the link's neighbour caches may still point at the
            // member that served this address meanwhile.
            advertise(config.cluster().takeoverInterface(), endpoint.get().getAddress());
        }
        RestoredBindings r = engine.restored();
        LOG.info("cluster: member {} of {} serves {} on udp {}; restored {} bindings and {} replay holds from the "
                        + "grid, {} had expired; bindings live in the grid (the state section is not used)",
                m.memberName(), m.memberCount() == 1 ? "1 member" : m.memberCount() + " members", own,
                DaemonSettings.describe(endpoint.get()), r.bindings(), r.replayHolds(), r.expired());
    }

    /**
     * The membership's takeover callbacks, held until the daemon serves: an address inherited
     * while the daemon is still starting waits for it (bounded), one inherited by a daemon that
     * failed to start is dropped (the grid hands it on when this member leaves).
     */
    private static final class DeferredTakeover implements GridMembership.Takeover {
        private final java.util.concurrent.CompletableFuture<HomeAgentDaemon> daemon =
                new java.util.concurrent.CompletableFuture<>();

        void ready(HomeAgentDaemon d) {
            daemon.complete(d);
        }

        void failed() {
            daemon.completeExceptionally(new IllegalStateException("the home agent did not start"));
        }

        @Override
        public void serve(GridMembership.Inherited inherited) {
            HomeAgentDaemon d;
            try {
                d = daemon.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.error("cluster: cannot take over {} from {}: this home agent is not serving ({})",
                        inherited.homeAgent(), inherited.from(), e.toString());
                return;
            }
            d.takeOver(inherited);
        }

        @Override
        public void release(Ipv6Address homeAgent) {
            HomeAgentDaemon d = daemon.getNow(null);
            if (d != null) {
                d.release(homeAgent);
            }
        }
    }

    // ------------------------------------------------------------------ cluster takeover

    /**
     * Serves a departed member's address: adds it to {@code cluster.takeover-interface} (unless
     * it is local already) and advertises it to the link, opens the departed member's UDP
     * endpoint, and starts an engine for the address with the bindings stored under it. A
     * failure is logged as an ERROR; the address stays assigned to this member in the grid.
     */
    void takeOver(GridMembership.Inherited inherited) {
        synchronized (served) {
            Ipv6Address address = inherited.homeAgent();
            if (closing) {
                LOG.warn("cluster: not taking over {} from {}: this home agent is stopping", address, inherited.from());
                return;
            }
            if (takenOver.containsKey(address) || address.equals(config.homeAgent().homeAgentAddress())) {
                return;
            }
            ClusterSettings cluster = config.cluster();
            UdpTransport.Config base = config.daemon().udp();
            InetSocketAddress endpoint = membership.endpoint(address).orElse(null);
            if (endpoint == null) {
                if (base.port() == 0) {
                    LOG.error("cluster: cannot take over {} from {}: it never published its UDP endpoint and "
                            + "transport.udp.port is 0 here (see docs/operator-guide.md#cluster)", address,
                            inherited.from());
                    return;
                }
                endpoint = new InetSocketAddress(address.toInetAddress(), base.port());
            }
            String addedTo = null;
            if (!isLocal(endpoint.getAddress())) {
                if (!cluster.addsTakenOverAddresses()) {
                    LOG.error("cluster: cannot take over {} from {}: {} is not an address of this machine and "
                            + "cluster.takeover-interface is not set; the address stays assigned to this member "
                            + "(see docs/operator-guide.md#cluster)", address, inherited.from(),
                            endpoint.getAddress().getHostAddress());
                    return;
                }
                try {
                    links.addHostAddress(cluster.takeoverInterface(), endpoint.getAddress());
                    addedTo = cluster.takeoverInterface();
                } catch (java.io.IOException e) {
                    LOG.error("cluster: cannot take over {} from {}: adding {} to {} failed: {}; the home agent "
                            + "needs CAP_NET_ADMIN (run it as root or grant the capability) and the interface must "
                            + "exist; the address stays assigned to this member in the grid (see "
                            + "docs/operator-guide.md#cluster)", address, inherited.from(),
                            endpoint.getAddress().getHostAddress(), cluster.takeoverInterface(), e.getMessage());
                    return;
                }
            }
            AtomicReference<UdpTransport> udp = new AtomicReference<>();
            // The departed member's endpoint with this member's own socket settings (buffer, threads, batches, native I/O).
            UdpTransport.Config udpConfig = base.withBindAddress(endpoint.getAddress()).withPort(endpoint.getPort());
            GridBindingStore store = inherited.store();
            HomeAgentEngine taken = null;
            try {
                List<StoredBinding> stored = store.entriesServedBy(address);
                taken = HomeAgentEngine.builder()
                        .provider(provider.factory(), provider.section())
                        .settings(config.homeAgent().toBuilder().homeAgentAddress(address).build())
                        .transports(transports(udpConfig, config.file(), capture, udp, onFatal, null))
                        .network(capture == null ? network : new CapturingProviderNetwork(network, capture))
                        .clock(clock)
                        .scheduler(scheduler)
                        .store(store)
                        .restore(stored)
                        .build();
                taken.start();
            } catch (ProviderConfigException | RuntimeException e) {
                if (taken != null) {
                    taken.close();
                }
                TakenOverAgent.removeAddress(links, addedTo, endpoint.getAddress());
                LOG.error("cluster: cannot take over {} from {}: {}; the address stays assigned to this member in "
                        + "the grid (see docs/operator-guide.md#cluster)", address, inherited.from(), e.getMessage());
                return;
            }
            TakenOverAgent agent = new TakenOverAgent(address, taken, udp, inherited.from(), addedTo,
                    endpoint.getAddress(), links);
            takenOver.put(address, agent);
            if (addedTo != null) {
                advertise(addedTo, endpoint.getAddress());
            }
            RestoredBindings r = taken.restored();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - inherited.detectedNanos());
            LOG.warn("cluster: took over home agent address {} from member {}: {} bindings and {} replay holds "
                            + "restored ({} had expired), serving on udp {}{}, {} ms after the membership event",
                    address, inherited.from(), r.bindings(), r.replayHolds(), r.expired(),
                    agent.udpAddress().map(DaemonSettings::describe).orElse("(none)"),
                    addedTo == null ? "" : " (added to " + addedTo + ")", millis);
        }
    }

    /** An unsolicited Neighbor Advertisement now and once more shortly after (RFC 4861 §7.2.6 allows up to 3). */
    private void advertise(String interfaceName, java.net.InetAddress address) {
        if (!(address instanceof java.net.Inet6Address)) {
            LOG.info("cluster: {} is IPv4; neighbours learn its new link-layer address when their ARP entries age "
                    + "(no gratuitous ARP is sent)", address.getHostAddress());
            return;
        }
        Ipv6Address target = Ipv6Address.fromBytes(address.getAddress());
        Runnable send = () -> {
            try {
                UnsolicitedNeighbourAdvertisement.send(interfaceName, target, true);
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("cluster: could not advertise {} on {}: {}; neighbours reach it here once their cache entry "
                        + "for it goes stale (the home agent needs CAP_NET_RAW; see docs/operator-guide.md#cluster)",
                        target, interfaceName, e.getMessage());
            }
        };
        send.run();
        try {
            scheduler.schedule(Duration.ofMillis(500), send);
        } catch (RuntimeException e) {
            // closing
        }
    }

    /** Gives a taken-over address up (a hand-back to its returning member): its engine stops, the address goes. */
    void release(Ipv6Address address) {
        synchronized (served) {
            TakenOverAgent agent = takenOver.remove(address);
            if (agent == null) {
                return;
            }
            long t0 = System.nanoTime();
            int bindings = agent.engine().bindingCount();
            agent.close();
            LOG.info("cluster: stopped serving {} ({} bindings, kept in the grid) for its own member, in {} ms",
                    address, bindings, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    private static boolean isLocal(java.net.InetAddress address) {
        try {
            return java.net.NetworkInterface.getByInetAddress(address) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    /** Every engine serving here: this home agent's own first, then the taken-over ones in address order. */
    private List<HomeAgentEngine> engines() {
        List<HomeAgentEngine> all = new ArrayList<>();
        all.add(engine);
        takenOverAgents().forEach(a -> all.add(a.engine()));
        return all;
    }

    private List<TakenOverAgent> takenOverAgents() {
        List<TakenOverAgent> all = new ArrayList<>(takenOver.values());
        all.sort(java.util.Comparator.comparing(TakenOverAgent::address));
        return all;
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
        List<HomeAgentEngine> all = engines();
        if (all.size() == 1) {
            Ipv6Address own = config.homeAgent().homeAgentAddress();
            return out -> BindingListing.write(out, (after, limit) -> engine.bindings(after, limit, identity), query,
                    provider.name(), clock.instant(), plane == null ? null : plane::traffic, b -> own);
        }
        // Several engines (taken-over addresses): one listing in home address order, each row
        // naming the engine that holds it.
        java.util.Map<BindingRecord, Ipv6Address> holder = java.util.Collections.synchronizedMap(
                new java.util.IdentityHashMap<>());
        BindingListing.BindingSource merged = (after, limit) -> {
            List<BindingRecord> page = new ArrayList<>();
            holder.clear();
            for (HomeAgentEngine e : all) {
                Ipv6Address ha = e.settings().homeAgentAddress();
                for (BindingRecord b : e.bindings(after, limit, identity)) {
                    page.add(b);
                    holder.put(b, ha);
                }
            }
            page.sort(java.util.Comparator.comparing(BindingRecord::homeAddress));
            return page.size() > limit ? List.copyOf(page.subList(0, limit)) : page;
        };
        return out -> BindingListing.write(out, merged, query, provider.name(), clock.instant(),
                plane == null ? null : plane::traffic, holder::get);
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
        // This home agent's own address; taken-over addresses are counted under cluster.servedHere.
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
        clusterStatus(reply.putObject("cluster"));
    }

    /**
     * {@code "cluster": {"enabled", "member", "members", "served": {ADDR: MEMBER}, "servedHere":
     * [{"address", "udp", "bindings", "takenOverFrom"}]}}, or {@code {"enabled": false}}.
     */
    private void clusterStatus(ObjectNode c) {
        GridMembership m = membership;
        c.put("enabled", m != null);
        if (m == null) {
            return;
        }
        try {
            c.put("member", m.memberName());
            c.put("members", m.memberCount());
            ObjectNode servedBy = c.putObject("served");
            m.servedAddresses().forEach((a, name) -> servedBy.put(a.toString(), name));
        } catch (RuntimeException e) {
            // the grid is shutting down under a status request
            c.put("member", config.cluster().memberName());
            c.put("members", 0);
            c.putObject("served");
        }
        ArrayNode here = c.putArray("servedHere");
        ObjectNode mine = here.addObject();
        mine.put("address", config.homeAgent().homeAgentAddress().toString());
        mine.put("udp", udpAddress().map(DaemonSettings::describe).orElse(null));
        mine.put("bindings", engine.bindingCount());
        mine.putNull("takenOverFrom");
        for (TakenOverAgent a : takenOverAgents()) {
            ObjectNode o = here.addObject();
            o.put("address", a.address().toString());
            o.put("udp", a.udpAddress().map(DaemonSettings::describe).orElse(null));
            o.put("bindings", a.engine().bindingCount());
            o.put("takenOverFrom", a.from());
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
        GridMembership m = membership;
        if (targets.isEmpty() && m != null) {
            // In a cluster the other members are where the nodes go: most preferred first, in address order.
            targets.addAll(m.otherAgents());
        }
        List<HomeAgentEngine> all = engines();
        int sent = 0;
        int bindings = 0;
        for (HomeAgentEngine e : all) {
            try {
                sent += e.drain(targets);
            } catch (IllegalArgumentException | IllegalStateException ex) {
                throw new AdminException(ex.getMessage());
            }
            bindings += e.bindingCount();
        }
        LOG.warn("draining (admin socket): sent {} Home Agent Switch message(s) naming {}{}; new registrations are "
                + "refused with 130", sent, targets, all.size() > 1 ? " from " + all.size() + " home agent addresses" : "");
        reply.put("sent", sent);
        ArrayNode where = reply.putArray("to");
        targets.forEach(a -> where.add(a.toString()));
        reply.put("bindings", bindings);
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
            for (TakenOverAgent a : takenOverAgents()) {
                // The same section reaches the provider instance of every taken-over address.
                a.engine().reloadSecurity(again.section());
            }
            boolean elsewhere = !fresh.homeAgent().equals(config.homeAgent()) || !fresh.daemon().equals(config.daemon())
                    || !fresh.metrics().equals(config.metrics()) || !fresh.cluster().equals(config.cluster());
            if (outcome.reloaded() && elsewhere) {
                return ReloadOutcome.reloaded(outcome.summary() + "; the file also changes home-agent, transport, "
                        + "admin, logging, metrics or cluster, which only a restart applies");
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

    /** The engine serving {@code address} here: the own engine, or one taken over in a cluster. */
    Optional<HomeAgentEngine> engineServing(Ipv6Address address) {
        if (address.equals(config.homeAgent().homeAgentAddress())) {
            return Optional.of(engine);
        }
        TakenOverAgent a = takenOver.get(address);
        return a == null ? Optional.empty() : Optional.of(a.engine());
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
            synchronized (served) {
                // closing is set: no takeover starts from now on
                for (TakenOverAgent a : takenOverAgents()) {
                    a.close();
                }
                takenOver.clear();
            }
            GridMembership grid = membership;
            if (grid != null) {
                grid.close();   // after the engines: their in-flight changes reach the grid first
            }
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

    /**
     * Stops as a crash would look from outside: every UDP socket closes at once and the grid
     * member terminates without leaving (the others notice through the failure detector or the
     * closed connections), then the rest closes. For tests of the cluster in one JVM.
     */
    void stopAbruptly() {
        UdpTransport u = udp.get();
        if (u != null) {
            u.close();
        }
        takenOver.values().forEach(TakenOverAgent::closeSocket);
        GridMembership m = membership;
        if (m != null) {
            m.terminate();
        }
        close();
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
