package org.mip6kit.engine;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeHandle;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/**
 * A mobile node engine on virtual time with an in-test provider whose signalling path records
 * every message the engine sends and lets the test deliver acknowledgements built with the real
 * codec. Not a test class itself.
 */
final class MobileNodeTestRig {

    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::5");
    static final Ipv6Address COA2 = Ipv6Address.parse("2001:db8:3::7");
    static final Identity MN = Identity.nai("mn1@example.org");
    static final Identity HA_ID = new Identity(Identity.Kind.HOME_AGENT, HA.toString());
    static final MobilityHeaderCodec CODEC = MobilityHeaderCodec.standard();

    /** One message the engine handed to the path. */
    record Sent(Instant at, MobilityMessage message, Addressing to, byte[] octets) {
        BindingUpdate bu() {
            return (BindingUpdate) message;
        }
    }

    final VirtualTime time = new VirtualTime();
    final List<EngineEvent> events = new CopyOnWriteArrayList<>();
    /** What the engine told its {@link TunnelEndpointListener}: "KIND careOf -> homeAgent", in order. */
    final List<String> tunnelChanges = new CopyOnWriteArrayList<>();
    final FakeFactory factory;
    final MobileNodeEngine engine;

    MobileNodeTestRig(Set<Capability> capabilities, MobileNodeSettings settings) throws Exception {
        this(capabilities, settings, COA);
    }

    MobileNodeTestRig(Set<Capability> capabilities, MobileNodeSettings settings, Ipv6Address careOf) throws Exception {
        this(capabilities, null, settings, careOf);
    }

    /**
     * @param capabilities the descriptor's capabilities (INTEGRITY is added)
     * @param instanceCapabilities what the provider instance states, or null for the descriptor's
     */
    MobileNodeTestRig(Set<Capability> capabilities, Set<Capability> instanceCapabilities, MobileNodeSettings settings,
                      Ipv6Address careOf) throws Exception {
        EnumSet<Capability> caps = EnumSet.of(Capability.INTEGRITY);
        caps.addAll(capabilities);
        factory = new FakeFactory(new ProviderDescriptor("fake-mn", "1.0", SpiVersion.MAJOR, Placement.IN_MESSAGE, caps));
        factory.instanceCapabilities = instanceCapabilities;
        engine = MobileNodeEngine.builder()
                .provider(factory, ConfigSection.of("security.fake-mn", null, Map.of()))
                .settings(settings)
                .transports(() -> {
                    throw new AssertionError("the fake provider never opens the engine transport");
                })
                .clock(time.clock())
                .scheduler(time)
                .listener(events::add)
                .tunnel((change, homeAgent) -> tunnelChanges.add(change.kind() + " " + change.careOf() + " -> "
                        + homeAgent))
                .careOfAddress(careOf)
                .build();
    }

    /** Defaults with a fixed first sequence number, so tests can name the numbers they expect. */
    static MobileNodeSettings settings() {
        return MobileNodeSettings.defaults().withInitialSequence(SequenceNumber.of(100));
    }

    static MobileNodeTestRig standard() throws Exception {
        return new MobileNodeTestRig(Set.of(), settings());
    }

    FakePath path() {
        return factory.security.path;
    }

    FakeSecurity security() {
        return factory.security;
    }

    /** The kinds of {@link MobileNodeSecurity#registrationChanged} calls so far, in order. */
    List<RegistrationChange.Kind> registrationChanges() {
        return security().registrationChanges.stream().map(RegistrationChange::kind).toList();
    }

    /** Calls start() and runs what is due now (bootstrap, path start, the first Binding Update). */
    CompletableFuture<MobileNodeEngine.Registration> start() {
        CompletableFuture<MobileNodeEngine.Registration> f = engine.start().toCompletableFuture();
        time.runDue();
        return f;
    }

    /** Starts and accepts the first registration with the requested lifetime. */
    MobileNodeEngine.Registration register() {
        CompletableFuture<MobileNodeEngine.Registration> f = start();
        BindingUpdate bu = lastBu();
        ack(BindingAckStatus.ACCEPTED, bu.sequence(), bu.lifetime());
        if (!f.isDone()) {
            throw new AssertionError("registration did not complete");
        }
        return f.join();
    }

    List<Sent> sent() {
        return path() == null ? List.of() : List.copyOf(path().sent);
    }

    List<BindingUpdate> bus() {
        return sent().stream().filter(s -> s.message instanceof BindingUpdate).map(Sent::bu).toList();
    }

    Sent lastSent() {
        List<Sent> s = sent();
        if (s.isEmpty()) {
            throw new AssertionError("nothing was sent");
        }
        return s.get(s.size() - 1);
    }

    BindingUpdate lastBu() {
        return lastSent().bu();
    }

    void ack(BindingAckStatus status, SequenceNumber seq, Lifetime lifetime, MobilityOption... options) {
        deliver(new BindingAcknowledgement(status, Set.of(), seq, lifetime, List.of(options)));
    }

    void ackWithK(SequenceNumber seq, Lifetime lifetime) {
        deliver(new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                Set.of(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY), seq, lifetime, List.of()));
    }

    /** Delivers {@code m} as the home agent would send it to the current care-of address, then runs what is due. */
    void deliver(MobilityMessage m) {
        Ipv6Address coa = engine.careOfAddress();
        Addressing a = coa.equals(HOA) || coa.isIpv4Mapped()
                ? Addressing.of(HA, HOA)
                : new Addressing(HA, coa, Optional.empty(), Optional.of(HOA), Optional.empty());
        deliverOctets(CODEC.encode(m, a.pseudoHeaderSource(), a.pseudoHeaderDestination()), a);
    }

    void deliverOctets(byte[] octets, Addressing a) {
        path().receiver.accept(new Inbound(octets, a, Observed.NOTHING));
        time.runDue();
    }

    List<EngineEvent> events(EngineEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    /** The provider's mobile-node side; what each call does is settable by the test. */
    static final class FakeSecurity implements MobileNodeSecurity {
        @Override
        public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
            return capabilities;
        }

        final ProviderContext context;
        final List<BootstrapRequest> bootstrapRequests = new CopyOnWriteArrayList<>();
        final Deque<CompletionStage<BootstrapResult>> bootstrapAnswers = new ArrayDeque<>();
        final List<String> careOfChanges = new CopyOnWriteArrayList<>();
        final List<BindingAckStatus> rejections = new CopyOnWriteArrayList<>();
        final List<RegistrationChange> registrationChanges = new CopyOnWriteArrayList<>();
        /** Every path made, oldest first ({@link #path} is the latest). */
        final List<FakePath> paths = new CopyOnWriteArrayList<>();
        /** Lifecycle calls in order: "attach", "bootstrap", "path". */
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile MobileNodeHandle handle;
        int attachCalls;
        BiFunction<Ipv6Address, Ipv6Address, CompletionStage<Void>> careOfChanging =
                (from, to) -> CompletableFuture.completedFuture(null);
        Function<BindingAckStatus, RejectAction> onRejected = s -> new RejectAction.GiveUp("test gives up on " + s);
        java.util.Set<org.mip6kit.spi.Capability> capabilities = java.util.Set.of(org.mip6kit.spi.Capability.INTEGRITY);
        FakePath path;
        int pathCalls;
        volatile boolean closed;

        final VirtualTime time;

        FakeSecurity(ProviderContext context, VirtualTime time) {
            this.context = context;
            this.time = time;
        }

        static BootstrapResult result(Ipv6Address hoa) {
            return new BootstrapResult(MN, Optional.of(hoa), Optional.empty(), Optional.empty(), HA, List.of());
        }

        @Override
        public synchronized CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
            calls.add("bootstrap");
            bootstrapRequests.add(want);
            CompletionStage<BootstrapResult> next = bootstrapAnswers.poll();
            return next != null ? next : CompletableFuture.completedFuture(result(HOA));
        }

        @Override
        public SignallingPath path(TransportFactory engineTransports) {
            pathCalls++;
            calls.add("path");
            path = new FakePath(context.codec());
            path.time = time;
            paths.add(path);
            return path;
        }

        @Override
        public void attach(MobileNodeHandle engine) {
            attachCalls++;
            calls.add("attach");
            handle = engine;
        }

        @Override
        public void registrationChanged(RegistrationChange change) {
            registrationChanges.add(change);
        }

        @Override
        public CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
            careOfChanges.add(from + "->" + to);
            return careOfChanging.apply(from, to);
        }

        @Override
        public RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
            rejections.add(status);
            return onRejected.apply(status);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Records sends (encoding them with the provider context's codec) and hands received messages to the engine. */
    static final class FakePath implements SignallingPath {
        final MobilityHeaderCodec codec;
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        Consumer<Inbound> receiver;
        Function<MobilityMessage, Verdict> verify = m -> Verdict.accept(HA_ID, () -> "fake");
        /** When set, {@link #verify} returns this stage instead of a completed one made from {@link #verify}. */
        Function<MobilityMessage, CompletionStage<Verdict>> verifyStages;
        volatile boolean closed;
        volatile Instant closedAt;
        VirtualTime time;

        FakePath(MobilityHeaderCodec codec) {
            this.codec = codec;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            if (this.receiver != null) {
                throw new AssertionError("start called twice");
            }
            this.receiver = receiver;
        }

        @Override
        public java.util.concurrent.CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            if (verifyStages != null) {
                return verifyStages.apply(decoded);
            }
            return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(received, decoded));
        }

        public Verdict verifyNow(Inbound received, MobilityMessage decoded) {
            return verify.apply(decoded);
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("path closed"));
            }
            byte[] octets = codec.encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
            sent.add(new Sent(time == null ? null : time.now(), message, to, octets));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
            closedAt = time == null ? null : time.now();
        }
    }

    /** The in-test provider. */
    final class FakeFactory implements SecurityProviderFactory {
        final ProviderDescriptor descriptor;
        Set<Capability> instanceCapabilities;
        FakeSecurity security;

        FakeFactory(ProviderDescriptor descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public ProviderDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
            security = new FakeSecurity(context, time);
            security.capabilities = instanceCapabilities != null ? instanceCapabilities : descriptor.capabilities();
            return security;
        }

        @Override
        public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
            throw new UnsupportedOperationException("mobile node only");
        }
    }

    static InetSocketAddress endpoint() {
        return new InetSocketAddress("192.0.2.1", 4191);
    }

    static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
