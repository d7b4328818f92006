package org.mip6kit.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.provider.auth4285.AuthOption4285Provider;
import org.mip6kit.provider.auth4285.MobilityMessageAuthentication;
import org.mip6kit.provider.auth4285.MobilityMessageReplayProtection;
import org.mip6kit.provider.auth4285.NtpTimestamp;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityOptionCodec;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
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
 * The home agent's whole receive path with RFC 4285, from the octets of a received inner IPv6
 * packet to the octets of the Binding Acknowledgement handed to the transport, with
 * {@code bindings} bindings registered. Measured: parsing the packet (IPv6 header, Home Address
 * option) as the UDP transport does, the {@link Inbound}, decoding with the checksum, the
 * per-home-address order, {@code auth-option-4285}'s verification (option scan, HMAC-SHA1 over
 * the message, replay memory), the protocol checks, the binding cache update, building the
 * acknowledgement and the provider protecting and encoding it (replay option, HMAC, checksum).
 * Not measured: the socket's two system calls (the echo's whole cost in {@code ./mip6kit bench})
 * and the sender's own work. No engine event listener is installed (as in the load generator's
 * home agent), so events that nobody records are not built.
 *
 * <p>Each Binding Update has to be fresh: RFC 4285's replay protection refuses a timestamp it
 * has accepted, and one older than the replay window. So before each iteration the harness signs
 * {@code batch} Binding Updates for the next nodes round-robin (sequence number plus one, the
 * timestamp of that moment), the way the load generator's nodes build them (flags A|H, lifetime
 * 3600 s, options NAI MN-ID, replay protection, MN-HA authentication; Home Address option in the
 * packet); an operation delivers the next one. An iteration that runs out of signed packets
 * fails (raise {@code batch}); the replay window is 60 s instead of 7 s so that signing a batch on
 * a loaded machine cannot age its first packets out of it; an iteration fails if any refresh was not answered with an
 * acknowledgement of status 0, so a mistake in the harness cannot pass as a fast run.
 *
 * <p><b>Allocation.</b> {@code -prof gc} counts the whole iteration, and so the signing before it
 * too (about 1 KB per signed packet, spread over the packets used). The figure to read is the
 * line {@code ALLOCATED <bytes> B per Binding Update} that each iteration prints: the bytes the
 * benchmark thread allocated between the end of the signing and the end of the iteration,
 * divided by the Binding Updates delivered (the home agent's work runs on that thread; the
 * expiry sweep on the scheduler's does not count). {@code gc.count} still tells whether
 * collections happened. The same line gives the benchmark thread's CPU time per Binding Update
 * (thread CPU time: on a shared machine it leaves out the time the thread waited for a core,
 * which the score does not).
 *
 * <p>The key table is written to an owner-only temporary directory and deleted at tear-down.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Dmip6kit.log.level=WARN", "-Xmx3g"})
public class HomeAgentPacketBenchmark {

    private static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    private static final HomePrefix HOME_PREFIX = HomePrefix.parse("2001:db8:1::/64");
    private static final long HOME_LOW_BASE = 0x1_0000_0000L;
    private static final long CARE_OF_HIGH = Ipv6Address.parse("2001:db8:2::").high();
    private static final long FIRST_SPI = 256;
    private static final int KEY_LENGTH = 20;
    private static final Set<BindingUpdate.Flag> FLAGS =
            Set.copyOf(EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION));
    private static final Lifetime LIFETIME = Lifetime.ofSeconds(3600);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private static final Duration AHEAD = Duration.ofSeconds(30);

    /** Bindings registered before refreshes are measured. */
    @Param("1000000")
    public int bindings;

    /** Binding Updates signed before each iteration; more than one iteration can use. */
    @Param("600000")
    public int batch;

    private ExecutorScheduler scheduler;
    private HomeAgentEngine engine;
    private CapturingTransport transport;
    private Path keyTable;
    private MobilityHeaderCodec codec;
    private Mac mac;
    private byte[] keys;
    private int[] sequence;
    private byte[][] packets;
    private int signed;
    private int used;
    private int nextNode;
    private long lastTimestamp;
    private long allocatedAfterSigning;
    private long cpuAfterSigning;
    /** The outer peer: IPv6 loopback, as in the load generator (the cache keeps IPv6 peers shared). */
    private final InetSocketAddress peer = new InetSocketAddress(Ipv6Address.parse("::1").toInetAddress(), 40000);
    private final Observed observed = Observed.NOTHING;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (LoggerFactory.getLogger("org.mip6kit.ha").isInfoEnabled()) {
            throw new IllegalStateException("run with -Dmip6kit.log.level=WARN: at INFO every refresh writes a line");
        }
        if (batch > bindings) {
            throw new IllegalStateException("batch " + batch + " exceeds bindings " + bindings
                    + ": a node would be signed twice in one batch with the same timestamp");
        }
        keys = new byte[bindings * KEY_LENGTH];
        new SecureRandom().nextBytes(keys);
        keyTable = writeKeyTable();
        AuthOption4285Provider factory = new AuthOption4285Provider();
        MobilityOptionRegistry registry = MobilityOptionRegistry.standard();
        for (MobilityOptionCodec<?> c : factory.optionCodecs()) {
            registry = registry.with(c);
        }
        codec = new MobilityHeaderCodec(registry);
        mac = Mac.getInstance("HmacSHA1");
        sequence = new int[bindings];

        scheduler = new ExecutorScheduler("bench-ha", 1);
        transport = new CapturingTransport();
        engine = HomeAgentEngine.builder()
                .provider(factory, ConfigSection.of("security." + AuthOption4285Provider.NAME, null,
                        Map.of("key-table", keyTable.toString(), "replay-window", "60s")))
                .settings(HomeAgentSettings.defaults(HOME_AGENT, HOME_PREFIX).withMaxBindings(2 * bindings + 1024))
                .transports(() -> transport)
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .build();
        engine.start();

        packets = new byte[Math.max(batch, 1)][];
        for (int done = 0; done < bindings; ) {
            int n = Math.min(packets.length, bindings - done);
            sign(n);
            for (int i = 0; i < n; i++) {
                refresh();
            }
            done += n;
        }
        transport.require(bindings, "registration", engine);
        if (engine.bindingCount() != bindings) {
            throw new IllegalStateException(engine.bindingCount() + " bindings after registering " + bindings);
        }
        System.gc();
    }

    @Setup(Level.Iteration)
    public void signBatch() throws GeneralSecurityException, MobilityHeaderFormatException {
        sign(packets.length);
        allocatedAfterSigning = THREADS.getCurrentThreadAllocatedBytes();
        cpuAfterSigning = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void checkEveryRefreshWasAccepted() {
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedAfterSigning;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuAfterSigning;
        transport.require(used, "iteration", engine);
        System.out.printf("ALLOCATED %.1f B per Binding Update (%d delivered) CPU %.0f ns per Binding Update%n",
                used == 0 ? 0.0 : (double) allocated / used, used, used == 0 ? 0.0 : (double) cpu / used);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        scheduler.shutdown(Duration.ofSeconds(2));
        Files.deleteIfExists(keyTable);
        Files.deleteIfExists(keyTable.getParent());
    }

    /** One packet in, one Binding Acknowledgement's octets out. */
    @Benchmark
    public byte[] refresh() throws MobilityHeaderFormatException {
        if (used == signed) {
            throw new IllegalStateException("all " + signed + " signed Binding Updates were used; raise -p batch");
        }
        byte[] packet = packets[used++];
        // What the UDP transport does with a datagram's payload (UdpTransport.handle).
        MobilityPacket parsed = MobilityPacketParser.parseInPlace(packet, packet.length);
        Addressing addressing = new Addressing(parsed.source(), parsed.destination(), parsed.homeAddressOption(),
                parsed.type2RoutingHeader(), Optional.of(peer));
        transport.receiver.accept(Inbound.wrapping(parsed.mobilityHeader(), addressing, observed));
        return transport.last;
    }

    /**
     * Signs {@code n} Binding Updates for the next nodes round-robin into {@link #packets}. Their
     * timestamps are the signing time plus {@link #AHEAD}, so that a packet signed at the start of a
     * long batch is still inside the home agent's window when it is used, however slowly a shared
     * machine signs: the home agent runs with a replay window of 60 s either way (the default is 7
     * s; the window's size changes no work per Binding Update, only how old a timestamp may be).
     */
    private void sign(int n) throws GeneralSecurityException, MobilityHeaderFormatException {
        long ts = lastTimestamp;
        for (int k = 0; k < n; k++) {
            if ((k & 1023) == 0) {
                long now = NtpTimestamp.of(Instant.now().plus(AHEAD));
                // Strictly increasing, whatever the clock's resolution (NTP timestamps compare unsigned).
                ts = ts == 0 || Long.compareUnsigned(now, ts) > 0 ? now : ts;
            }
            ts++;
            int i = nextNode;
            nextNode = i + 1 == bindings ? 0 : i + 1;
            int seq = (sequence[i] + 1) & 0xFFFF;
            sequence[i] = seq;
            Ipv6Address hoa = Ipv6Address.of(HOME_PREFIX.prefix().high(), HOME_LOW_BASE + i);
            Ipv6Address coa = Ipv6Address.of(CARE_OF_HIGH, i + 1L);
            BindingUpdate bu = new BindingUpdate(SequenceNumber.of(seq), FLAGS, LIFETIME, List.of(
                    MobileNodeIdentifier.nai(nai(i)), new MobilityMessageReplayProtection(ts),
                    MobilityMessageAuthentication.placeholder(MobilityMessageAuthentication.SUBTYPE_MN_HA,
                            FIRST_SPI + i, MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH)));
            byte[] mh = codec.encodeWithoutChecksum(bu);
            int at = authenticationOption(mh);
            int end = at + MobilityMessageAuthentication.OFFSET_AFTER_SPI;
            // RFC 4285 §5.1: HMAC_SHA1(key, care-of ‖ home address ‖ MH data up to the SPI), checksum 0.
            mac.init(new SecretKeySpec(keys, i * KEY_LENGTH, KEY_LENGTH, "HmacSHA1"));
            byte[] addresses = new byte[32];
            coa.writeTo(addresses, 0);
            hoa.writeTo(addresses, 16);
            mac.update(addresses);
            mac.update(mh, 0, end);
            System.arraycopy(mac.doFinal(), 0, mh, end, MobilityMessageAuthentication.MN_HA_AUTHENTICATOR_LENGTH);
            MobilityHeaderCodec.fillChecksum(mh, hoa, HOME_AGENT);
            packets[k] = MobilityPacket.of(coa, HOME_AGENT, mh).withHomeAddressOption(hoa).toBytes();
        }
        lastTimestamp = ts;
        signed = n;
        used = 0;
    }

    /** The offset of the authentication option, walking the options from the Binding Update's first. */
    private static int authenticationOption(byte[] mh) {
        int i = 6 + MobilityHeaderCodec.fixedPartLength(org.mip6kit.wire.MobilityHeaderType.BINDING_UPDATE);
        while (i < mh.length) {
            int type = mh[i] & 0xFF;
            if (type == MobilityMessageAuthentication.TYPE) {
                return i;
            }
            i += type == 0 ? 1 : 2 + (mh[i + 1] & 0xFF);
        }
        throw new IllegalStateException("no authentication option in the encoded Binding Update");
    }

    private static String nai(int i) {
        return "mn" + i + "@bench.example";
    }

    private Path writeKeyTable() throws IOException {
        Path dir = Files.createTempDirectory("mip6kit-jmh-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("ha.keys");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        HexFormat hex = HexFormat.of();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < bindings; i++) {
                w.append(nai(i)).append(' ').append(Long.toString(FIRST_SPI + i)).append(" hmac-sha1 key=")
                        .append(hex.formatHex(keys, i * KEY_LENGTH, (i + 1) * KEY_LENGTH)).append('\n');
            }
        }
        return file;
    }

    /**
     * The engine's transport: hands the benchmark's packets to the receiver the provider's path
     * started it with, keeps the last octets sent and counts acknowledgements by status (octet 6
     * of a Binding Acknowledgement, MH Type 6).
     */
    private static final class CapturingTransport implements SignallingTransport {
        private static final CompletionStage<Void> SENT = CompletableFuture.completedFuture(null);

        Consumer<Inbound> receiver;
        byte[] last;
        int accepted;
        int other;

        @Override
        public void start(Consumer<Inbound> receiver) {
            this.receiver = receiver;
        }

        @Override
        public CompletionStage<Void> send(byte[] octets, Addressing to) {
            last = octets;
            if (octets.length >= 8 && octets[2] == 6 && octets[6] == 0) {
                accepted++;
            } else {
                other++;
            }
            return SENT;
        }

        void require(int expected, String what, HomeAgentEngine engine) {
            int a = accepted;
            int o = other;
            accepted = 0;
            other = 0;
            if (a != expected || o != 0) {
                throw new IllegalStateException(what + ": " + a + " accepting and " + o
                        + " other messages sent, expected " + expected + " accepting acknowledgements; the engine counted "
                        + engine.counters() + (last != null && last.length > 6 ? ", last status " + (last[6] & 0xFF) : ""));
            }
        }

        @Override
        public void close() {
        }
    }
}
