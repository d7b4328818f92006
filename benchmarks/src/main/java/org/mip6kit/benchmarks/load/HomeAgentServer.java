package org.mip6kit.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.mip6kit.daemon.CapturingTransport;
import org.mip6kit.daemon.PacketCapture;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.ha.state.BindingJournal;
import org.mip6kit.provider.auth4285.AuthOption4285Provider;
import org.mip6kit.provider.tls.TlsChannelProvider;
import org.mip6kit.transport.SocketProviderNetwork;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.transport.UdpTransport;

/**
 * The forked JVM under load: a real {@link HomeAgentEngine} with {@code auth-option-4285} on a
 * {@link UdpTransport} — built the way the reference daemon builds it — and, on a second port
 * of the same JVM, the ceiling: a raw UDP echo that sends every datagram back unchanged
 * without any Mobile IPv6 work. Only this JVM's heap is measured, so the load generator's own
 * state does not count.
 *
 * <p>Talks to the load generator over standard input and output, one line each way:
 * <pre>
 * → READY ha=PORT [hac=PORT] echo=PORT pid=PID heapBefore=B heapAfterBuild=B buildMillis=MS
 * ← heap          → HEAP used=B bindings=N providerState=N replayHolds=N
 * ← restart       → RESTARTED buildMillis=MS used=B restored=N   (a new engine, same key table, same
 *                   port; with the journal, reopened and read back first: MS includes the recovery)
 * ← store         → STORE kind=none|journal syncs=N entries=N bytes=B   (the journal's writes so far:
 *                   syncs, entries written, the journal file's size; zeros with no store)
 * ← counters      → COUNTERS received=.. accepted=.. rejected=.. dropped=.. refused=.. malformed=..
 * ← batches       → BATCHES batched=.. batchSize=.. receives=.. datagrams=.. largest=.. histogram=a,b,..
 *                   sends=.. sent=.. largestSend=..   (the home agent's UDP transport so far: receives
 *                   by datagrams returned, 1, 2-3, 4-7, .., 64+; batch sends of answers)
 * ← stats         → STATS processCpuNanos=.. gcCount=.. gcMillis=.. ha.threads=ID,.. ha.cpuNanos=..
 *                   ha.allocatedBytes=.. echo.threads=ID echo.cpuNanos=.. echo.allocatedBytes=..
 *                   (this JVM's CPU time and collections so far; {@code ha} is the home agent's receive
 *                   thread, {@code echo} the echo's thread: see {@link ResourceUsage})
 * ← quit          (exits)
 * </pre>
 * Arguments: {@code --key-table FILE [--max-bindings N] [--pcap FILE]}, or for {@code tls-channel} mode
 * {@code rfc6618}: {@code --provider tls-channel --secrets DIR [--max-bindings N]
 * [--max-hac-connections N]} (DIR as {@link TlsChannelNodes#writeSecrets} writes it). With
 * {@code auth-option-4285}, {@code --store journal --state-dir DIR [--sync-delay-ms MS]} makes the
 * engine durable as the reference daemon does with {@code state.enabled: true}: a
 * {@link BindingJournal} in DIR (an empty directory the caller created and deletes; on the disk
 * the daemon's state directory would be on), group commit bounded by MS (default 2, as
 * {@code state.sync-delay}); {@code --store none} (the default) keeps bindings in memory only. The home agent
 * is then {@link HomeAgentEngine} with the provider's home-agent side on a
 * {@link SocketProviderNetwork}: its Home Agent Controller on TCP {@code [::1]:PORT} (reported as
 * {@code hac=PORT} in {@code READY}), its RFC 6618 UDP port on {@code [::1]} (reported as
 * {@code ha=PORT}), the controller's ECDSA P-256 certificate from the demo PKI, the PSK table, no fixed home addresses (the controller allocates each node one in the home
 * prefix: the provider checks a configured assignment list against itself in O(N²), minutes at 10⁵
 * nodes) and security associations of 1 h; its work thread is that UDP endpoint's receive thread. {@code restart} is refused (every
 * node would have to bootstrap again).
 */
public final class HomeAgentServer {

    private static final String ECHO_THREAD = "bench-echo";
    /** {@code --store}: bindings in memory only, as a daemon with {@code state.enabled: false}. */
    static final String STORE_NONE = "none";
    /** {@code --store}: the durable {@link BindingJournal}, as a daemon with {@code state.enabled: true}. */
    static final String STORE_JOURNAL = "journal";

    /** The threads that do the work: the home agent's receive thread (every message) and the echo's. */
    private static Map<String, Predicate<ThreadInfo>> workThreads(boolean tls) {
        return Map.of(PhaseCost.HOME_AGENT, ResourceUsage.named(tls ? TlsChannelNodes.RECEIVE_THREAD_PREFIX
                        : SimulatedNodes.RECEIVE_THREAD_PREFIX),
                PhaseCost.ECHO, ResourceUsage.named(ECHO_THREAD));
    }

    private final Path keyTable;
    private final int maxBindings;
    private final PacketCapture capture;
    private final Path tlsSecrets; // non-null: tls-channel rfc6618
    private final int maxHacConnections;
    private final Path stateDirectory; // non-null: --store journal
    private final Duration syncDelay;
    private BindingJournal journal;
    private ExecutorScheduler scheduler;
    private SocketProviderNetwork network;
    private HomeAgentEngine engine;
    private int port;
    private int hacPort;
    private volatile UdpTransport udpTransport;

    private HomeAgentServer(Path keyTable, int maxBindings, PacketCapture capture, Path tlsSecrets,
                            int maxHacConnections, Path stateDirectory, Duration syncDelay) {
        this.keyTable = keyTable;
        this.maxBindings = maxBindings;
        this.capture = capture;
        this.tlsSecrets = tlsSecrets;
        this.maxHacConnections = maxHacConnections;
        this.stateDirectory = stateDirectory;
        this.syncDelay = syncDelay;
    }

    public static void main(String[] args) throws Exception {
        LoadGenerator.quietLogging();
        Path keyTable = null;
        int maxBindings = 2_100_000;
        Path pcap = null;
        String provider = AuthOption4285Provider.NAME;
        Path secrets = null;
        int maxHacConnections = 256;
        String store = STORE_NONE;
        Path stateDir = null;
        long syncDelayMs = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--key-table" -> keyTable = Path.of(args[++i]);
                case "--max-bindings" -> maxBindings = Integer.parseInt(args[++i]);
                case "--pcap" -> pcap = Path.of(args[++i]);
                case "--provider" -> provider = args[++i];
                case "--secrets" -> secrets = Path.of(args[++i]);
                case "--max-hac-connections" -> maxHacConnections = Integer.parseInt(args[++i]);
                case "--store" -> store = args[++i];
                case "--state-dir" -> stateDir = Path.of(args[++i]);
                case "--sync-delay-ms" -> syncDelayMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        boolean tls = provider.equals(TlsChannelProvider.NAME);
        if (tls ? secrets == null || pcap != null : keyTable == null) {
            throw new IllegalArgumentException(tls ? "tls-channel needs --secrets (and takes no --pcap)"
                    : "--key-table is required");
        }
        if (!store.equals(STORE_NONE) && !store.equals(STORE_JOURNAL)) {
            throw new IllegalArgumentException("--store takes " + STORE_NONE + " or " + STORE_JOURNAL + "; got " + store);
        }
        boolean journaled = store.equals(STORE_JOURNAL);
        if (journaled && (tls || stateDir == null)) {
            throw new IllegalArgumentException("--store journal needs --state-dir and auth-option-4285");
        }
        PacketCapture capture = pcap == null ? null : PacketCapture.open(pcap, Clock.systemUTC());
        HomeAgentServer server = new HomeAgentServer(keyTable, maxBindings, capture, tls ? secrets : null,
                maxHacConnections, journaled ? stateDir : null, Duration.ofMillis(syncDelayMs));
        Map<String, Predicate<ThreadInfo>> workThreads = workThreads(tls);
        long heapBefore = usedHeapAfterGc();
        long t0 = System.nanoTime();
        server.startEngine();
        long buildMillis = (System.nanoTime() - t0) / 1_000_000;
        long heapAfterBuild = usedHeapAfterGc();
        DatagramChannel echo = startEcho();
        int echoPort = ((InetSocketAddress) echo.getLocalAddress()).getPort();
        say("READY ha=" + server.port + (tls ? " hac=" + server.hacPort : "") + " echo=" + echoPort
                + " pid=" + ProcessHandle.current().pid() + " store=" + store
                + " heapBefore=" + heapBefore + " heapAfterBuild=" + heapAfterBuild + " buildMillis=" + buildMillis);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "heap" -> {
                    long used = usedHeapAfterGc();
                    say("HEAP used=" + used + " bindings=" + server.engine.bindingCount() + " providerState="
                            + server.engine.providerStateCount() + " replayHolds=" + server.engine.replayHoldCount());
                }
                case "restart" -> {
                    if (tls) {
                        say("ERROR restart is not supported with tls-channel");
                        continue;
                    }
                    server.stopEngine();
                    long t1 = System.nanoTime();
                    server.startEngine();
                    long ms = (System.nanoTime() - t1) / 1_000_000;
                    say("RESTARTED buildMillis=" + ms + " used=" + usedHeapAfterGc() + " restored="
                            + server.engine.restored().bindings());
                }
                case "counters" -> {
                    HomeAgentEngine.Counters c = server.engine.counters();
                    say("COUNTERS received=" + c.received() + " accepted=" + c.accepted() + " rejected="
                            + c.rejected() + " dropped=" + c.dropped() + " refused=" + c.refused() + " malformed="
                            + c.malformed() + " sendFailures=" + c.sendFailures());
                }
                case "store" -> {
                    BindingJournal j = server.journal;
                    say("STORE kind=" + store + " syncs=" + (j == null ? 0 : j.syncs()) + " entries="
                            + (j == null ? 0 : j.entriesWritten()) + " bytes=" + server.journalBytes());
                }
                case "stats" -> say("STATS " + ResourceUsage.read(workThreads).toFields());
                case "batches" -> say(server.batches());
                case "quit" -> {
                    server.stopEngine();
                    echo.close();
                    if (capture != null) {
                        capture.close();
                    }
                    say("BYE");
                    System.exit(0);
                }
                default -> say("ERROR unknown command " + line);
            }
        }
        System.exit(0);
    }

    private void startEngine() throws Exception {
        if (tlsSecrets != null) {
            startTlsEngine();
            return;
        }
        scheduler = new ExecutorScheduler("bench-ha", 1);
        InetAddress loopback = InetAddress.getByName("::1");
        // -Dmip6kit.bench.receive-threads=N, -Dmip6kit.bench.batch-size=N and
        // -Dmip6kit.bench.native-io=auto|on|off (through the generator's --server-jvm-option): the
        // transport's settings, as transport.udp.receive-threads, .batch-size and .native-io in a daemon.
        UdpTransport.Config udp = new UdpTransport.Config(loopback, port, 4 << 20,
                Integer.getInteger("mip6kit.bench.receive-threads", UdpTransport.Config.DEFAULT_RECEIVE_THREADS))
                .withBatchSize(Integer.getInteger("mip6kit.bench.batch-size", UdpTransport.Config.DEFAULT_BATCH_SIZE))
                .withNativeIo(UdpTransport.NativeIo.valueOf(System.getProperty("mip6kit.bench.native-io", "auto")
                        .toUpperCase(java.util.Locale.ROOT)));
        AtomicReference<UdpTransport> opened = new AtomicReference<>();
        TransportFactory transports = () -> {
            UdpTransport u = UdpTransport.open(udp);
            opened.set(u);
            SignallingTransport t = u;
            if (capture != null) {
                t = new CapturingTransport(u, u.localAddress(), capture);
            }
            return t;
        };
        HomeAgentSettings settings = HomeAgentSettings.defaults(NodeKeys.HOME_AGENT, HomePrefix.parse(NodeKeys.HOME_PREFIX))
                .withMaxBindings(maxBindings);
        HomeAgentEngine.Builder builder = HomeAgentEngine.builder();
        if (stateDirectory != null) {
            // As HomeAgentDaemon does with state.enabled: open (and, on restart, read back) the
            // journal, then restore its entries into the new engine.
            journal = BindingJournal.open(stateDirectory, BindingJournal.Settings.of(syncDelay, settings.replayHold()),
                    Clock.systemUTC());
            builder.store(journal).restore(journal.recovery().entries());
        }
        ConfigSection section = ConfigSection.of("security." + AuthOption4285Provider.NAME, null,
                Map.of("key-table", keyTable.toString()));
        engine = builder
                .provider(new AuthOption4285Provider(), section)
                .settings(settings)
                .transports(transports)
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .build();
        engine.start();
        udpTransport = opened.get();
        port = udpTransport.localAddress().getPort();
        System.err.println("home agent JVM: UDP transport " + udpTransport.ioPath());
    }

    /** The {@code batches} answer: the transport's batch counters so far (JDK path: every receive is 1). */
    private String batches() {
        UdpTransport u = udpTransport;
        if (u == null) {
            return "BATCHES none=1";
        }
        UdpTransport.BatchCounters b = u.batchCounters();
        StringBuilder histogram = new StringBuilder();
        for (long count : b.receiveHistogram()) {
            histogram.append(histogram.length() == 0 ? "" : ",").append(count);
        }
        return "BATCHES batched=" + u.batched() + " batchSize=" + b.batchSize() + " receives=" + b.receives()
                + " datagrams=" + b.datagramsReceived() + " largest=" + b.largestReceive() + " histogram=" + histogram
                + " sends=" + b.batchSends() + " sent=" + b.datagramsBatchSent() + " largestSend=" + b.largestBatchSend();
    }

    /**
     * tls-channel mode rfc6618, built as {@code Rfc6618Registration} builds it: the controller and the
     * RFC 6618 port on [::1] through a {@link SocketProviderNetwork}; the engine's own transport (an
     * RFC 5555 socket the provider does not use) is opened but idle.
     */
    private void startTlsEngine() throws Exception {
        scheduler = new ExecutorScheduler("bench-ha", 1);
        network = new SocketProviderNetwork();
        InetAddress loopback = InetAddress.getByName("::1");
        hacPort = freeTcpPort(loopback);
        port = freeUdpPort(loopback);
        TlsChannelNodes.Secrets s = TlsChannelNodes.Secrets.in(tlsSecrets);
        ConfigSection section = ConfigSection.of(TlsChannelNodes.SECTION, null, Map.ofEntries(
                Map.entry("mode", "rfc6618"),
                Map.entry("home-agent-address", NodeKeys.HOME_AGENT.toString()),
                Map.entry("hac-listen", "[::1]:" + hacPort),
                Map.entry("udp-listen", "[::1]:" + port),
                Map.entry("advertise", List.of("[::1]:" + port)),
                Map.entry("certificate-chain", s.pki().hacChain().toString()),
                Map.entry("private-key", s.pki().hacKey().toString()),
                Map.entry("psk-table", s.pskTable().toString()),
                Map.entry("max-hac-connections", Integer.toString(maxHacConnections)),
                Map.entry("sa-lifetime", "1h")));
        HomeAgentSettings settings = HomeAgentSettings.defaults(NodeKeys.HOME_AGENT, HomePrefix.parse(NodeKeys.HOME_PREFIX))
                .withMaxBindings(maxBindings);
        engine = HomeAgentEngine.builder()
                .provider(new TlsChannelProvider(), section)
                .settings(settings)
                .transports(() -> UdpTransport.open(new UdpTransport.Config(loopback, 0, 1 << 16)))
                .network(network)
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .build();
        engine.start();
    }

    private static int freeTcpPort(InetAddress a) throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, a)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort(InetAddress a) throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress(a, 0))) {
            return s.getLocalPort();
        }
    }

    private void stopEngine() {
        engine.close();
        scheduler.shutdown(Duration.ofSeconds(2));
        if (journal != null) {
            journal.close();
            journal = null;
        }
        if (network != null) {
            network.close();
        }
        engine = null;
    }

    private long journalBytes() throws IOException {
        Path f = stateDirectory == null ? null : stateDirectory.resolve("bindings.journal");
        return f != null && java.nio.file.Files.exists(f) ? java.nio.file.Files.size(f) : 0;
    }

    /** The ceiling: every datagram goes back to its sender unchanged, on one thread, no parsing. */
    private static DatagramChannel startEcho() throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(65535);
            try {
                while (true) {
                    buf.clear();
                    InetSocketAddress from = (InetSocketAddress) ch.receive(buf);
                    buf.flip();
                    ch.send(buf, from);
                }
            } catch (ClosedChannelException e) {
                // closed on quit
            } catch (IOException e) {
                System.err.println("echo stopped: " + e);
            }
        }, ECHO_THREAD);
        t.setDaemon(true);
        t.start();
        return ch;
    }

    /** Used heap after two full collections (the JVM's own accounting, MemoryMXBean). */
    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
