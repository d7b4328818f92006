package org.mip6kit.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ThreadInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import org.HdrHistogram.Histogram;
import org.mip6kit.wire.Lifetime;

/**
 * The home-agent load generator (targets: docs/performance.md#targets). Starts a forked JVM with a real home agent
 * ({@link HomeAgentServer}: {@code HomeAgentEngine} + {@code auth-option-4285} + RFC 5555
 * {@code UdpTransport} on {@code ::1}) and a raw UDP echo, then drives N simulated mobile nodes
 * ({@link SimulatedNodes}) through these phases, printing one {@code PHASE} line each and a
 * summary at the end:
 * <ol>
 * <li>{@code register}: every node registers once (window {@code --window});</li>
 * <li>{@code memory}: the home agent's heap per binding, after full collections;</li>
 * <li>{@code refresh} (only when asked for): every node refreshes its binding once;</li>
 * <li>{@code ceiling}: {@code --repeats} rounds, each back to back: echo and home agent with one
 *     request outstanding (unloaded latency), with {@code --window} outstanding (throughput),
 *     then both paced at 50% of that round's echo throughput (loaded latency); refreshes of
 *     registered nodes, round-robin;</li>
 * <li>{@code move}: every node changes its care-of address;</li>
 * <li>{@code restart}: a fresh home agent (same key table), then every node re-registers
 *     (restart storm);</li>
 * <li>{@code deregister}: every node deregisters.</li>
 * </ol>
 * <p>Around every phase both JVMs' counters are read ({@link ResourceUsage}; the home agent's over
 * its control channel), and the {@code PHASE} line and the summary give per exchange: the server
 * JVM's CPU, the CPU and heap allocation of the server thread that did the work (the home agent's
 * receive thread or the echo's thread), the server's collections; the client JVM's CPU, its sender
 * and receive threads' CPU and allocation, and its collections. CPU per exchange is much less
 * sensitive to other load on the machine than throughput. A paced phase also reports how late the
 * sender was against its schedule, and the latency of the requests it sent on schedule apart.
 *
 * <p>Options: {@code --nodes N} (100000), {@code --window W} (32), {@code --repeats R} (5),
 * {@code --seconds S} per ceiling phase (5), {@code --warmup-seconds S} (5: echo and home agent at full
 * load before round 1, not reported), {@code --server-heap SIZE} (4g), {@code --timeout-ms}
 * (2000), {@code --phases LIST} (all of the above but refresh), {@code --class-histogram FILE} (a
 * {@code jcmd GC.class_histogram} of the home agent JVM after registration), {@code --pcap FILE}
 * (the home agent's signalling as a pcap, via the daemons' {@code CapturingTransport}),
 * {@code --server-jvm-option OPT} (repeatable), {@code --pin-cpus CLIENT/SERVER} (Linux {@code taskset}
 * CPU lists, e.g. {@code 0/1}: this JVM's threads on CLIENT, the home agent's JVM on SERVER, so the
 * two sides do not take each other's cores and the ratio to the echo shows the home agent's own
 * cost; default: no pinning).
 *
 * <p>{@code --provider tls-channel} (default {@code auth-option-4285}) runs the same phases through
 * {@code tls-channel} mode {@code rfc6618} ({@link TlsChannelNodes}): the home agent's JVM holds the
 * provider's home-agent side with its Home Agent Controller, and {@code register} is then every
 * node's RFC 6618 bootstrap with the controller (TLS 1.2, PSK exchange, at most
 * {@code --bootstrap-concurrency} C at once, default 16; reported as phase {@code bootstrap}) followed
 * by its first Binding Update sealed with the assigned association. {@code move} and
 * {@code restart} are not available with it (a restarted home agent has no associations: every node
 * would bootstrap again), so its default phases are register, memory, ceiling, deregister.
 *
 * <p><b>Durable store.</b> {@code --store journal} gives the home agent the reference daemon's
 * durable store ({@code BindingJournal}, group commit bounded by {@code --sync-delay-ms}, default 2 as
 * {@code state.sync-delay}) in a fresh directory under {@code --state-dir} (default the JVM's temporary
 * directory; put it on the disk of the daemon's state directory), deleted after the run;
 * {@code --store none} (default) keeps bindings in memory only. With the journal, {@code restart}
 * reads the journal back and restores every binding before the storm.
 *
 * <p>{@code --compare-store} measures the store's cost in one run ({@link #runCompare}): two home
 * agent JVMs, one with {@code --store none}, one with {@code --store journal}, each with its own fleet
 * of the same N nodes (same keys), so neither sees the other's Binding Updates. Each registers every
 * node ({@code register}, acknowledged after the sync with the store on) and reports its heap; then
 * {@code --repeats} rounds, each running four measurements back to back against both, store off and
 * on adjacent (off first in odd rounds, on first in even ones): refreshes with one outstanding and
 * with {@code --window} outstanding (a refresh that only extends the lifetime is acknowledged before
 * its sync: {@code BindingStore.Durability.LATER}), then moves to a new care-of address with one and
 * with {@code --window} outstanding (acknowledged only after the sync). The summary gives each
 * measurement's medians, the ratio store on / store off of every round and the median of those
 * ratios. No deregistration phase: with {@code auth-option-4285} its cost grows with the number of
 * bindings (the provider looks for the owner's other bindings in all of them), which would swamp
 * the store's.
 */
public final class LoadGenerator {

    static final List<String> ALL_PHASES = List.of("register", "memory", "refresh", "ceiling", "move", "restart",
            "deregister");
    /** Every phase but {@code refresh}, whose work the ceiling rounds already do. */
    static final List<String> DEFAULT_PHASES = List.of("register", "memory", "ceiling", "move", "restart",
            "deregister");
    /** The measurements of one {@code --compare-store} round, in the order they run. */
    static final List<String> COMPARE_MEASUREMENTS = List.of("refresh-unloaded", "refresh-loaded", "move-unloaded",
            "move-loaded");
    /** Phase name prefixes of {@code --compare-store}: the home agent without a store and the one with the journal. */
    static final String OFF = "off-";
    static final String ON = "on-";

    private LoadGenerator() {
    }

    /** Engine events are one INFO line each; a million nodes would log millions of lines. */
    static void quietLogging() {
        if (System.getProperty("mip6kit.log.level") == null) {
            System.setProperty("mip6kit.log.level", "WARN");
        }
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(USAGE);
            return;
        }
        Report report = run(o, System.out);
        System.exit(report.ok() ? 0 : 1);
    }

    private static final java.util.regex.Pattern CPU_LIST = java.util.regex.Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    static final String USAGE = """
            usage: bench [--provider auth-option-4285|tls-channel] [--nodes N] [--window W] [--repeats R] [--seconds S]
                         [--warmup-seconds S] [--server-heap SIZE] [--timeout-ms MS]
                         [--phases register,memory,refresh,ceiling,move,restart,deregister]
                         [--class-histogram FILE] [--pcap FILE] [--server-jvm-option OPT]... [--pin-cpus CLIENT/SERVER]
                         [--bootstrap-concurrency C] [--store none|journal] [--compare-store]
                         [--sync-delay-ms MS] [--state-dir DIR]
            Simulated mobile nodes against a real home agent in a forked JVM, with a raw UDP echo in the same JVM
            as the ceiling. auth-option-4285 (default): RFC 4285 nodes over RFC 5555 UDP on ::1. tls-channel: mode
            rfc6618 nodes that bootstrap with the Home Agent Controller (TLS 1.2 + PSK, C at once, default 16;
            phase 'bootstrap', part of register), then send Binding Updates sealed with the assigned association
            to the RFC 6618 UDP port on ::1; no move, restart or --pcap. --store journal: the home agent keeps its
            bindings in the durable journal (group commit within --sync-delay-ms, default 2) in a temporary
            directory under --state-dir (default: the temporary directory), deleted after. --compare-store: two
            home agents, store off and on, each with its own N nodes: register, then --repeats rounds of refreshes
            and moves (1 and W outstanding) against both, back to back; ratios on/off per round and their median. See docs/performance.md.""";

    /** Parsed options. */
    static final class Options {
        String provider = "auth-option-4285";
        int bootstrapConcurrency = 16;
        boolean phasesGiven;
        int nodes = 100_000;
        int window = 32;
        int repeats = 5;
        double seconds = 5;
        double warmupSeconds = 5;
        String serverHeap = "4g";
        long timeoutMillis = 2000;
        int lifetimeSeconds = 3600;
        Set<String> phases = new LinkedHashSet<>(DEFAULT_PHASES);
        Path classHistogram;
        Path pcap;
        List<String> serverJvmOptions = new ArrayList<>();
        /** taskset CPU lists for this JVM and the home agent's, or null: no pinning. */
        String clientCpus;
        String serverCpus;
        boolean help;
        String store = HomeAgentServer.STORE_NONE;
        boolean storeGiven;
        boolean compareStore;
        long syncDelayMillis = 2;
        Path stateDir = Path.of(System.getProperty("java.io.tmpdir"));

        boolean tls() {
            return provider.equals("tls-channel");
        }

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    o.help = true;
                    continue;
                }
                if (a.equals("--compare-store")) {
                    o.compareStore = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--provider" -> {
                            if (!v.equals("auth-option-4285") && !v.equals("tls-channel")) {
                                throw new IllegalArgumentException("--provider takes auth-option-4285 or tls-channel; got "
                                        + v);
                            }
                            o.provider = v;
                        }
                        case "--bootstrap-concurrency" -> o.bootstrapConcurrency = Integer.parseInt(v);
                        case "--nodes" -> o.nodes = Integer.parseInt(v.replace("_", ""));
                        case "--window" -> o.window = Integer.parseInt(v);
                        case "--repeats" -> o.repeats = Integer.parseInt(v);
                        case "--seconds" -> o.seconds = Double.parseDouble(v);
                        case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(v);
                        case "--server-heap" -> o.serverHeap = v;
                        case "--timeout-ms" -> o.timeoutMillis = Long.parseLong(v);
                        case "--lifetime" -> o.lifetimeSeconds = Integer.parseInt(v);
                        case "--phases" -> {
                            o.phases = new LinkedHashSet<>(Arrays.asList(v.split(",")));
                            o.phasesGiven = true;
                            for (String p : o.phases) {
                                if (!ALL_PHASES.contains(p)) {
                                    throw new IllegalArgumentException("unknown phase " + p + "; phases: " + ALL_PHASES);
                                }
                            }
                        }
                        case "--class-histogram" -> o.classHistogram = Path.of(v);
                        case "--pcap" -> o.pcap = Path.of(v);
                        case "--server-jvm-option" -> o.serverJvmOptions.add(v);
                        case "--store" -> {
                            if (!v.equals(HomeAgentServer.STORE_NONE) && !v.equals(HomeAgentServer.STORE_JOURNAL)) {
                                throw new IllegalArgumentException("--store takes " + HomeAgentServer.STORE_NONE + " or "
                                        + HomeAgentServer.STORE_JOURNAL + "; got " + v);
                            }
                            o.store = v;
                            o.storeGiven = true;
                        }
                        case "--sync-delay-ms" -> {
                            o.syncDelayMillis = Long.parseLong(v);
                            if (o.syncDelayMillis < 0 || o.syncDelayMillis > 1000) {
                                throw new IllegalArgumentException("--sync-delay-ms must be 0 .. 1000 (as "
                                        + "state.sync-delay); got " + v);
                            }
                        }
                        case "--state-dir" -> o.stateDir = Path.of(v);
                        case "--pin-cpus" -> {
                            String[] both = v.split("/", -1);
                            if (both.length != 2 || !CPU_LIST.matcher(both[0]).matches()
                                    || !CPU_LIST.matcher(both[1]).matches()) {
                                throw new IllegalArgumentException("--pin-cpus takes CLIENT/SERVER, two taskset CPU "
                                        + "lists such as 0/1 or 0-1/2-3; got " + v);
                            }
                            o.clientCpus = both[0];
                            o.serverCpus = both[1];
                        }
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(a + ": not a number: " + v);
                }
            }
            if (o.nodes < 1 || o.window < 1 || o.repeats < 1 || o.seconds <= 0) {
                throw new IllegalArgumentException("--nodes, --window, --repeats and --seconds must be positive");
            }
            if (o.compareStore) {
                if (o.storeGiven) {
                    throw new IllegalArgumentException("--compare-store runs both --store none and --store journal; "
                            + "give one or the other");
                }
                if (o.phasesGiven || o.pcap != null || o.classHistogram != null) {
                    throw new IllegalArgumentException("--compare-store runs its own phases (register, rounds of "
                            + "refreshes and moves) and takes no --phases, --pcap or --class-histogram");
                }
            }
            if (o.tls() && (o.compareStore || o.store.equals(HomeAgentServer.STORE_JOURNAL))) {
                throw new IllegalArgumentException("--store journal and --compare-store are for auth-option-4285 only");
            }
            if (o.tls()) {
                if (!o.phasesGiven) {
                    o.phases.removeAll(List.of("move", "restart"));
                }
                if (o.phases.contains("move") || o.phases.contains("restart")) {
                    throw new IllegalArgumentException("--provider tls-channel has no move or restart phase (a restarted "
                            + "home agent knows no association: every node would bootstrap again)");
                }
                if (!o.phases.contains("register") && o.phases.stream().anyMatch(p -> !p.equals("memory"))) {
                    throw new IllegalArgumentException("--provider tls-channel needs the register phase (the nodes' "
                            + "bootstrap) before any other");
                }
                if (o.pcap != null) {
                    throw new IllegalArgumentException("--pcap is for auth-option-4285 only");
                }
                if (o.bootstrapConcurrency < 1) {
                    throw new IllegalArgumentException("--bootstrap-concurrency must be positive");
                }
            }
            return o;
        }
    }

    /** Everything one run measured. */
    record Report(List<PhaseResult> phases, Map<String, String> ready, Map<String, String> heapRegistered,
                  Map<String, String> heapDeregistered, Map<String, String> restart, double setupSeconds,
                  Map<String, String> store) {
        boolean ok() {
            return phases.stream().allMatch(p -> p.sent() > 0);
        }

        PhaseResult phase(String name) {
            return phases.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        }

        List<PhaseResult> all(String name) {
            return phases.stream().filter(p -> p.name().equals(name)).toList();
        }
    }

    /**
     * Moves every thread of this JVM to {@code cpus} with {@code taskset -a -p}; threads started
     * later inherit it from the thread that starts them.
     */
    static void pinThisJvm(String cpus) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("--pin-cpus needs taskset (Debian package util-linux): " + e.getMessage(), e);
        }
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException("taskset could not pin this JVM to CPUs " + cpus + ": " + said);
        }
    }

    static Report run(Options o, PrintStream out) throws Exception {
        if (o.compareStore) {
            return runCompare(o, out);
        }
        out.println("bench: " + o.provider + ", " + o.nodes + " nodes, window " + o.window + ", " + o.repeats + " repeats of " + o.seconds
                + " s, home agent heap " + o.serverHeap + ", started " + Instant.now());
        if (o.clientCpus != null) {
            pinThisJvm(o.clientCpus);
            out.println("PINNED client (this JVM) to CPUs " + o.clientCpus + ", home agent JVM to CPUs " + o.serverCpus);
        }
        long t0 = System.nanoTime();
        NodeKeys keys = new NodeKeys(o.nodes, new SecureRandom());
        Path keyTable = o.tls() ? null : keys.writeKeyTable();
        TlsChannelNodes.Secrets secrets = o.tls() ? TlsChannelNodes.writeSecrets(keys) : null;
        List<String> providerArgs = o.tls()
                ? List.of("--provider", "tls-channel", "--secrets", secrets.dir().toString(), "--max-hac-connections",
                        Integer.toString(Math.max(256, 4 * o.bootstrapConcurrency)))
                : List.of("--key-table", keyTable.toString());
        Path stateDir = o.store.equals(HomeAgentServer.STORE_JOURNAL) ? createStateDirectory(o, out) : null;
        if (stateDir != null) {
            providerArgs = new ArrayList<>(providerArgs);
            providerArgs.addAll(storeArgs(o, stateDir));
        }
        List<PhaseResult> results = new ArrayList<>();
        Map<String, String> heapRegistered = Map.of();
        Map<String, String> heapDeregistered = Map.of();
        Map<String, String> restart = Map.of();
        Map<String, String> ready;
        int maxBindings = (int) Math.min(Integer.MAX_VALUE - 16, 2L * o.nodes + 1024);
        try (ServerProcess server = ServerProcess.start(providerArgs, o.serverHeap, maxBindings, o.pcap,
                o.serverJvmOptions, o.serverCpus);
             NodeFleet nodes = o.tls()
                     ? new TlsChannelNodes(o.nodes, secrets, new InetSocketAddress(InetAddress.getByName("::1"),
                             Integer.parseInt(server.ready.get("hac"))), Lifetime.ofSeconds(o.lifetimeSeconds),
                             o.timeoutMillis)
                     : new SimulatedNodes(keys, Lifetime.ofSeconds(o.lifetimeSeconds), o.timeoutMillis)) {
            ready = server.ready;
            out.println("SERVER " + ready);
            InetAddress loopback = InetAddress.getByName("::1");
            InetSocketAddress ha = new InetSocketAddress(loopback, Integer.parseInt(ready.get("ha")));
            InetSocketAddress echo = new InetSocketAddress(loopback, Integer.parseInt(ready.get("echo")));
            if (nodes instanceof SimulatedNodes rfc4285) {
                rfc4285.createAll();
            }
            double setup = (System.nanoTime() - t0) / 1e9;
            out.printf("SETUP keys, key table, home agent start and %d client nodes: %.1f s%n", o.nodes, setup);
            PhaseRunner phases = new PhaseRunner(server, nodes, ha, echo);
            if (o.phases.contains("register")) {
                if (nodes instanceof TlsChannelNodes tls) {
                    results.add(print(out, phases.bootstrap(tls, o.bootstrapConcurrency)));
                }
                results.add(print(out, phases.everyNode("register", SimulatedNodes.Kind.REFRESH, o.window)));
            }
            if (o.phases.contains("memory")) {
                heapRegistered = server.ask("heap", "HEAP");
                out.println("HEAP registered " + heapRegistered);
                if (o.classHistogram != null) {
                    classHistogram(server.pid(), o.classHistogram);
                    out.println("HISTOGRAM written to " + o.classHistogram);
                }
            }
            if (o.phases.contains("refresh")) {
                results.add(print(out, phases.everyNode("refresh", SimulatedNodes.Kind.REFRESH, o.window)));
            }
            if (o.phases.contains("ceiling")) {
                // Warm-up (not reported): both servers and the client compiled before round 1.
                for (boolean toEcho : new boolean[] {true, false}) {
                    out.println(phases.refreshes("warmup", toEcho, o.warmupSeconds, o.window, 0).line());
                }
                for (int r = 1; r <= o.repeats; r++) {
                    PhaseResult e1 = phases.refreshes("echo-unloaded", true, o.seconds, 1, 0);
                    PhaseResult h1 = phases.refreshes("ha-unloaded", false, o.seconds, 1, 0);
                    PhaseResult e2 = phases.refreshes("echo-loaded", true, o.seconds, o.window, 0);
                    Map<String, String> batchesBefore = o.tls() ? null : server.ask("batches", "BATCHES");
                    PhaseResult h2 = phases.refreshes("ha-loaded", false, o.seconds, o.window, 0);
                    if (batchesBefore != null) {
                        out.println("BATCHES ha-loaded " + batchDelta(batchesBefore, server.ask("batches", "BATCHES")));
                    }
                    double half = e2.throughput() / 2;
                    PhaseResult e3 = phases.refreshes("echo-50pct", true, o.seconds, o.window, half);
                    PhaseResult h3 = phases.refreshes("ha-50pct", false, o.seconds, o.window, half);
                    for (PhaseResult p : List.of(e1, h1, e2, h2, e3, h3)) {
                        results.add(print(out, p));
                    }
                    out.printf("ROUND %d throughput ratio %.3f, unloaded p50 ratio %.3f, p99.9 ratio %.3f, "
                                    + "server work thread CPU per BU ratio (window %d) %.3f%n", r,
                            h2.throughput() / e2.throughput(), h1.micros(50) / e1.micros(50),
                            h1.micros(99.9) / e1.micros(99.9), o.window,
                            h2.serverThreadCpuMicros() / e2.serverThreadCpuMicros());
                }
            }
            if (o.phases.contains("move")) {
                results.add(print(out, phases.everyNode("move", SimulatedNodes.Kind.MOVE, o.window)));
            }
            if (o.phases.contains("restart")) {
                restart = server.ask("restart", "RESTARTED");
                out.println("RESTARTED " + restart);
                results.add(print(out, phases.everyNode("restart-storm", SimulatedNodes.Kind.REFRESH, o.window)));
            }
            if (o.phases.contains("deregister")) {
                results.add(print(out, phases.everyNode("deregister", SimulatedNodes.Kind.DEREGISTER, o.window)));
                heapDeregistered = server.ask("heap", "HEAP");
                out.println("HEAP deregistered " + heapDeregistered);
            }
            out.println("COUNTERS " + server.ask("counters", "COUNTERS"));
            Map<String, String> store = server.ask("store", "STORE");
            out.println("STORE " + store);
            Report report = new Report(results, ready, heapRegistered, heapDeregistered, restart, setup, store);
            summary(out, o, report);
            return report;
        } finally {
            if (keyTable != null) {
                NodeKeys.deleteKeyTable(keyTable);
            }
            if (secrets != null) {
                secrets.delete();
            }
            deleteStateDirectory(stateDir);
        }
    }

    /** The home agent's arguments for {@code --store journal} in {@code dir}. */
    static List<String> storeArgs(Options o, Path dir) {
        return List.of("--store", HomeAgentServer.STORE_JOURNAL, "--state-dir", dir.toString(), "--sync-delay-ms",
                Long.toString(o.syncDelayMillis));
    }

    /** A fresh, empty state directory under {@code --state-dir}; says which file system holds it (a tmpfs syncs for free). */
    static Path createStateDirectory(Options o, PrintStream out) throws IOException {
        Files.createDirectories(o.stateDir);
        Path dir = Files.createTempDirectory(o.stateDir.toAbsolutePath(), "bench-ha-state-");
        out.println("STORE journal in " + dir + " (file system " + Files.getFileStore(dir).type() + "), sync delay "
                + o.syncDelayMillis + " ms");
        return dir;
    }

    /** Deletes a state directory of {@link #createStateDirectory} and everything in it; null: nothing. */
    static void deleteStateDirectory(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * {@code --compare-store}: the same measurements against a home agent without a store and one
     * with the journal, in one run (see the class comment). Phases are named {@code off-...} and
     * {@code on-...}.
     */
    static Report runCompare(Options o, PrintStream out) throws Exception {
        out.println("bench --compare-store: " + o.nodes + " nodes per home agent, window " + o.window + ", " + o.repeats
                + " rounds of " + o.seconds + " s per measurement, home agent heap " + o.serverHeap + " each, started "
                + Instant.now());
        if (o.clientCpus != null) {
            pinThisJvm(o.clientCpus);
            out.println("PINNED client (this JVM) to CPUs " + o.clientCpus + ", home agent JVMs to CPUs " + o.serverCpus);
        }
        long t0 = System.nanoTime();
        NodeKeys keys = new NodeKeys(o.nodes, new SecureRandom());
        Path keyTable = keys.writeKeyTable();
        Path stateDir = null;
        List<PhaseResult> results = new ArrayList<>();
        int maxBindings = (int) Math.min(Integer.MAX_VALUE - 16, 2L * o.nodes + 1024);
        List<String> offArgs = List.of("--key-table", keyTable.toString());
        try {
            stateDir = createStateDirectory(o, out);
            List<String> onArgs = new ArrayList<>(offArgs);
            onArgs.addAll(storeArgs(o, stateDir));
            try (ServerProcess off = ServerProcess.start(offArgs, o.serverHeap, maxBindings, null, o.serverJvmOptions,
                    o.serverCpus);
                 ServerProcess on = ServerProcess.start(onArgs, o.serverHeap, maxBindings, null, o.serverJvmOptions,
                         o.serverCpus);
                 SimulatedNodes offNodes = new SimulatedNodes(keys, Lifetime.ofSeconds(o.lifetimeSeconds),
                         o.timeoutMillis);
                 SimulatedNodes onNodes = new SimulatedNodes(keys, Lifetime.ofSeconds(o.lifetimeSeconds),
                         o.timeoutMillis)) {
                out.println("SERVER store off " + off.ready);
                out.println("SERVER store on  " + on.ready);
                InetAddress loopback = InetAddress.getByName("::1");
                offNodes.createAll();
                onNodes.createAll();
                double setup = (System.nanoTime() - t0) / 1e9;
                out.printf("SETUP keys, key table, two home agents and 2 × %d client nodes: %.1f s%n", o.nodes, setup);
                PhaseRunner offRunner = new PhaseRunner(off, offNodes,
                        new InetSocketAddress(loopback, Integer.parseInt(off.ready.get("ha"))), null);
                PhaseRunner onRunner = new PhaseRunner(on, onNodes,
                        new InetSocketAddress(loopback, Integer.parseInt(on.ready.get("ha"))), null);
                results.add(print(out, offRunner.everyNode(OFF + "register", SimulatedNodes.Kind.REFRESH, o.window)));
                results.add(print(out, onRunner.everyNode(ON + "register", SimulatedNodes.Kind.REFRESH, o.window)));
                Map<String, String> heapOff = off.ask("heap", "HEAP");
                Map<String, String> heapOn = on.ask("heap", "HEAP");
                out.println("HEAP store off, registered " + heapOff);
                out.println("HEAP store on, registered  " + heapOn);
                // Warm-up (not reported): both home agents compiled for refreshes and moves before round 1.
                for (PhaseRunner r : List.of(offRunner, onRunner)) {
                    out.println(r.refreshes("warmup", false, o.warmupSeconds / 2, o.window, 0).line());
                    out.println(r.moves("warmup", o.warmupSeconds / 2, o.window).line());
                }
                for (int round = 1; round <= o.repeats; round++) {
                    boolean offFirst = round % 2 == 1;
                    StringBuilder ratios = new StringBuilder();
                    for (String m : COMPARE_MEASUREMENTS) {
                        PhaseResult a = measure(offFirst ? offRunner : onRunner, (offFirst ? OFF : ON) + m, o);
                        PhaseResult b = measure(offFirst ? onRunner : offRunner, (offFirst ? ON : OFF) + m, o);
                        PhaseResult offResult = offFirst ? a : b;
                        PhaseResult onResult = offFirst ? b : a;
                        results.add(print(out, a));
                        results.add(print(out, b));
                        ratios.append(String.format(", %s throughput %.3f p50 %.3f p99.9 %.3f", m,
                                onResult.throughput() / offResult.throughput(),
                                onResult.micros(50) / offResult.micros(50),
                                onResult.micros(99.9) / offResult.micros(99.9)));
                    }
                    out.println("ROUND " + round + " (store " + (offFirst ? "off" : "on") + " first) on/off" + ratios);
                }
                Map<String, String> store = on.ask("store", "STORE");
                out.println("STORE " + store);
                out.println("COUNTERS store off " + off.ask("counters", "COUNTERS"));
                out.println("COUNTERS store on  " + on.ask("counters", "COUNTERS"));
                Report report = new Report(results, on.ready, heapOn, Map.of(), Map.of(), setup, store);
                compareSummary(out, o, report, heapOff, off.ready, heapOn, on.ready);
                return report;
            }
        } finally {
            NodeKeys.deleteKeyTable(keyTable);
            deleteStateDirectory(stateDir);
        }
    }

    /** One measurement of a {@code --compare-store} round; {@code name} is {@code off-} or {@code on-} and the measurement. */
    private static PhaseResult measure(PhaseRunner r, String name, Options o) throws Exception {
        String m = name.substring(name.indexOf('-') + 1);
        return switch (m) {
            case "refresh-unloaded" -> r.refreshes(name, false, o.seconds, 1, 0);
            case "refresh-loaded" -> r.refreshes(name, false, o.seconds, o.window, 0);
            case "move-unloaded" -> r.moves(name, o.seconds, 1);
            case "move-loaded" -> r.moves(name, o.seconds, o.window);
            default -> throw new IllegalArgumentException(m);
        };
    }

    /** The {@code --compare-store} summary: per measurement the medians off and on, and the ratios on/off. */
    private static void compareSummary(PrintStream out, Options o, Report r, Map<String, String> heapOff,
                                       Map<String, String> readyOff, Map<String, String> heapOn,
                                       Map<String, String> readyOn) {
        out.println();
        out.println("## Summary: durable store off / on (" + o.nodes + " nodes each, window " + o.window + ", sync delay "
                + o.syncDelayMillis + " ms, " + o.repeats + " rounds)");
        out.println();
        out.println("Medians over rounds. Ratio: on/off of each round (the two back to back), then their median "
                + "[min–max].");
        out.println();
        out.println("| Measurement | Store off | Store on | Ratio on/off, median [min–max] |");
        out.println("|---|---:|---:|---:|");
        for (String m : COMPARE_MEASUREMENTS) {
            compareRow(out, r, m, "throughput (BU→BA/s)", PhaseResult::throughput, "%.0f");
            compareRow(out, r, m, "p50 (µs)", p -> p.micros(50), "%.1f");
            compareRow(out, r, m, "p99 (µs)", p -> p.micros(99), "%.1f");
            compareRow(out, r, m, "p99.9 (µs)", p -> p.micros(99.9), "%.1f");
            compareRow(out, r, m, "home agent JVM CPU per exchange (µs)", PhaseResult::serverCpuMicros, "%.2f");
        }
        out.println();
        out.println("| Phase (every node once, window " + o.window + ") | Nodes | BU→BA/s off | BU→BA/s on | Ratio | p50 µs off / on | "
                + "p99.9 µs off / on | Accepted off / on | Failures off / on |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (String name : List.of("register")) {
            PhaseResult f = r.phase(OFF + name);
            PhaseResult n = r.phase(ON + name);
            if (f != null && n != null) {
                out.printf("| %s | %d | %.0f | %.0f | %.3f | %.1f / %.1f | %.1f / %.1f | %d / %d | %s / %s |%n", name,
                        f.sent(), f.throughput(), n.throughput(), n.throughput() / f.throughput(), f.micros(50),
                        n.micros(50), f.micros(99.9), n.micros(99.9), f.accepted(), n.accepted(), f.failureText(),
                        n.failureText());
            }
        }
        long syncs = Long.parseLong(r.store().getOrDefault("syncs", "0"));
        long entries = Long.parseLong(r.store().getOrDefault("entries", "0"));
        out.println();
        out.printf("Journal: %,d entries in %,d syncs (%.1f changes per sync), %,d octets now in the journal file%n",
                entries, syncs, syncs == 0 ? Double.NaN : (double) entries / syncs,
                Long.parseLong(r.store().getOrDefault("bytes", "0")));
        out.printf("Home agent heap per binding after registration (used after full GC, engine built with the key "
                        + "table subtracted): store off %.1f B, store on %.1f B%n", heapPerBinding(heapOff, readyOff),
                heapPerBinding(heapOn, readyOn));
    }

    private static double heapPerBinding(Map<String, String> heap, Map<String, String> ready) {
        long bindings = Long.parseLong(heap.getOrDefault("bindings", "0"));
        return bindings == 0 ? Double.NaN
                : (double) (Long.parseLong(heap.get("used")) - Long.parseLong(ready.get("heapAfterBuild"))) / bindings;
    }

    private static void compareRow(PrintStream out, Report r, String measurement, String label,
                                   ToDoubleFunction<PhaseResult> f, String fmt) {
        List<PhaseResult> off = r.all(OFF + measurement);
        List<PhaseResult> on = r.all(ON + measurement);
        double[] ratios = ratios(off, on, f);
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        out.printf("| %s %s | " + fmt + " | " + fmt + " | %s |%n", measurement, label, median(off, f), median(on, f),
                sorted.length == 0 ? "—" : String.format("%.3f [%.3f–%.3f]", medianOf(sorted), sorted[0],
                        sorted[sorted.length - 1]));
    }

    /** {@code f(on[i]) / f(off[i])} for every round {@code i}. */
    static double[] ratios(List<PhaseResult> off, List<PhaseResult> on, ToDoubleFunction<PhaseResult> f) {
        double[] out = new double[Math.min(off.size(), on.size())];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(on.get(i)) / f.applyAsDouble(off.get(i));
        }
        return out;
    }

    /** The median of sorted values (NaN for none). */
    static double medianOf(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /**
     * Runs the phases against one home agent JVM and one set of nodes, and reads both JVMs'
     * counters ({@link ResourceUsage}) just before and just after each phase: the home agent's
     * over its control channel ({@code stats}), the client's in this JVM. The client's sender is
     * the thread calling these methods; its receiver is the socket's receive thread.
     */
    private static final class PhaseRunner {
        private final ServerProcess server;
        private final NodeFleet nodes;
        private final InetSocketAddress ha;
        private final InetSocketAddress echo;
        private final Map<String, Predicate<ThreadInfo>> clientThreads;
        private int cursor;

        PhaseRunner(ServerProcess server, NodeFleet nodes, InetSocketAddress ha, InetSocketAddress echo) {
            this.server = server;
            this.nodes = nodes;
            this.ha = ha;
            this.echo = echo;
            this.clientThreads = Map.of(PhaseCost.SENDER, ResourceUsage.thread(Thread.currentThread().getId()),
                    PhaseCost.RECEIVER, ResourceUsage.named(nodes.receiveThreadPrefix()));
        }

        /** tls-channel: every node's RFC 6618 bootstrap with the Home Agent Controller. */
        PhaseResult bootstrap(TlsChannelNodes tls, int concurrency) throws Exception {
            return costed(false, () -> tls.bootstrap(concurrency));
        }

        /** One Binding Update of {@code kind} per node, to the home agent. */
        PhaseResult everyNode(String name, SimulatedNodes.Kind kind, int window) throws Exception {
            return costed(false, () -> nodes.run(name, false, ha, kind, 0, nodes.count(), 0, window, 0));
        }

        /** Moves to a new care-of address for {@code seconds}, nodes taken round-robin as {@link #refreshes}. */
        PhaseResult moves(String name, double seconds, int window) throws Exception {
            int first = cursor;
            PhaseResult p = costed(false, () -> nodes.run(name, false, ha, SimulatedNodes.Kind.MOVE, first, 0, seconds,
                    window, 0));
            cursor += (int) p.sent();
            return p;
        }

        /** Refreshes for {@code seconds}, nodes taken round-robin from where the previous one stopped. */
        PhaseResult refreshes(String name, boolean toEcho, double seconds, int window, double rate) throws Exception {
            int first = cursor;
            PhaseResult p = costed(toEcho, () -> nodes.run(name, toEcho, toEcho ? echo : ha,
                    SimulatedNodes.Kind.REFRESH, first, 0, seconds, window, rate));
            cursor += (int) p.sent();
            return p;
        }

        private PhaseResult costed(boolean toEcho, Callable<PhaseResult> phase) throws Exception {
            ResourceUsage serverBefore = server.usage();
            ResourceUsage clientBefore = ResourceUsage.read(clientThreads);
            PhaseResult p = phase.call();
            ResourceUsage clientAfter = ResourceUsage.read(clientThreads);
            ResourceUsage serverAfter = server.usage();
            return p.withCost(new PhaseCost(serverAfter.since(serverBefore),
                    toEcho ? PhaseCost.ECHO : PhaseCost.HOME_AGENT, clientAfter.since(clientBefore)));
        }
    }

    /**
     * What the home agent's transport read and sent during one phase: receives, datagrams per
     * receive (mean, the largest so far in the run, and the histogram 1, 2-3, 4-7, .., 64+) and
     * batch sends of answers.
     */
    static String batchDelta(Map<String, String> before, Map<String, String> after) {
        long receives = Long.parseLong(after.get("receives")) - Long.parseLong(before.get("receives"));
        long datagrams = Long.parseLong(after.get("datagrams")) - Long.parseLong(before.get("datagrams"));
        long sends = Long.parseLong(after.get("sends")) - Long.parseLong(before.get("sends"));
        long sent = Long.parseLong(after.get("sent")) - Long.parseLong(before.get("sent"));
        String[] h0 = before.get("histogram").split(",");
        String[] h1 = after.get("histogram").split(",");
        StringBuilder histogram = new StringBuilder();
        for (int i = 0; i < h1.length; i++) {
            histogram.append(i == 0 ? "" : ",").append(Long.parseLong(h1[i]) - Long.parseLong(h0[i]));
        }
        return String.format(java.util.Locale.ROOT, "batched=%s receives=%d datagrams=%d perReceive=%.2f "
                        + "largestInRun=%s histogram=%s batchSends=%d perBatchSend=%.2f", after.get("batched"), receives,
                datagrams, receives == 0 ? 0.0 : (double) datagrams / receives, after.get("largest"), histogram, sends,
                sends == 0 ? 0.0 : (double) sent / sends);
    }

    private static PhaseResult print(PrintStream out, PhaseResult p) {
        out.println(p.line());
        out.flush();
        return p;
    }

    private static void classHistogram(long pid, Path file) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IOException("jcmd GC.class_histogram failed; see " + file);
        }
    }

    static double median(List<PhaseResult> ps, ToDoubleFunction<PhaseResult> f) {
        double[] v = ps.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void summary(PrintStream out, Options o, Report r) {
        out.println();
        out.println("## Summary (" + o.nodes + " nodes, window " + o.window + ")");
        if (!r.all("ha-loaded").isEmpty()) {
            out.println();
            out.println("Medians of " + r.all("ha-loaded").size() + " rounds (each round echo then home agent, back to back):");
            out.println();
            out.println("| Measurement | Echo ceiling | Home agent | Ratio HA/echo |");
            out.println("|---|---:|---:|---:|");
            row(out, r, "throughput, window " + o.window + " (BU→BA/s)", "echo-loaded", "ha-loaded",
                    PhaseResult::throughput, "%.0f");
            row(out, r, "unloaded p50 (µs)", "echo-unloaded", "ha-unloaded", p -> p.micros(50), "%.1f");
            row(out, r, "unloaded p99 (µs)", "echo-unloaded", "ha-unloaded", p -> p.micros(99), "%.1f");
            row(out, r, "unloaded p99.9 (µs)", "echo-unloaded", "ha-unloaded", p -> p.micros(99.9), "%.1f");
            row(out, r, "unloaded throughput (1 outstanding, /s)", "echo-unloaded", "ha-unloaded",
                    PhaseResult::throughput, "%.0f");
            row(out, r, "at 50% of ceiling: achieved rate (/s)", "echo-50pct", "ha-50pct", PhaseResult::throughput, "%.0f");
            row(out, r, "at 50% of ceiling: p50 (µs)", "echo-50pct", "ha-50pct", p -> p.micros(50), "%.1f");
            row(out, r, "at 50% of ceiling: p99 (µs)", "echo-50pct", "ha-50pct", p -> p.micros(99), "%.1f");
            row(out, r, "at 50% of ceiling: p99.9 (µs)", "echo-50pct", "ha-50pct", p -> p.micros(99.9), "%.1f");
            row(out, r, "at 50%: send lag p99, how late the sender was (µs)", "echo-50pct", "ha-50pct",
                    p -> p.lagMicros(99), "%.1f");
            row(out, r, "at 50%: requests sent > 1 ms behind schedule (%)", "echo-50pct", "ha-50pct",
                    PhaseResult::behindSchedulePercent, "%.2f");
            row(out, r, "at 50%: p99 of the requests sent on schedule (µs)", "echo-50pct", "ha-50pct",
                    p -> p.onScheduleMicros(99), "%.1f");
            row(out, r, "at 50%: p99.9 of the requests sent on schedule (µs)", "echo-50pct", "ha-50pct",
                    p -> p.onScheduleMicros(99.9), "%.1f");
            out.println();
            out.println("Per-round ratios HA/echo (each round back to back), and their median:");
            perRound(out, r, "throughput", "echo-loaded", "ha-loaded", PhaseResult::throughput);
            perRound(out, r, "unloaded p50", "echo-unloaded", "ha-unloaded", p -> p.micros(50));
            perRound(out, r, "unloaded p99.9", "echo-unloaded", "ha-unloaded", p -> p.micros(99.9));
            perRound(out, r, "50% p99", "echo-50pct", "ha-50pct", p -> p.micros(99));
            perRound(out, r, "50% p99.9", "echo-50pct", "ha-50pct", p -> p.micros(99.9));
        }
        costs(out, o, r);
        out.println();
        out.println("| Phase | Nodes | Seconds | BU→BA/s | p50 µs | p99 µs | p99.9 µs | Accepted | Failures |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (String name : List.of("bootstrap", "register", "refresh", "move", "restart-storm", "deregister")) {
            PhaseResult p = r.phase(name);
            if (p != null) {
                out.printf("| %s | %d | %.2f | %.0f | %.1f | %.1f | %.1f | %d | %s |%n", name, p.sent(), p.seconds(),
                        p.throughput(), p.micros(50), p.micros(99), p.micros(99.9), p.accepted(), p.failureText());
            }
        }
        PhaseResult boot = r.phase("bootstrap");
        PhaseResult reg = r.phase("register");
        if (boot != null && reg != null) {
            double rate = reg.accepted() / (boot.seconds() + reg.seconds());
            double echo = median(r.all("echo-loaded"), PhaseResult::throughput);
            out.println();
            out.printf("Registration through tls-channel rfc6618 = bootstrap (%d at once) + first BU: %d nodes registered "
                    + "in %.2f + %.2f s = %.1f registrations/s; echo ceiling (window %d, median) %.0f/s; ratio %.4f%n",
                    boot.window(), reg.accepted(), boot.seconds(), reg.seconds(), rate, o.window, echo, rate / echo);
            out.printf("Bootstrap CPU per node: home agent JVM %.2f ms, client JVM %.2f ms%n",
                    boot.serverCpuMicros() / 1000, boot.clientCpuMicros() / 1000);
        }
        if (!r.heapRegistered().isEmpty()) {
            long before = Long.parseLong(r.ready().get("heapBefore"));
            long built = Long.parseLong(r.ready().get("heapAfterBuild"));
            long used = Long.parseLong(r.heapRegistered().get("used"));
            long bindings = Long.parseLong(r.heapRegistered().get("bindings"));
            out.println();
            out.printf("Home agent heap (used after full GC): before the engine %,d B; engine built with the key table "
                    + "%,d B; with %,d bindings %,d B%n", before, built, bindings, used);
            if (bindings > 0) {
                out.printf("  per binding (bindings + provider state created by BUs): %.1f B%n",
                        (double) (used - built) / bindings);
                out.printf("  per node including its key-table row: %.1f B%n", (double) (used - before) / bindings);
                out.printf("  key table alone, per row: %.1f B%n", (double) (built - before) / o.nodes);
            }
        }
        if (!r.heapDeregistered().isEmpty()) {
            out.println("After deregistration: " + r.heapDeregistered());
        }
        if (!r.restart().isEmpty() && r.phase("restart-storm") != null) {
            double build = Long.parseLong(r.restart().get("buildMillis")) / 1000.0;
            out.printf("Restart storm: new home agent built (key table read) in %.2f s, %d nodes re-registered in "
                    + "%.2f s: %.2f s in all%n", build, r.phase("restart-storm").sent(),
                    r.phase("restart-storm").seconds(), build + r.phase("restart-storm").seconds());
        }
    }

    /** Phases in the order the cost table lists them. */
    private static final List<String> COSTED = List.of("bootstrap", "register", "refresh", "echo-unloaded", "ha-unloaded",
            "echo-loaded", "ha-loaded", "echo-50pct", "ha-50pct", "move", "restart-storm", "deregister");

    /** CPU, allocation and GC per exchange, both sides: the table, then what it implies for the ceiling. */
    private static void costs(PrintStream out, Options o, Report r) {
        if (r.phases().stream().noneMatch(p -> p.cost().measured())) {
            return;
        }
        out.println();
        out.println("CPU and heap allocated per exchange (one BU and its answer): medians over rounds. Server: the "
                + "home agent's JVM; its work thread is the home agent's receive thread or the echo's thread. Client: "
                + "the load generator's JVM. GCs and send lag: all rounds together.");
        out.println();
        out.println("| Phase | Exchanges | Server CPU µs | Server work thread µs | Work thread B | Server GCs (ms) "
                + "| Client CPU µs | Client sender µs | Client receiver µs | Client threads B | Client GCs (ms) "
                + "| Send lag p99 / max µs | Sends that waited for the window |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String name : COSTED) {
            List<PhaseResult> ps = r.all(name).stream().filter(p -> p.cost().measured()).toList();
            if (ps.isEmpty()) {
                continue;
            }
            Histogram lag = new Histogram(ps.get(0).sendLag().getHighestTrackableValue(), 3);
            ps.forEach(p -> lag.add(p.sendLag()));
            out.printf("| %s | %d | %.2f | %.2f | %.0f | %d (%d) | %.2f | %.2f | %.2f | %.0f | %d (%d) | %s | %s |%n",
                    name, ps.stream().mapToLong(PhaseResult::completed).sum(),
                    median(ps, PhaseResult::serverCpuMicros), median(ps, PhaseResult::serverThreadCpuMicros),
                    median(ps, PhaseResult::serverThreadBytes),
                    ps.stream().mapToLong(p -> p.cost().server().gcCount()).sum(),
                    ps.stream().mapToLong(p -> p.cost().server().gcMillis()).sum(),
                    median(ps, PhaseResult::clientCpuMicros), median(ps, PhaseResult::clientSenderCpuMicros),
                    median(ps, PhaseResult::clientReceiverCpuMicros), median(ps, PhaseResult::clientThreadBytes),
                    ps.stream().mapToLong(p -> p.cost().client().gcCount()).sum(),
                    ps.stream().mapToLong(p -> p.cost().client().gcMillis()).sum(),
                    lag.getTotalCount() == 0 ? "—" : String.format("%.0f / %.0f",
                            lag.getValueAtPercentile(99) / 1000.0, lag.getMaxValue() / 1000.0),
                    lag.getTotalCount() == 0 ? "—"
                            : Long.toString(ps.stream().mapToLong(PhaseResult::windowFull).sum()));
        }
        out.println();
        out.println("Run delay: how long each busy thread was ready to run but had no core (Linux schedstat), ms "
                + "per phase, medians over rounds; and the client's collections (they stop its threads too). A "
                + "thread of this run that waits is waiting for the other threads of the run or for other work on "
                + "the machine, not for the code under test.");
        out.println();
        out.println("| Phase | Seconds | Server work thread ms | Client sender ms | Client receiver ms "
                + "| Client GC pauses ms |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (String name : COSTED) {
            List<PhaseResult> ps = r.all(name).stream().filter(p -> p.cost().measured()).toList();
            if (!ps.isEmpty()) {
                out.printf("| %s | %.2f | %.0f | %.0f | %.0f | %.0f |%n", name, median(ps, PhaseResult::seconds),
                        median(ps, PhaseResult::serverThreadRunDelayMillis),
                        median(ps, p -> p.runDelayMillis(false, PhaseCost.SENDER)),
                        median(ps, p -> p.runDelayMillis(false, PhaseCost.RECEIVER)),
                        median(ps, p -> p.cost().client().gcMillis()));
            }
        }
        List<PhaseResult> echo = r.all("echo-loaded");
        List<PhaseResult> ha = r.all("ha-loaded");
        if (echo.isEmpty() || ha.isEmpty()) {
            return;
        }
        double echoThread = median(echo, PhaseResult::serverThreadCpuMicros);
        double haThread = median(ha, PhaseResult::serverThreadCpuMicros);
        double echoBoth = median(echo, p -> p.serverCpuMicros() + p.clientCpuMicros());
        double haBoth = median(ha, p -> p.serverCpuMicros() + p.clientCpuMicros());
        out.println();
        out.printf("Window %d: the home agent's receive thread spends %.2f µs of CPU per BU, the echo's thread "
                + "%.2f µs (%.2f×). That one thread does all of the home agent's work, so even with a core of its "
                + "own the home agent would not pass %.0f BU/s.%n", o.window, haThread, echoThread,
                haThread / echoThread, 1e6 / haThread);
        out.printf("Both JVMs together spend %.2f µs of CPU per exchange against the echo and %.2f µs against "
                + "the home agent: if CPU were the only limit, the throughput ratio would be %.2f (measured: "
                + "%.2f).%n",
                echoBoth, haBoth, echoBoth / haBoth,
                median(ha, PhaseResult::throughput) / median(echo, PhaseResult::throughput));
    }

    private static void perRound(PrintStream out, Report r, String label, String echo, String ha,
                                 ToDoubleFunction<PhaseResult> f) {
        List<PhaseResult> e = r.all(echo);
        List<PhaseResult> h = r.all(ha);
        double[] ratios = new double[Math.min(e.size(), h.size())];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = f.applyAsDouble(h.get(i)) / f.applyAsDouble(e.get(i));
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        double median = sorted.length == 0 ? Double.NaN : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        StringBuilder b = new StringBuilder();
        for (double d : ratios) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%.3f", d));
        }
        out.printf("  %-16s [%s] median %.3f%n", label, b, median);
    }

    private static void row(PrintStream out, Report r, String label, String echo, String ha,
                            ToDoubleFunction<PhaseResult> f, String fmt) {
        double e = median(r.all(echo), f);
        double h = median(r.all(ha), f);
        out.printf("| %s | " + fmt + " | " + fmt + " | %.2f |%n", label, e, h, h / e);
    }
}
