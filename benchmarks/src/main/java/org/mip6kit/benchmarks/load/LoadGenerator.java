package org.mip6kit.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
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
import java.util.function.ToDoubleFunction;

import org.mip6kit.wire.Lifetime;

/**
 * The home-agent load generator (issue 5). Starts a forked JVM with a real home agent
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
 * Options: {@code --nodes N} (100000), {@code --window W} (32), {@code --repeats R} (5),
 * {@code --seconds S} per ceiling phase (5), {@code --warmup-seconds S} (5: echo and home agent at full
 * load before round 1, not reported), {@code --server-heap SIZE} (4g), {@code --timeout-ms}
 * (2000), {@code --phases LIST} (all of the above but refresh), {@code --class-histogram FILE} (a
 * {@code jcmd GC.class_histogram} of the home agent JVM after registration), {@code --pcap FILE}
 * (the home agent's signalling as a pcap, via the daemons' {@code CapturingTransport}),
 * {@code --server-jvm-option OPT} (repeatable).
 */
public final class LoadGenerator {

    static final List<String> ALL_PHASES = List.of("register", "memory", "refresh", "ceiling", "move", "restart",
            "deregister");
    /** Every phase but {@code refresh}, whose work the ceiling rounds already do. */
    static final List<String> DEFAULT_PHASES = List.of("register", "memory", "ceiling", "move", "restart",
            "deregister");

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

    static final String USAGE = """
            usage: bench [--nodes N] [--window W] [--repeats R] [--seconds S] [--warmup-seconds S] [--server-heap SIZE]
                         [--timeout-ms MS] [--phases register,memory,refresh,ceiling,move,restart,deregister]
                         [--class-histogram FILE] [--pcap FILE] [--server-jvm-option OPT]...
            Simulated RFC 4285 mobile nodes against a real home agent (auth-option-4285, RFC 5555 UDP on ::1)
            in a forked JVM, with a raw UDP echo in the same JVM as the ceiling. See docs/performance.md.""";

    /** Parsed options. */
    static final class Options {
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
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    o.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                try {
                    switch (a) {
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
                            for (String p : o.phases) {
                                if (!ALL_PHASES.contains(p)) {
                                    throw new IllegalArgumentException("unknown phase " + p + "; phases: " + ALL_PHASES);
                                }
                            }
                        }
                        case "--class-histogram" -> o.classHistogram = Path.of(v);
                        case "--pcap" -> o.pcap = Path.of(v);
                        case "--server-jvm-option" -> o.serverJvmOptions.add(v);
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(a + ": not a number: " + v);
                }
            }
            if (o.nodes < 1 || o.window < 1 || o.repeats < 1 || o.seconds <= 0) {
                throw new IllegalArgumentException("--nodes, --window, --repeats and --seconds must be positive");
            }
            return o;
        }
    }

    /** Everything one run measured. */
    record Report(List<PhaseResult> phases, Map<String, String> ready, Map<String, String> heapRegistered,
                  Map<String, String> heapDeregistered, Map<String, String> restart, double setupSeconds) {
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

    static Report run(Options o, PrintStream out) throws Exception {
        out.println("bench: " + o.nodes + " nodes, window " + o.window + ", " + o.repeats + " repeats of " + o.seconds
                + " s, home agent heap " + o.serverHeap + ", started " + Instant.now());
        long t0 = System.nanoTime();
        NodeKeys keys = new NodeKeys(o.nodes, new SecureRandom());
        Path keyTable = keys.writeKeyTable();
        List<PhaseResult> results = new ArrayList<>();
        Map<String, String> heapRegistered = Map.of();
        Map<String, String> heapDeregistered = Map.of();
        Map<String, String> restart = Map.of();
        Map<String, String> ready;
        int maxBindings = (int) Math.min(Integer.MAX_VALUE - 16, 2L * o.nodes + 1024);
        try (ServerProcess server = ServerProcess.start(keyTable, o.serverHeap, maxBindings, o.pcap,
                o.serverJvmOptions);
             SimulatedNodes nodes = new SimulatedNodes(keys, Lifetime.ofSeconds(o.lifetimeSeconds), o.timeoutMillis)) {
            ready = server.ready;
            out.println("SERVER " + ready);
            InetAddress loopback = InetAddress.getByName("::1");
            InetSocketAddress ha = new InetSocketAddress(loopback, Integer.parseInt(ready.get("ha")));
            InetSocketAddress echo = new InetSocketAddress(loopback, Integer.parseInt(ready.get("echo")));
            nodes.createAll();
            double setup = (System.nanoTime() - t0) / 1e9;
            out.printf("SETUP keys, key table, home agent start and %d client nodes: %.1f s%n", o.nodes, setup);
            int cursor = 0;
            if (o.phases.contains("register")) {
                results.add(print(out, nodes.run("register", false, ha, SimulatedNodes.Kind.REFRESH, 0, o.nodes, 0,
                        o.window, 0)));
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
                results.add(print(out, nodes.run("refresh", false, ha, SimulatedNodes.Kind.REFRESH, 0, o.nodes, 0,
                        o.window, 0)));
            }
            if (o.phases.contains("ceiling")) {
                // Warm-up (not reported): both servers and the client compiled before round 1.
                for (boolean toEcho : new boolean[] {true, false}) {
                    PhaseResult w = nodes.run("warmup", toEcho, toEcho ? echo : ha, SimulatedNodes.Kind.REFRESH, cursor,
                            0, o.warmupSeconds, o.window, 0);
                    cursor += (int) w.sent();
                    out.println(w.line());
                }
                for (int r = 1; r <= o.repeats; r++) {
                    PhaseResult e1 = nodes.run("echo-unloaded", true, echo, SimulatedNodes.Kind.REFRESH, cursor, 0,
                            o.seconds, 1, 0);
                    cursor += (int) e1.sent();
                    PhaseResult h1 = nodes.run("ha-unloaded", false, ha, SimulatedNodes.Kind.REFRESH, cursor, 0,
                            o.seconds, 1, 0);
                    cursor += (int) h1.sent();
                    PhaseResult e2 = nodes.run("echo-loaded", true, echo, SimulatedNodes.Kind.REFRESH, cursor, 0,
                            o.seconds, o.window, 0);
                    cursor += (int) e2.sent();
                    PhaseResult h2 = nodes.run("ha-loaded", false, ha, SimulatedNodes.Kind.REFRESH, cursor, 0,
                            o.seconds, o.window, 0);
                    cursor += (int) h2.sent();
                    double half = e2.throughput() / 2;
                    PhaseResult e3 = nodes.run("echo-50pct", true, echo, SimulatedNodes.Kind.REFRESH, cursor, 0,
                            o.seconds, o.window, half);
                    cursor += (int) e3.sent();
                    PhaseResult h3 = nodes.run("ha-50pct", false, ha, SimulatedNodes.Kind.REFRESH, cursor, 0,
                            o.seconds, o.window, half);
                    cursor += (int) h3.sent();
                    for (PhaseResult p : List.of(e1, h1, e2, h2, e3, h3)) {
                        results.add(print(out, p));
                    }
                    out.printf("ROUND %d throughput ratio %.3f, unloaded p50 ratio %.3f, p99.9 ratio %.3f%n", r,
                            h2.throughput() / e2.throughput(), h1.micros(50) / e1.micros(50),
                            h1.micros(99.9) / e1.micros(99.9));
                }
            }
            if (o.phases.contains("move")) {
                results.add(print(out, nodes.run("move", false, ha, SimulatedNodes.Kind.MOVE, 0, o.nodes, 0,
                        o.window, 0)));
            }
            if (o.phases.contains("restart")) {
                restart = server.ask("restart", "RESTARTED");
                out.println("RESTARTED " + restart);
                results.add(print(out, nodes.run("restart-storm", false, ha, SimulatedNodes.Kind.REFRESH, 0, o.nodes,
                        0, o.window, 0)));
            }
            if (o.phases.contains("deregister")) {
                results.add(print(out, nodes.run("deregister", false, ha, SimulatedNodes.Kind.DEREGISTER, 0, o.nodes,
                        0, o.window, 0)));
                heapDeregistered = server.ask("heap", "HEAP");
                out.println("HEAP deregistered " + heapDeregistered);
            }
            out.println("COUNTERS " + server.ask("counters", "COUNTERS"));
            Report report = new Report(results, ready, heapRegistered, heapDeregistered, restart, setup);
            summary(out, o, report);
            return report;
        } finally {
            NodeKeys.deleteKeyTable(keyTable);
        }
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
            out.println();
            out.println("Per-round ratios HA/echo (each round back to back), and their median:");
            perRound(out, r, "throughput", "echo-loaded", "ha-loaded", PhaseResult::throughput);
            perRound(out, r, "unloaded p50", "echo-unloaded", "ha-unloaded", p -> p.micros(50));
            perRound(out, r, "unloaded p99.9", "echo-unloaded", "ha-unloaded", p -> p.micros(99.9));
            perRound(out, r, "50% p99", "echo-50pct", "ha-50pct", p -> p.micros(99));
            perRound(out, r, "50% p99.9", "echo-50pct", "ha-50pct", p -> p.micros(99.9));
        }
        out.println();
        out.println("| Phase | Nodes | Seconds | BU→BA/s | p50 µs | p99 µs | p99.9 µs | Accepted | Failures |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (String name : List.of("register", "refresh", "move", "restart-storm", "deregister")) {
            PhaseResult p = r.phase(name);
            if (p != null) {
                out.printf("| %s | %d | %.2f | %.0f | %.1f | %.1f | %.1f | %d | %s |%n", name, p.sent(), p.seconds(),
                        p.throughput(), p.micros(50), p.micros(99), p.micros(99.9), p.accepted(), p.failureText());
            }
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
