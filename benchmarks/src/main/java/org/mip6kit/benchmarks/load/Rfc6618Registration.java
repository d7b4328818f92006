package org.mip6kit.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.provider.tls.TlsChannelProvider;
import org.mip6kit.provider.tls.stream.DemoCertificates;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.StandardProviderContext;
import org.mip6kit.spi.net.Datagram;
import org.mip6kit.spi.net.ProviderNetwork;
import org.mip6kit.spi.net.StreamConnection;
import org.mip6kit.spi.net.StreamListener;
import org.mip6kit.spi.net.UdpEndpoint;
import org.mip6kit.transport.SocketProviderNetwork;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.SequenceNumber;

/**
 * A simpler harness than {@link LoadGenerator} for {@code tls-channel} mode {@code rfc6618}: one
 * JVM holds a real {@link HomeAgentEngine} with the provider's home-agent side (its Home Agent
 * Controller on TCP and its RFC 6618 UDP port, on [::1], through a {@link SocketProviderNetwork})
 * and N mobile nodes, each a real {@link MobileNodeSecurity} of the provider driven through the
 * SPI (bootstrap: TLS 1.2 with the HAC, PSK exchange; then its own UDP endpoint), without the
 * mobile-node engine. Phases: {@code bootstrap} (every node, at most C at once), {@code register}
 * (every node's first BU, W outstanding), then R rounds of refresh against a raw UDP echo in the
 * same JVM (the "echo ceiling": the node's endpoint sends the sealed BU to the echo, which returns
 * it; the node's path tries to open it and refuses it, having computed the HMAC) and against the
 * home agent, T seconds each. There is no re-registration phase: the provider's home agent drops
 * a node's SA when its binding ends, so a registration after a deregistration starts with a new
 * bootstrap (that is the {@code bootstrap} + {@code register} pair). A phase gives up after 10 s
 * without answers. Prints; asserts nothing.
 *
 * <pre>
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar org.mip6kit.benchmarks.load.Rfc6618Registration \
 *     [--nodes 2000] [--concurrency 16] [--window 32] [--rounds 5] [--seconds 5]
 * </pre>
 */
public final class Rfc6618Registration {

    private static final String HAC_NAME = "hac.bench.example";
    private static final String SECTION = "security." + TlsChannelProvider.NAME;
    private static final Lifetime LIFETIME = Lifetime.ofSeconds(3600);

    private final int n;
    private final MobileNodeSecurity[] nodes;
    private final SignallingPath[] paths;
    private final int[] sequence;
    private final AtomicLongArray sentAt;
    private final MobilityHeaderCodec codec;
    private final Map<UdpEndpoint, Integer> endpointNode = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile InetSocketAddress echoTarget; // non-null: the nodes' datagrams go to the echo
    private volatile Semaphore permits;
    private volatile Histogram histogram;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private int bindingNode = -1; // the node whose path is starting (main thread)

    private Rfc6618Registration(int n, MobilityHeaderCodec codec) {
        this.n = n;
        this.nodes = new MobileNodeSecurity[n];
        this.paths = new SignallingPath[n];
        this.sequence = new int[n];
        this.sentAt = new AtomicLongArray(n);
        this.codec = codec;
    }

    public static void main(String[] args) throws Exception {
        int n = 2000;
        int concurrency = 16;
        int window = 32;
        int rounds = 5;
        double seconds = 5;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--nodes" -> n = Integer.parseInt(args[i + 1]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                case "--window" -> window = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("rfc6618-bench", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try {
            run(dir, n, concurrency, window, rounds, seconds);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void run(Path dir, int n, int concurrency, int window, int rounds, double seconds) throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        int hacPort = freeTcpPort();
        int udpPort = freeUdpPort();
        DemoCertificates.Written pki = DemoCertificates.write(dir.resolve("pki"), HAC_NAME);
        SecureRandom random = new SecureRandom();
        StringBuilder table = new StringBuilder("# mn-id key\n");
        List<Map<String, Object>> assignments = new ArrayList<>();
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[32];
            random.nextBytes(k);
            keys[i] = HexFormat.of().formatHex(k);
            table.append(mnId(i)).append(' ').append(keys[i]).append('\n');
            assignments.add(Map.of("mn-id", mnId(i), "home-address", NodeKeys.homeAddress(i).toString()));
        }
        Path psks = secret(dir.resolve("psk-table"), table.toString());
        ConfigSection haSection = ConfigSection.of(SECTION, null, Map.ofEntries(
                Map.entry("mode", "rfc6618"),
                Map.entry("home-agent-address", NodeKeys.HOME_AGENT.toString()),
                Map.entry("hac-listen", "[::1]:" + hacPort),
                Map.entry("udp-listen", "[::1]:" + udpPort),
                Map.entry("advertise", List.of("[::1]:" + udpPort)),
                Map.entry("certificate-chain", pki.hacChain().toString()),
                Map.entry("private-key", pki.hacKey().toString()),
                Map.entry("psk-table", psks.toString()),
                Map.entry("nodes", assignments),
                Map.entry("max-hac-connections", Integer.toString(Math.max(256, 4 * concurrency))),
                Map.entry("sa-lifetime", "1h")));
        TlsChannelProvider factory = new TlsChannelProvider();
        MobilityHeaderCodec codec = SimulatedNodes.codec(factory);
        Rfc6618Registration bench = new Rfc6618Registration(n, codec);
        ExecutorScheduler haScheduler = new ExecutorScheduler("bench-ha", 1);
        ExecutorScheduler mnScheduler = new ExecutorScheduler("bench-mn", 2);
        try (SocketProviderNetwork haNet = new SocketProviderNetwork();
                SocketProviderNetwork mnSockets = new SocketProviderNetwork();
                DatagramChannel echo = startEcho(loopback)) {
            HomeAgentEngine engine = HomeAgentEngine.builder()
                    .provider(factory, haSection)
                    .settings(HomeAgentSettings.defaults(NodeKeys.HOME_AGENT, HomePrefix.parse(NodeKeys.HOME_PREFIX))
                            .withMaxBindings(2 * n + 1024))
                    .transports(() -> UdpTransport.open(new UdpTransport.Config(loopback, 0, 4 << 20)))
                    .network(haNet)
                    .clock(Clock.systemUTC())
                    .scheduler(haScheduler)
                    .build();
            engine.start();
            ProviderContext context = StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE)
                    .clock(Clock.systemUTC()).scheduler(mnScheduler).codec(codec).events(e -> { })
                    .network(bench.new Redirecting(mnSockets)).build();
            try {
                // Phase 1: bootstrap (TLS 1.2 handshake with the HAC, PSK exchange, SA assignment).
                long cpu0 = processCpu();
                long t0 = System.nanoTime();
                Semaphore slots = new Semaphore(concurrency);
                AtomicLong bootFailures = new AtomicLong();
                for (int i = 0; i < n; i++) {
                    Path pskFile = secret(dir.resolve("psk-" + i), keys[i] + "\n");
                    ConfigSection mn = ConfigSection.of(SECTION, null, Map.of(
                            "mode", "rfc6618",
                            "mn-id", mnId(i),
                            "psk-file", pskFile.toString(),
                            "hac", "[::1]:" + hacPort,
                            "hac-name", HAC_NAME,
                            "trust-anchors", pki.caCertificate().toString()));
                    MobileNodeSecurity sec = factory.mobileNode(context, mn);
                    bench.nodes[i] = sec;
                    slots.acquire();
                    // The home agent's address is configured, as on a mobile node daemon: the HAC's
                    // mip6-haa-ip6 is the advertised endpoint [::1] here, not the home agent address.
                    sec.bootstrap(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false, Optional.empty(),
                            Optional.of(NodeKeys.HOME_AGENT), NodeKeys.careOf(i, 0))).whenComplete((r, e) -> {
                                if (e != null && bootFailures.incrementAndGet() < 5) {
                                    System.out.println("bootstrap failed: " + e);
                                }
                                slots.release();
                            });
                }
                slots.acquire(concurrency);
                double bootSeconds = (System.nanoTime() - t0) / 1e9;
                long bootCpu = processCpu() - cpu0;
                System.out.printf("PHASE bootstrap nodes=%d concurrency=%d failures=%d seconds=%.2f rate=%.0f/s "
                        + "processCpuPerBootstrap=%.2fms (HA and nodes, one JVM)%n", n, concurrency, bootFailures.get(),
                        bootSeconds, n / bootSeconds, bootCpu / 1e6 / n);
                SignallingTransport unused = new SignallingTransport() {
                    @Override
                    public void start(Consumer<Inbound> receiver) {
                    }

                    @Override
                    public CompletionStage<Void> send(byte[] octets, Addressing to) {
                        throw new IllegalStateException("rfc6618 sends on its own endpoint");
                    }

                    @Override
                    public void close() {
                    }
                };
                for (int i = 0; i < n; i++) {
                    int node = i;
                    bench.bindingNode = i;
                    bench.paths[i] = bench.nodes[i].path(() -> unused);
                    bench.paths[i].start(in -> bench.received(node, in));
                }
                bench.bindingNode = -1;
                // Phase 2: the first BU of every node.
                bench.phase("register", null, n, 0, window);
                // Phase 3: refresh rounds, echo then home agent.
                InetSocketAddress echoAddress = (InetSocketAddress) echo.getLocalAddress();
                bench.phase("warmup-echo", echoAddress, 0, seconds, window);
                bench.phase("warmup-ha", null, 0, seconds, window);
                for (int r = 0; r < rounds; r++) {
                    double e = bench.phase("refresh-echo round=" + r, echoAddress, 0, seconds, window);
                    double h = bench.phase("refresh-ha round=" + r, null, 0, seconds, window);
                    System.out.printf("RATIO round=%d ha/echo=%.3f%n", r, h / e);
                }
                System.out.println("HA " + engine.counters());
            } finally {
                for (MobileNodeSecurity s : bench.nodes) {
                    if (s != null) {
                        s.close();
                    }
                }
                engine.close();
                haScheduler.shutdown(Duration.ofSeconds(2));
                mnScheduler.shutdown(Duration.ofSeconds(2));
            }
        }
    }

    /** One phase; returns completed exchanges per second. {@code count} > 0: that many, else for {@code seconds}. */
    private double phase(String name, InetSocketAddress echo, long count, double seconds, int window) throws Exception {
        echoTarget = echo;
        Semaphore p = new Semaphore(window);
        permits = p;
        histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        completed.set(0);
        accepted.set(0);
        failed.set(0);
        long cpu0 = processCpu();
        long start = System.nanoTime();
        long deadline = count > 0 ? Long.MAX_VALUE : start + (long) (seconds * 1e9);
        long sent = 0;
        int cursor = 0;
        while (count > 0 ? sent < count : System.nanoTime() < deadline) {
            if (!p.tryAcquire(10, TimeUnit.SECONDS)) {
                System.out.println("PHASE " + name + ": no answer for 10 s, giving up");
                break;
            }
            int i = cursor;
            cursor = cursor + 1 == n ? 0 : cursor + 1;
            if (sentAt.get(i) != 0) {
                p.release();
                continue;
            }
            send(i);
            sent++;
        }
        boolean drained = p.tryAcquire(window, 10, TimeUnit.SECONDS);
        long end = System.nanoTime();
        double secs = (end - start) / 1e9;
        double rate = completed.get() / secs;
        long cpu = processCpu() - cpu0;
        System.out.printf("PHASE %s window=%d sent=%d completed=%d accepted=%d failed=%d%s seconds=%.2f rate=%.0f/s "
                + "p50=%.0fus p99=%.0fus processCpuPerExchange=%.1fus%n", name, window, sent, completed.get(),
                accepted.get(), failed.get(), drained ? "" : " (not drained: lost answers)", secs, rate,
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                cpu / 1e3 / Math.max(1, completed.get()));
        if (!drained) {
            for (int i = 0; i < n; i++) {
                sentAt.set(i, 0);
            }
        }
        return rate;
    }

    private void send(int i) {
        int seq = (sequence[i] + 1) & 0xFFFF;
        sequence[i] = seq;
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(seq),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION), LIFETIME,
                List.of(new AlternateCareOfAddress(NodeKeys.careOf(i, 0)))); // as MobileNodeEngine does (NEEDS_ALTERNATE_COA)
        Addressing to = new Addressing(NodeKeys.careOf(i, 0), NodeKeys.HOME_AGENT, Optional.of(NodeKeys.homeAddress(i)),
                Optional.empty(), Optional.empty());
        sentAt.set(i, System.nanoTime());
        paths[i].send(bu, to, Optional.empty()).whenComplete((v, e) -> {
            if (e != null) {
                answered(i, false, false);
            }
        });
    }

    /** The node's path delivered an opened packet (from the home agent). */
    private void received(int i, Inbound in) {
        boolean ok = false;
        try {
            MobilityMessage m = codec.decode(in.octets(), NodeKeys.HOME_AGENT, NodeKeys.homeAddress(i));
            var verdict = paths[i].verify(in, m).toCompletableFuture().join();
            ok = verdict instanceof org.mip6kit.spi.Verdict.Accept && m instanceof BindingAcknowledgement ba
                    && ba.status().isAccepted();
        } catch (Exception e) {
            ok = false;
        }
        answered(i, true, ok);
    }

    private void answered(int i, boolean answer, boolean ok) {
        long t = sentAt.get(i);
        if (t == 0 || !sentAt.compareAndSet(i, t, 0)) {
            return;
        }
        histogram.recordValue(Math.min(System.nanoTime() - t, histogram.getHighestTrackableValue()));
        if (answer) {
            completed.incrementAndGet();
        }
        if (ok) {
            accepted.incrementAndGet();
        } else {
            failed.incrementAndGet();
        }
        permits.release();
    }

    /** The nodes' network: in echo phases sends go to the echo, and what comes back counts as the answer. */
    private final class Redirecting implements ProviderNetwork {
        private final ProviderNetwork inner;

        Redirecting(ProviderNetwork inner) {
            this.inner = inner;
        }

        @Override
        public UdpEndpoint bindUdp(InetSocketAddress local) {
            UdpEndpoint e = inner.bindUdp(local);
            int node = bindingNode;
            return new UdpEndpoint() {
                @Override
                public InetSocketAddress localAddress() {
                    return e.localAddress();
                }

                @Override
                public void start(Consumer<Datagram> receiver) {
                    e.start(d -> {
                        receiver.accept(d); // the path opens it (an echoed BU fails its ICV check there)
                        if (echoTarget != null && node >= 0) {
                            answered(node, true, true);
                        }
                    });
                }

                @Override
                public CompletionStage<Void> send(byte[] payload, InetSocketAddress to) {
                    InetSocketAddress target = echoTarget;
                    return e.send(payload, target != null && node >= 0 ? target : to);
                }

                @Override
                public void close() {
                    e.close();
                }
            };
        }

        @Override
        public org.mip6kit.spi.SignallingTransport openMobilityHeaderSocket(Optional<String> interfaceName) {
            return inner.openMobilityHeaderSocket(interfaceName);
        }

        @Override
        public CompletionStage<StreamConnection> connectTcp(InetSocketAddress remote) {
            return inner.connectTcp(remote);
        }

        @Override
        public StreamListener listenTcp(InetSocketAddress local, Consumer<StreamConnection> accepted) {
            return inner.listenTcp(local, accepted);
        }
    }

    private static DatagramChannel startEcho(InetAddress loopback) throws java.io.IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.bind(new InetSocketAddress(loopback, 0));
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(65535);
            try {
                while (true) {
                    buf.clear();
                    InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
                    buf.flip();
                    ch.send(buf, from);
                }
            } catch (java.io.IOException e) {
                // closed at the end
            }
        }, "bench-echo");
        t.setDaemon(true);
        t.start();
        return ch;
    }

    private static String mnId(int i) {
        return "mn" + i + "@bench.example";
    }

    private static Path secret(Path p, String content) throws java.io.IOException {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static int freeTcpPort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws java.io.IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return s.getLocalPort();
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
