package org.mip6kit.mn;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mip6kit.daemon.AdminException;
import org.mip6kit.daemon.AdminServer;
import org.mip6kit.daemon.CapturingProviderNetwork;
import org.mip6kit.daemon.CapturingTransport;
import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.daemon.ExitStatus;
import org.mip6kit.daemon.LogbackLevels;
import org.mip6kit.daemon.PacketCapture;
import org.mip6kit.daemon.SelectedProvider;
import org.mip6kit.daemon.SystemdNotifier;
import org.mip6kit.daemon.TerminationSignals;
import org.mip6kit.engine.EngineEventListener;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeRegistrationException;
import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.transport.SocketProviderNetwork;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference mobile node: a {@link MobileNodeEngine} on real time, the RFC 5555 UDP
 * transport, an owner-only admin socket ({@code status}, {@code move}, {@code home}) and, when configured,
 * an interface whose addresses it follows. What {@code mip6kit mn run} starts.
 *
 * <h2>Life</h2>
 * <ol>
 * <li>{@link #start}: applies the logging levels, selects the provider (failing closed), opens
 *     the pcap file if asked, builds the engine (the provider validates its section), with
 *     {@code data-plane.enabled} opens the data plane (TUN device with the home address, policy
 *     rule, raw sockets; docs/data-plane.md) unless the provider carries the traffic itself, binds the
 *     admin socket, then starts the engine: bootstrap, then the home registration. The UDP
 *     socket is bound when the provider opens its path (right after bootstrap).</li>
 * <li>While running: {@code move} over the admin socket and changes of the followed interface
 *     both call {@link MobileNodeEngine#moveTo}; the engine refreshes the binding on its own.
 *     {@code home} calls {@link MobileNodeEngine#returnHome}: the node deregisters and keeps
 *     running; a later {@code move} registers again.</li>
 * <li>{@link #close}: stops following the interface, deregisters (lifetime 0, bounded by
 *     {@code mobile-node.shutdown-timeout}), removes the data plane (TUN device, rule, table),
 *     closes the admin socket and the pcap file.
 *     {@link org.mip6kit.daemon.TerminationSignals} calls it on SIGTERM and SIGINT.</li>
 * </ol>
 * If the first registration fails (bootstrap failed, the home agent refused, no answer after
 * every retransmission), the daemon closes itself and {@link #awaitTermination()} returns
 * {@link ExitStatus#FAILURE}.
 *
 * <h2>Under a service manager</h2>
 * With {@code NOTIFY_SOCKET} set ({@link SystemdNotifier}), {@link #run} sends
 * {@code STATUS=registering ...} once the engine runs and the signal handlers are installed, and
 * {@code READY=1} only when the home agent has accepted the first registration: what a node
 * offers is its home address, which is of no use before that, so units ordered after the mobile
 * node start once it is reachable there, and a first registration that fails makes
 * {@code systemctl start} fail (the daemon exits 1) instead of reporting a node that never
 * registered as started. {@link #close} starts with {@code STOPPING=1}.
 */
public final class MobileNodeDaemon implements AutoCloseable {

    /** The daemon's name in logs, on the admin socket ({@code ping}) and for its threads. */
    public static final String NAME = "mobile-node";
    /** Admin command: the registration snapshot ({@link MobileNodeStatus}). */
    public static final String STATUS = "status";
    /** Admin command: {@code {"command":"move","careOf":"192.0.2.10"}}. */
    public static final String MOVE = "move";
    /**
     * Admin command: {@code {"command":"home"}}: the node is back on its home link; it deregisters
     * ({@link MobileNodeEngine#returnHome}) and keeps running, ready to move away again.
     */
    public static final String HOME = "home";
    /** How long {@code move} and {@code home} wait for the home agent's acknowledgement before answering anyway. */
    public static final Duration MOVE_WAIT = Duration.ofSeconds(8);

    private static final Logger LOG = LoggerFactory.getLogger(MobileNodeEngine.LOGGER);

    /**
     * What the command line (or a test) adds to the file.
     *
     * @param pcap write all signalling to this pcap file
     * @param providers where the provider is chosen from
     * @param addresses where a followed interface's addresses come from
     * @param listeners extra engine event listeners (tests)
     * @param pcapMaxBytes the size at which the capture file is rotated ({@code --pcap-max-bytes})
     */
    public record Options(Optional<Path> pcap, DiscoveryReport providers, CareOfInterfaceWatcher.AddressSource addresses,
                          List<EngineEventListener> listeners, long pcapMaxBytes) {
        public Options {
            Objects.requireNonNull(pcap, "pcap");
            Objects.requireNonNull(providers, "providers");
            Objects.requireNonNull(addresses, "addresses");
            listeners = List.copyOf(listeners);
        }

        /** No pcap, the providers on this class's class loader, the system's interfaces. */
        public static Options defaults() {
            return new Options(Optional.empty(), SecurityProviders.discover(MobileNodeDaemon.class.getClassLoader()),
                    CareOfInterfaceWatcher.AddressSource.system(), List.of(),
                    PacketCapture.DEFAULT_MAX_BYTES);
        }

        public Options withPcap(Path file) {
            return new Options(Optional.ofNullable(file), providers, addresses, listeners, pcapMaxBytes);
        }

        /** A capture to {@code file}, rotated to {@code FILE.1} at {@code maxBytes}. */
        public Options withPcap(Path file, long maxBytes) {
            return new Options(Optional.ofNullable(file), providers, addresses, listeners, maxBytes);
        }

        public Options withProviders(DiscoveryReport report) {
            return new Options(pcap, report, addresses, listeners, pcapMaxBytes);
        }

        public Options withAddresses(CareOfInterfaceWatcher.AddressSource source) {
            return new Options(pcap, providers, source, listeners, pcapMaxBytes);
        }

        public Options withListener(EngineEventListener listener) {
            List<EngineEventListener> more = new ArrayList<>(listeners);
            more.add(listener);
            return new Options(pcap, providers, addresses, more, pcapMaxBytes);
        }
    }

    private final MobileNodeConfig config;
    private final Clock clock;
    private final ExecutorScheduler scheduler;
    private final PacketCapture capture;
    /** The sockets a provider opens of its own; closed after the engine. */
    private final SocketProviderNetwork network = new SocketProviderNetwork();
    private final AtomicReference<InetSocketAddress> localUdp = new AtomicReference<>();
    private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
    private final CompletableFuture<MobileNodeEngine.Registration> firstRegistration = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private MobileNodeEngine engine;
    private AdminServer admin;
    private CareOfInterfaceWatcher watcher;
    /** The data plane; null when {@code data-plane.enabled} is false. */
    private volatile MobileNodeDataPlane dataPlane;
    private boolean closed;
    private volatile SystemdNotifier notifier = SystemdNotifier.disabled();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();

    private MobileNodeDaemon(MobileNodeConfig config, Clock clock, ExecutorScheduler scheduler, PacketCapture capture) {
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.capture = capture;
        scheduler.onFatalError(this::fatalError);
    }

    /**
     * Stops the mobile node because signalling cannot go on: the receive loop or a timer died of
     * an {@link Error} (out of memory, stack overflow) or the socket failed under it. Logs one
     * ERROR line and closes the daemon on a thread of its own with {@link ExitStatus#FAILURE}.
     * Only the first call counts.
     */
    void fatalError(Throwable e) {
        if (!fatal.compareAndSet(null, e)) {
            return;
        }
        LOG.error("mobile node stopping on a fatal error: {}; signalling is no longer received, so the daemon exits "
                + "with status {} (see docs/errors.md#fatal-signalling-error)", e.toString(), ExitStatus.FAILURE);
        Thread stopper = new Thread(() -> close(ExitStatus.FAILURE), "mip6-mn-fatal-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** What stopped the daemon on a {@linkplain #fatalError fatal error}, if anything did. */
    public Optional<Throwable> fatalErrorCause() {
        return Optional.ofNullable(fatal.get());
    }

    /**
     * Starts the mobile node as {@code config} and {@code options} say. Returns once the admin
     * socket answers and the first Binding Update is on its way; {@link #firstRegistration()}
     * completes when the home agent accepts it.
     *
     * @throws ProviderConfigException if the {@code security} section or the provider's own
     *         section is wrong (exit status 2)
     * @throws ProviderSelectionException if the provider cannot be chosen (exit status 2)
     * @throws DaemonStartException if the pcap file, the admin socket or the followed interface
     *         cannot be used (exit status 1)
     */
    public static MobileNodeDaemon start(MobileNodeConfig config, Options options)
            throws ProviderConfigException, ProviderSelectionException, DaemonStartException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(options, "options");
        LogbackLevels.apply(config.daemon().logging());
        SelectedProvider provider = SelectedProvider.select(config.root(), options.providers());
        MobileNodeSection.CareOfSource careOf = config.mobileNode().careOf();
        Ipv6Address initialCareOf = initialCareOf(careOf, options.addresses());

        Clock clock = Clock.systemUTC();
        PacketCapture capture = null;
        if (options.pcap().isPresent()) {
            try {
                capture = PacketCapture.open(options.pcap().get(), clock, options.pcapMaxBytes());
            } catch (IOException | IllegalArgumentException e) {
                throw new DaemonStartException("cannot write the pcap file " + options.pcap().get() + ": "
                        + e.getMessage(), e);
            }
        }
        ExecutorScheduler scheduler = new ExecutorScheduler("mip6-mn", 2);
        if (capture != null) {
            capture.flushEvery(scheduler, PacketCapture.FLUSH_INTERVAL);
        }
        MobileNodeDaemon daemon = new MobileNodeDaemon(config, clock, scheduler, capture);
        try {
            daemon.startParts(provider, initialCareOf, options);
            return daemon;
        } catch (ProviderConfigException | DaemonStartException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    private static Ipv6Address initialCareOf(MobileNodeSection.CareOfSource careOf,
                                             CareOfInterfaceWatcher.AddressSource addresses) throws DaemonStartException {
        if (careOf.address().isPresent()) {
            return careOf.address().get();
        }
        String name = careOf.interfaceName().orElseThrow();
        try {
            return CareOfInterfaceWatcher.currentAddress(addresses, name).orElseThrow(() -> new DaemonStartException(
                    "the care-of interface " + name + " is missing, down, or has no global unicast address, and "
                            + "mobile-node.care-of.address is not set: bring the interface up or set the address"));
        } catch (IOException e) {
            throw new DaemonStartException("cannot read the addresses of the care-of interface " + name + ": "
                    + e.getMessage(), e);
        }
    }

    private void startParts(SelectedProvider provider, Ipv6Address initialCareOf, Options options)
            throws ProviderConfigException, DaemonStartException {
        MobileNodeEngine.Builder b = MobileNodeEngine.builder()
                .provider(provider.factory(), provider.section())
                .settings(config.mobileNode().settings())
                .transports(transports(config.daemon().udp()))
                .network(capture == null ? network : new CapturingProviderNetwork(network, capture))
                .clock(clock)
                .scheduler(scheduler)
                .careOfAddress(initialCareOf);
        options.listeners().forEach(b::listener);
        MobileNodeDataPlane plane = config.dataPlane().enabled() ? new MobileNodeDataPlane(config.dataPlane()) : null;
        if (plane != null) {
            b.tunnel(plane);
        }
        MobileNodeEngine e = b.build();
        synchronized (lifecycle) {
            engine = e;
            dataPlane = plane;
        }
        if (plane != null) {
            plane.open(e.capabilities(), provider.name(), config.mobileNode().settings().homeAddress().orElseThrow(),
                    config.mobileNode().settings().mobileRouter());
        }
        LOG.info("mobile node starting: provider {}; care-of {}{}; home agent {} via udp {}; config {}",
                provider.describe(), CareOfAddresses.display(initialCareOf),
                config.mobileNode().careOf().interfaceName().map(n -> " (following interface " + n + ")").orElse(""),
                config.mobileNode().settings().homeAgent().map(Ipv6Address::toString).orElse("(from bootstrap)"),
                describeConfigured(config.mobileNode().settings().homeAgentEndpoints()), config.file());
        try {
            AdminServer server = AdminServer.builder(config.daemon().adminSocket())
                    .daemon(NAME)
                    .command(STATUS, (request, reply) -> {
                        status().writeTo(reply);
                        writeDataPlane(reply);
                    })
                    .command(MOVE, this::move)
                    .command(HOME, this::home)
                    .start();
            synchronized (lifecycle) {
                admin = server;
            }
        } catch (AdminException ex) {
            throw new DaemonStartException(ex.getMessage(), ex);
        }
        e.start().whenComplete((registration, failure) -> {
            if (failure == null) {
                firstRegistration.complete(registration);
                return;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            firstRegistration.completeExceptionally(cause);
            if (!isClosed()) {
                LOG.error("mobile node stops: the first home registration failed: {}", cause.getMessage());
                // Not on the engine's own thread: close() waits for the engine's threads.
                Thread stopper = new Thread(() -> close(ExitStatus.FAILURE), "mip6-mn-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
        });
        config.mobileNode().careOf().interfaceName().ifPresent(name -> {
            CareOfInterfaceWatcher w = new CareOfInterfaceWatcher(name, options.addresses(), scheduler,
                    config.mobileNode().careOf().pollInterval(), initialCareOf, e::careOfAddress, this::moveQuietly);
            synchronized (lifecycle) {
                watcher = w;
            }
            w.start();
        });
    }

    /** Opens the UDP socket when the provider asks, remembering where it is bound; through pcap when asked. */
    private TransportFactory transports(UdpTransport.Config udp) {
        return () -> {
            UdpTransport t = DaemonSettings.openUdp(udp, config.file());
            t.onFatalError(this::fatalError);
            MobileNodeDataPlane plane = dataPlane;
            if (plane != null) {
                // RFC 5555 §4: with an IPv4 care-of address the data shares the signalling socket.
                plane.attachUdp(t, config.mobileNode().settings().homeAgentEndpoints());
            }
            localUdp.set(t.localAddress());
            LOG.info("mobile node signalling on udp {}", describe(t.localAddress()));
            SignallingTransport s = capture == null ? t : new CapturingTransport(t, t.localAddress(), capture);
            return s;
        };
    }

    // ------------------------------------------------------------------ admin commands

    /** The registration snapshot now. */
    public MobileNodeStatus status() {
        MobileNodeEngine e;
        synchronized (lifecycle) {
            e = engine;
        }
        return MobileNodeStatus.of(e, clock.instant(), config.mobileNode().careOf().interfaceName(),
                Optional.ofNullable(localUdp.get()).map(MobileNodeDaemon::describe));
    }

    /** The {@code dataPlane} object of the status answer: whether it runs, its device and counters. */
    private void writeDataPlane(ObjectNode reply) {
        MobileNodeDataPlane plane = dataPlane;
        ObjectNode dp = reply.putObject("dataPlane");
        dp.put("enabled", plane != null && plane.running());
        if (plane != null) {
            dp.put("tun", plane.config().tunName());
            dp.put("mtu", plane.config().mtu());
            dp.put("routingTable", plane.config().routingTable());
            ObjectNode counters = dp.putObject("counters");
            plane.counters().forEach(counters::put);
        }
    }

    private void move(ObjectNode request, ObjectNode reply) throws AdminException {
        JsonNode text = request.get("careOf");
        if (text == null || !text.isTextual()) {
            throw new AdminException("move needs \"careOf\": an IPv6 or IPv4 address, such as "
                    + "{\"command\":\"move\",\"careOf\":\"192.0.2.10\"}");
        }
        Ipv6Address to;
        try {
            to = CareOfAddresses.parse(text.textValue());
        } catch (IllegalArgumentException e) {
            throw new AdminException(e.getMessage());
        }
        CompletableFuture<MobileNodeEngine.Registration> moved;
        try {
            if (config.mobileNode().settings().homeAddress().or(() -> engine.registration()
                    .map(MobileNodeEngine.Registration::homeAddress)).filter(to::equals).isPresent()) {
                throw new IllegalArgumentException("that is the home address; a care-of address is where the node "
                        + "is away from home (back on the home link: `mip6kit mn home` deregisters)");
            }
            LOG.info("care-of change to {} requested through the admin socket", CareOfAddresses.display(to));
            moved = engine.moveTo(to).toCompletableFuture();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new AdminException("cannot move to " + CareOfAddresses.display(to) + ": " + e.getMessage());
        }
        try {
            moved.get(MOVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            reply.put("acknowledged", true);
        } catch (TimeoutException e) {
            reply.put("acknowledged", false);
            reply.put("detail", "the Binding Update for " + CareOfAddresses.display(to) + " is out but the home agent "
                    + "has not acknowledged it within " + MOVE_WAIT.toSeconds() + " s; the node keeps retransmitting");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new AdminException("the move to " + CareOfAddresses.display(to) + " failed: " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted while waiting for the home agent");
        }
        status().writeTo(reply);
    }

    private void home(ObjectNode request, ObjectNode reply) throws AdminException {
        CompletableFuture<Void> home;
        try {
            LOG.info("return home requested through the admin socket");
            home = engine.returnHome().toCompletableFuture();
        } catch (IllegalStateException e) {
            throw new AdminException("cannot return home: " + e.getMessage());
        }
        try {
            home.get(MOVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            reply.put("acknowledged", true);
        } catch (TimeoutException e) {
            reply.put("acknowledged", false);
            reply.put("detail", "the deregistration is out but the home agent has not acknowledged it within "
                    + MOVE_WAIT.toSeconds() + " s; the node keeps retransmitting");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new AdminException("the return home failed: " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted while waiting for the home agent");
        }
        status().writeTo(reply);
    }

    private void moveQuietly(Ipv6Address to) {
        engine.moveTo(to).whenComplete((r, e) -> {
            if (e != null && !(unwrap(e) instanceof MobileNodeRegistrationException m
                    && m.reason() == MobileNodeRegistrationException.Reason.SUPERSEDED)) {
                LOG.warn("the move to {} failed: {}", CareOfAddresses.display(to), unwrap(e).getMessage());
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    // ------------------------------------------------------------------ the command line's entry

    /**
     * {@code mip6kit mn run}: loads {@code configFile}, starts the daemon, installs the SIGTERM and
     * SIGINT handling ({@link TerminationSignals}: deregister, then exit 0) and waits until it
     * stops. Errors go to {@code err} as one line for the operator.
     *
     * @return {@link ExitStatus#BAD_CONFIGURATION} for a wrong file or an unknown provider;
     *         {@link ExitStatus#FAILURE} if the daemon could not start or its first registration
     *         failed; {@link ExitStatus#OK} once it has stopped cleanly
     */
    public static int run(Path configFile, Optional<Path> pcap, PrintWriter err) {
        return run(configFile, pcap, PacketCapture.DEFAULT_MAX_BYTES, err);
    }

    /** As {@link #run(Path, Optional, PrintWriter)}, rotating the capture at {@code pcapMaxBytes}. */
    public static int run(Path configFile, Optional<Path> pcap, long pcapMaxBytes, PrintWriter err) {
        MobileNodeConfig config;
        try {
            config = MobileNodeConfig.load(configFile);
        } catch (ProviderConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitStatus.BAD_CONFIGURATION;
        }
        Options options = Options.defaults();
        if (pcap.isPresent()) {
            options = options.withPcap(pcap.get(), pcapMaxBytes);
        }
        MobileNodeDaemon daemon;
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
        TerminationSignals.install("mip6-mn", daemon::close);
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            LOG.error("thread {} died: {}", thread.getName(), e.toString(), e);
            if (e instanceof Error) {
                daemon.fatalError(e);
            }
        });
        daemon.notifyServiceManager(SystemdNotifier.fromEnvironment());
        try {
            int status = daemon.awaitTermination();
            if (daemon.fatalErrorCause().isPresent()) {
                err.println("mip6kit mn run: stopped on a fatal error: " + daemon.fatalErrorCause().get()
                        + " (see docs/errors.md#fatal-signalling-error)");
                err.flush();
            } else if (status != ExitStatus.OK) {
                err.println("mip6kit mn run: the first home registration failed: "
                        + daemon.firstRegistration().handle((r, e) -> e == null ? "" : unwrap(e).getMessage()).join());
                err.flush();
            }
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            daemon.close();
            return ExitStatus.OK;
        }
    }

    // ------------------------------------------------------------------ service manager

    /**
     * {@code STATUS=registering ...} now, {@code READY=1} when the first registration is accepted
     * (see the class comment for why then). Does nothing with a disabled notifier.
     */
    void notifyServiceManager(SystemdNotifier serviceManager) {
        Objects.requireNonNull(serviceManager, "serviceManager");
        notifier = serviceManager;
        if (!serviceManager.enabled()) {
            return;
        }
        serviceManager.status("registering with the home agent "
                + config.mobileNode().settings().homeAgent().map(Ipv6Address::toString).orElse("(from bootstrap)")
                + " via udp " + describeConfigured(config.mobileNode().settings().homeAgentEndpoints()));
        firstRegistration.thenAccept(r -> {
            if (!isClosed()) {
                serviceManager.ready(registeredStatus(r));
            }
        });
    }

    /** {@code registered 2001:db8:1::100 at care-of 2001:db8:2::100 with home agent 2001:db8:1::1}. */
    static String registeredStatus(MobileNodeEngine.Registration r) {
        return "registered " + r.homeAddress() + " at care-of " + CareOfAddresses.display(r.careOfAddress())
                + " with home agent " + r.homeAgent();
    }

    // ------------------------------------------------------------------ accessors

    /** Completes with the first accepted registration, or exceptionally if it failed. */
    public CompletableFuture<MobileNodeEngine.Registration> firstRegistration() {
        return firstRegistration.copy();
    }

    /** The engine (for tests and embedding). */
    public MobileNodeEngine engine() {
        return engine;
    }

    /** The admin socket's path. */
    public Path adminSocket() {
        return config.daemon().adminSocket();
    }

    /** Where the UDP socket is bound, once the provider opened it. */
    public Optional<InetSocketAddress> localUdpAddress() {
        return Optional.ofNullable(localUdp.get());
    }

    public MobileNodeConfig config() {
        return config;
    }

    /** The configured endpoints, {@code [2001:db8::1]:4191 or 192.0.2.1:4191}, or where they come from. */
    private static String describeConfigured(List<InetSocketAddress> configured) {
        return configured.isEmpty() ? "(from bootstrap)"
                : String.join(" or ", configured.stream().map(MobileNodeDaemon::describe).toList());
    }

    /** {@code [2001:db8::1]:4191} (RFC 5952 text) or {@code 192.0.2.1:4191}, for log lines and the status. */
    static String describe(InetSocketAddress endpoint) {
        if (endpoint.getAddress() instanceof java.net.Inet6Address v6) {
            return "[" + Ipv6Address.fromBytes(v6.getAddress()) + "]:" + endpoint.getPort();
        }
        return (endpoint.getAddress() == null ? endpoint.getHostString() : endpoint.getAddress().getHostAddress())
                + ":" + endpoint.getPort();
    }

    // ------------------------------------------------------------------ stopping

    /** Waits until the daemon has stopped; returns its exit status. */
    public int awaitTermination() throws InterruptedException {
        try {
            return terminated.get();
        } catch (ExecutionException e) {
            return ExitStatus.FAILURE;
        }
    }

    public boolean isClosed() {
        synchronized (lifecycle) {
            return closed;
        }
    }

    /** What the engine's shutdown will do, for the one line that says the node is stopping. */
    static String stoppingWhat(MobileNodeEngine e) {
        if (e.registration().isPresent()) {
            return "deregistering first";
        }
        if (e.awaitingAnswer().isPresent()) {
            return "not registered; withdrawing the unanswered Binding Update with a deregistration in case "
                    + "the home agent accepted it";
        }
        return "not registered, nothing to deregister";
    }

    /** Deregisters, then closes everything; exit status {@link ExitStatus#OK}. Idempotent. */
    @Override
    public void close() {
        close(ExitStatus.OK);
    }

    private void close(int status) {
        CareOfInterfaceWatcher w;
        MobileNodeEngine e;
        AdminServer a;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            w = watcher;
            e = engine;
            a = admin;
        }
        try {
            if (e != null) {
                notifier.stopping("stopping: " + stoppingWhat(e));
            }
            if (w != null) {
                w.close();
            }
            if (e != null) {
                LOG.info("mobile node stopping: {}", stoppingWhat(e));
                e.close();
            }
            MobileNodeDataPlane plane = dataPlane;
            if (plane != null) {
                plane.close();   // after the engine: the deregistration has left through the old paths
            }
            network.close();
            if (a != null) {
                a.close();
            }
            if (capture != null) {
                capture.close();
                LOG.info("pcap {}: {} packets written", capture.file(), capture.packetsWritten());
            }
            scheduler.shutdown(Duration.ofSeconds(2));
            LOG.info("mobile node stopped");
        } finally {
            terminated.complete(status);
        }
    }
}
