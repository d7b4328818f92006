package org.mip6kit.engine;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAddressBook;
import org.mip6kit.spi.HomeAgentHandle;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.Refusal;
import org.mip6kit.spi.ReloadOutcome;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.Scheduler;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingErrorStatus;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.FormatReaction;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4AddressAckStatus;
import org.mip6kit.wire.Ipv4AddressAcknowledgement;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv4HomeAddressRequest;
import org.mip6kit.wire.HomeAgentSwitch;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.NonceIndices;
import org.mip6kit.wire.SequenceNumber;

/**
 * The home agent: receives Binding Updates through the provider's {@link SignallingPath},
 * applies RFC 6275 §9.5.1 and §10.3.1 in order, keeps the {@link BindingCache}, and answers
 * with Binding Acknowledgements protected by the same provider (docs/architecture.md, "One Binding Update through the home agent").
 *
 * <p>Order of processing for one received message: decode (format, checksum) → per-home-address
 * serialisation → the provider's {@link SignallingPath#verify verdict} (possibly asynchronous,
 * bounded) → the protocol checks ({@link HomeAgentSecurity#refused} when they refuse) → the
 * provider's {@link HomeAgentSecurity#beforeAck} ({@link HomeAgentSecurity#abandoned} when it
 * fails or times out) → commit → Binding Acknowledgement → {@link HomeAgentSecurity#afterChange}
 * once the acknowledgement has left. The next message for the same home address waits for all
 * of it. Nothing before the commit changes any state.
 *
 * <p>The protocol checks, in order (docs/architecture.md, "One Binding Update through the home
 * agent", explains the order): silent discards (RFC 6275 §9.5.1) for no usable home address, a
 * home registration carrying Nonce Indices, and a Binding Update without H when there is no live
 * binding (no correspondent node role); then 129 (another identity's home address), 139 (H clear
 * over the home binding, or R changed), 135 (against a live binding; against a replay hold only
 * with {@link HomeAgentSettings#sequenceNumberHold()}), 133, 132, the mobile router checks of
 * RFC 3963 §6.2 for a registration with R (140 for an identity outside
 * {@link HomeAgentSettings#mobileRouters()}, 141 for an invalid Mobile Network Prefix option,
 * 142 for a prefix outside its authorised ones or held by another binding), 129 (a new home
 * address beyond {@link HomeAgentSettings#maxHomeAddressesPerIdentity()}), 130 and 174; then,
 * the provider's {@code beforeAck} and the data plane's {@link BindingForwarding#prepare} (130
 * when it fails or times out; 143, Forwarding Setup failed, for a mobile router's prefixes).
 *
 * <p>Failure replies draw on two budgets: those to an identity the provider authenticated (the
 * refusals above) on a budget per identity, those to senders it did not (Binding Errors, the
 * provider's rejections) on a budget per source prefix and one for all such senders together.
 */
public final class HomeAgentEngine implements AutoCloseable {

    /**
     * Binding Updates that may wait for one home address while its current one is held up; more
     * are dropped unverified (the mobile node retransmits).
     */
    static final int MAX_WAITING_PER_HOME_ADDRESS = 64;

    /** Returned by processing steps that finish at once; only ever read. */
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Token buckets per table of failure-reply budgets (16 octets each). */
    private static final int REPLY_BUCKETS = 4096;

    private final HomeAgentSettings settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final MobilityHeaderCodec codec;
    private final EngineEvents events;
    private final BindingCache cache;
    private final HomeAddressRegistry registry;
    private final ProviderDescriptor descriptor;
    private final HomeAgentSecurity security;
    private final Object reloadLock = new Object();
    private final Set<Capability> capabilities;
    private final TransportFactory transports;
    private final KeyedSerializer<Ipv6Address> serializer = new KeyedSerializer<>();
    /** Failure replies to senders the provider did not authenticate: all of them, and per source prefix. */
    private final RateLimiter strangerReplies;
    private final TokenBucketTable strangerRepliesPerSource;
    /** Failure replies to authenticated identities, per identity; strangers never draw on them. */
    private final TokenBucketTable identityReplies;
    private final Lifetime maxLifetime;
    private final Counters counters = new Counters();
    private final ProcessingTimeListener processingTime;
    private final BindingForwarding forwarding;
    /** New home addresses per identity accepted by the checks but not yet committed or refused. */
    private final Map<Identity, Integer> claims = new HashMap<>();
    /** Where accepted changes are made durable; null: in memory only. */
    private final BindingStore store;
    private final RestoredBindings restored;
    private volatile SignallingPath path;
    private volatile boolean accepting;
    /** Where a drain sends nodes (RFC 5142), or null when not draining. */
    private volatile List<Ipv6Address> drainTargets;
    private volatile boolean closed;
    private volatile Cancellable sweepTask;
    /** The last {@link #refreshAdvice}; replaced whole, so any thread may read it. */
    private volatile RefreshAdvice lastAdvice;

    private HomeAgentEngine(Builder b, MobilityHeaderCodec codec, EngineEvents events, BindingCache cache,
                            HomeAddressRegistry registry, HomeAgentSecurity security, RestoredBindings restored) {
        this.settings = b.settings;
        this.clock = b.clock;
        this.scheduler = b.scheduler;
        this.codec = codec;
        this.events = events;
        this.cache = cache;
        this.registry = registry;
        this.descriptor = b.factory.descriptor();
        this.security = security;
        this.capabilities = instanceCapabilities(descriptor, security.capabilities());
        this.transports = b.transports;
        this.processingTime = b.processingTime;
        this.forwarding = b.forwarding;
        this.store = b.store;
        this.restored = restored;
        this.strangerReplies = new RateLimiter(clock, settings.failureRepliesPerSecond(),
                burstOf(settings.failureRepliesPerSecond()));
        this.strangerRepliesPerSource = new TokenBucketTable(clock, settings.failureRepliesPerSourcePerSecond(),
                burstOf(settings.failureRepliesPerSourcePerSecond()), REPLY_BUCKETS);
        this.identityReplies = new TokenBucketTable(clock, settings.failureRepliesPerIdentityPerSecond(),
                burstOf(settings.failureRepliesPerIdentityPerSecond()), REPLY_BUCKETS);
        this.maxLifetime = Lifetime.ofDuration(settings.maxLifetime());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a home agent; see {@link HomeAgentEngine}. */
    public static final class Builder {
        private SecurityProviderFactory factory;
        private ConfigSection providerConfig;
        private HomeAgentSettings settings;
        private TransportFactory transports;
        private ProviderNetwork network = ProviderNetwork.NONE;
        private Clock clock;
        private Scheduler scheduler;
        private final List<EngineEventListener> listeners = new ArrayList<>();
        private ProcessingTimeListener processingTime;
        private BindingForwarding forwarding = BindingForwarding.NONE;
        private BindingStore store;
        private Iterable<StoredBinding> restore = List.of();

        private Builder() {
        }

        /**
         * Makes every accepted change durable in {@code store} before it is acknowledged (see
         * {@link BindingStore}); none by default (bindings live in memory only).
         */
        public Builder store(BindingStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Entries a {@link BindingStore} kept before a restart, restored while the engine is
         * built, before its first Binding Update: bindings with lifetime left keep their absolute
         * expiry (so their remaining lifetime), care-of address, outer endpoint, flags and
         * sequence number; bindings that ran out meanwhile and replay holds restore as replay
         * holds until their hold lapses; the provider gets its records back
         * ({@link HomeAgentSecurity#restoreBinding}). One entry per home address. What was
         * restored: {@link HomeAgentEngine#restored()}.
         */
        public Builder restore(Iterable<StoredBinding> stored) {
            this.restore = Objects.requireNonNull(stored, "stored");
            return this;
        }

        /** The selected provider and its configuration section ({@code security.<name>}). */
        public Builder provider(SecurityProviderFactory factory, ConfigSection providerConfig) {
            this.factory = factory;
            this.providerConfig = providerConfig;
            return this;
        }

        public Builder settings(HomeAgentSettings settings) {
            this.settings = settings;
            return this;
        }

        /** The engine's transport, opened only if the provider asks for it. */
        public Builder transports(TransportFactory transports) {
            this.transports = transports;
            return this;
        }

        /**
         * The network the provider opens its own sockets through
         * ({@link ProviderContext#network()}); default {@link ProviderNetwork#NONE}.
         */
        public Builder network(ProviderNetwork network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder listener(EngineEventListener listener) {
            listeners.add(listener);
            return this;
        }

        /** Told each Binding Update's processing time (see {@link ProcessingTimeListener}); none by default. */
        public Builder processingTime(ProcessingTimeListener listener) {
            this.processingTime = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The data plane told of each binding change ({@link BindingForwarding}): prepared after
         * the provider's {@code beforeAck} and before the Binding Acknowledgement, removed after
         * a deletion, expiry or revocation. Default {@link BindingForwarding#NONE}.
         */
        public Builder forwarding(BindingForwarding forwarding) {
            this.forwarding = Objects.requireNonNull(forwarding, "forwarding");
            return this;
        }

        /**
         * Creates the provider's home-agent side. Opens nothing yet.
         *
         * @throws ProviderConfigException if the provider refuses its configuration
         */
        public HomeAgentEngine build() throws ProviderConfigException {
            Objects.requireNonNull(factory, "provider");
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(transports, "transports");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(scheduler, "scheduler");
            MobilityOptionRegistry options = MobilityOptionRegistry.standard();
            for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
                options = options.with(c);
            }
            MobilityHeaderCodec codec = new MobilityHeaderCodec(options);
            EngineEvents events = new EngineEvents("org.mip6kit.ha", clock, settings.failureLogLinesPerSecond(),
                    settings.stateLogLinesPerSecond());
            listeners.forEach(events::addListener);
            BindingCache cache = new BindingCache(settings.maxBindings(), Math.min(settings.maxBindings(), 1024));
            HomeAddressRegistry registry = new HomeAddressRegistry(settings.homePrefixes(), cache, clock);
            ProviderContext ctx = StandardProviderContext.builder(ProviderContext.Role.HOME_AGENT).clock(clock)
                    .scheduler(scheduler).codec(codec).events(events.providerSink()).homeAddresses(registry)
                    .network(network).build();
            ConfigSection cfg = providerConfig != null ? providerConfig
                    : ConfigSection.of("security." + factory.descriptor().name(), null, java.util.Map.of());
            HomeAgentSecurity security = factory.homeAgent(ctx, cfg);
            try {
                RestoredBindings restored = BindingRestore.apply(restore, cache, registry, security, clock,
                        settings.replayHold());
                return new HomeAgentEngine(this, codec, events, cache, registry, security, restored);
            } catch (RuntimeException e) {
                // Refused (its capabilities): nobody else holds the instance to close it.
                try {
                    security.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    /**
     * Starts the provider's path and the expiry sweep. Restored bindings are handed to the data
     * plane first, each waited for at most {@code before-ack-timeout} (real time, when the
     * scheduler lets the caller wait).
     *
     * @throws IllegalStateException if already started, or if the data plane did not prepare a
     *         restored binding within the bound (the message names the home address and the
     *         setting); nothing is listening then, and the engine should be closed
     */
    public synchronized void start() {
        if (path != null) {
            throw new IllegalStateException("already started");
        }
        security.attach(handle);
        forwardRestoredBindings();
        path = security.path(transports);
        path.start(this::receive);
        accepting = true;
        scheduleSweep();
    }

    /**
     * Bindings restored from a {@link BindingStore} are live: the data plane hears of each one as
     * a creation before the first Binding Update is processed, so packets follow them at once.
     */
    private void forwardRestoredBindings() {
        if (forwarding == BindingForwarding.NONE) {
            return;
        }
        Instant now = clock.instant();
        for (BindingRecord r : cache.liveBindings()) {
            if (!r.isBound() || r.lifetime().isZero() || !r.expiresAt().isAfter(now)) {
                continue;
            }
            BindingChange change = new BindingChange(BindingChange.Kind.CREATED, r.identity(), r.homeAddress(),
                    Optional.empty(), r.careOfAddress(), r.lifetime(), r.outerPeer(), r.keyManagementMobility(),
                    r.mobileNetworkPrefixes());
            CompletionStage<Void> prepared;
            try {
                prepared = forwarding.prepare(change);
            } catch (RuntimeException e) {
                prepared = CompletableFuture.failedFuture(e);
            }
            try {
                awaitRestoredPrepare(prepared, r.homeAddress());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                emit(EngineEvent.Kind.PROVIDER_EVENT, r.identity(), r.homeAddress(), r.careOfAddress(), null,
                        "the data plane could not take over the restored binding: " + rootMessage(cause));
            }
        }
    }

    /**
     * Waits for one restored binding's prepare, bounded by {@code before-ack-timeout}: a data
     * plane that never answers must not hold the start forever.
     */
    private void awaitRestoredPrepare(CompletionStage<Void> prepared, Ipv6Address hoa) throws ExecutionException {
        CompletableFuture<Void> f = prepared == null
                ? CompletableFuture.failedFuture(new IllegalStateException("prepare returned null"))
                : prepared.toCompletableFuture();
        if (f.isDone() || !scheduler.callerMayWait()) {
            if (!f.isDone()) {
                throw new IllegalStateException("the data plane did not prepare the restored binding of " + hoa
                        + " at once, and this scheduler cannot be waited on; the home agent does not start");
            }
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while restoring the binding of " + hoa, e);
            }
            return;
        }
        try {
            f.get(settings.beforeAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the data plane did not prepare the restored binding of " + hoa
                    + " within home-agent.before-ack-timeout (" + settings.beforeAckTimeout().toMillis()
                    + " ms); the home agent does not start (see docs/errors.md#restore-timeout)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restoring the binding of " + hoa, e);
        }
    }

    // ------------------------------------------------------------------ receiving

    private void receive(Inbound in) {
        if (!accepting) {
            return;
        }
        counters.received.incrementAndGet();
        Addressing addr = in.addressing();
        MobilityMessage message;
        try {
            message = in.decode(codec);
        } catch (MobilityHeaderFormatException e) {
            onMalformed(in, e);
            return;
        }
        if (!(message instanceof BindingUpdate bu)) {
            counters.ignored.incrementAndGet();
            emit(EngineEvent.Kind.MESSAGE_IGNORED, null, addr.pseudoHeaderSource(), null, null,
                    message.type() + " is not handled by a home agent");
            return;
        }
        Ipv6Address hoa = homeAddressOf(addr);
        Instant receivedAt = processingTime == null ? null : clock.instant();
        if (serializer.submit(hoa, () -> timed(verifyThenProcess(in, bu, addr, hoa), receivedAt),
                MAX_WAITING_PER_HOME_ADDRESS) == null) {
            // Verification runs in the per-home-address order, so unverified messages queue too;
            // while one is held up (a late verdict, a beforeAck) a flood must not grow the queue.
            counters.dropped.incrementAndGet();
            emit(EngineEvent.Kind.VERDICT_DROPPED, null, hoa, null, null, MAX_WAITING_PER_HOME_ADDRESS
                    + " Binding Updates already wait for this home address; dropped before verification");
        }
    }

    private CompletionStage<Void> verifyThenProcess(Inbound in, BindingUpdate bu, Addressing addr, Ipv6Address hoa) {
        if (closed) {
            return done();
        }
        CompletionStage<Verdict> stage;
        try {
            stage = path.verify(in, bu);
            if (stage == null) {
                stage = CompletableFuture.completedFuture(Verdict.drop("the provider returned no verdict"));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.completedFuture(Verdict.drop("provider failed while verifying: " + e));
        }
        if (KeyedSerializer.isComplete(stage)) {
            return onVerdict(verdictOf(stage), bu, addr, hoa);
        }
        return bounded(stage).handle((v, e) -> e == null && v != null ? v
                        : Verdict.drop(unwrap(e) instanceof TimeoutException
                                ? "the provider gave no verdict within " + settings.beforeAckTimeout()
                                : "the provider's verdict failed: " + rootMessage(e)))
                .thenCompose(v -> onVerdict(v, bu, addr, hoa));
    }

    /** {@code stage}, telling the {@link ProcessingTimeListener} (if any) when it completes. */
    private CompletionStage<Void> timed(CompletionStage<Void> stage, Instant receivedAt) {
        ProcessingTimeListener listener = processingTime;
        if (listener == null || receivedAt == null) {
            return stage;
        }
        return stage.whenComplete((v, e) -> {
            Duration elapsed = Duration.between(receivedAt, clock.instant());
            try {
                listener.processed(elapsed.isNegative() ? Duration.ZERO : elapsed);
            } catch (RuntimeException ignored) {
                // A listener must not throw; if it does, the Binding Update's processing is unaffected.
            }
        });
    }

    private static Verdict verdictOf(CompletionStage<Verdict> completed) {
        try {
            Verdict v = completed.toCompletableFuture().getNow(null);
            return v != null ? v : Verdict.drop("the provider returned a null verdict");
        } catch (RuntimeException e) {
            return Verdict.drop("the provider's verdict failed: " + rootMessage(e));
        }
    }

    private CompletionStage<Void> onVerdict(Verdict verdict, BindingUpdate bu, Addressing addr, Ipv6Address hoa) {
        if (verdict instanceof Verdict.Drop d) {
            counters.dropped.incrementAndGet();
            emit(EngineEvent.Kind.VERDICT_DROPPED, null, hoa, null, null, d.reason());
            return done();
        }
        if (verdict instanceof Verdict.Reject r) {
            counters.rejected.incrementAndGet();
            emit(EngineEvent.Kind.VERDICT_REJECTED, null, hoa, null, r.status(), r.reason());
            if (r.reply().isPresent() && shouldAcknowledge(bu, r.status())) {
                sendFailureAck(bu, addr, hoa, r.status(), bu.sequence(), r.reply().get(), null);
            }
            return done();
        }
        return process(bu, addr, hoa, (Verdict.Accept) verdict);
    }

    private void onMalformed(Inbound in, MobilityHeaderFormatException e) {
        counters.malformed.incrementAndGet();
        Addressing addr = in.addressing();
        emit(EngineEvent.Kind.MESSAGE_MALFORMED, null, addr.pseudoHeaderSource(), null, null, e.getMessage());
        if (e.reaction() == FormatReaction.BINDING_ERROR_UNRECOGNIZED_TYPE && mayAnswerStranger(addr)) {
            BindingError be = new BindingError(BindingErrorStatus.UNRECOGNIZED_MH_TYPE,
                    addr.homeAddressOption().orElse(Ipv6Address.UNSPECIFIED), List.of());
            Addressing reply = new Addressing(addr.destination(), addr.source(), Optional.empty(),
                    Optional.empty(), addr.outerPeer());
            send(be, reply, Optional.empty(), null, addr.pseudoHeaderSource(),
                    EngineEvent.Kind.BINDING_ERROR_SENT, "Binding Error status 2 for an unrecognised MH type");
        }
        // ICMPv6 Parameter Problem cannot be sent from user space over the UDP transport; the
        // event above records the pointer instead.
    }

    /** RFC 6275 §6.1.7 / §11.3.1: the Home Address option, or the source when there is none. */
    private static Ipv6Address homeAddressOf(Addressing addr) {
        return addr.homeAddressOption().orElse(addr.source());
    }

    // ------------------------------------------------------------------ processing (serialised per home address)

    private CompletionStage<Void> process(BindingUpdate bu, Addressing addr, Ipv6Address hoa, Verdict.Accept accepted) {
        if (closed) {
            return done();
        }
        Identity who = accepted.identity();
        ReplyContext replyCtx = accepted.reply();
        if (!isUnicastRoutable(hoa)) {
            // No answer (it would be routed to that address), but the provider accepted it: tell it.
            return discard(bu, who, hoa, replyCtx, BindingAckStatus.NOT_HOME_SUBNET, "no usable home address");
        }
        boolean homeRegistration = bu.has(BindingUpdate.Flag.HOME_REGISTRATION);
        BindingRecord existing = cache.get(hoa, addr.source(), addr.outerPeer());
        boolean bound = existing != null && existing.isBound();
        if (homeRegistration && bu.option(NonceIndices.class).isPresent()) {
            // §9.5.1: Nonce Indices belong to return routability, never to a home registration;
            // a Binding Update failing a validity test other than 135/139/136-138 is discarded.
            return discard(bu, who, hoa, replyCtx, BindingAckStatus.REASON_UNSPECIFIED,
                    "a home registration carries a Nonce Indices option");
        }
        if (!homeRegistration && !bound) {
            // §9.5.1: H=0 asks for a correspondent registration, valid only with Nonce Indices and
            // Binding Authorization Data that verify under the correspondent's Kbm. This node has
            // no correspondent role (no Kcn, no nonces), so such a Binding Update can never pass
            // those tests, with or without the options: discarded, never answered. Over an existing
            // home binding the same H=0 is a registration type change instead (139, below).
            return discard(bu, who, hoa, replyCtx, BindingAckStatus.REASON_UNSPECIFIED,
                    "not a home registration and no home binding: this home agent has no correspondent "
                            + "node role");
        }
        Ipv6Address coa = addr.effectiveCareOf(bu);
        boolean deregistration = bu.lifetime().isZero() || coa.equals(hoa);

        boolean mobileRouter = bu.has(BindingUpdate.Flag.MOBILE_ROUTER);
        NetworkPrefixes nemo = null;
        BindingAckStatus refusal = null;
        SequenceNumber baSequence = bu.sequence();
        String why = null;
        if (existing != null ? !existing.identity().equals(who) : !registry.mayUse(who, hoa)) {
            // Authorisation is part of the security requirement (RFC 6275 §9.5.1, RFC 3776 §5):
            // checked before anything that would reveal the owner's binding state, such as the
            // sequence number a 135 carries. An entry's owner is what the registry would answer.
            refusal = BindingAckStatus.ADMINISTRATIVELY_PROHIBITED;
            why = "the home address belongs to another identity";
        } else if (bound && !homeRegistration) {
            // §9.5.1: the H bit must match the existing entry's home registration flag, which
            // stays as it is. Every entry of this home agent is a home registration.
            refusal = BindingAckStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED;
            why = "the H flag is clear but the existing binding is a home registration";
        } else if (bound && existing.mobileRouter() != mobileRouter) {
            // RFC 3963 §6.2 (with RFC 6275 §9.5.1): a mobile host cannot turn into a mobile router
            // within one binding, nor back; it deregisters first.
            refusal = BindingAckStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED;
            why = "the R flag differs from the existing binding (registered as a "
                    + (existing.mobileRouter() ? "mobile router" : "mobile host") + ")";
        } else if ((bound || existing != null && settings.sequenceNumberHold())
                && !bu.sequence().isNewerThan(existing.sequence())) {
            // §9.5.1: with no Binding Cache entry any sequence number is accepted; a replay hold is
            // not a binding, so it judges sequence numbers only when the operator asked for it.
            refusal = BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW;
            baSequence = existing.sequence();
            why = "sequence " + bu.sequence() + " is not newer than " + existing.sequence()
                    + (bound ? "" : " (kept after the binding ended)");
        } else if (deregistration && !bound) {
            refusal = BindingAckStatus.NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE;
            why = "deregistration for a home address with no binding";
        } else if (!registry.inHomePrefix(hoa)) {
            refusal = BindingAckStatus.NOT_HOME_SUBNET;
            why = "the home address is outside the home prefixes " + settings.homePrefixes();
        } else if (mobileRouter && !deregistration && (nemo = networkPrefixes(bu, who, hoa)).refusal() != null) {
            refusal = nemo.refusal();
            why = nemo.why();
        } else if (!deregistration && existing == null
                && cache.entriesOf(who) + claimsInFlight(who) >= settings.maxHomeAddressesPerIdentity()) {
            // One key must not claim the home prefix: the cache would fill, and every other node get 130.
            refusal = BindingAckStatus.ADMINISTRATIVELY_PROHIBITED;
            why = "the identity already holds " + settings.maxHomeAddressesPerIdentity() + " home address(es), "
                    + "its maximum (max-home-addresses-per-identity, docs/operator-guide.md#how-the-home-agent-answers)";
        } else if (!deregistration && !bound && drainTargets != null) {
            // Draining (docs/operator-guide.md#drain): nodes already bound may refresh until they
            // switch; a new registration is refused with 130 so the node tries again later or
            // elsewhere, instead of being bound here only to be moved at once.
            refusal = BindingAckStatus.INSUFFICIENT_RESOURCES;
            why = "this home agent is draining (RFC 5142): it takes no new registrations";
        } else if (!deregistration && existing == null && !cache.hasRoomFor(hoa)) {
            refusal = BindingAckStatus.INSUFFICIENT_RESOURCES;
            why = "the binding cache is full (" + settings.maxBindings() + ")";
        } else if (!deregistration && !isAcceptableCareOf(coa)) {
            refusal = BindingAckStatus.INVALID_CARE_OF_ADDRESS;
            why = coa + " is not an acceptable care-of address";
        }
        if (refusal != null) {
            counters.refused.incrementAndGet();
            emit(EngineEvent.Kind.BINDING_UPDATE_REJECTED, who, hoa, coa, refusal, bu.sequence(), why);
            if (shouldAcknowledge(bu, refusal)) {
                sendFailureAck(bu, addr, hoa, refusal, baSequence, replyCtx, who);
            }
            safeRefused(new Refusal(who, hoa, bu.sequence(), refusal, replyCtx, why));
            return done();
        }

        Lifetime granted = deregistration ? Lifetime.ZERO : bu.lifetime().min(maxLifetime);
        BindingChange.Kind kind = deregistration ? BindingChange.Kind.DELETED
                : !bound ? BindingChange.Kind.CREATED
                : existing.careOfAddress().equals(coa) ? BindingChange.Kind.REFRESHED : BindingChange.Kind.MOVED;
        boolean k = bu.has(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY)
                && capabilities.contains(Capability.IKE_SURVIVES_MOVE);
        List<MobileNetworkPrefix> prefixes = deregistration ? existing.mobileNetworkPrefixes()
                : nemo != null ? nemo.prefixes() : List.of();
        BindingChange change = new BindingChange(kind, who, hoa,
                bound ? Optional.of(existing.careOfAddress()) : Optional.empty(),
                deregistration ? existing.careOfAddress() : coa, granted, addr.outerPeer(), k && !deregistration,
                prefixes);

        if (deregistration || existing != null) {
            return prepareAndCommit(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        }
        // A new home address counts against the identity's limit from here on, not only once
        // committed: the provider, the data plane and the store may take a while, and other claims
        // of the same identity (other home addresses, other serializer keys) are checked meanwhile.
        claim(who, 1);
        CompletionStage<Void> done = prepareAndCommit(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        return done.whenComplete((v, e) -> claim(who, -1));
    }

    private CompletionStage<Void> prepareAndCommit(BindingUpdate bu, Addressing addr, Ipv6Address hoa, Identity who,
                                                   Ipv6Address coa, Lifetime granted, boolean k, BindingChange change,
                                                   ReplyContext replyCtx, BindingRecord existing) {
        boolean deregistration = change.kind() == BindingChange.Kind.DELETED;
        CompletionStage<Void> prepared = deregistration ? done() : prepareForwarding(callBeforeAck(change), change);
        if (succeeded(prepared)) {
            // The usual case: the provider was ready at once, so no timer and no continuation.
            return persist(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        }
        if (KeyedSerializer.isComplete(prepared)) {
            return onPrepared(prepared, prepared, bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        }
        return bounded(prepared).handle((ok, failure) -> unwrap(failure))
                .thenCompose(failure -> onPrepared(prepared, failure == null ? done()
                                : CompletableFuture.failedFuture(failure), bu, addr, hoa, who, coa, granted, k, change,
                        replyCtx, existing));
    }

    private int claimsInFlight(Identity who) {
        synchronized (claims) {
            Integer n = claims.get(who);
            return n == null ? 0 : n;
        }
    }

    private void claim(Identity who, int delta) {
        synchronized (claims) {
            claims.merge(who, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    /** The prefixes a mobile router's registration would get, or why it is refused. */
    private record NetworkPrefixes(List<MobileNetworkPrefix> prefixes, BindingAckStatus refusal, String why) {
        static NetworkPrefixes refused(BindingAckStatus status, String why) {
            return new NetworkPrefixes(List.of(), status, why);
        }
    }

    /**
     * RFC 3963 §6.2 for a registration with R: the sender must be in the prefix table (140);
     * in explicit mode every Mobile Network Prefix option must be valid (141) and equal or lie
     * inside one of its authorised prefixes (142); in implicit mode (no option) the binding gets
     * its authorised prefixes. Either way no prefix may overlap one that another live binding
     * holds (142, §6.1.2). A prefix listed twice counts once.
     */
    private NetworkPrefixes networkPrefixes(BindingUpdate bu, Identity who, Ipv6Address hoa) {
        Optional<MobileRouterAuthorization> row = settings.mobileRouter(who);
        if (row.isEmpty()) {
            return NetworkPrefixes.refused(BindingAckStatus.MOBILE_ROUTER_OPERATION_NOT_PERMITTED,
                    who + " may not act as a mobile router (not in home-agent.mobile-routers, "
                            + "docs/operator-guide.md#mobile-routers)");
        }
        List<MobileNetworkPrefix> options = bu.options(MobileNetworkPrefix.class);
        List<MobileNetworkPrefix> prefixes;
        if (options.isEmpty()) {
            prefixes = row.get().prefixes().stream()
                    .map(p -> new MobileNetworkPrefix(p.length(), p.prefix())).toList();
        } else {
            LinkedHashSet<MobileNetworkPrefix> distinct = new LinkedHashSet<>();
            for (MobileNetworkPrefix p : options) {
                if (!MobileRouterAuthorization.isValidMobileNetworkPrefix(p.prefix(), p.prefixLength())) {
                    return NetworkPrefixes.refused(BindingAckStatus.INVALID_PREFIX, p.prefix() + "/"
                            + p.prefixLength() + " is not a valid mobile network prefix (length 1..128, no bits "
                            + "beyond the length, global unicast)");
                }
                if (row.get().covering(p.prefix(), p.prefixLength()).isEmpty()) {
                    return NetworkPrefixes.refused(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX, p.prefix() + "/"
                            + p.prefixLength() + " is not within the prefixes authorised for " + who + " "
                            + row.get().prefixes());
                }
                distinct.add(p);
            }
            prefixes = List.copyOf(distinct);
        }
        for (MobileNetworkPrefix p : prefixes) {
            Optional<Ipv6Address> holder = cache.prefixHolder(p.prefix(), p.prefixLength(), hoa);
            if (holder.isPresent()) {
                return NetworkPrefixes.refused(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX, p.prefix() + "/"
                        + p.prefixLength() + " overlaps a prefix registered by the binding of " + holder.get());
            }
        }
        return new NetworkPrefixes(prefixes, null, null);
    }

    /**
     * A silent discard (RFC 6275 §9.5.1) of a Binding Update the provider had accepted: no
     * Binding Acknowledgement, no change; the provider hears of it through {@code refused} with
     * {@code nominal}, a status nobody is sent.
     */
    private CompletionStage<Void> discard(BindingUpdate bu, Identity who, Ipv6Address hoa, ReplyContext replyCtx,
                                          BindingAckStatus nominal, String why) {
        counters.dropped.incrementAndGet();
        emit(EngineEvent.Kind.VERDICT_DROPPED, who, hoa, null, null, why);
        safeRefused(new Refusal(who, hoa, bu.sequence(), nominal, replyCtx, "silently discarded: " + why));
        return done();
    }

    /** Continues after beforeAck: {@code outcome} is the bounded stage, {@code original} the provider's own. */
    private CompletionStage<Void> onPrepared(CompletionStage<Void> original, CompletionStage<Void> outcome,
                                             BindingUpdate bu, Addressing addr, Ipv6Address hoa, Identity who,
                                             Ipv6Address coa, Lifetime granted, boolean k, BindingChange change,
                                             ReplyContext replyCtx, BindingRecord existing) {
        Throwable failure = failureOf(outcome);
        {
            if (failure != null) {
                counters.refused.incrementAndGet();
                boolean timedOut = failure instanceof TimeoutException;
                boolean forwardingFailed = failure instanceof ForwardingFailure;
                String reason = timedOut
                        ? "the provider or the data plane did not prepare within " + settings.beforeAckTimeout()
                        : forwardingFailed ? "the data plane could not prepare: " + rootMessage(failure.getCause())
                        : "the provider could not prepare: " + rootMessage(failure);
                // A mobile router whose prefixes cannot be forwarded gets 143, Forwarding Setup failed (RFC 3963).
                BindingAckStatus status = forwardingFailed && !change.mobileNetworkPrefixes().isEmpty()
                        ? BindingAckStatus.FORWARDING_SETUP_FAILED
                        : timedOut || forwardingFailed ? BindingAckStatus.INSUFFICIENT_RESOURCES
                        : BindingAckStatus.REASON_UNSPECIFIED;
                emit(EngineEvent.Kind.BINDING_UPDATE_REJECTED, who, hoa, coa, status, reason);
                sendFailureAck(bu, addr, hoa, status, bu.sequence(), replyCtx, who);
                // A late stage may still install something: undo only once it has settled.
                original.whenComplete((v, e) -> safeAbandoned(change, reason));
                return done();
            }
            return persist(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        }
    }

    private static Throwable failureOf(CompletionStage<Void> completed) {
        try {
            completed.toCompletableFuture().getNow(null);
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Already completed normally (see {@link KeyedSerializer#isComplete}). */
    private static boolean succeeded(CompletionStage<?> stage) {
        return KeyedSerializer.isComplete(stage) && !((CompletableFuture<?>) stage).isCompletedExceptionally();
    }

    // ------------------------------------------------------------------ durable state

    /**
     * Hands the change to the {@link BindingStore} (if any), then commits. The acknowledgement
     * waits until the change is durable, except for a refresh that only extends the lifetime
     * when the store allows it (a crash that loses it leaves the older, earlier expiry;
     * docs/operator-guide.md, "Durable state"). A store that fails or does not answer within the before-ack bound turns the
     * answer into 130 and changes nothing; a write that lands after its timeout is undone, with
     * the home address held until then so no later change of it is overwritten.
     */
    private CompletionStage<Void> persist(BindingUpdate bu, Addressing addr, Ipv6Address hoa, Identity who,
                                          Ipv6Address coa, Lifetime granted, boolean k, BindingChange change,
                                          ReplyContext replyCtx, BindingRecord existing) {
        if (store == null) {
            return commit(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        }
        Instant now = clock.instant();
        BindingRecord next = change.kind() == BindingChange.Kind.DELETED
                ? new BindingRecord(BindingRecord.State.REPLAY_HOLD, hoa, existing.careOfAddress(), bu.sequence(),
                        Lifetime.ZERO, existing.mobileRouter(), false, who, now.plus(settings.replayHold()),
                        addr.outerPeer())
                : new BindingRecord(BindingRecord.State.BOUND, hoa, coa, bu.sequence(), granted,
                        bu.has(BindingUpdate.Flag.MOBILE_ROUTER), k, who, now.plusSeconds(granted.seconds()),
                        addr.outerPeer(), change.mobileNetworkPrefixes());
        byte[] providerRecord = providerRecord(change);
        boolean onlyExtends = store.refreshesMayLag() && change.kind() == BindingChange.Kind.REFRESHED
                && existing != null && existing.isBound()
                && existing.outerPeer().equals(next.outerPeer())
                && existing.keyManagementMobility() == next.keyManagementMobility()
                && existing.mobileNetworkPrefixes().equals(next.mobileNetworkPrefixes())
                && !next.expiresAt().isBefore(existing.expiresAt());
        CompletionStage<Void> durable = write(new StoredBinding(change.kind(), next, providerRecord),
                onlyExtends ? BindingStore.Durability.LATER : BindingStore.Durability.BEFORE_ACK);
        if (onlyExtends) {
            reportLateFailure(durable, change);
            return commit(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        }
        if (succeeded(durable)) {
            return commit(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
        }
        if (KeyedSerializer.isComplete(durable)) {
            storeFailed(bu, addr, hoa, who, change, replyCtx, failureOf(durable));
            return done();
        }
        return bounded(durable).handle((v, e) -> unwrap(e)).thenCompose(failure -> {
            if (failure == null) {
                return commit(bu, addr, hoa, who, coa, granted, k, change, replyCtx, existing);
            }
            storeFailed(bu, addr, hoa, who, change, replyCtx, failure);
            if (!(failure instanceof TimeoutException)) {
                return done();
            }
            // The write may still land: put the home address's entry back as it was once it has.
            return durable.handle((v, e) -> e == null).thenCompose(landed -> {
                if (!landed) {
                    return done();
                }
                CompletionStage<Void> undo = existing == null ? store.remove(hoa)
                        : write(new StoredBinding(existing.isBound() ? BindingChange.Kind.REFRESHED
                                : BindingChange.Kind.DELETED, existing, providerRecord),
                        BindingStore.Durability.LATER);
                return undo.handle((v, e) -> null);
            });
        });
    }

    private void storeFailed(BindingUpdate bu, Addressing addr, Ipv6Address hoa, Identity who, BindingChange change,
                             ReplyContext replyCtx, Throwable failure) {
        counters.refused.incrementAndGet();
        String reason = failure instanceof TimeoutException
                ? "the binding store did not make the change durable within " + settings.beforeAckTimeout()
                : "the binding store could not make the change durable: " + rootMessage(failure);
        emit(EngineEvent.Kind.BINDING_UPDATE_REJECTED, who, hoa, change.careOf(),
                BindingAckStatus.INSUFFICIENT_RESOURCES, bu.sequence(), reason);
        sendFailureAck(bu, addr, hoa, BindingAckStatus.INSUFFICIENT_RESOURCES, bu.sequence(), replyCtx, who);
        if (change.kind() == BindingChange.Kind.DELETED) {
            // No beforeAck was asked for a deregistration, so there is nothing to abandon.
            safeRefused(new Refusal(who, hoa, bu.sequence(), BindingAckStatus.INSUFFICIENT_RESOURCES, replyCtx,
                    reason));
        } else {
            safeAbandoned(change, reason);
        }
    }

    /** An expiry or revocation: stored without waiting (no acknowledgement confirms it). */
    private void storeLater(BindingChange change, BindingRecord held) {
        if (store == null || held == null) {
            return;
        }
        reportLateFailure(write(new StoredBinding(change.kind(), held, providerRecord(change)),
                BindingStore.Durability.LATER), change);
    }

    private CompletionStage<Void> write(StoredBinding binding, BindingStore.Durability durability) {
        try {
            CompletionStage<Void> s = store.write(binding, durability);
            return s != null ? s : CompletableFuture.failedFuture(new IllegalStateException("the store returned null"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void reportLateFailure(CompletionStage<Void> durable, BindingChange change) {
        if (succeeded(durable)) {
            return;
        }
        durable.whenComplete((v, e) -> {
            if (e != null) {
                emit(EngineEvent.Kind.PROVIDER_EVENT, change.identity(), change.homeAddress(), change.careOf(), null,
                        "the binding store could not make a " + change.kind() + " durable: " + rootMessage(e));
            }
        });
    }

    /** The provider's record for {@code change}, empty when it keeps none, fails or returns too much. */
    private byte[] providerRecord(BindingChange change) {
        byte[] r;
        try {
            r = security.bindingRecord(change);
        } catch (RuntimeException e) {
            emit(EngineEvent.Kind.PROVIDER_EVENT, change.identity(), change.homeAddress(), null, null,
                    "bindingRecord failed: " + e);
            return new byte[0];
        }
        if (r == null) {
            return new byte[0];
        }
        if (r.length > HomeAgentSecurity.MAX_BINDING_RECORD_OCTETS) {
            emit(EngineEvent.Kind.PROVIDER_EVENT, change.identity(), change.homeAddress(), null, null,
                    "bindingRecord returned " + r.length + " octets, more than "
                            + HomeAgentSecurity.MAX_BINDING_RECORD_OCTETS + "; stored without it");
            return new byte[0];
        }
        return r;
    }

    /** What was restored from the stored entries when the engine was built. */
    public RestoredBindings restored() {
        return restored;
    }

    private CompletionStage<Void> commit(BindingUpdate bu, Addressing addr, Ipv6Address hoa, Identity who, Ipv6Address coa,
                        Lifetime granted, boolean k, BindingChange change, ReplyContext replyCtx,
                        BindingRecord existing) {
        if (change.kind() == BindingChange.Kind.DELETED) {
            Instant now = clock.instant();
            cache.put(new BindingRecord(BindingRecord.State.BOUND, hoa, existing.careOfAddress(), bu.sequence(),
                    Lifetime.ZERO, existing.mobileRouter(), false, who, now, addr.outerPeer()));
            cache.hold(hoa, now.plus(settings.replayHold()).toEpochMilli());
        } else {
            boolean stored = cache.putBound(hoa, coa, bu.sequence(), granted, bu.has(BindingUpdate.Flag.MOBILE_ROUTER),
                    k, who, clock.millis() + granted.seconds() * 1000, addr.outerPeer(), change.mobileNetworkPrefixes());
            if (!stored) {
                // The cache filled up between the check and the commit: another home address won.
                emit(EngineEvent.Kind.BINDING_UPDATE_REJECTED, who, hoa, coa, BindingAckStatus.INSUFFICIENT_RESOURCES,
                        "the binding cache is full");
                sendFailureAck(bu, addr, hoa, BindingAckStatus.INSUFFICIENT_RESOURCES, bu.sequence(), replyCtx, who);
                if (store != null) {
                    store.remove(hoa); // written as durable just before; the cache never held it
                }
                safeAbandoned(change, "the binding cache is full");
                return done();
            }
            registry.bound(hoa);
        }
        counters.accepted.incrementAndGet();
        EngineEvent.Kind happened = switch (change.kind()) {
            case CREATED -> EngineEvent.Kind.BINDING_CREATED;
            case MOVED -> EngineEvent.Kind.BINDING_MOVED;
            case REFRESHED -> EngineEvent.Kind.BINDING_REFRESHED;
            default -> EngineEvent.Kind.BINDING_DELETED;
        };
        if (events.wouldRecord(happened)) {
            emit(happened, who, hoa, change.careOf(), BindingAckStatus.ACCEPTED, bu.sequence(),
                    "seq=" + bu.sequence() + " lifetime=" + granted + (k ? " K" : "")
                            + (change.mobileNetworkPrefixes().isEmpty() ? "" : " prefixes="
                            + change.mobileNetworkPrefixes().stream().map(p -> p.prefix() + "/" + p.prefixLength())
                            .toList()));
        }

        List<MobilityOption> options = acceptedAckOptions(bu, addr, granted);
        int flagBits = k ? BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY.mask() : 0;
        if (bu.has(BindingUpdate.Flag.MOBILE_ROUTER)) {
            // RFC 3963 §4.2: this home agent supports mobile routers and accepted one.
            flagBits |= BindingAcknowledgement.Flag.MOBILE_ROUTER.mask();
        }
        // The flag sets of a flags octet are shared constants: no set is built per acknowledgement.
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                BindingAcknowledgement.flagsFromBits(flagBits), bu.sequence(), granted, options);
        CompletionStage<Void> sent = send(ba, replyAddressing(addr, hoa), Optional.of(replyCtx), who, hoa, null, null);
        if (KeyedSerializer.isComplete(sent)) {
            safeAfterChange(change);
            return done();
        }
        // afterChange waits for the acknowledgement to leave (an SA torn down earlier could
        // swallow it), and the next message for this home address waits for afterChange; a send
        // that never completes holds the home address no longer than the provider bound.
        return bounded(sent).handle((v, e) -> {
            safeAfterChange(change);
            return null;
        });
    }

    /**
     * The options of an accepting acknowledgement: Binding Refresh Advice (RFC 6275 §6.2.4) when
     * configured, an IPv4 Address Acknowledgement for an IPv4 Home Address Request, NAT Detection
     * (RFC 5555). The usual answer, one option or none, is built without a growable list.
     */
    private List<MobilityOption> acceptedAckOptions(BindingUpdate bu, Addressing addr, Lifetime granted) {
        List<MobilityOption> adviceOnly = refreshAdvice(granted);
        MobilityOption advice = adviceOnly.isEmpty() ? null : adviceOnly.get(0);
        Optional<Ipv4HomeAddressRequest> v4Request = bu.option(Ipv4HomeAddressRequest.class);
        Optional<NatDetection> nat = natDetection(bu, addr);
        if (v4Request.isEmpty() && nat.isEmpty()) {
            return adviceOnly;
        }
        List<MobilityOption> options = new ArrayList<>(3);
        if (advice != null) {
            options.add(advice);
        }
        v4Request.ifPresent(req -> options.add(new Ipv4AddressAcknowledgement(
                Ipv4AddressAckStatus.DYNAMIC_ASSIGNMENT_NOT_AVAILABLE, 0, req.address())));
        nat.ifPresent(options::add);
        return options;
    }

    /**
     * The Binding Refresh Advice for {@code granted} as an option list (empty when none): the
     * list of the last lifetime granted is kept and shared, since nearly every acknowledgement
     * grants the same lifetime (the list and the option are immutable).
     */
    private List<MobilityOption> refreshAdvice(Lifetime granted) {
        RefreshAdvice last = lastAdvice;
        if (last != null && last.granted() == granted.units()) {
            return last.options();
        }
        List<MobilityOption> options = List.of();
        if (!granted.isZero() && settings.refreshAdviceRatio() > 0) {
            int units = (int) Math.floor(granted.units() * settings.refreshAdviceRatio());
            if (units > 0 && units < granted.units()) {
                options = List.of(new BindingRefreshAdvice(Lifetime.ofUnits(units)));
            }
        }
        lastAdvice = new RefreshAdvice(granted.units(), options);
        return options;
    }

    /** A granted lifetime's refresh advice, as {@link #refreshAdvice} returns it. */
    private record RefreshAdvice(int granted, List<MobilityOption> options) {
    }

    /** RFC 5555 §4.1: a NAT lies between when the IPv4 care-of address differs from the outer source. */
    private Optional<NatDetection> natDetection(BindingUpdate bu, Addressing addr) {
        Optional<Ipv4CareOfAddress> v4 = bu.option(Ipv4CareOfAddress.class);
        if (v4.isEmpty() || addr.outerPeer().isEmpty()) {
            return Optional.empty();
        }
        InetSocketAddress outer = addr.outerPeer().get();
        if (!(outer.getAddress() instanceof Inet4Address outer4)) {
            return Optional.empty();
        }
        Ipv4Address observed = Ipv4Address.fromBytes(outer4.getAddress(), 0);
        if (observed.equals(v4.get().address())) {
            return Optional.empty();
        }
        return Optional.of(new NatDetection(false, settings.natKeepalive().getSeconds()));
    }

    /**
     * The BA goes back the way the BU came, to its source. RFC 6275 §6.1 / §9.5.4: a type 2
     * routing header carries the home address only when that destination is a care-of address
     * other than the home address; a BU whose Home Address option names its own source (sent
     * from home) is answered straight to the home address.
     */
    private static Addressing replyAddressing(Addressing bu, Ipv6Address hoa) {
        Optional<Ipv6Address> option = bu.homeAddressOption();
        boolean viaCareOf = option.isPresent() && !bu.source().equals(hoa);
        // The BU's own Home Address option is the routing header's address when it names hoa.
        Optional<Ipv6Address> routed = !viaCareOf ? Optional.empty()
                : option.get().equals(hoa) ? option : Optional.of(hoa);
        return new Addressing(bu.destination(), bu.source(), Optional.empty(), routed, bu.outerPeer());
    }

    /**
     * RFC 6275 §9.5.4 and §10.3.1: a home registration is always answered; otherwise a BA goes
     * out when A was set, or for 130, 135, 136–138 whatever A says.
     */
    static boolean shouldAcknowledge(BindingUpdate bu, BindingAckStatus status) {
        if (bu.has(BindingUpdate.Flag.HOME_REGISTRATION) || bu.has(BindingUpdate.Flag.ACKNOWLEDGE)) {
            return true;
        }
        int c = status.code();
        return c == 130 || c == 135 || (c >= 136 && c <= 138);
    }

    /**
     * A failure reply to {@code who}, or, when {@code who} is null, to a sender the provider did
     * not authenticate. The two draw on separate budgets: forged Binding Updates, which anyone
     * can send, must not use up the answers (such as 135) a legitimate node needs.
     */
    private void sendFailureAck(BindingUpdate bu, Addressing addr, Ipv6Address hoa, BindingAckStatus status,
                                SequenceNumber sequence, ReplyContext replyCtx, Identity who) {
        if (who != null ? !identityReplies.tryAcquire(who.hashCode()) : !mayAnswerStranger(addr)) {
            return;
        }
        BindingAcknowledgement ba = new BindingAcknowledgement(status, Set.of(), sequence, Lifetime.ZERO, List.of());
        send(ba, replyAddressing(addr, hoa), Optional.of(replyCtx), who, hoa, null, null);
    }

    private CompletionStage<Void> send(MobilityMessage m, Addressing to, Optional<ReplyContext> ctx, Identity who,
                                       Ipv6Address hoa, EngineEvent.Kind onSent, String sentDetail) {
        SignallingPath p = path;
        CompletionStage<Void> sent;
        try {
            sent = p.send(m, to, ctx);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        if (sent == null) {
            sent = CompletableFuture.failedFuture(new SecurityProviderException("the path returned no send stage"));
        }
        if (onSent == null && succeeded(sent)) {
            return sent;
        }
        return sent.whenComplete((v, e) -> {
            if (e != null) {
                counters.sendFailures.incrementAndGet();
                emit(EngineEvent.Kind.SEND_FAILED, who, hoa, null, null, m.type() + ": " + rootMessage(e));
            } else if (onSent != null) {
                emit(onSent, who, hoa, null, null, sentDetail);
            }
        });
    }

    private CompletionStage<Void> callBeforeAck(BindingChange change) {
        try {
            CompletionStage<Void> s = security.beforeAck(change);
            return s != null ? s : CompletableFuture.failedFuture(new IllegalStateException("beforeAck returned null"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> CompletionStage<T> bounded(CompletionStage<T> stage) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Cancellable timer = scheduler.schedule(settings.beforeAckTimeout(),
                () -> result.completeExceptionally(new TimeoutException()));
        stage.whenComplete((v, e) -> {
            timer.cancel();
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(v);
            }
        });
        return result;
    }

    private void safeAbandoned(BindingChange change, String reason) {
        try {
            security.abandoned(change, reason);
        } catch (RuntimeException e) {
            emit(EngineEvent.Kind.PROVIDER_EVENT, change.identity(), change.homeAddress(), null, null,
                    "abandoned failed: " + e);
        }
        try {
            forwarding.abandoned(change);
        } catch (RuntimeException e) {
            emit(EngineEvent.Kind.PROVIDER_EVENT, change.identity(), change.homeAddress(), null, null,
                    "forwarding abandoned failed: " + e);
        }
    }

    /**
     * The data plane prepares once the provider has: a failure of its own is marked as a
     * {@link ForwardingFailure} so the answer says 130 (resources) rather than the provider's 128.
     */
    private CompletionStage<Void> prepareForwarding(CompletionStage<Void> providerReady, BindingChange change) {
        if (forwarding == BindingForwarding.NONE) {
            return providerReady;
        }
        return providerReady.thenCompose(v -> {
            CompletionStage<Void> s;
            try {
                s = forwarding.prepare(change);
            } catch (RuntimeException e) {
                s = CompletableFuture.failedFuture(e);
            }
            if (s == null) {
                s = CompletableFuture.failedFuture(new IllegalStateException("prepare returned null"));
            }
            return s.handle((ok, e) -> {
                if (e != null) {
                    throw new ForwardingFailure(unwrap(e));
                }
                return (Void) null;
            });
        });
    }

    /** A data-plane failure while preparing a binding change (its cause says which). */
    private static final class ForwardingFailure extends RuntimeException {
        ForwardingFailure(Throwable cause) {
            super(cause == null ? "data plane failure" : cause.getMessage(), cause, false, false);
        }
    }

    private void safeRefused(Refusal refusal) {
        try {
            security.refused(refusal);
        } catch (RuntimeException e) {
            emit(EngineEvent.Kind.PROVIDER_EVENT, refusal.identity(), refusal.homeAddress(), null, null,
                    "refused failed: " + e);
        }
    }

    private void safeAfterChange(BindingChange change) {
        if (!change.kind().keepsBinding()) {
            try {
                forwarding.removed(change);
            } catch (RuntimeException e) {
                emit(EngineEvent.Kind.PROVIDER_EVENT, change.identity(), change.homeAddress(), null, null,
                        "forwarding removal failed: " + e);
            }
        }
        try {
            security.afterChange(change);
        } catch (RuntimeException e) {
            emit(EngineEvent.Kind.PROVIDER_EVENT, change.identity(), change.homeAddress(), null, null,
                    "afterChange failed: " + e);
        }
    }

    // ------------------------------------------------------------------ expiry

    private void scheduleSweep() {
        if (closed) {
            return;
        }
        sweepTask = scheduler.schedule(settings.sweepInterval(), () -> {
            try {
                sweep();
            } finally {
                scheduleSweep();
            }
        });
    }

    /** Expires bindings whose lifetime has run out; forgets replay state that has lapsed. */
    void sweep() {
        long now = clock.millis();
        List<BindingRecord> expired = new ArrayList<>();
        List<BindingRecord> forgotten = new ArrayList<>();
        cache.sweep(now, expired, forgotten);
        registry.expireReservations();
        for (BindingRecord r : forgotten) {
            registry.forgotten(r);
        }
        for (BindingRecord r : expired) {
            serializer.submit(r.homeAddress(), () -> {
                BindingRecord current = cache.get(r.homeAddress());
                if (current != null && current.isBound() && !current.expiresAt().isAfter(clock.instant())) {
                    BindingRecord held = cache.hold(r.homeAddress(),
                            clock.instant().plus(settings.replayHold()).toEpochMilli());
                    counters.expired.incrementAndGet();
                    emit(EngineEvent.Kind.BINDING_EXPIRED, current.identity(), current.homeAddress(),
                            current.careOfAddress(), null, "lifetime " + current.lifetime() + " ran out");
                    BindingChange expiry = new BindingChange(BindingChange.Kind.EXPIRED, current.identity(),
                            current.homeAddress(), Optional.of(current.careOfAddress()), current.careOfAddress(),
                            Lifetime.ZERO, current.outerPeer(), false, current.mobileNetworkPrefixes());
                    storeLater(expiry, held);
                    safeAfterChange(expiry);
                }
                return done();
            });
        }
    }

    // ------------------------------------------------------------------ revocation

    private final HomeAgentHandle handle = this::revoke;

    private CompletionStage<Boolean> revoke(Ipv6Address hoa, Identity owner, String reason) {
        Objects.requireNonNull(hoa, "homeAddress");
        Objects.requireNonNull(owner, "owner");
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        if (closed) {
            result.complete(false);
            return result;
        }
        serializer.submit(hoa, () -> {
            BindingRecord current = cache.get(hoa);
            if (closed || current == null || !current.isBound() || current.lifetime().isZero()
                    || !current.identity().equals(owner)) {
                result.complete(false);
                return done();
            }
            Instant now = clock.instant();
            cache.put(new BindingRecord(BindingRecord.State.BOUND, hoa, current.careOfAddress(), current.sequence(),
                    Lifetime.ZERO, current.mobileRouter(), false, owner, now, current.outerPeer()));
            BindingRecord held = cache.hold(hoa, now.plus(settings.replayHold()).toEpochMilli());
            counters.revoked.incrementAndGet();
            emit(EngineEvent.Kind.BINDING_REVOKED, owner, hoa, current.careOfAddress(), null,
                    "revoked by the provider: " + (reason == null ? "" : reason));
            BindingChange revocation = new BindingChange(BindingChange.Kind.REVOKED, owner, hoa,
                    Optional.of(current.careOfAddress()), current.careOfAddress(), Lifetime.ZERO,
                    current.outerPeer(), false, current.mobileNetworkPrefixes());
            storeLater(revocation, held);
            safeAfterChange(revocation);
            result.complete(true);
            return done();
        });
        return result;
    }

    /** The instance's capabilities, refused when they claim more than the descriptor. */
    private static Set<Capability> instanceCapabilities(ProviderDescriptor descriptor, Set<Capability> declared) {
        if (declared == null) {
            throw new SecurityProviderException("provider " + descriptor.name() + " states no capabilities for "
                    + "its home-agent side");
        }
        if (!descriptor.capabilities().containsAll(declared)) {
            Set<Capability> extra = EnumSet.noneOf(Capability.class);
            extra.addAll(declared);
            extra.removeAll(descriptor.capabilities());
            throw new SecurityProviderException("provider " + descriptor.name() + " claims capabilities its "
                    + "descriptor does not declare: " + extra + " (an instance may state a subset only; "
                    + "see docs/errors.md#provider-capabilities)");
        }
        return declared.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(declared));
    }

    /** What this provider instance, as configured, declared it can do. */
    /**
     * Starts a planned drain (RFC 5142): from now on a new registration is refused with 130
     * (insufficient resources) while bound nodes may still refresh, and every bound node is sent
     * a Home Agent Switch naming {@code targets}, most preferred first. Calling it again sends
     * the message again to the nodes still bound (RFC 5142 §5.2 lets the home agent retransmit
     * to a node that has not moved).
     *
     * @param targets the home agents the nodes should move to (at most
     *        {@link HomeAgentSwitch#MAX_ADDRESSES}); empty lets the nodes discover one
     * @return how many Home Agent Switch messages were handed to the provider's path
     * @throws IllegalStateException if the provider does not declare
     *         {@link Capability#PROTECTS_HOME_AGENT_SWITCH} (nothing changes), or the engine is not running
     */
    public int drain(List<Ipv6Address> targets) {
        HomeAgentSwitch message = HomeAgentSwitch.to(targets);
        if (!capabilities.contains(Capability.PROTECTS_HOME_AGENT_SWITCH)) {
            throw new IllegalStateException("provider " + descriptor.name() + " cannot protect a Home Agent Switch "
                    + "(it lacks the capability " + Capability.PROTECTS_HOME_AGENT_SWITCH + "), and a mobile node "
                    + "acts only on a protected one: not draining (docs/operator-guide.md#drain)");
        }
        SignallingPath p = path;
        if (p == null || closed) {
            throw new IllegalStateException("the home agent is not running");
        }
        drainTargets = message.homeAgents();
        Ipv6Address self = settings.homeAgentAddress();
        int sent = 0;
        for (BindingRecord r : bindings()) {
            if (!r.isBound()) {
                continue;
            }
            Ipv6Address hoa = r.homeAddress();
            boolean away = !r.careOfAddress().equals(hoa);
            Addressing to = new Addressing(self, away ? r.careOfAddress() : hoa, Optional.empty(),
                    away ? Optional.of(hoa) : Optional.empty(), r.outerPeer());
            send(message, to, Optional.empty(), r.identity(), hoa, EngineEvent.Kind.HOME_AGENT_SWITCH_SENT,
                    "Home Agent Switch to " + message.homeAgents());
            sent++;
        }
        return sent;
    }

    /** The home agents a drain sends nodes to, or empty when the home agent is not draining. */
    public Optional<List<Ipv6Address>> draining() {
        return Optional.ofNullable(drainTargets);
    }

    public Set<Capability> capabilities() {
        return capabilities;
    }

    // ------------------------------------------------------------------ queries

    /**
     * The live bindings, copied all at once. With a large cache prefer
     * {@link #bindings(Ipv6Address, int, Predicate)}, which copies one page.
     */
    public List<BindingRecord> bindings() {
        return cache.liveBindings();
    }

    /**
     * One page of the live bindings in home address order, for listings that must not copy the
     * whole cache: at most {@code limit} bindings whose home address comes after {@code after}
     * and whose identity {@code identity} accepts. Pass the last home address of a page as
     * {@code after} to get the next one; an empty or short page means the end. Each page is
     * taken under the cache's lock in one scan (no record is made for a binding outside the
     * page), so bindings that change between pages may appear in neither or both.
     *
     * @param after the cursor, exclusive; {@code null} to start at the lowest home address
     * @param limit the most bindings to return, at least 1
     * @param identity a filter on the binding's identity, called under the cache's lock (keep
     *        it a pure test); {@code null} for all
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public List<BindingRecord> bindings(Ipv6Address after, int limit, Predicate<Identity> identity) {
        return cache.page(after, limit, identity);
    }

    /** The live binding or replay hold for {@code homeAddress}. */
    public Optional<BindingRecord> binding(Ipv6Address homeAddress) {
        return Optional.ofNullable(cache.get(homeAddress));
    }

    public int bindingCount() {
        return cache.liveCount();
    }

    /** Entries kept only for replay protection after deregistration or expiry. */
    public int replayHoldCount() {
        return cache.holdCount();
    }

    public ProviderDescriptor provider() {
        return descriptor;
    }

    /** The provider's own counters ({@link HomeAgentSecurity#counters()}); empty if it keeps none or fails. */
    public java.util.Map<String, Long> providerCounters() {
        try {
            java.util.Map<String, Long> c = security.counters();
            return c == null ? java.util.Map.of() : new java.util.TreeMap<>(c);
        } catch (RuntimeException e) {
            return java.util.Map.of();
        }
    }

    /**
     * Hands the provider a new version of its configuration section ({@link HomeAgentSecurity#reload}):
     * all or nothing, while Binding Updates keep flowing. Calls are serialised; bindings and the
     * engine's own settings are not touched.
     *
     * @param providerConfig the provider's section ({@code security.<name>}), freshly read
     * @return what changed, or that the provider cannot reload
     * @throws ProviderConfigException if the section is wrong; nothing changed
     * @throws IllegalStateException if the engine is closing or closed
     */
    public ReloadOutcome reloadSecurity(ConfigSection providerConfig) throws ProviderConfigException {
        Objects.requireNonNull(providerConfig, "providerConfig");
        synchronized (reloadLock) {
            if (closed || (path != null && !accepting)) {
                throw new IllegalStateException("the home agent is stopping; nothing was reloaded");
            }
            ReloadOutcome outcome = security.reload(providerConfig);
            if (outcome == null) {
                throw new SecurityProviderException("provider " + descriptor.name() + " returned no reload outcome");
            }
            return outcome;
        }
    }

    /** The provider's own count of per-node state ({@link HomeAgentSecurity#perNodeStateCount()}). */
    public int providerStateCount() {
        return security.perNodeStateCount();
    }

    /** The home-address book the provider sees. */
    public HomeAddressBook homeAddresses() {
        return registry;
    }

    /** Binding Updates queued or in processing. */
    public int inFlight() {
        return serializer.inFlight();
    }

    public Counters counters() {
        return counters;
    }

    public HomeAgentSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops accepting new messages, lets in-flight Binding Updates finish (they still get their
     * Binding Acknowledgements), then closes the path and the provider.
     */
    public CompletionStage<Void> closeAsync() {
        accepting = false;
        Cancellable s = sweepTask;
        if (s != null) {
            s.cancel();
        }
        return serializer.drained().whenComplete((v, e) -> closeNow());
    }

    /**
     * {@link #closeAsync()}, waiting at most the configured shutdown timeout (real time). With a
     * scheduler the caller must not wait on ({@link Scheduler#callerMayWait()} false, e.g.
     * {@link VirtualTime}) it returns at once; the engine closes when in-flight work has drained
     * or the shutdown timeout has passed on the scheduler's clock, whichever comes first.
     */
    @Override
    public void close() {
        CompletionStage<Void> draining = closeAsync();
        if (!scheduler.callerMayWait()) {
            // This thread moves the scheduler's clock: a wait here would never end.
            scheduler.schedule(settings.shutdownTimeout(), this::closeNow);
            return;
        }
        try {
            draining.toCompletableFuture().get(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // In-flight work did not finish in time: close anyway.
        }
        closeNow();
    }

    private synchronized void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        accepting = false;
        SignallingPath p = path;
        if (p != null) {
            p.close();
        }
        security.close();
    }

    // ------------------------------------------------------------------ helpers

    private static int burstOf(double perSecond) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, perSecond * 2));
    }

    /** Within both the source prefix's budget and the budget of all unauthenticated senders. */
    private boolean mayAnswerStranger(Addressing addr) {
        return strangerRepliesPerSource.tryAcquire(sourcePrefixOf(addr)) && strangerReplies.tryAcquire();
    }

    /**
     * The sender's network, as one key: the /24 of an IPv4 outer peer (or IPv4-mapped source),
     * else the /64 of the IPv6 outer peer or source. Spoofing within it is cheap, across it not.
     */
    static long sourcePrefixOf(Addressing addr) {
        if (addr.outerPeer().isPresent()) {
            java.net.InetAddress outer = addr.outerPeer().get().getAddress();
            if (outer != null) {
                byte[] a = outer.getAddress();
                if (a.length == 4) {
                    return Long.MIN_VALUE | ((a[0] & 0xFFL) << 16) | ((a[1] & 0xFFL) << 8) | (a[2] & 0xFFL);
                }
                return java.nio.ByteBuffer.wrap(a).getLong();
            }
        }
        Ipv6Address source = addr.source();
        if (source.isIpv4Mapped()) {
            return Long.MIN_VALUE | (source.embeddedIpv4().toInt() >>> 8);
        }
        return source.high();
    }

    private static boolean isUnicastRoutable(Ipv6Address a) {
        return !a.isUnspecified() && !a.isMulticast() && !a.isLoopback() && !a.isLinkLocal();
    }

    /**
     * A care-of address the home agent could tunnel to: unicast and routable, else 174 (RFC 6275
     * "Invalid Care-of Address"). IPv4 (RFC 5555, held IPv4-mapped): not 0/8 ("this network") or
     * 127/8 (loopback), RFC 1122 §3.2.1.3; not 224/4 (multicast) or 240/4 (reserved, which holds
     * the limited broadcast 255.255.255.255), RFC 6890.
     */
    private boolean isAcceptableCareOf(Ipv6Address coa) {
        if (coa.equals(settings.homeAgentAddress())) {
            return false;
        }
        if (coa.isIpv4Mapped()) {
            int first = coa.embeddedIpv4().toInt() >>> 24;
            return first != 0 && first != 127 && first < 224;
        }
        return !coa.isUnspecified() && !coa.isMulticast() && !coa.isLoopback() && !coa.isLinkLocal();
    }

    private void emit(EngineEvent.Kind kind, Identity who, Ipv6Address hoa, Ipv6Address coa, BindingAckStatus status,
                      String detail) {
        emit(kind, who, hoa, coa, status, null, detail);
    }

    private void emit(EngineEvent.Kind kind, Identity who, Ipv6Address hoa, Ipv6Address coa, BindingAckStatus status,
                      SequenceNumber sequence, String detail) {
        if (!events.wouldRecord(kind)) {
            return;
        }
        events.emit(EngineEvent.of(kind, who, hoa, coa, status, sequence, detail == null ? "" : detail));
    }

    private static CompletionStage<Void> done() {
        return DONE;
    }

    private static Throwable unwrap(Throwable t) {
        while (t != null && t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** What the home agent has done since it started. */
    public static final class Counters {
        final AtomicLong received = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();
        final AtomicLong ignored = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong expired = new AtomicLong();
        final AtomicLong revoked = new AtomicLong();
        final AtomicLong sendFailures = new AtomicLong();

        public long received() { return received.get(); }
        public long malformed() { return malformed.get(); }
        public long ignored() { return ignored.get(); }
        /** Dropped with no reply: by the provider's verdict, or silently discarded by RFC 6275 §9.5.1. */
        public long dropped() { return dropped.get(); }
        /** Rejected by the provider's verdict (with or without a reply). */
        public long rejected() { return rejected.get(); }
        /** Refused by the engine's protocol checks. */
        public long refused() { return refused.get(); }
        public long accepted() { return accepted.get(); }
        public long expired() { return expired.get(); }
        /** Removed by the provider ({@link HomeAgentHandle#revoke}). */
        public long revoked() { return revoked.get(); }
        public long sendFailures() { return sendFailures.get(); }

        /**
         * The counts now, one {@code name=value} pair each:
         * {@code Counters[received=12, malformed=0, ignored=0, dropped=1, rejected=2, refused=0,
         * accepted=9, expired=0, revoked=0, sendFailures=0]}. Each count is read on its own, so
         * under traffic the pairs may be a few messages apart.
         */
        @Override
        public String toString() {
            return "Counters[received=" + received() + ", malformed=" + malformed() + ", ignored=" + ignored()
                    + ", dropped=" + dropped() + ", rejected=" + rejected() + ", refused=" + refused()
                    + ", accepted=" + accepted() + ", expired=" + expired() + ", revoked=" + revoked()
                    + ", sendFailures=" + sendFailures() + "]";
        }
    }
}
