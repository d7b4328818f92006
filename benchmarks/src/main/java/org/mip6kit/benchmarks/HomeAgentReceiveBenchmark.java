package org.mip6kit.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.slf4j.LoggerFactory;

/**
 * The home agent's own cost for one refresh: a Binding Update's octets go into
 * {@link HomeAgentEngine}'s receive path and a Binding Acknowledgement (status 0) comes out,
 * with {@code bindings} other bindings in the cache. Everything the engine does is measured:
 * decoding with the checksum, the protocol checks of RFC 6275 §10.3.1, the per-home-address
 * serialisation, the cache update, building and encoding the acknowledgement. Security is not:
 * the provider here accepts every Binding Update with no option and no MAC, so the RFC 4285
 * cost ({@code Hmac4285Benchmark}) and the socket are left out.
 *
 * <p>Each operation refreshes the next node, round-robin, with its sequence number plus one
 * (flags A|H, lifetime 900 units, Home Address option, no mobility options: the Binding Update
 * the load generator's nodes send, without the provider's options). The sequence number is
 * patched into pre-encoded octets with an incremental checksum update (RFC 1624 eqn. 3), so the
 * harness encodes nothing per operation. The engine runs as the daemon builds it: the system
 * clock, an {@link ExecutorScheduler} of one thread (which also runs the expiry sweep once a
 * second), logging at WARN (the load generator's level). Setup registers every node and refuses
 * to measure unless each registration and a first refresh were acknowledged with status 0, then
 * collects the heap; each iteration fails if any acknowledgement was not.
 *
 * <p>Run with {@code -prof gc} for the bytes allocated per refresh. Benchmarks are
 * measurements, never assertions (see {@code docs/performance.md}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Dmip6kit.log.level=WARN")
public class HomeAgentReceiveBenchmark {

    private static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    private static final HomePrefix HOME_PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final long FIRST_HOME_ADDRESS_LOW = 0x0000_0001_0000_0000L;
    private static final long CARE_OF_HIGH = 0x2001_0db8_0002_0000L;
    private static final int SEQUENCE_OFFSET = 6;
    private static final int CHECKSUM_OFFSET = 4;

    /** Bindings in the cache while refreshes are measured. */
    @Param("100000")
    public int bindings;

    private ExecutorScheduler scheduler;
    private HomeAgentEngine engine;
    private AcceptingPath path;
    private byte[][] octets;
    private Addressing[] addressing;
    private Verdict.Accept[] verdicts;
    private int[] sequence;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (LoggerFactory.getLogger("org.mip6kit.ha").isInfoEnabled()) {
            throw new IllegalStateException("run with -Dmip6kit.log.level=WARN: at INFO every refresh writes a line");
        }
        scheduler = new ExecutorScheduler("bench-ha", 1);
        AcceptingProvider provider = new AcceptingProvider();
        engine = HomeAgentEngine.builder()
                .provider(provider, null)
                .settings(HomeAgentSettings.defaults(HOME_AGENT, HOME_PREFIX).withMaxBindings(2 * bindings + 1024))
                .transports(() -> {
                    throw new IllegalStateException("the benchmark provider never opens the engine transport");
                })
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .build();
        engine.start();
        path = provider.path;

        MobilityHeaderCodec codec = MobilityHeaderCodec.standard();
        octets = new byte[bindings][];
        addressing = new Addressing[bindings];
        verdicts = new Verdict.Accept[bindings];
        sequence = new int[bindings];
        ReplyContext reply = () -> "benchmark";
        for (int i = 0; i < bindings; i++) {
            Ipv6Address hoa = Ipv6Address.of(HOME_PREFIX.prefix().high(), FIRST_HOME_ADDRESS_LOW + i);
            Ipv6Address coa = Ipv6Address.of(CARE_OF_HIGH, i + 1);
            addressing[i] = new Addressing(coa, HOME_AGENT, Optional.of(hoa), Optional.empty(), Optional.empty());
            verdicts[i] = Verdict.accept(Identity.nai("mn" + i + "@bench.example"), reply);
            sequence[i] = 1;
            octets[i] = codec.encode(new BindingUpdate(SequenceNumber.of(1),
                    EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                    Lifetime.ofUnits(900), List.of()), hoa, HOME_AGENT);
            deliver(i);
        }
        requireAllAccepted(bindings);
        if (engine.bindingCount() != bindings) {
            throw new IllegalStateException(engine.bindingCount() + " bindings after registering " + bindings);
        }

        setSequence(octets[0], 2);
        MobilityMessage patched = codec.decode(octets[0].clone(), addressing[0].homeAddressOption().orElseThrow(),
                HOME_AGENT);
        if (!((BindingUpdate) patched).sequence().equals(SequenceNumber.of(2))) {
            throw new IllegalStateException("the patched Binding Update decodes as " + patched);
        }
        setSequence(octets[0], 1);
        refresh();
        requireAllAccepted(1);
        if (path.lastAck.sequence().value() != 2) {
            throw new IllegalStateException("the refresh was acknowledged as " + path.lastAck);
        }
        // Measure from a collected heap, as a home agent runs after registration: otherwise the
        // first iterations at 10^6 nodes pay for node objects scattered among registration garbage.
        System.gc();
    }

    private void requireAllAccepted(int expected) {
        if (path.accepted != expected || path.other != 0) {
            throw new IllegalStateException(path.accepted + " accepting and " + path.other
                    + " other acknowledgements, expected " + expected + " accepting; last " + path.lastAck);
        }
        path.accepted = 0;
    }

    @TearDown(Level.Iteration)
    public void checkEveryRefreshWasAccepted() {
        if (path.other != 0) {
            throw new IllegalStateException(path.other + " refreshes were not accepted; last " + path.lastAck);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        scheduler.shutdown(Duration.ofSeconds(2));
    }

    /** One Binding Update in, one Binding Acknowledgement out. */
    @Benchmark
    public BindingAcknowledgement refresh() {
        int i = next;
        next = i + 1 == bindings ? 0 : i + 1;
        sequence[i] = (sequence[i] + 1) & 0xFFFF;
        setSequence(octets[i], sequence[i]);
        deliver(i);
        return path.lastAck;
    }

    private void deliver(int i) {
        path.verdict = verdicts[i];
        path.receiver.accept(new Inbound(octets[i], addressing[i], Observed.NOTHING));
    }

    /** Rewrites the Sequence # field and updates the checksum to match (RFC 1624 eqn. 3). */
    static void setSequence(byte[] mh, int sequence) {
        int old = ((mh[SEQUENCE_OFFSET] & 0xFF) << 8) | (mh[SEQUENCE_OFFSET + 1] & 0xFF);
        int checksum = ((mh[CHECKSUM_OFFSET] & 0xFF) << 8) | (mh[CHECKSUM_OFFSET + 1] & 0xFF);
        int sum = (~checksum & 0xFFFF) + (~old & 0xFFFF) + sequence;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        checksum = ~sum & 0xFFFF;
        mh[SEQUENCE_OFFSET] = (byte) (sequence >>> 8);
        mh[SEQUENCE_OFFSET + 1] = (byte) sequence;
        mh[CHECKSUM_OFFSET] = (byte) (checksum >>> 8);
        mh[CHECKSUM_OFFSET + 1] = (byte) checksum;
    }

    /** Accepts every Binding Update with the verdict the benchmark set; home agent side only. */
    private static final class AcceptingProvider implements SecurityProviderFactory {
        AcceptingPath path;

        @Override
        public ProviderDescriptor descriptor() {
            return new ProviderDescriptor("bench-accepting", "bench", SpiVersion.MAJOR, Placement.IN_MESSAGE,
                    EnumSet.of(Capability.INTEGRITY));
        }

        @Override
        public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
            throw new UnsupportedOperationException("the benchmark provider has only a home agent side");
        }

        @Override
        public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
            path = new AcceptingPath(context.codec());
            return new HomeAgentSecurity() {
                @Override
                public java.util.Set<org.mip6kit.spi.Capability> capabilities() {
                    return descriptor().capabilities();
                }

                @Override
                public SignallingPath path(TransportFactory engineTransports) {
                    return path;
                }

                @Override
                public CompletionStage<Void> beforeAck(BindingChange change) {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void afterChange(BindingChange change) {
                }

                @Override
                public void close() {
                }

                @Override
                public int perNodeStateCount() {
                    return 0;
                }
            };
        }
    }

    /** Hands received octets to the engine, encodes what it sends and keeps the last acknowledgement. */
    private static final class AcceptingPath implements SignallingPath {
        private static final CompletionStage<Void> SENT = CompletableFuture.completedFuture(null);

        private final MobilityHeaderCodec codec;
        Consumer<Inbound> receiver;
        Verdict.Accept verdict;
        BindingAcknowledgement lastAck;
        byte[] lastOctets;
        int accepted;
        int other;

        AcceptingPath(MobilityHeaderCodec codec) {
            this.codec = codec;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            this.receiver = receiver;
        }

        @Override
        public java.util.concurrent.CompletionStage<Verdict> verify(Inbound received, MobilityMessage decoded) {
            return java.util.concurrent.CompletableFuture.completedFuture(verifyNow(received, decoded));
        }

        public Verdict verifyNow(Inbound received, MobilityMessage decoded) {
            return verdict;
        }

        @Override
        public CompletionStage<Void> send(MobilityMessage message, Addressing to, Optional<ReplyContext> reply) {
            lastOctets = codec.encode(message, to.pseudoHeaderSource(), to.pseudoHeaderDestination());
            if (message instanceof BindingAcknowledgement ba) {
                lastAck = ba;
                if (ba.status().code() == 0) {
                    accepted++;
                } else {
                    other++;
                }
            } else {
                other++;
            }
            return SENT;
        }

        @Override
        public void close() {
        }
    }
}
