package org.mip6kit.engine;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAddressBook;
import org.mip6kit.spi.HomeAddressException;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeHandle;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.HomeAgentSwitch;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4AddressAcknowledgement;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv4HomeAddressRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.engine.EngineEvent.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mobile node side of Mobile IPv6 home registration (RFC 6275 §11): bootstrap through the security provider, the Binding Update List, home registration
 * with retransmission and back-off, refresh before expiry, movement, return home and a clean
 * shutdown that deregisters first. The engine never touches keys or sockets: the provider's
 * {@link SignallingPath} protects and carries every message, and time comes from the injected
 * {@link Clock} and {@link Scheduler}.
 *
 * <h2>Rules it follows</h2>
 * <ul>
 * <li>Every Binding Update carries A and H; K only when the provider declares
 *     {@link Capability#IKE_SURVIVES_MOVE}; F when the care-of address is IPv4 (RFC 5555).</li>
 * <li>Every Binding Update, retransmissions included, has a fresh, larger sequence number.</li>
 * <li>From an IPv6 care-of address: source = care-of address, Home Address option = home
 *     address, plus an Alternate Care-of Address option when the provider declares
 *     {@link Capability#NEEDS_ALTERNATE_COA}. From an IPv4 care-of address (IPv4-mapped): source =
 *     home address, no Home Address option, the care-of address in the IPv4 Care-of Address
 *     option (docs/protocol-notes.md#rfc-5555-udp; the option sits inside the Mobility Header, so no
 *     Alternate Care-of Address is needed). Returning home: lifetime 0 from the home address
 *     without a Home Address option (RFC 6275 §11.5.4).</li>
 * <li>The first Binding Update waits {@code initialBindAckTimeoutFirstReg}, later ones
 *     {@code initialBindAckTimeout}; the timeout doubles up to {@code maxBindAckTimeout}; after
 *     {@code giveUpAfterRetransmissions} unanswered retransmissions the attempt gives up. No more
 *     than {@code maxUpdatesPerSecond} Binding Updates leave per second for one destination: an
 *     excess one is delayed, not dropped.</li>
 * <li>When {@value #SILENT_AFTER_UNANSWERED} Binding Updates in a row run out their timeout
 *     with nothing verified from the home agent, one {@link Kind#HOME_AGENT_SILENT} event (a WARN
 *     line) names where they went: the home agent's UDP endpoint, or the provider's channel. The
 *     next verified message ends that outage ({@link Kind#HOME_AGENT_ANSWERS}); how long the node
 *     has waited is {@link #awaitingAnswer()}.</li>
 * <li>Received messages are decoded (checksum included), then judged by
 *     {@link SignallingPath#verify}; nothing but {@link Verdict.Accept} is ever acted on, so a
 *     forged acknowledgement cannot change any state.</li>
 * <li>A Binding Acknowledgement is matched against the sequence numbers sent for the
 *     outstanding Binding Update (any of its transmissions); status 135 is the exception and
 *     resynchronises the counter to the acknowledgement's number + 1. The granted lifetime is
 *     counted from when the acknowledged Binding Update was sent.</li>
 * <li>Behind a NAT (an accepted Binding Acknowledgement for an IPv4 care-of address carries a
 *     NAT Detection option with a refresh time), the registration is refreshed at least every
 *     refresh time; that Binding Update is the NAT keepalive of RFC 5555 §4.1. A move, a
 *     deregistration or expiry ends it.</li>
 * <li>A care-of change is announced to the provider first
 *     ({@link MobileNodeSecurity#careOfChanging}); the Binding Update leaves only after the
 *     provider's stage completes.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Thread-safe. Protocol state is guarded by one lock; the provider's path is called (send,
 * close) and caller stages are completed on the scheduler's executor, never while the lock is
 * held, so a path that delivers synchronously cannot re-enter half-updated state. Under
 * {@link VirtualTime}, stages therefore complete when the test advances or drains the clock.
 */
public final class MobileNodeEngine implements AutoCloseable {

    /** The logger (and event source) name of the mobile node. */
    public static final String LOGGER = "org.mip6kit.mn";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int REMEMBERED_TRANSMISSIONS = 64;
    /**
     * After this many Binding Updates in a row run out their timeout unanswered, the engine says
     * so ({@link Kind#HOME_AGENT_SILENT}, a WARN line) instead of staying quiet until it gives up.
     */
    public static final int SILENT_AFTER_UNANSWERED = 3;

    /**
     * How long the node has been waiting for its home agent: a snapshot, immutable.
     *
     * @param since when the first Binding Update left that nothing from the home agent has answered
     * @param bindingUpdates how many Binding Updates (retransmissions included) left since then
     * @param timedOut how many of them ran out their acknowledgement timeout
     */
    public record AwaitingAnswer(Instant since, int bindingUpdates, int timedOut) {
        public AwaitingAnswer {
            Objects.requireNonNull(since, "since");
            if (bindingUpdates < 1 || timedOut < 0 || timedOut > bindingUpdates) {
                throw new IllegalArgumentException("need 1 <= bindingUpdates and 0 <= timedOut <= bindingUpdates, got "
                        + bindingUpdates + " and " + timedOut);
            }
        }

        /** How long the node has waited at {@code now} (never negative). */
        public Duration waitedAt(Instant now) {
            Duration d = Duration.between(since, now);
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    /**
     * A home registration the home agent accepted: a snapshot, immutable.
     *
     * @param identity the mobile node's identity, as bootstrap established it
     * @param homeAddress the registered home address
     * @param careOfAddress the registered care-of address (IPv4 as IPv4-mapped)
     * @param homeAgent the home agent that accepted it
     * @param sequence the sequence number of the accepted Binding Update
     * @param grantedLifetime the lifetime in force (the smaller of requested and granted)
     * @param expiresAt when the binding expires: the Binding Update's send time + granted lifetime
     * @param keyManagementMobility the acknowledgement's K flag (only when our Binding Update set K):
     *        the home agent moves its IKE SA with the care-of address
     */
    public record Registration(Identity identity, Ipv6Address homeAddress, Ipv6Address careOfAddress,
                               Ipv6Address homeAgent, SequenceNumber sequence, Lifetime grantedLifetime,
                               Instant expiresAt, boolean keyManagementMobility) {
        public Registration {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(homeAddress, "homeAddress");
            Objects.requireNonNull(careOfAddress, "careOfAddress");
            Objects.requireNonNull(homeAgent, "homeAgent");
            Objects.requireNonNull(sequence, "sequence");
            Objects.requireNonNull(grantedLifetime, "grantedLifetime");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    private enum Phase { NEW, BOOTSTRAPPING, READY, FAILED }

    private final MobileNodeSecurity security;
    private final ProviderDescriptor descriptor;
    private final Set<Capability> capabilities;
    private final MobileNodeSettings settings;
    private final TransportFactory transports;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Executor executor;
    private final EngineEvents events;
    private final MobilityHeaderCodec codec;

    private final Object lock = new Object();
    // Everything below is guarded by lock.
    private final BindingUpdateList bul;
    private Phase phase = Phase.NEW;
    private final List<CompletableFuture<Registration>> awaitingBootstrap = new ArrayList<>();
    private Identity identity;
    private Ipv6Address homeAddress;
    private Ipv6Address homeAgent;
    private final TunnelEndpointListener tunnel;
    private List<InetSocketAddress> homeAgentEndpoints = List.of();
    private Ipv4Address ipv4HomeAddress;
    private volatile SignallingPath path;
    private Ipv6Address careOf;
    private Ipv6Address providerCareOf;
    private Registration current;
    private Attempt outstanding;
    private Cancellable refreshTimer;
    private long refreshGeneration;
    private final ArrayDeque<Move> moves = new ArrayDeque<>();
    private boolean moveInProgress;
    private boolean closing;
    private boolean closed;
    private boolean providerFailed;
    private MobileNodeRegistrationException providerFailure;
    private Move preparingMove;
    private boolean rebootstrapQueued;
    private Instant lastRebootstrap = Instant.MIN;
    private Cancellable expiryTimer;
    private CompletableFuture<Void> shutdown;
    private Cancellable shutdownTimer;
    // The current stretch of silence from the home agent: since the first unanswered Binding Update.
    private Instant unansweredSince;
    private int unansweredSent;
    private int unansweredTimedOut;
    private boolean silenceReported;

    private MobileNodeEngine(Builder b, MobileNodeSecurity security, MobilityHeaderCodec codec, EngineEvents events) {
        this.security = security;
        this.descriptor = b.factory.descriptor();
        this.capabilities = instanceCapabilities(descriptor, security.capabilities());
        this.settings = b.settings;
        this.transports = b.transports;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
        this.executor = b.scheduler.executor();
        this.events = events;
        this.codec = codec;
        this.careOf = b.careOf;
        this.providerCareOf = b.careOf;
        this.tunnel = b.tunnel;
        SequenceNumber configured = settings.initialSequence().orElse(null);
        this.bul = new BindingUpdateList(clock, settings.maxUpdatesPerSecond(),
                () -> configured != null ? configured : SequenceNumber.of(RANDOM.nextInt(0x10000)));
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ public API

    /**
     * Bootstraps through the provider ({@link MobileNodeSecurity#bootstrap} with the settings'
     * request), opens and starts the signalling path, and sends the first home registration.
     * Completes with the registration when the first Binding Acknowledgement is accepted, or
     * exceptionally with a {@link MobileNodeRegistrationException} (bootstrap failed, gave up,
     * refused). Callable once.
     *
     * @throws IllegalStateException if called twice
     */
    public CompletionStage<Registration> start() {
        CompletableFuture<Registration> f = new CompletableFuture<>();
        synchronized (lock) {
            if (closing) {
                return CompletableFuture.failedFuture(closedException());
            }
            if (phase != Phase.NEW) {
                throw new IllegalStateException("start() was already called");
            }
            phase = Phase.BOOTSTRAPPING;
            awaitingBootstrap.add(f);
        }
        try {
            security.attach(handle);
        } catch (RuntimeException e) {
            LOG.warn("provider {} failed in attach (ignored): {}", descriptor.name(), e.toString());
        }
        runBootstrap();
        return f.copy();
    }

    /**
     * The node moved to {@code newCareOf} (an IPv4 address as IPv4-mapped). The provider is told
     * first ({@link MobileNodeSecurity#careOfChanging}); when its stage completes, a Binding
     * Update with a new sequence number registers the new address. Completes with the new
     * registration; a later move that replaces this one before it is acknowledged completes it
     * with its own result.
     *
     * @throws IllegalStateException before {@link #start()}
     * @throws IllegalArgumentException if {@code newCareOf} is the home address (use {@link #returnHome()})
     */
    public CompletionStage<Registration> moveTo(Ipv6Address newCareOf) {
        Objects.requireNonNull(newCareOf, "newCareOf");
        CompletableFuture<Registration> f = new CompletableFuture<>();
        synchronized (lock) {
            if (closing) {
                return CompletableFuture.failedFuture(closedException());
            }
            if (phase == Phase.NEW) {
                throw new IllegalStateException("call start() before moveTo()");
            }
            if (providerFailed) {
                return CompletableFuture.failedFuture(providerFailure);
            }
            if (newCareOf.equals(homeAddress)) {
                throw new IllegalArgumentException(newCareOf + " is the home address: use returnHome() to deregister");
            }
            moves.add(new Move(newCareOf, false, f));
            pumpMoves();
        }
        return f.copy();
    }

    /**
     * The node is back on its home link: tells the provider the address changes to the home
     * address, then deregisters (lifetime 0, care-of address = home address, sent from the home
     * address without a Home Address option; RFC 6275 §11.5.4). Completes when the home agent
     * acknowledges.
     *
     * @throws IllegalStateException before bootstrap has completed
     */
    public CompletionStage<Void> returnHome() {
        CompletableFuture<Registration> f = new CompletableFuture<>();
        synchronized (lock) {
            if (closing) {
                return CompletableFuture.failedFuture(closedException());
            }
            if (homeAddress == null) {
                throw new IllegalStateException("returnHome() needs a completed bootstrap (the home address is not known yet)");
            }
            if (providerFailed) {
                return CompletableFuture.failedFuture(providerFailure);
            }
            moves.add(new Move(homeAddress, true, f));
            pumpMoves();
        }
        return f.thenApply(r -> (Void) null);
    }

    /** The registration in force: empty before the first acceptance, after deregistration, or once it expired. */
    public Optional<Registration> registration() {
        synchronized (lock) {
            return registrationInForce() ? Optional.of(current) : Optional.empty();
        }
    }

    /** The care-of address the engine is using (the home address when at home). */
    public Ipv6Address careOfAddress() {
        synchronized (lock) {
            return careOf;
        }
    }

    /**
     * How long the node has waited for its home agent: present while a Binding Update is
     * outstanding and nothing verified has come from the home agent since the first Binding
     * Update of this stretch left (a refresh that is answered at once shows a wait of a moment;
     * an outage shows its full length, across retransmissions and new attempts). Empty when no
     * Binding Update is outstanding.
     */
    public Optional<AwaitingAnswer> awaitingAnswer() {
        synchronized (lock) {
            if (!isActive(outstanding) || unansweredSince == null) {
                return Optional.empty();
            }
            return Optional.of(new AwaitingAnswer(unansweredSince, unansweredSent, unansweredTimedOut));
        }
    }

    /** The settings this engine was built with (among them its mobile router mode, if any). */
    public MobileNodeSettings settings() {
        return settings;
    }

    /** The provider this engine was built with. */
    public ProviderDescriptor provider() {
        return descriptor;
    }

    /**
     * Starts a clean shutdown without waiting: if the home agent may hold a binding, a
     * deregistration (lifetime 0, from the current care-of address) is sent and its
     * acknowledgement awaited for at most {@code settings.shutdownTimeout} on the engine's
     * scheduler; then the signalling path and the provider are closed. Idempotent. The stage
     * completes once everything is closed.
     */
    public CompletionStage<Void> shutdown() {
        synchronized (lock) {
            if (shutdown != null) {
                return shutdown.copy();
            }
            shutdown = new CompletableFuture<>();
            closing = true;
            failAll(awaitingBootstrap, closedException());
            while (!moves.isEmpty()) {
                failAll(moves.poll().waiters, closedException());
            }
            if (preparingMove != null) {
                // The provider may never finish preparing that care-of change: do not wait for it.
                failAll(preparingMove.waiters, closedException());
                preparingMove = null;
            }
            boolean mayHaveBinding = phase == Phase.READY && path != null
                    && (registrationInForce() || isActive(outstanding));
            if (!mayHaveBinding) {
                finish("nothing to deregister");
            } else {
                CompletableFuture<Registration> deregistered = new CompletableFuture<>();
                if (isActive(outstanding) && outstanding.deregistration) {
                    outstanding.waiters.add(deregistered);
                } else {
                    if (isActive(outstanding)) {
                        failAll(outstanding.waiters, closedException());
                    }
                    beginAttempt(true, careOf, List.of(deregistered));
                }
                deregistered.whenComplete((r, e) -> locked(() -> finish(e == null ? "deregistered"
                        : "deregistration ended: " + e.getMessage())));
                shutdownTimer = scheduler.schedule(settings.shutdownTimeout(),
                        () -> locked(() -> finish("no acknowledgement of the deregistration within "
                                + settings.shutdownTimeout())));
            }
            return shutdown.copy();
        }
    }

    /**
     * Clean shutdown: deregisters first (bounded by {@code settings.shutdownTimeout}), then
     * closes the signalling path and the provider. With a real-time scheduler this waits for
     * the acknowledgement or the timeout. Under {@link VirtualTime} it cannot wait (the caller's
     * thread is the one that moves time), so it starts the shutdown and returns; the caller
     * advances the clock (or delivers the acknowledgement) to finish it, as with {@link #shutdown()}.
     */
    @Override
    public void close() {
        CompletionStage<Void> s = shutdown();
        if (!scheduler.callerMayWait()) {
            return;
        }
        try {
            s.toCompletableFuture().get(settings.shutdownTimeout().plusSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forceClose();
        } catch (ExecutionException | TimeoutException e) {
            forceClose();
        }
    }

    // ------------------------------------------------------------------ bootstrap

    private void runBootstrap() {
        CompletionStage<BootstrapResult> stage;
        try {
            Ipv6Address from;
            synchronized (lock) {
                from = careOf;
            }
            stage = security.bootstrap(settings.bootstrapRequest(from));
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new SecurityProviderException(
                        "provider " + descriptor.name() + " returned no bootstrap stage"));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenCompleteAsync((r, e) -> locked(() -> onBootstrapped(r, e)), executor);
    }

    private void onBootstrapped(BootstrapResult r, Throwable error) {
        if (closed || closing || providerFailed) {
            return;   // a failed provider is asked for nothing more, not even a path
        }
        if (error != null || r == null) {
            Throwable cause = unwrap(error);
            bootstrapFailed("bootstrap failed: " + (cause == null ? "no result" : message(cause)), cause);
            return;
        }
        Ipv6Address hoa = r.homeAddress().orElseGet(() -> formHomeAddress(r.homePrefix().orElseThrow()));
        identity = r.identity();
        homeAddress = hoa;
        homeAgent = r.homeAgent();
        // A provider that owns its channel knows where its home agent listens; configuration only fills gaps.
        homeAgentEndpoints = !r.homeAgentEndpoints().isEmpty() ? r.homeAgentEndpoints()
                : settings.homeAgentEndpoints();
        if (r.ipv4HomeAddress().isPresent()) {
            ipv4HomeAddress = r.ipv4HomeAddress().get();
        }
        emit(Kind.BOOTSTRAP_COMPLETED, careOf, null, "home agent " + homeAgent
                + (homeAgentEndpoints.isEmpty() ? "" : " via udp " + String.join(" or ",
                        homeAgentEndpoints.stream().map(MobileNodeEngine::endpointText).toList()))
                + r.homePrefix().map(p -> ", home prefix " + p).orElse("")
                + r.ipv4HomeAddress().map(a -> ", IPv4 home address " + a).orElse(""));
        SignallingPath old = path;
        if (old != null) {
            // A new bootstrap may have changed endpoints or the association: the path is made anew.
            path = null;
            closeQuietly(old);
        }
        try {
            SignallingPath p = security.path(transports);
            if (p == null) {
                throw new SecurityProviderException("provider " + descriptor.name() + " returned no signalling path");
            }
            path = p;
            p.start(in -> receive(p, in));
        } catch (RuntimeException e) {
            bootstrapFailed("the signalling path could not start: " + message(e), e);
            return;
        }
        phase = Phase.READY;
        List<CompletableFuture<Registration>> waiters = new ArrayList<>(awaitingBootstrap);
        awaitingBootstrap.clear();
        if (careOf.equals(homeAddress)) {
            failAll(waiters, new MobileNodeRegistrationException(MobileNodeRegistrationException.Reason.BOOTSTRAP_FAILED,
                    null, "the care-of address " + careOf + " is the home address: the node is at home and has "
                    + "nothing to register"));
            return;
        }
        beginAttempt(false, careOf, waiters);
    }

    private void bootstrapFailed(String detail, Throwable cause) {
        emit(Kind.BOOTSTRAP_FAILED, careOf, null, detail);
        phase = path != null ? Phase.READY : Phase.FAILED;
        failAll(awaitingBootstrap, new MobileNodeRegistrationException(
                MobileNodeRegistrationException.Reason.BOOTSTRAP_FAILED, null, detail, cause));
    }

    /** PREFIX_ONLY: the configured home address if it lies in the prefix, else the prefix with a random interface identifier. */
    private Ipv6Address formHomeAddress(HomePrefix prefix) {
        Optional<Ipv6Address> configured = settings.homeAddress().filter(prefix::contains);
        if (configured.isPresent()) {
            return configured.get();
        }
        int len = prefix.length();
        long highMask = len >= 64 ? 0 : (len == 0 ? -1L : -1L >>> len);
        long lowMask = len <= 64 ? -1L : (len >= 128 ? 0 : -1L >>> (len - 64));
        while (true) {
            Ipv6Address a = Ipv6Address.of(prefix.prefix().high() | (RANDOM.nextLong() & highMask),
                    prefix.prefix().low() | (RANDOM.nextLong() & lowMask));
            if (!a.equals(prefix.prefix()) || (highMask == 0 && lowMask == 0)) {
                return a;
            }
        }
    }

    // ------------------------------------------------------------------ movement

    private void pumpMoves() {
        if (moveInProgress || moves.isEmpty()) {
            return;
        }
        Move m = moves.poll();
        moveInProgress = true;
        preparingMove = m;
        Ipv6Address from = providerCareOf;
        if (from.equals(m.to)) {
            executor.execute(() -> locked(() -> onCareOfReady(m, from, null)));
        } else {
            executor.execute(() -> askProvider(m, from));
        }
    }

    private void askProvider(Move m, Ipv6Address from) {
        CompletionStage<Void> stage;
        try {
            stage = security.careOfChanging(from, m.to);
            if (stage == null) {
                stage = CompletableFuture.completedFuture(null);
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenCompleteAsync((v, e) -> locked(() -> onCareOfReady(m, from, e)), executor);
    }

    private void onCareOfReady(Move m, Ipv6Address from, Throwable error) {
        if (closing || closed) {
            moveInProgress = false;
            failAll(m.waiters, closedException());
            return;
        }
        if (providerFailed) {
            moveInProgress = false;   // its waiters were failed with the provider
            return;
        }
        if (error != null) {
            m.failures++;
            String why = message(unwrap(error));
            int limit = settings.giveUpAfterRetransmissions();
            if (limit > 0 && m.failures > limit) {
                moveInProgress = false;
                preparingMove = null;
                String detail = "the provider could not prepare the care-of change from " + from + " to " + m.to
                        + " after " + m.failures + " attempts: " + why;
                emit(Kind.REGISTRATION_GAVE_UP, m.to, null, detail);
                failAll(m.waiters, new MobileNodeRegistrationException(
                        MobileNodeRegistrationException.Reason.CARE_OF_CHANGE_FAILED, null, detail, unwrap(error)));
                pumpMoves();
                return;
            }
            Duration delay = backOff(settings.initialBindAckTimeout(), m.failures - 1);
            emit(Kind.SEND_FAILED, m.to, null, "the provider is not ready for the care-of change from " + from
                    + " to " + m.to + " (" + why + "); asking again in " + delay);
            scheduler.schedule(delay, () -> {
                boolean stillWanted;
                synchronized (lock) {
                    stillWanted = !providerFailed && !closing && !closed;
                }
                if (stillWanted) {
                    askProvider(m, from);
                }
            });
            return;
        }
        moveInProgress = false;
        preparingMove = null;
        providerCareOf = m.to;
        Ipv6Address previous = careOf;
        careOf = m.to;
        if (!previous.equals(m.to)) {
            emit(Kind.CARE_OF_CHANGED, m.to, null, "from " + previous + (m.home ? " (home link)" : ""));
        }
        if (!moves.isEmpty()) {
            // A later move already waits: this address is history, its caller gets the later result.
            Move next = moves.peek();
            if (next.home == m.home) {
                next.waiters.addAll(m.waiters);
            } else {
                failAll(m.waiters, superseded(m.home ? "a move away from home" : "return home"));
            }
            pumpMoves();
            return;
        }
        if (phase == Phase.FAILED) {
            failAll(m.waiters, new MobileNodeRegistrationException(
                    MobileNodeRegistrationException.Reason.BOOTSTRAP_FAILED, null, "bootstrap failed; nothing to move"));
            return;
        }
        if (phase != Phase.READY) {
            // Bootstrap is still running: it registers from careOf when it completes.
            if (m.home) {
                failAll(m.waiters, new IllegalStateException("return home before bootstrap completed"));
            } else {
                awaitingBootstrap.addAll(m.waiters);
            }
            return;
        }
        if (!m.home && previous.equals(m.to) && registrationInForce() && !isActive(outstanding)
                && current.careOfAddress().equals(m.to)) {
            completeAll(m.waiters, current);
            return;
        }
        if (!m.home && isActive(outstanding) && !outstanding.deregistration && outstanding.careOf.equals(m.to)) {
            outstanding.waiters.addAll(m.waiters);
            return;
        }
        beginAttempt(m.home, m.to, m.waiters);
    }

    // ------------------------------------------------------------------ sending

    /** Starts a new Binding Update (registration or deregistration), replacing any outstanding one. */
    private void beginAttempt(boolean deregistration, Ipv6Address coa, List<CompletableFuture<Registration>> waiters) {
        Attempt previous = outstanding;
        Attempt a = new Attempt(deregistration, coa,
                deregistration ? Lifetime.ZERO : settings.requestedWireLifetime(), bul.entry(homeAgent));
        if (isActive(previous)) {
            previous.finish();
            if (previous.deregistration == deregistration) {
                a.waiters.addAll(previous.waiters);
            } else {
                failAll(previous.waiters, superseded(deregistration ? "a deregistration" : "a registration"));
            }
        }
        a.waiters.addAll(waiters);
        Duration initial = deregistration || registrationInForce()
                ? settings.initialBindAckTimeout() : settings.initialBindAckTimeoutFirstReg();
        a.entry.beginTransmissions(initial);
        outstanding = a;
        transmit(a);
    }

    private void transmit(Attempt a) {
        if (a != outstanding || a.done || closed || providerFailed || path == null) {
            return;
        }
        if (!a.entry.trySend()) {
            Duration wait = a.entry.untilSendAllowed();
            a.cancelTimer();
            a.timer = scheduler.schedule(wait.isZero() ? Duration.ofNanos(1) : wait, () -> locked(() -> transmit(a)));
            return;
        }
        SequenceNumber seq = a.forcedSequence != null ? a.forcedSequence : a.entry.nextSequence();
        a.forcedSequence = null;
        Instant now = clock.instant();
        boolean atHome = a.careOf.equals(homeAddress);
        boolean ipv4 = !atHome && a.careOf.isIpv4Mapped();
        Set<BindingUpdate.Flag> flags = EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION);
        if (capabilities.contains(Capability.IKE_SURVIVES_MOVE)) {
            flags.add(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY);
        }
        if (ipv4) {
            flags.add(BindingUpdate.Flag.FORCE_UDP_ENCAPSULATION);
        }
        Optional<MobileRouterSettings> router = settings.mobileRouter();
        if (router.isPresent()) {
            // RFC 3963 §5.1: R in every Binding Update to the home agent, deregistrations included.
            flags.add(BindingUpdate.Flag.MOBILE_ROUTER);
        }
        List<MobilityOption> options = new ArrayList<>();
        if (router.isPresent() && !a.deregistration) {
            options.addAll(router.get().options());
        }
        if (settings.ipv4HomeAddress() && !a.deregistration) {
            options.add(new Ipv4HomeAddressRequest(32, false, ipv4HomeAddress != null ? ipv4HomeAddress : Ipv4Address.ANY));
        }
        if (ipv4) {
            options.add(new Ipv4CareOfAddress(a.careOf.embeddedIpv4()));
        } else if (capabilities.contains(Capability.NEEDS_ALTERNATE_COA)) {
            options.add(new AlternateCareOfAddress(a.careOf));
        }
        BindingUpdate bu = new BindingUpdate(seq, flags, a.lifetime, options);
        Optional<InetSocketAddress> endpoint = BootstrapResult.endpointFor(homeAgentEndpoints, ipv4);
        Addressing to = atHome || ipv4
                ? new Addressing(homeAddress, homeAgent, Optional.empty(), Optional.empty(), endpoint)
                : new Addressing(a.careOf, homeAgent, Optional.of(homeAddress), Optional.empty(), endpoint);
        a.recordSent(seq, now);
        a.entry.recordSent(homeAddress, a.careOf, a.lifetime, now);
        if (unansweredSince == null) {
            unansweredSince = now;
        }
        unansweredSent++;
        events.emit(EngineEvent.of(Kind.REGISTRATION_SENT, identity, homeAddress, a.careOf, null, seq,
                (a.deregistration ? "deregistration" : "registration")
                + " seq=" + seq + " lifetime=" + a.lifetime + " flags=" + bu.flagLetters()
                + (a.entry.retransmissions() > 0 ? " retransmission=" + a.entry.retransmissions() : "")
                + " timeout=" + a.entry.currentTimeout()));
        SignallingPath p = path;
        Identity who = identity;
        Ipv6Address hoa = homeAddress;
        executor.execute(() -> send(p, bu, to, who, hoa));
        a.cancelTimer();
        a.timer = scheduler.schedule(a.entry.currentTimeout(), () -> locked(() -> onTimeout(a, seq)));
    }

    private void send(SignallingPath p, BindingUpdate bu, Addressing to, Identity who, Ipv6Address hoa) {
        CompletionStage<Void> stage;
        try {
            stage = p.send(bu, to, Optional.empty());
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            return;
        }
        stage.whenComplete((v, e) -> {
            if (e != null) {
                events.emit(EngineEvent.of(Kind.SEND_FAILED, who, hoa, to.homeAddressOption().isPresent()
                        ? to.source() : null, null, "Binding Update seq=" + bu.sequence() + " to " + to.destination()
                        + " not sent (the retransmission timer will resend it): " + message(unwrap(e))));
            }
        });
    }

    private void onTimeout(Attempt a, SequenceNumber seq) {
        if (a != outstanding || a.done || closed || !seq.equals(a.lastSequence)) {
            return;
        }
        unansweredTimedOut++;
        if (unansweredTimedOut >= SILENT_AFTER_UNANSWERED && !silenceReported) {
            reportSilence(a);
        }
        int limit = settings.giveUpAfterRetransmissions();
        if (limit > 0 && a.entry.retransmissions() >= limit) {
            giveUp(a);
            return;
        }
        a.entry.backOff(settings.maxBindAckTimeout());
        transmit(a);
    }

    private void retransmitNow(Attempt a, SequenceNumber forced) {
        int limit = settings.giveUpAfterRetransmissions();
        if (limit > 0 && a.entry.retransmissions() >= limit) {
            giveUp(a);
            return;
        }
        a.entry.countRetransmission();
        a.forcedSequence = forced;
        transmit(a);
    }

    /** One WARN per outage, naming where the Binding Updates went: the UDP endpoint or the provider's channel. */
    private void reportSilence(Attempt a) {
        silenceReported = true;
        boolean ipv4 = !a.careOf.equals(homeAddress) && a.careOf.isIpv4Mapped();
        String where = BootstrapResult.endpointFor(homeAgentEndpoints, ipv4)
                .map(e -> "at udp " + endpointText(e))
                .orElse("through the channel of provider " + descriptor.name());
        Duration waited = Duration.between(unansweredSince, clock.instant());
        emit(Kind.HOME_AGENT_SILENT, a.careOf, null, "home agent " + homeAgent + " " + where + " has not answered "
                + unansweredTimedOut + " Binding Updates in a row (waiting " + waitedText(waited) + ", last seq "
                + a.lastSequence + "); still retransmitting: check that it runs, that it listens there and that "
                + "nothing on the way drops UDP (see docs/errors.md#home-agent-silent)");
    }

    /** Something verified came from the home agent: a silence, if any, is over. */
    private void heardFromHomeAgent() {
        if (silenceReported) {
            emit(Kind.HOME_AGENT_ANSWERS, careOf, null, "home agent " + homeAgent + " answers again after "
                    + waitedText(Duration.between(unansweredSince, clock.instant())) + " and "
                    + unansweredTimedOut + " unanswered Binding Updates");
        }
        unansweredSince = null;
        unansweredSent = 0;
        unansweredTimedOut = 0;
        silenceReported = false;
    }

    private static String waitedText(Duration d) {
        long millis = Math.max(0, d.toMillis());
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private void giveUp(Attempt a) {
        finishAttempt(a);
        String detail = "no Binding Acknowledgement from " + homeAgent + " after "
                + a.entry.retransmissions() + " retransmissions (last seq " + a.lastSequence + ")";
        emit(Kind.REGISTRATION_GAVE_UP, a.careOf, null, detail);
        tellProvider(RegistrationChange.Kind.LOST, a.careOf, Lifetime.ZERO, false);
        failAll(a.waiters, new MobileNodeRegistrationException(MobileNodeRegistrationException.Reason.GAVE_UP, null,
                detail));
    }

    // ------------------------------------------------------------------ receiving

    private void receive(SignallingPath from, Inbound in) {
        try {
            if (from != path) {
                return;   // a path replaced by a new bootstrap: its late deliveries are not ours
            }
            MobilityMessage m;
            try {
                m = codec.decode(in.octets(), in.addressing().pseudoHeaderSource(),
                        in.addressing().pseudoHeaderDestination());
            } catch (MobilityHeaderFormatException e) {
                emitUnlocked(Kind.MESSAGE_MALFORMED, null, "from " + in.addressing().source() + ": " + e.getMessage());
                return;
            }
            CompletionStage<Verdict> stage;
            try {
                stage = from.verify(in, m);
                if (stage == null) {
                    stage = CompletableFuture.completedFuture(Verdict.drop("the provider returned no verdict"));
                }
            } catch (RuntimeException e) {
                stage = CompletableFuture.completedFuture(Verdict.drop("verify threw " + e));
            }
            if (KeyedSerializer.isComplete(stage)) {
                onVerdict(verdictOf(stage), m, in);
            } else {
                stage.whenComplete((v, e) -> onVerdict(e == null && v != null ? v
                        : Verdict.drop("the provider's verdict failed: " + message(unwrap(e))), m, in));
            }
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure handling {} (ignored)", in, e);
        }
    }

    private static Verdict verdictOf(CompletionStage<Verdict> completed) {
        try {
            Verdict v = completed.toCompletableFuture().getNow(null);
            return v != null ? v : Verdict.drop("the provider returned a null verdict");
        } catch (RuntimeException e) {
            return Verdict.drop("the provider's verdict failed: " + message(unwrap(e)));
        }
    }

    private void onVerdict(Verdict verdict, MobilityMessage m, Inbound in) {
        try {
            if (verdict instanceof Verdict.Reject r) {
                emitUnlocked(Kind.VERDICT_DROPPED, r.status(), m.type() + " from " + in.addressing().source()
                        + " refused by the provider and ignored: " + r.reason());
                return;
            }
            if (verdict instanceof Verdict.Drop d) {
                emitUnlocked(Kind.VERDICT_DROPPED, null, m.type() + " from " + in.addressing().source()
                        + " failed verification and was ignored: " + d.reason());
                return;
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
                heardFromHomeAgent();
                if (m instanceof BindingAcknowledgement ba) {
                    onAcknowledgement(ba, in);
                } else if (m instanceof BindingRefreshRequest) {
                    onRefreshRequest(in);
                } else if (m instanceof BindingError be) {
                    onBindingError(be, in);
                } else if (m instanceof HomeAgentSwitch has) {
                    onHomeAgentSwitch(has, in);
                } else {
                    emit(Kind.MESSAGE_IGNORED, null, null, m.type() + " from " + in.addressing().source()
                            + ": not a message a mobile node acts on from its home agent");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure handling {} (ignored)", in, e);
        }
    }

    private void onAcknowledgement(BindingAcknowledgement ba, Inbound in) {
        Attempt a = outstanding;
        if (!isActive(a)) {
            emit(Kind.MESSAGE_IGNORED, null, ba.status(), "Binding Acknowledgement seq=" + ba.sequence()
                    + ": no Binding Update is outstanding");
            return;
        }
        if (ba.status().equals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW)) {
            onOutOfWindow(a, ba);
            return;
        }
        Instant sentAt = a.sentAt(ba.sequence());
        if (sentAt == null) {
            emit(Kind.MESSAGE_IGNORED, a.careOf, ba.status(), "Binding Acknowledgement seq=" + ba.sequence()
                    + " does not match the outstanding Binding Update (last seq " + a.lastSequence + ")");
            return;
        }
        if (ba.isAccepted()) {
            accepted(a, ba, sentAt);
        } else {
            rejected(a, ba, in);
        }
    }

    private void onOutOfWindow(Attempt a, BindingAcknowledgement ba) {
        SequenceNumber last = a.entry.lastSequenceSent().orElse(null);
        if (last != null && last.isNewerThan(ba.sequence())) {
            emit(Kind.MESSAGE_IGNORED, a.careOf, ba.status(), "stale status 135: the home agent's last accepted seq "
                    + ba.sequence() + " is older than the last one sent (" + last + ")");
            return;
        }
        a.entry.resynchronise(ba.sequence());
        emit(Kind.REGISTRATION_REJECTED, a.careOf, ba.status(), "the home agent last accepted seq " + ba.sequence()
                + "; resending at once with seq " + ba.sequence().next());
        retransmitNow(a, null);
    }

    private void accepted(Attempt a, BindingAcknowledgement ba, Instant sentAt) {
        if (a.deregistration) {
            deregistered(a, ba.status(), "seq=" + ba.sequence());
            return;
        }
        if (settings.mobileRouter().isPresent() && !ba.has(BindingAcknowledgement.Flag.MOBILE_ROUTER)) {
            // RFC 3963 §5.3: an acceptance without R comes from a home agent that does not
            // support mobile routers; the registration failed (the binding it made as a mobile
            // host lapses with its lifetime).
            giveUp(a, ba.status(), "seq=" + ba.sequence() + "; the home agent accepted the Binding Update "
                    + "without the R flag: it does not support mobile routers (RFC 3963 §5.3), so the mobile "
                    + "router is not registered");
            return;
        }
        Lifetime granted = ba.lifetime().min(a.lifetime);
        if (granted.isZero()) {
            emit(Kind.MESSAGE_IGNORED, a.careOf, ba.status(), "Binding Acknowledgement seq=" + ba.sequence()
                    + " accepts a registration with lifetime 0; waiting for a usable answer");
            return;
        }
        finishAttempt(a);
        boolean k = ba.has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY)
                && capabilities.contains(Capability.IKE_SURVIVES_MOVE);
        // A re-bootstrap may have assigned another home address: that is a new registration, not a refresh.
        Registration before = registrationInForce() && current.homeAddress().equals(homeAddress) ? current : null;
        StringBuilder detail = new StringBuilder("seq=").append(ba.sequence()).append(" granted=").append(granted);
        Optional<Ipv4AddressAcknowledgement> v4 = ba.option(Ipv4AddressAcknowledgement.class);
        if (v4.isPresent()) {
            if (v4.get().status().isSuccess()) {
                ipv4HomeAddress = v4.get().address();
                detail.append(" ipv4-home-address=").append(ipv4HomeAddress);
            } else {
                detail.append(" ipv4-home-address refused: ").append(v4.get().status());
            }
        }
        Instant expires = sentAt.plus(granted.toDuration());
        current = new Registration(identity, homeAddress, a.careOf, homeAgent, ba.sequence(), granted, expires, k);
        Duration untilRefresh = Duration.ofNanos((long) (granted.toDuration().toNanos() * (1 - settings.refreshMargin())));
        Optional<BindingRefreshAdvice> advice = ba.option(BindingRefreshAdvice.class);
        if (advice.isPresent() && advice.get().refreshInterval().seconds() > 0
                && advice.get().refreshInterval().toDuration().compareTo(untilRefresh) < 0) {
            untilRefresh = advice.get().refreshInterval().toDuration();
            detail.append(" refresh-advice=").append(advice.get().refreshInterval());
        }
        Optional<Duration> keepalive = natKeepalive(ba, a.careOf);
        if (keepalive.isPresent()) {
            detail.append(" nat-keepalive=").append(keepalive.get().toSeconds()).append('s');
            if (keepalive.get().compareTo(untilRefresh) < 0) {
                untilRefresh = keepalive.get();
            }
        }
        Instant refreshAt = sentAt.plus(untilRefresh);
        detail.append(" expires=").append(expires).append(" refresh-at=").append(refreshAt).append(k ? " K" : "");
        scheduleRefresh(refreshAt);
        scheduleExpiry(current);
        emit(Kind.REGISTRATION_ACCEPTED, a.careOf, ba.status(), detail.toString());
        tellProvider(before == null ? RegistrationChange.Kind.REGISTERED
                : before.careOfAddress().equals(a.careOf) ? RegistrationChange.Kind.REFRESHED
                : RegistrationChange.Kind.MOVED, a.careOf, granted, k);
        completeAll(a.waiters, current);
    }

    /**
     * RFC 5555 §4.1: behind a NAT the node keeps the mapping alive with a Binding Update (the
     * acknowledgement proves the mapping still works) at the refresh time the home agent put in
     * the NAT Detection option. Only for an IPv4 care-of address; 0 means ignore the field and
     * all ones means no NAT, so no keepalive.
     */
    private Optional<Duration> natKeepalive(BindingAcknowledgement ba, Ipv6Address registeredCareOf) {
        if (!registeredCareOf.isIpv4Mapped() || registeredCareOf.equals(homeAddress)) {
            return Optional.empty();
        }
        return ba.option(NatDetection.class)
                .map(NatDetection::refreshTimeSeconds)
                .filter(s -> s > 0 && s != NatDetection.NO_KEEPALIVE)
                .map(Duration::ofSeconds);
    }

    private void deregistered(Attempt a, BindingAckStatus status, String detail) {
        finishAttempt(a);
        current = null;
        cancelRefresh();
        cancelExpiry();
        emit(Kind.DEREGISTERED, a.careOf, status, detail);
        tellProvider(RegistrationChange.Kind.DEREGISTERED, a.careOf, Lifetime.ZERO, false);
        completeAll(a.waiters, null);
    }

    private void rejected(Attempt a, BindingAcknowledgement ba, Inbound in) {
        BindingAckStatus status = ba.status();
        if (a.deregistration && status.equals(BindingAckStatus.NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE)) {
            deregistered(a, status, "seq=" + ba.sequence() + ": the home agent holds no binding (nothing to delete)");
            return;
        }
        String nemo = mobileRouterRefusal(status);
        if (nemo != null) {
            giveUp(a, status, "seq=" + ba.sequence() + "; " + nemo);
            return;
        }
        RejectAction action;
        try {
            action = security.onRejected(status, in);
        } catch (RuntimeException e) {
            action = new RejectAction.GiveUp("the provider failed deciding: " + e);
        }
        if (action == null) {
            action = new RejectAction.GiveUp("the provider gave no decision");
        }
        if (action instanceof RejectAction.Retry r) {
            emit(Kind.REGISTRATION_REJECTED, a.careOf, status, "seq=" + ba.sequence() + "; the provider retries with "
                    + (r.sameSequenceNumber() ? "the same" : "the next") + " sequence number: " + r.reason());
            retransmitNow(a, r.sameSequenceNumber() ? ba.sequence() : null);
        } else if (action instanceof RejectAction.BootstrapAgain b && !closing) {
            emit(Kind.REGISTRATION_REJECTED, a.careOf, status, "seq=" + ba.sequence()
                    + "; the provider bootstraps again: " + b.reason());
            finishAttempt(a);
            awaitingBootstrap.addAll(a.waiters);
            phase = Phase.BOOTSTRAPPING;
            executor.execute(this::runBootstrap);
        } else {
            String reason = action instanceof RejectAction.GiveUp g ? g.reason()
                    : "cannot bootstrap again while shutting down";
            String detail = "seq=" + ba.sequence() + "; the provider gives up: " + reason;
            emit(Kind.REGISTRATION_REJECTED, a.careOf, status, detail);
            finishAttempt(a);
            tellProvider(RegistrationChange.Kind.LOST, a.careOf, Lifetime.ZERO, false);
            failAll(a.waiters, new MobileNodeRegistrationException(MobileNodeRegistrationException.Reason.REJECTED,
                    status, "home agent " + homeAgent + " refused the Binding Update with " + status + ": " + reason));
        }
    }

    /**
     * RFC 3963 §5.3: what 140–143 tell a mobile router, or null for any other status. They are
     * about the home agent's prefix table and forwarding, not security, so the provider is not
     * asked; retrying the same Binding Update would get the same answer.
     */
    private String mobileRouterRefusal(BindingAckStatus status) {
        if (settings.mobileRouter().isEmpty()) {
            return null;
        }
        return switch (status.code()) {
            case 140 -> "the home agent does not allow this node to act as a mobile router (140); "
                    + "its operator must list it under home-agent.mobile-routers";
            case 141 -> "the home agent found a Mobile Network Prefix option invalid (141); check "
                    + "mobile-node.mobile-router.prefixes";
            case 142 -> "the home agent does not authorise a registered prefix for this mobile router, or "
                    + "another binding holds it (142); check mobile-node.mobile-router.prefixes against the "
                    + "home agent's mobile-routers entry";
            case 143 -> "the home agent could not set up forwarding for the mobile network prefixes (143)"
                    + (settings.mobileRouter().get().mode() == MobileRouterSettings.Mode.IMPLICIT
                    ? "; in implicit mode it may hold no prefixes for this router: try explicit mode" : "");
            default -> null;
        };
    }

    /** Ends the attempt as refused, without asking the provider (the branch {@code rejected} takes on give-up). */
    private void giveUp(Attempt a, BindingAckStatus status, String detail) {
        emit(Kind.REGISTRATION_REJECTED, a.careOf, status, detail);
        finishAttempt(a);
        tellProvider(RegistrationChange.Kind.LOST, a.careOf, Lifetime.ZERO, false);
        failAll(a.waiters, new MobileNodeRegistrationException(MobileNodeRegistrationException.Reason.REJECTED,
                status, "home agent " + homeAgent + ": " + detail));
    }

    private void onRefreshRequest(Inbound in) {
        if (closing || !registrationInForce()) {
            emit(Kind.MESSAGE_IGNORED, null, null, "Binding Refresh Request from " + in.addressing().source()
                    + ": no registration to refresh");
            return;
        }
        if (isActive(outstanding)) {
            emit(Kind.REFRESH_REQUESTED, careOf, null, "a Binding Update is already outstanding");
            return;
        }
        emit(Kind.REFRESH_REQUESTED, careOf, null, "Binding Refresh Request from " + in.addressing().source());
        beginAttempt(false, careOf, List.of());
    }

    /**
     * RFC 5142 §6.1: a verified Home Agent Switch from the home agent this node is registered
     * with moves the registration to the first listed home agent that is not the current one.
     * The node registers there at once (a new Binding Update List entry, sequence numbers of
     * its own); the old home agent's binding is left to lapse, or to the old home agent, which
     * is draining. A message from another address, one the provider cannot vouch for, or an
     * empty list (this node does no home agent discovery) changes nothing.
     */
    private void onHomeAgentSwitch(HomeAgentSwitch has, Inbound in) {
        Ipv6Address from = in.addressing().source();
        if (!capabilities.contains(Capability.PROTECTS_HOME_AGENT_SWITCH)) {
            emit(Kind.MESSAGE_IGNORED, careOf, null, "Home Agent Switch from " + from + ": the provider cannot "
                    + "protect one (docs/operator-guide.md#drain)");
            return;
        }
        if (closing || !from.equals(homeAgent)) {
            emit(Kind.MESSAGE_IGNORED, careOf, null, "Home Agent Switch from " + from + ": not from the home agent "
                    + homeAgent);
            return;
        }
        Optional<Ipv6Address> next = has.homeAgents().stream().filter(a -> !a.equals(homeAgent)).findFirst();
        if (next.isEmpty()) {
            emit(Kind.MESSAGE_IGNORED, careOf, null, "Home Agent Switch from " + from + " names no other home agent; "
                    + "the registration stays");
            return;
        }
        Ipv6Address old = homeAgent;
        homeAgent = next.get();
        homeAgentEndpoints = endpointsAfterSwitch(old, homeAgent);
        emit(Kind.HOME_AGENT_SWITCHED, careOf, null, "Home Agent Switch from " + old + ": registering with "
                + homeAgent + (homeAgentEndpoints.isEmpty() ? "" : " via udp " + String.join(" or ",
                homeAgentEndpoints.stream().map(MobileNodeEngine::endpointText).toList())));
        cancelRefresh();
        beginAttempt(false, careOf, List.of());
    }

    /**
     * Where the node reaches {@code next} after a switch from {@code old}: the endpoints configured
     * for it ({@link MobileNodeSettings#otherHomeAgentEndpoints}), else the current ones, an
     * endpoint at the old home agent's own address moved to the new one's (same port).
     */
    private List<InetSocketAddress> endpointsAfterSwitch(Ipv6Address old, Ipv6Address next) {
        List<InetSocketAddress> configured = settings.otherHomeAgentEndpoints().get(next);
        if (configured != null) {
            return configured;
        }
        List<InetSocketAddress> moved = new ArrayList<>(homeAgentEndpoints.size());
        for (InetSocketAddress e : homeAgentEndpoints) {
            boolean atOld = e.getAddress() != null && java.util.Arrays.equals(e.getAddress().getAddress(), old.toBytes());
            moved.add(atOld ? new InetSocketAddress(next.toInetAddress(), e.getPort()) : e);
        }
        return List.copyOf(moved);
    }

    private void onBindingError(BindingError be, Inbound in) {
        emit(Kind.BINDING_ERROR_RECEIVED, careOf, null, be.status() + " for " + be.homeAddress() + " from "
                + in.addressing().source());
        // RFC 6275 §11.3.6: status 1 means the home agent has no binding for our Home Address
        // option; register again rather than keep sending into the void.
        if (be.status().code() == 1 && be.homeAddress().equals(homeAddress)
                && registrationInForce() && !isActive(outstanding) && !closing) {
            current = null;
            cancelRefresh();
            beginAttempt(false, careOf, List.of());
        }
    }

    // ------------------------------------------------------------------ refresh and shutdown

    private void scheduleRefresh(Instant at) {
        cancelRefresh();
        long generation = ++refreshGeneration;
        Duration delay = Duration.between(clock.instant(), at);
        refreshTimer = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay,
                () -> locked(() -> refreshDue(generation)));
    }

    private void cancelRefresh() {
        refreshGeneration++;
        if (refreshTimer != null) {
            refreshTimer.cancel();
            refreshTimer = null;
        }
    }

    private void refreshDue(long generation) {
        if (generation != refreshGeneration || closing || closed || current == null || isActive(outstanding)) {
            return;
        }
        beginAttempt(false, careOf, List.of());
    }

    private void finish(String why) {
        if (closed) {
            return;
        }
        closed = true;
        LOG.debug("mobile node engine closing: {}", why);
        cancelRefresh();
        cancelExpiry();
        if (shutdownTimer != null) {
            shutdownTimer.cancel();
        }
        if (isActive(outstanding)) {
            Attempt a = outstanding;
            finishAttempt(a);
            failAll(a.waiters, closedException());
        }
        failAll(awaitingBootstrap, closedException());
        SignallingPath p = path;
        CompletableFuture<Void> done = shutdown;
        executor.execute(() -> {
            closeQuietly(p);
            closeQuietly(security);
            if (done != null) {
                done.complete(null);
            }
        });
    }

    private void forceClose() {
        synchronized (lock) {
            finish("shutdown timed out");
        }
        closeQuietly(path);
        closeQuietly(security);
        shutdown.complete(null);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed (it must never throw): {}", c, e.toString());
        }
    }

    // ------------------------------------------------------------------ the provider's handle and hooks

    private final MobileNodeHandle handle = new MobileNodeHandle() {
        @Override
        public void rebootstrap(String reason) {
            locked(() -> requestRebootstrap(reason));
        }

        @Override
        public void refreshNow(String reason) {
            locked(() -> {
                if (closing || closed || providerFailed || !registrationInForce() || isActive(outstanding)) {
                    return;
                }
                emit(Kind.REFRESH_REQUESTED, careOf, null, "the provider asks for a refresh: " + reason);
                beginAttempt(false, careOf, List.of());
            });
        }

        @Override
        public void failed(String reason) {
            locked(() -> providerFailed(reason));
        }
    };

    private void requestRebootstrap(String reason) {
        if (closing || closed || providerFailed || phase == Phase.NEW || phase == Phase.BOOTSTRAPPING
                || rebootstrapQueued) {
            return;   // merged into the bootstrap that runs or is queued
        }
        rebootstrapQueued = true;
        Duration wait = Duration.between(clock.instant(), lastRebootstrap.plusSeconds(1));
        emit(Kind.REBOOTSTRAP_REQUESTED, careOf, null,
                "the provider asks to bootstrap again: " + reason);
        scheduler.schedule(wait.isNegative() ? Duration.ZERO : wait, () -> locked(() -> {
            rebootstrapQueued = false;
            if (closing || closed || providerFailed) {
                return;
            }
            lastRebootstrap = clock.instant();
            if (isActive(outstanding)) {
                Attempt a = outstanding;
                finishAttempt(a);
                awaitingBootstrap.addAll(a.waiters);
                a.waiters.clear();
            }
            phase = Phase.BOOTSTRAPPING;
            executor.execute(this::runBootstrap);
        }));
    }

    private void providerFailed(String reason) {
        if (closed || providerFailed) {
            return;
        }
        providerFailed = true;
        phase = Phase.FAILED;
        String detail = "provider " + descriptor.name() + " cannot protect signalling any more: " + reason;
        emit(Kind.PROVIDER_FAILED, careOf, null, detail);
        MobileNodeRegistrationException failure = new MobileNodeRegistrationException(
                MobileNodeRegistrationException.Reason.PROVIDER_FAILED, null, detail);
        providerFailure = failure;
        if (preparingMove != null) {
            // Its care-of change may never complete now: its callers learn of the failure at once.
            failAll(preparingMove.waiters, failure);
            preparingMove = null;
        }
        if (isActive(outstanding)) {
            Attempt a = outstanding;
            finishAttempt(a);
            failAll(a.waiters, failure);
        }
        failAll(awaitingBootstrap, failure);
        while (!moves.isEmpty()) {
            failAll(moves.poll().waiters, failure);
        }
        cancelRefresh();
        cancelExpiry();
        if (identity != null && homeAddress != null) {
            tellProvider(RegistrationChange.Kind.LOST, careOf, Lifetime.ZERO, false);
        }
        current = null;
    }

    private void scheduleExpiry(Registration r) {
        cancelExpiry();
        Duration delay = Duration.between(clock.instant(), r.expiresAt());
        expiryTimer = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> locked(() -> {
            if (current == r && !clock.instant().isBefore(r.expiresAt())) {
                current = null;
                emit(Kind.REGISTRATION_GAVE_UP, r.careOfAddress(), null, "the registration expired at "
                        + r.expiresAt() + " without a successful refresh");
                tellProvider(RegistrationChange.Kind.EXPIRED, r.careOfAddress(), Lifetime.ZERO, false);
            }
        }));
    }

    private void cancelExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel();
            expiryTimer = null;
        }
    }

    /** Tells the provider about its registration, outside the lock. */
    private void tellProvider(RegistrationChange.Kind kind, Ipv6Address coa, Lifetime lifetime, boolean k) {
        if (identity == null || homeAddress == null) {
            return;
        }
        RegistrationChange change = new RegistrationChange(kind, identity, homeAddress, coa, lifetime, k);
        if (tunnel != null && homeAgent != null) {
            // At once, on this thread: the reverse tunnel must leave from the new care-of address
            // before anyone waiting for the acknowledgement sends a packet.
            try {
                tunnel.registrationChanged(change, homeAgent);
            } catch (RuntimeException e) {
                LOG.warn("the data plane failed taking registration change {} (ignored): {}", kind, e.toString());
            }
        }
        executor.execute(() -> {
            try {
                security.registrationChanged(change);
            } catch (RuntimeException e) {
                LOG.warn("provider {} failed in registrationChanged (ignored): {}", descriptor.name(), e.toString());
            }
        });
    }

    /** The instance's capabilities, refused when they claim more than the descriptor. */
    private static Set<Capability> instanceCapabilities(ProviderDescriptor d, Set<Capability> declared) {
        if (declared == null) {
            throw new SecurityProviderException("provider " + d.name() + " states no capabilities for its "
                    + "mobile-node side");
        }
        if (!d.capabilities().containsAll(declared)) {
            Set<Capability> extra = EnumSet.noneOf(Capability.class);
            extra.addAll(declared);
            extra.removeAll(d.capabilities());
            throw new SecurityProviderException("provider " + d.name() + " claims capabilities its descriptor "
                    + "does not declare: " + extra + " (an instance may state a subset only; "
                    + "see docs/errors.md#provider-capabilities)");
        }
        return declared.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(declared));
    }

    /** What this provider instance, as configured, declared it can do. */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /** The provider's own count of per-node state ({@link MobileNodeSecurity#perNodeStateCount()}). */
    public int providerStateCount() {
        return security.perNodeStateCount();
    }

    // ------------------------------------------------------------------ helpers

    private boolean registrationInForce() {
        return current != null && clock.instant().isBefore(current.expiresAt());
    }

    private static boolean isActive(Attempt a) {
        return a != null && !a.done;
    }

    private void finishAttempt(Attempt a) {
        a.finish();
        if (outstanding == a) {
            outstanding = null;
        }
    }

    private void locked(Runnable r) {
        try {
            synchronized (lock) {
                r.run();
            }
        } catch (RuntimeException e) {
            LOG.warn("mobile node engine task failed (state kept)", e);
        }
    }

    private void completeAll(List<CompletableFuture<Registration>> waiters, Registration r) {
        if (waiters.isEmpty()) {
            return;
        }
        List<CompletableFuture<Registration>> copy = List.copyOf(waiters);
        waiters.clear();
        executor.execute(() -> copy.forEach(f -> f.complete(r)));
    }

    private void failAll(List<CompletableFuture<Registration>> waiters, Throwable t) {
        if (waiters.isEmpty()) {
            return;
        }
        List<CompletableFuture<Registration>> copy = List.copyOf(waiters);
        waiters.clear();
        executor.execute(() -> copy.forEach(f -> f.completeExceptionally(t)));
    }

    private static MobileNodeRegistrationException closedException() {
        return new MobileNodeRegistrationException(MobileNodeRegistrationException.Reason.CLOSED, null,
                "the mobile node engine is closed");
    }

    private static MobileNodeRegistrationException superseded(String byWhat) {
        return new MobileNodeRegistrationException(MobileNodeRegistrationException.Reason.SUPERSEDED, null,
                "replaced by " + byWhat + " before it was acknowledged");
    }

    private Duration backOff(Duration initial, int doublings) {
        Duration d = initial;
        for (int i = 0; i < doublings && d.compareTo(settings.maxBindAckTimeout()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.maxBindAckTimeout()) > 0 ? settings.maxBindAckTimeout() : d;
    }

    private void emit(Kind kind, Ipv6Address coa, BindingAckStatus status, String detail) {
        events.emit(EngineEvent.of(kind, identity, homeAddress, coa, status, detail));
    }

    private void emitUnlocked(Kind kind, BindingAckStatus status, String detail) {
        Identity who;
        Ipv6Address hoa;
        synchronized (lock) {
            who = identity;
            hoa = homeAddress;
        }
        events.emit(EngineEvent.of(kind, who, hoa, null, status, detail));
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** One Binding Update and its retransmissions, until acknowledged, replaced or given up. */
    private final class Attempt {
        final boolean deregistration;
        final Ipv6Address careOf;
        final Lifetime lifetime;
        final BindingUpdateList.Entry entry;
        final List<CompletableFuture<Registration>> waiters = new ArrayList<>();
        // seq -> when it left, for the transmissions of this Binding Update (bounded)
        final Map<Integer, Instant> sent = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Instant> eldest) {
                return size() > REMEMBERED_TRANSMISSIONS;
            }
        };
        SequenceNumber lastSequence;
        SequenceNumber forcedSequence;
        Cancellable timer;
        boolean done;

        Attempt(boolean deregistration, Ipv6Address careOf, Lifetime lifetime, BindingUpdateList.Entry entry) {
            this.deregistration = deregistration;
            this.careOf = careOf;
            this.lifetime = lifetime;
            this.entry = entry;
        }

        void recordSent(SequenceNumber seq, Instant at) {
            sent.put(seq.value(), at);
            lastSequence = seq;
        }

        Instant sentAt(SequenceNumber seq) {
            return sent.get(seq.value());
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        void finish() {
            done = true;
            cancelTimer();
        }
    }

    /** A care-of change waiting for, or being prepared by, the provider. */
    private static final class Move {
        final Ipv6Address to;
        final boolean home;
        final List<CompletableFuture<Registration>> waiters = new ArrayList<>();
        int failures;

        Move(Ipv6Address to, boolean home, CompletableFuture<Registration> waiter) {
            this.to = to;
            this.home = home;
            waiters.add(waiter);
        }
    }

    /** Builds a {@link MobileNodeEngine}; provider, clock, scheduler and care-of address are required. */
    public static final class Builder {
        private SecurityProviderFactory factory;
        private ConfigSection providerConfig;
        private MobileNodeSettings settings = MobileNodeSettings.defaults();
        private TransportFactory transports = () -> {
            throw new SecurityProviderException("no engine transport was configured for this mobile node "
                    + "(MobileNodeEngine.Builder.transports); only a provider that owns its channel can work without one");
        };
        private Clock clock;
        private Scheduler scheduler;
        private final List<EngineEventListener> listeners = new ArrayList<>();
        private Ipv6Address careOf;
        private ProviderNetwork network = ProviderNetwork.NONE;
        private TunnelEndpointListener tunnel;

        private Builder() {
        }

        /**
         * The data plane told when a Binding Acknowledgement accepts a registration and when the
         * registration ends ({@link TunnelEndpointListener}); none by default.
         */
        public Builder tunnel(TunnelEndpointListener listener) {
            this.tunnel = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The network the provider opens its own sockets through
         * ({@link ProviderContext#network()}); default {@link ProviderNetwork#NONE}.
         */
        public Builder network(ProviderNetwork n) {
            this.network = Objects.requireNonNull(n, "network");
            return this;
        }

        /** The security provider and its configuration section ({@code security.<name>}). */
        public Builder provider(SecurityProviderFactory factory, ConfigSection providerConfig) {
            this.factory = Objects.requireNonNull(factory, "factory");
            this.providerConfig = Objects.requireNonNull(providerConfig, "providerConfig");
            return this;
        }

        public Builder settings(MobileNodeSettings s) {
            this.settings = Objects.requireNonNull(s, "settings");
            return this;
        }

        /** The engine's own transport (UDP or in-memory), offered to the provider's path. */
        public Builder transports(TransportFactory t) {
            this.transports = Objects.requireNonNull(t, "transports");
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Builder scheduler(Scheduler s) {
            this.scheduler = Objects.requireNonNull(s, "scheduler");
            return this;
        }

        /** Adds an event listener; any number. */
        public Builder listener(EngineEventListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /** The initial care-of address (an IPv4 one as IPv4-mapped). */
        public Builder careOfAddress(Ipv6Address coa) {
            this.careOf = Objects.requireNonNull(coa, "careOfAddress");
            return this;
        }

        /**
         * Creates the provider context (role MOBILE_NODE, the codec with the provider's option
         * codecs, a home-address book that refuses changes) and the provider's mobile-node side.
         *
         * @throws ProviderConfigException if the provider refuses its configuration, or its
         *         option codecs clash with registered ones
         * @throws IllegalStateException if a required part is missing
         */
        public MobileNodeEngine build() throws ProviderConfigException {
            if (factory == null || providerConfig == null) {
                throw new IllegalStateException("MobileNodeEngine.Builder: provider(factory, config) is required");
            }
            if (clock == null || scheduler == null) {
                throw new IllegalStateException("MobileNodeEngine.Builder: clock and scheduler are required "
                        + "(ExecutorScheduler for real time, VirtualTime in tests)");
            }
            if (careOf == null) {
                throw new IllegalStateException("MobileNodeEngine.Builder: careOfAddress is required");
            }
            ProviderDescriptor d = factory.descriptor();
            MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
            for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
                try {
                    registry = registry.with(c);
                } catch (IllegalArgumentException e) {
                    throw new ProviderConfigException("security.provider", providerConfig.file().orElse(null),
                            "provider " + d.name() + " registers a mobility option that cannot be added: " + e.getMessage());
                }
            }
            MobilityHeaderCodec codec = new MobilityHeaderCodec(registry);
            EngineEvents events = new EngineEvents(LOGGER, clock, 10);
            listeners.forEach(events::addListener);
            ProviderContext context = StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE).clock(clock)
                    .scheduler(scheduler).codec(codec).events(events.providerSink()).network(network).build();
            MobileNodeSecurity security = factory.mobileNode(context, providerConfig);
            if (security == null) {
                throw new ProviderConfigException("security.provider", providerConfig.file().orElse(null),
                        "provider " + d.name() + " returned no mobile-node security object");
            }
            try {
                return new MobileNodeEngine(this, security, codec, events);
            } catch (RuntimeException e) {
                closeQuietly(security);   // refused (its capabilities): nobody else holds it to close it
                throw e;
            }
        }
    }

    /** {@code [2001:db8::1]:4191} or {@code 192.0.2.1:4191}, addresses in their canonical text form. */
    static String endpointText(java.net.InetSocketAddress e) {
        java.net.InetAddress a = e.getAddress();
        if (a == null) {
            return e.getHostString() + ":" + e.getPort();
        }
        if (a instanceof java.net.Inet4Address) {
            return a.getHostAddress() + ":" + e.getPort();
        }
        return "[" + Ipv6Address.fromBytes(a.getAddress()) + "]:" + e.getPort();
    }

}
