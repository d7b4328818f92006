package org.mip6kit.benchmarks.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.provider.auth4285.AuthOption4285Provider;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.Verdict;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/**
 * N simulated mobile nodes behind one UDP socket. Each node is the provider's own mobile-node
 * side ({@link SecurityProviderFactory#mobileNode}, configured with the node's NAI, SPI and key),
 * so Binding Updates are protected (MN-ID, replay timestamp, MN-HA authenticator) and
 * acknowledgements verified by exactly the code a real mobile node runs; only the mobile-node
 * <em>engine</em> (retransmission timers, Binding Update List) is left out, because one per node
 * would not fit a million nodes. The Binding Update is built as {@code MobileNodeEngine} builds it
 * for an IPv6 care-of address: A|H, the lifetime, no options of its own; source the care-of
 * address, Home Address option.
 *
 * <p>Client-side work per request is the same whichever server answers: build and sign the BU
 * (provider), send it, receive the answer, parse the inner packet ({@link UdpTransport}), decode
 * it with the checksum checked, hand it to the node's provider path to verify. The echo returns the
 * BU itself, which the provider refuses at its first check (the source is not the home agent); so
 * that the client still computes the MAC it would have computed on an acknowledgement, an echoed
 * BU's authenticator is verified with the node's key ({@link EchoAuthenticatorCheck}).
 *
 * <p>Latency runs from the moment the signed Binding Update is handed to the socket (taken in the
 * transport wrapper, after signing) to the moment its answer was matched. For a paced phase the
 * sender also records how late each send was against the schedule ({@link PhaseResult#sendLag()}):
 * a send that is late does not start its clock late silently.
 *
 * <p>Threads: one sender (the caller of {@link #run}), the socket's receive thread, and a
 * watchdog that times out requests unanswered after {@code timeout}. No retransmission: an
 * unanswered request is a {@code timeout} failure.
 *
 * <p>Garbage: one JVM holds every node's provider state, and each node's provider keeps its last
 * Binding Updates to match acknowledgements against, so everything a send leaves in that record
 * survives young collections and is copied by them. The node's addresses and the sequence numbers
 * are therefore shared instances, not new ones per send.
 */
final class SimulatedNodes implements AutoCloseable {

    enum Kind { REFRESH, MOVE, DEREGISTER }

    /**
     * A paced send that leaves more than this after its slot is "behind schedule": the sender was
     * held up (its own pause or descheduling, or a full window) and is catching up.
     */
    static final long ON_SCHEDULE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** How {@link UdpTransport} names its receive thread: the client JVM has one. */
    static final String RECEIVE_THREAD_PREFIX = "mip6-udp-";

    /** A|H: a home registration that asks for an acknowledgement, as {@code MobileNodeEngine} sends it. */
    static final Set<BindingUpdate.Flag> FLAGS =
            Set.copyOf(EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION));
    private static final SequenceNumber[] SEQUENCE_NUMBERS = new SequenceNumber[0x10000];

    static {
        for (int s = 0; s < SEQUENCE_NUMBERS.length; s++) {
            SEQUENCE_NUMBERS[s] = SequenceNumber.of(s);
        }
    }

    private record Node(MobileNodeSecurity security, SignallingPath path) {
    }

    private final NodeKeys keys;
    private final SecurityProviderFactory factory = new AuthOption4285Provider();
    private final ProviderContext context;
    private final MobilityHeaderCodec codec;
    private final ExecutorScheduler scheduler = new ExecutorScheduler("bench-mn", 1);
    private final UdpTransport socket;
    private final SignallingTransport shared;
    private final AtomicReferenceArray<Node> nodes;
    private final int[] sequence;
    private final short[] generation;
    private final Ipv6Address[] homeAddress;
    private final Ipv6Address[] careOf;
    private final AtomicLongArray sentAt;
    private final boolean[] behindSchedule; // written before sentAt is set, read before it is cleared
    private final EchoAuthenticatorCheck echoCheck;
    private final Lifetime lifetime;
    private final long timeoutNanos;
    private final Thread watchdog;
    private final LongAdder providerEvents = new LongAdder();
    private volatile boolean closed;

    // Per phase; the histogram is written by the receive thread only and read after the phase drained.
    private volatile Semaphore permits = new Semaphore(0);
    private volatile Histogram histogram = newHistogram();
    private volatile Histogram onScheduleHistogram = newHistogram();
    private volatile boolean echo;
    private final LongAdder completed = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile long lastAnswer;
    private long lastSend; // sender thread only

    SimulatedNodes(NodeKeys keys, Lifetime lifetime, long timeoutMillis) throws Exception {
        this.keys = keys;
        this.lifetime = lifetime;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.codec = codec(factory);
        this.context = StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE)
                .clock(java.time.Clock.systemUTC()).scheduler(scheduler).codec(codec)
                .events(e -> providerEvents.increment()).build();
        int n = keys.count();
        this.nodes = new AtomicReferenceArray<>(n);
        this.sequence = new int[n];
        this.generation = new short[n];
        this.homeAddress = new Ipv6Address[n];
        this.careOf = new Ipv6Address[n];
        for (int i = 0; i < n; i++) {
            homeAddress[i] = NodeKeys.homeAddress(i);
            careOf[i] = NodeKeys.careOf(i, 0);
        }
        this.sentAt = new AtomicLongArray(n);
        this.behindSchedule = new boolean[n];
        this.echoCheck = new EchoAuthenticatorCheck(keys);
        this.socket = UdpTransport.open(new UdpTransport.Config(InetAddress.getByName("::1"), 0, 4 << 20));
        this.shared = new SignallingTransport() {
            @Override
            public void start(java.util.function.Consumer<Inbound> receiver) {
                // the shared socket is started once, below
            }

            @Override
            public CompletionStage<Void> send(byte[] octets, Addressing to) {
                // The request's clock starts here, after signing: what it measures is the round trip.
                int i = keys.indexOf(to.homeAddressOption().orElse(null));
                long now = System.nanoTime();
                if (i >= 0) {
                    sentAt.set(i, now);
                }
                lastSend = now;
                return socket.send(octets, to);
            }

            @Override
            public void close() {
                // closed with the generator
            }
        };
        socket.start(this::receive);
        watchdog = new Thread(this::watch, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    int count() {
        return keys.count();
    }

    /** Creates every node's provider side now, so that no phase pays for it. */
    void createAll() throws ProviderConfigException {
        for (int i = 0; i < keys.count(); i++) {
            node(i);
        }
    }

    /** The Mobility Header codec with the provider's options registered. */
    static MobilityHeaderCodec codec(SecurityProviderFactory factory) {
        MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
            registry = registry.with(c);
        }
        return new MobilityHeaderCodec(registry);
    }

    /** Node {@code i}'s mobile-node side of the provider, configured from {@code keys} and bootstrapped. */
    static MobileNodeSecurity mobileNode(SecurityProviderFactory factory, ProviderContext context, NodeKeys keys, int i)
            throws ProviderConfigException {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("nai", NodeKeys.nai(i));
        cfg.put("spi", Long.toString(NodeKeys.spi(i)));
        cfg.put("key", keys.keyHex(i));
        cfg.put("home-address", NodeKeys.homeAddress(i).toString());
        cfg.put("home-agent", NodeKeys.HOME_AGENT.toString());
        MobileNodeSecurity sec = factory.mobileNode(context,
                ConfigSection.of("security." + AuthOption4285Provider.NAME, null, cfg));
        sec.bootstrap(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false, Optional.empty(),
                Optional.empty(), NodeKeys.careOf(i, 0))).toCompletableFuture().join();
        return sec;
    }

    private Node node(int i) throws ProviderConfigException {
        Node n = nodes.get(i);
        if (n != null) {
            return n;
        }
        MobileNodeSecurity sec = mobileNode(factory, context, keys, i);
        SignallingPath path = sec.path(() -> shared);
        path.start(in -> { });
        n = new Node(sec, path);
        nodes.set(i, n);
        return n;
    }

    /**
     * One phase: Binding Updates of {@code kind} to {@code server}, nodes taken in order from
     * {@code firstNode} (wrapping), at most {@code window} outstanding, paced at {@code rate} per
     * second if positive; {@code count} requests, or as many as fit in {@code seconds} if count is 0.
     */
    PhaseResult run(String name, boolean toEcho, InetSocketAddress server, Kind kind, int firstNode, long count,
                    double seconds, int window, double rate) throws Exception {
        Semaphore p = new Semaphore(window);
        permits = p;
        histogram = newHistogram();
        onScheduleHistogram = newHistogram();
        Histogram lag = newHistogram();
        echo = toEcho;
        completed.reset();
        accepted.reset();
        failures.clear();
        long interval = rate > 0 ? (long) (1e9 / rate) : 0;
        long start = System.nanoTime();
        long deadline = count > 0 ? Long.MAX_VALUE : start + (long) (seconds * 1e9);
        long next = start;
        long sent = 0;
        long windowFull = 0;
        int n = keys.count();
        int cursor = Math.floorMod(firstNode, n);
        int busy = 0;
        Optional<InetSocketAddress> endpoint = Optional.of(server);
        while (count > 0 ? sent < count : System.nanoTime() < deadline) {
            long scheduled = next;
            if (interval > 0) {
                for (long now = System.nanoTime(); now < next; now = System.nanoTime()) {
                    LockSupport.parkNanos(next - now); // may return early
                }
                next += interval;
            }
            if (!p.tryAcquire()) {
                windowFull++;
                p.acquire();
            }
            int i = cursor;
            cursor = cursor + 1 == n ? 0 : cursor + 1;
            if (sentAt.get(i) != 0) {
                p.release(); // still outstanding from before (possible only when window ≥ N)
                next = scheduled; // this slot was not used
                if (++busy > n) {
                    Thread.onSpinWait();
                    busy = 0;
                }
                continue;
            }
            lastSend = 0;
            behindSchedule[i] = interval > 0 && System.nanoTime() - scheduled > ON_SCHEDULE_NANOS;
            send(i, kind, endpoint);
            if (interval > 0 && lastSend != 0) {
                lag.recordValue(Math.min(Math.max(0, lastSend - scheduled), lag.getHighestTrackableValue()));
            }
            sent++;
        }
        // Drain: every permit back (answers, or the watchdog's timeouts).
        if (!p.tryAcquire(window, 2 * timeoutNanos + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(name + ": requests neither answered nor timed out");
        }
        long end = Math.max(lastAnswer, start);
        Map<String, Long> f = new HashMap<>();
        failures.forEach((k, v) -> f.put(k, v.sum()));
        return new PhaseResult(name, toEcho ? "echo" : "ha", window, rate, sent, completed.sum(), accepted.sum(),
                (end - start) / 1e9, histogram, f, lag, interval > 0 ? onScheduleHistogram : newHistogram(), windowFull,
                PhaseCost.UNMEASURED);
    }

    private void send(int i, Kind kind, Optional<InetSocketAddress> endpoint) throws ProviderConfigException {
        Node node = node(i);
        int seq = (sequence[i] + 1) & 0xFFFF;
        sequence[i] = seq;
        if (kind == Kind.MOVE) {
            generation[i]++;
            careOf[i] = NodeKeys.careOf(i, generation[i]);
        }
        BindingUpdate bu = new BindingUpdate(SEQUENCE_NUMBERS[seq], FLAGS,
                kind == Kind.DEREGISTER ? Lifetime.ZERO : lifetime, List.of());
        Addressing to = new Addressing(careOf[i], NodeKeys.HOME_AGENT, Optional.of(homeAddress[i]),
                Optional.empty(), endpoint);
        node.path().send(bu, to, Optional.empty()).whenComplete((v, e) -> {
            if (e == null) {
                return;
            }
            long t = sentAt.get(i);
            if (t == 0 || sentAt.compareAndSet(i, t, 0)) { // 0: it failed before reaching the socket
                fail("send-failed");
                permits.release();
            }
        });
    }

    /** The socket's receive thread: decode, verify with the node's provider path, match, record. */
    private void receive(Inbound in) {
        long now = System.nanoTime();
        Addressing a = in.addressing();
        Ipv6Address hoa = a.routingHeader().orElseGet(() -> a.homeAddressOption().orElse(null));
        int i = keys.indexOf(hoa);
        if (i < 0) {
            fail("stray");
            return;
        }
        byte[] octets = in.octets(); // a copy each call
        MobilityMessage m;
        try {
            m = codec.decode(octets, a.pseudoHeaderSource(), a.pseudoHeaderDestination());
        } catch (MobilityHeaderFormatException e) {
            fail("malformed");
            return;
        }
        Node node = nodes.get(i);
        // The client's provider decides at once (RFC 4285 MN-HA): the stage is already complete.
        Verdict v = node.path().verify(in, m).toCompletableFuture().join();
        long t = sentAt.get(i);
        boolean behind = behindSchedule[i]; // before the slot is freed and the sender reuses it
        if (t == 0 || !sentAt.compareAndSet(i, t, 0)) {
            fail("late");
            return;
        }
        if (echo) {
            completed.increment();
            if (!echoCheck.verifies(i, octets, m, a)) {
                fail("echo-unverified");
            }
        } else if (v instanceof Verdict.Accept && m instanceof BindingAcknowledgement ba) {
            completed.increment();
            if (ba.status().isAccepted()) {
                accepted.increment();
            } else {
                fail("status-" + ba.status().code());
            }
        } else {
            completed.increment();
            fail(v instanceof Verdict.Accept ? "not-a-ba" : "unverified");
        }
        long latency = Math.min(now - t, histogram.getHighestTrackableValue());
        histogram.recordValue(latency);
        if (!behind) {
            onScheduleHistogram.recordValue(latency);
        }
        lastAnswer = now;
        permits.release();
    }

    private void watch() {
        int n = keys.count();
        while (!closed) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = sentAt.get(i);
                if (t != 0 && now - t > timeoutNanos && sentAt.compareAndSet(i, t, 0)) {
                    fail("timeout");
                    lastAnswer = now;
                    permits.release();
                }
            }
        }
    }

    private void fail(String kind) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private static Histogram newHistogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        scheduler.shutdown(java.time.Duration.ofSeconds(1));
        for (int i = 0; i < nodes.length(); i++) {
            Node n = nodes.get(i);
            if (n != null) {
                n.security().close();
            }
        }
    }
}
