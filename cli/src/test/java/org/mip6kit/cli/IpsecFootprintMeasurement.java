package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed.Side;
import org.mip6kit.provider.ipsec.testbed.HomeTunnelConfig;
import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.testing.HostRequirements;

/**
 * Measures what a home registration with {@code ipsec-ikev2} (mode {@code libipsec}) costs, with
 * the reference daemons as processes in the {@link CharonTestbed}'s namespaces, and prints the
 * figures (docs/performance.md, section ipsec-ikev2, quotes them):
 *
 * <ol>
 * <li>the octets on the home agent's veth while the mobile node daemon registers, per message
 * (tshark inside the home agent's namespace, read live, one line a frame), and the times from the
 * mobile node daemon's start and from its {@code initiate} to "registered" (daemon log);
 * <li>the home agent's memory per IKE-registered node: after the mobile node daemon left, one
 * MN-side charon initiates N IKE SAs to the home agent, each with its own identity and a home
 * address from the pool; the home agent JVM's heap after a full GC ({@code jcmd GC.run},
 * {@code GC.heap_info}) and its charon's VmRSS at 0 and N; then one Binding Update (with the
 * Alternate Care-of Address option) from each home address through its SA, and the heap with N
 * bindings.
 * </ol>
 *
 * Not run by a normal build: its name does not match surefire's default includes. Run it (root,
 * the Debian packages of docs/providers/ipsec-ikev2.md, tshark, jcmd, python3) with
 * {@code mvn -B -o verify -pl cli -Dtest=IpsecFootprintMeasurement -Dsurefire.failIfNoSpecifiedTests=false}
 * (upstream modules installed first); {@code -Dmip6kit.measure.nodes=100,500} sets the steps of N.
 */
@Tag("large")
class IpsecFootprintMeasurement {

    private static final Duration STEP_LIMIT = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    private static final String DEFAULT_VICI = "vici-socket: /var/run/charon.vici";
    private static final String EXAMPLE_POOL = "pool: 2001:db8:1::100/124";
    /** 4096 addresses inside the home prefix, away from the home agent's 2001:db8:1::1. */
    private static final String BIG_POOL = "2001:db8:1::1000/116";
    private static final String HA_ID = "ha.example.org";
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("Total\\s+(\\d+)\\s+(\\d+)");
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final int INITIATORS = 4;

    /** Sends one Binding Update per home address (argv: HA address, care-of, device; HoAs on stdin). */
    private static final String BU_SCRIPT = """
            import socket, struct, sys, time
            def csum(src, dst, data):
                b = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
                     + struct.pack('!I3xB', len(data), 135) + data)
                s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
                while s >> 16:
                    s = (s & 0xffff) + (s >> 16)
                return (~s) & 0xffff
            ha, coa, dev = sys.argv[1], sys.argv[2], sys.argv[3]
            sent = 0
            for n, hoa in enumerate(l.strip() for l in sys.stdin if l.strip()):
                # MH: proto 59, len 3 (32 octets), type 5 (BU), checksum; seq, A|H, lifetime 150 x 4 s;
                # PadN 2 octets (Pad1 x2), Alternate Care-of Address (type 3, 16 octets) at 8n+6.
                mh = struct.pack('!BBBBH', 59, 3, 5, 0, 0) + struct.pack('!HHH', 1000 + n, 0xC000, 150)
                mh += bytes([0, 0, 3, 16]) + socket.inet_pton(socket.AF_INET6, coa)
                mh = mh[:4] + struct.pack('!H', csum(hoa, ha, mh)) + mh[6:]
                s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 135)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
                s.bind((hoa, 0))
                sent += s.sendto(mh, (ha, 0)) == len(mh)
                s.close()
                time.sleep(0.01)
            print('SENT', sent, flush=True)
            """;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private DaemonsEndToEndProcesses processes;
    private CharonTestbed bed;
    private Path haSocket;
    private Path mnSocket;
    private final List<String> figures = new ArrayList<>();

    @Test
    void measuresRegistrationBytesAndHomeAgentMemoryPerNode() throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        Path python = HostRequirements.command("python3", "python3");
        Path tshark = HostRequirements.command("tshark", "tshark");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        assertThat(jcmd).as("the JDK's jcmd").isExecutable();
        List<Integer> steps = new ArrayList<>();
        for (String s : System.getProperty("mip6kit.measure.nodes", "100,500").split(",")) {
            steps.add(Integer.parseInt(s.strip()));
        }
        int maxNodes = steps.stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(maxNodes).as("the pool %s leases 4094 addresses", BIG_POOL).isLessThan(4000);
        Path cfg = Files.createDirectories(work.resolve("cfg"));
        processes = new DaemonsEndToEndProcesses(cfg);
        try {
            bed = CharonTestbed.start(Files.createDirectories(work.resolve("bed")));
            figures.add("load average at start: " + loadAverage());
            Process ha = registration(root, cfg, tshark, maxNodes);
            footprint(ha, jcmd, python, steps);
            figures.add("load average at end: " + loadAverage());
            System.out.println("IpsecFootprintMeasurement:\n  " + String.join("\n  ", figures));
        } catch (Throwable t) {
            System.out.println("IpsecFootprintMeasurement (failed):\n  " + String.join("\n  ", figures));
            System.err.println(processes.report());
            throw t;
        } finally {
            try {
                processes.close();
            } finally {
                if (bed != null) {
                    bed.close();
                }
            }
        }
    }

    // ------------------------------------------------------------------ (1) one registration

    private Process registration(Path root, Path cfg, Path tshark, int extraNodes) throws Exception {
        String haText = Files.readString(root.resolve("docs/examples/ha-ipsec.yaml"), StandardCharsets.UTF_8);
        assertThat(haText).containsOnlyOnce(DEFAULT_VICI).containsOnlyOnce(EXAMPLE_POOL);
        haText = haText.replace(DEFAULT_VICI, "vici-socket: " + bed.viciSocket(Side.HA)
                        + "\n    registration-wait: 1h")
                .replace(EXAMPLE_POOL, "pool: " + BIG_POOL);
        Path haYaml = cfg.resolve("ha-ipsec.yaml");
        Files.writeString(haYaml, haText, StandardCharsets.UTF_8);
        String mnText = Files.readString(root.resolve("docs/examples/mn-ipsec.yaml"), StandardCharsets.UTF_8);
        Path mnYaml = cfg.resolve("mn-ipsec.yaml");
        Files.writeString(mnYaml, mnText.replace(DEFAULT_VICI, "vici-socket: " + bed.viciSocket(Side.MN)),
                StandardCharsets.UTF_8);
        DaemonsEndToEndProcesses.Result keys = processes.run("create-keys", STEP_LIMIT,
                List.of("sh", "-c", TlsChannelDaemonsEndToEndTest.credentialCommand(haYaml)));
        assertThat(keys.exitCode()).as("%s", keys).isZero();
        // The extra identities of step (2), in the home agent's table before it starts.
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < extraNodes; i++) {
            table.append(nodeId(i)).append(' ').append(nodePsk(i)).append('\n');
        }
        Files.writeString(cfg.resolve("ipsec-psk-table"), table, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        haSocket = cfg.resolve("ha-ipsec.sock");
        mnSocket = cfg.resolve("mn-ipsec.sock");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = root.resolve("cli/target/mip6kit-cli.jar");
        assertThat(jar).as("built by the package phase").isRegularFile();
        String classPath = jar + ":" + root.resolve("cli/target/lib") + "/*";
        Process ha = processes.startDaemon("ha", List.of("ip", "netns", "exec", bed.namespace(Side.HA), java,
                "-cp", classPath, "org.mip6kit.cli.Mip6kitCommand", "ha", "run", "--config", haYaml.toString()));
        await("the home agent answers status", () -> admin(haSocket, "status"), ha);

        Path tsharkErr = work.resolve("tshark.stderr");
        Process capture = bed.spawn(Side.HA, tsharkErr, tshark.toString(), "-l", "-n", "-i", CharonTestbed.VETH,
                "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
                "-e", "frame.time_epoch", "-e", "frame.len", "-e", "ipv6.src", "-e", "ipv6.dst",
                "-e", "udp.srcport", "-e", "udp.dstport", "-e", "udp.length", "-e", "isakmp.exchangetype",
                "-e", "isakmp.length", "-e", "esp.spi", "-e", "_ws.col.Protocol");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(capture.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                lines.add("ERROR " + e);
            }
        }, "tshark-reader");
        reader.setDaemon(true);
        reader.start();
        await("tshark captures", () -> Optional.of(DaemonsEndToEndProcesses.read(tsharkErr))
                .filter(s -> s.contains("Capture started")), ha);

        long startWall = System.currentTimeMillis();
        long tMn = System.nanoTime();
        Process mn = processes.startDaemon("mn", List.of("ip", "netns", "exec", bed.namespace(Side.MN), java,
                "-cp", classPath, "org.mip6kit.cli.Mip6kitCommand", "mn", "run", "--config", mnYaml.toString()));
        JsonNode status = await("the mobile node is registered", () -> admin(mnSocket, "status")
                .filter(s -> s.path("registered").asBoolean()), ha, mn);
        figures.add("(1) MN daemon start -> admin status says registered (100 ms polls): " + ms(tMn) + " ms");
        String hoa = status.path("homeAddress").asText();
        assertThat(hoa).startsWith("2001:db8:1::1");
        Thread.sleep(1000);   // anything that follows the acknowledgement
        capture.destroy();
        capture.waitFor(5, TimeUnit.SECONDS);
        reader.join(2000);
        double firstPacket = wire(new ArrayList<>(lines));
        times(startWall, (long) (firstPacket * 1000), processes.stderrOf("mn"));

        // Leave: deregistration, IKE SA deleted; the home agent is back at 0 nodes.
        assertThat(processes.terminate("mn", mn, STEP_LIMIT)).isTrue();
        await("no binding left", () -> Optional.of(bindings().size()).filter(n -> n == 0), ha);
        await("no IKE SA at the home agent", () -> Optional.of(ikeSas(Side.HA)).filter(n -> n == 0), ha);
        return ha;
    }

    private double wire(List<String> rows) {
        Map<String, int[]> sums = new LinkedHashMap<>();
        StringBuilder each = new StringBuilder();
        double first = -1;
        for (String row : rows) {
            String[] f = row.split("\\|", -1);
            if (f.length < 11) {
                each.append("\n      ? ").append(row);
                continue;
            }
            double t = Double.parseDouble(f[0]);
            first = first < 0 ? t : first;
            String dir = CharonTestbed.MN_CARE_OF.equals(f[2]) ? "MN->HA" : CharonTestbed.HA_OUTER.equals(f[2])
                    ? "HA->MN" : f[2] + "->" + f[3];
            String what;
            if (!f[7].isEmpty()) {
                what = switch (f[7]) {
                    case "34" -> "IKE_SA_INIT";
                    case "35" -> "IKE_AUTH";
                    case "36" -> "CREATE_CHILD_SA";
                    case "37" -> "INFORMATIONAL";
                    default -> "IKE exchange " + f[7];
                } + " (IKE " + f[8] + ")";
            } else if (!f[9].isEmpty()) {
                what = "ESP-in-UDP " + f[4] + "->" + f[5] + " (UDP " + f[6] + ")";
            } else {
                what = f[10] + (f[4].isEmpty() ? "" : " " + f[4] + "->" + f[5]);
            }
            String key = what.replaceAll(" \\(.*\\)", "") + " " + dir;
            int[] acc = sums.computeIfAbsent(key, k -> new int[2]);
            acc[0]++;
            acc[1] += Integer.parseInt(f[1]);
            each.append(String.format("%n      +%7.1f ms %s %s frame %s", (t - first) * 1000, dir, what, f[1]));
        }
        assertThat(sums.keySet()).as("captured %s", rows).anyMatch(k -> k.startsWith("IKE_SA_INIT"))
                .anyMatch(k -> k.startsWith("IKE_AUTH")).anyMatch(k -> k.startsWith("ESP-in-UDP"));
        StringBuilder b = new StringBuilder("(1) frames on the HA's veth0 from MN daemon start to registered + 1 s"
                + " (frame = Ethernet octets):");
        int total = 0;
        for (Map.Entry<String, int[]> e : sums.entrySet()) {
            b.append(String.format("%n    %-40s packets %d, frame octets %d", e.getKey(), e.getValue()[0],
                    e.getValue()[1]));
            total += e.getValue()[1];
        }
        b.append("\n    total frame octets ").append(total).append(each);
        figures.add(b.toString());
        return first;
    }

    /** Times from the mobile node's log (ISO timestamps, ms): start, initiate, registered. */
    private void times(long startWall, long firstPacketWall, String log) {
        Instant first = null;
        Instant accepted = null;
        List<String> marks = new ArrayList<>();
        for (String line : log.lines().toList()) {
            int sp = line.indexOf(' ');
            Instant at;
            try {
                at = OffsetDateTime.parse(line.substring(0, Math.max(sp, 0))).toInstant();
            } catch (RuntimeException e) {
                continue;
            }
            first = first == null ? at : first;
            if (accepted == null && line.contains("registration-accepted")) {
                accepted = at;
            }
            String low = line.toLowerCase();
            if (low.contains("initiat") || low.contains("registered") || low.contains("bootstrap")
                    || low.contains("binding") || low.contains("charon") || low.contains("ike")) {
                marks.add(String.format("+%5d ms after spawn: %s", at.toEpochMilli() - startWall,
                        line.length() > 220 ? line.substring(0, 220) + "..." : line));
            }
        }
        figures.add("(1) MN daemon log, first line +" + (first == null ? "?" : first.toEpochMilli() - startWall)
                + " ms after spawn; first IKE_SA_INIT on the wire +" + (firstPacketWall - startWall)
                + " ms; registration-accepted +" + (accepted == null ? "?" : accepted.toEpochMilli() - startWall)
                + " ms (" + (accepted == null ? "?" : accepted.toEpochMilli() - firstPacketWall)
                + " ms after the first IKE_SA_INIT); marks:\n      " + String.join("\n      ", marks));
        assertThat(accepted).as("registration-accepted in the MN's log").isNotNull();
    }

    // ------------------------------------------------------------------ (2) memory per node

    private void footprint(Process ha, Path jcmd, Path python, List<Integer> steps) throws Exception {
        long haPid = ha.pid();
        long charonPid = bed.charonPid(Side.HA);
        long[] base = memory(jcmd, haPid, charonPid);
        figures.add(String.format("(2) N = 0: HA live heap after full GC %d KiB (GC.class_histogram, min of 3), HA JVM VmRSS %d KiB,"
                + " HA charon VmRSS %d KiB, MN charon VmRSS %d KiB", base[0], base[1], base[2],
                rss(bed.charonPid(Side.MN))));
        loadNodes(steps.stream().mapToInt(Integer::intValue).max().orElseThrow());
        int up = 0;
        for (int n : steps) {
            long t0 = System.nanoTime();
            initiate(up, n);
            up = n;
            int haSas = ikeSas(Side.HA);
            int leases = onlineLeases();
            long took = ms(t0);
            assertThat(haSas).as("IKE SAs at the home agent").isEqualTo(n);
            assertThat(leases).as("online leases").isEqualTo(n);
            JsonNode provider = admin(haSocket, "status").orElseThrow().path("provider");
            long[] m = memory(jcmd, haPid, charonPid);
            figures.add(String.format("(2) N = %d IKE SAs (up in %d ms, %d initiators, %d initiates retried so far), leases online %d: HA heap"
                    + " %d KiB (+%.2f KiB/node), HA JVM VmRSS %d KiB, HA charon VmRSS %d KiB (+%.2f KiB/node),"
                    + " MN charon VmRSS %d KiB; provider status %s", n, took, INITIATORS, retries.get(), leases, m[0],
                    (m[0] - base[0]) / (double) n, m[1], m[2], (m[2] - base[2]) / (double) n,
                    rss(bed.charonPid(Side.MN)), provider));
        }
        // N Binding Updates, one from each home address through its SA.
        List<String> hoas = mnVirtualIps();
        assertThat(hoas).hasSize(up);
        Path script = work.resolve("bu.py");
        Files.writeString(script, BU_SCRIPT, StandardCharsets.UTF_8);
        Path hoaFile = work.resolve("hoas.txt");
        Files.writeString(hoaFile, String.join("\n", hoas) + "\n", StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        CharonTestbed.ExecResult sent = bed.exec(Side.MN, Duration.ofSeconds(120), "sh", "-c", python + " " + script
                + " " + CharonTestbed.HA_INNER + " " + CharonTestbed.MN_CARE_OF + " ipsec0 < " + hoaFile);
        figures.add("(2) BU sender: " + sent.stdout().strip() + " " + sent.stderr().strip());
        long deadline = System.nanoTime() + STEP_LIMIT.toNanos();
        JsonNode all = bindings();
        while (all.size() < up && System.nanoTime() < deadline) {
            Thread.sleep(500);
            all = bindings();
        }
        long took = ms(t0);
        int total = all.size();
        assertThat(total).as("bindings after %s BUs", up).isPositive();
        for (JsonNode b : all) {
            assertThat(b.path("careOfAddress").asText()).isEqualTo(CharonTestbed.MN_CARE_OF);
            assertThat(b.path("identity").asText()).startsWith("ike_id:n");
        }
        long[] m = memory(jcmd, haPid, charonPid);
        figures.add(String.format("(2) N = %d bindings of " + up + " BUs sent 10 ms apart (%d ms): HA heap %d KiB"
                + " (+%.2f KiB/node over N = 0), HA JVM VmRSS %d KiB, HA charon VmRSS %d KiB; provider status %s",
                total, took, m[0], (m[0] - base[0]) / (double) total, m[1], m[2],
                admin(haSocket, "status").orElseThrow().path("provider")));
    }

    private static String nodeId(int i) {
        return "n" + i + "@example.org";
    }

    /** A random 32-octet key per node, kept for the run. */
    private final Map<Integer, String> psks = new java.util.concurrent.ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    private String nodePsk(int i) {
        return psks.computeIfAbsent(i, k -> {
            byte[] b = new byte[32];
            random.nextBytes(b);
            return HexFormat.of().formatHex(b);
        });
    }

    /** Loads N connections and N secrets into the MN-side charon, one identity each. */
    private void loadNodes(int n) throws Exception {
        ViciClient vici = bed.vici(Side.MN);
        try {
            for (int i = 0; i < n; i++) {
                get(vici.request("load-shared", ViciMessage.builder().add("id", "n" + i).add("type", "IKE")
                        .add("data", org.mip6kit.provider.ipsec.vici.ViciValue.secret(
                                HexFormat.of().parseHex(nodePsk(i))))
                        .list("owners", nodeId(i), HA_ID).build()));
                ViciMessage child = ViciMessage.builder()
                        .list("local_ts", "dynamic")
                        .list("remote_ts", CharonTestbed.HOME_PREFIX)
                        .list("esp_proposals", HomeTunnelConfig.ESP_PROPOSAL)
                        .add("mode", "tunnel").build();
                ViciMessage conn = ViciMessage.builder()
                        .add("version", "2")
                        .list("local_addrs", CharonTestbed.MN_CARE_OF)
                        .list("remote_addrs", CharonTestbed.HA_OUTER)
                        .list("vips", "::")
                        .list("proposals", HomeTunnelConfig.IKE_PROPOSAL)
                        .section("local", ViciMessage.builder().add("auth", "psk").add("id", nodeId(i)).build())
                        .section("remote", ViciMessage.builder().add("auth", "psk").add("id", HA_ID).build())
                        .section("children", ViciMessage.builder().section("n" + i, child).build())
                        .build();
                get(vici.request("load-conn", ViciMessage.builder().section("n" + i, conn).build()));
            }
        } finally {
            vici.close();
        }
    }

    private final AtomicInteger retries = new AtomicInteger();

    /** Initiates nodes from (inclusive) to (exclusive) on a few VICI connections at once. */
    private void initiate(int from, int to) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        ExecutorService pool = Executors.newFixedThreadPool(INITIATORS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < INITIATORS; t++) {
                done.add(pool.submit(() -> {
                    ViciClient vici = bed.vici(Side.MN);
                    int ok = 0;
                    try {
                        for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                            for (int attempt = 0; attempt < 3; attempt++) {
                                try {
                                    vici.request("initiate", ViciMessage.builder().add("child", "n" + i)
                                            .add("ike", "n" + i).add("timeout", "20000").build())
                                            .toCompletableFuture().get(30, TimeUnit.SECONDS);
                                    ok++;
                                    break;
                                } catch (java.util.concurrent.ExecutionException e) {
                                    // Under load, charon's cookie exchange and retransmissions can
                                    // end in AUTH_FAILED (two IKE_SA_INIT answers, different keys).
                                    retries.incrementAndGet();
                                }
                            }
                        }
                    } finally {
                        vici.close();
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : done) {
                ok += f.get(10, TimeUnit.MINUTES);
            }
            assertThat(ok).as("initiates that succeeded").isEqualTo(to - from);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Live heap (KiB) after a full GC: the total of {@code jcmd GC.class_histogram} (which runs
     * one first), the smallest of 3; then the JVM's and charon's VmRSS (KiB).
     */
    private long[] memory(Path jcmd, long jvmPid, long charonPid) throws Exception {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            String histogram = run(jcmd.toString(), Long.toString(jvmPid), "GC.class_histogram");
            Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
            assertThat(m.find()).as("GC.class_histogram total").isTrue();
            best = Math.min(best, Long.parseLong(m.group(2)) / 1024);
        }
        return new long[] {best, rss(jvmPid), rss(charonPid)};
    }

    private static long rss(long pid) throws Exception {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        Matcher m = VM_RSS.matcher(status);
        assertThat(m.find()).as("VmRSS of %s", pid).isTrue();
        return Long.parseLong(m.group(1));
    }

    private String run(String... argv) throws Exception {
        DaemonsEndToEndProcesses.Result r = processes.run(argv[argv.length - 1], STEP_LIMIT, List.of(argv));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r.out();
    }

    private int ikeSas(Side side) throws Exception {
        ViciClient vici = bed.vici(side);
        try {
            List<ViciMessage> sas = new ArrayList<>();
            get(vici.request("list-sas", ViciMessage.builder().add("noblock", "yes").build(), "list-sa", sas::add));
            return sas.size();
        } finally {
            vici.close();
        }
    }

    /** Virtual IPs (home addresses) of the MN-side charon's IKE SAs. */
    private List<String> mnVirtualIps() throws Exception {
        ViciClient vici = bed.vici(Side.MN);
        try {
            List<ViciMessage> sas = new ArrayList<>();
            get(vici.request("list-sas", ViciMessage.builder().add("noblock", "yes").build(), "list-sa", sas::add));
            List<String> vips = new ArrayList<>();
            for (ViciMessage m : sas) {
                for (ViciMessage.Element e : m.elements()) {
                    if (e instanceof ViciMessage.Section s) {
                        s.body().list("local-vips").forEach(v -> vips.add(v.text()));
                    }
                }
            }
            return vips;
        } finally {
            vici.close();
        }
    }

    private int onlineLeases() throws Exception {
        ViciClient vici = bed.vici(Side.HA);
        try {
            ViciMessage pools = get(vici.request("get-pools", ViciMessage.builder().add("leases", "yes").build()));
            int online = 0;
            for (ViciMessage.Element e : pools.elements()) {
                if (e instanceof ViciMessage.Section pool) {
                    online += Integer.parseInt(pool.body().text("online").orElse("0"));
                }
            }
            return online;
        } finally {
            vici.close();
        }
    }

    private JsonNode bindings() {
        return admin(haSocket, "bindings").orElseThrow().path("bindings");
    }

    private static ViciMessage get(java.util.concurrent.CompletionStage<ViciMessage> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private Optional<JsonNode> admin(Path socket, String command) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AdminClient.send(socket, command, ADMIN_TIMEOUT));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    private <T> T await(String what, Probe<T> probe, Process... alive) throws Exception {
        long start = System.nanoTime();
        while (ms(start) < STEP_LIMIT.toMillis()) {
            for (Process p : alive) {
                assertThat(p.isAlive()).as("waiting until %s: process %s alive", what, p.pid()).isTrue();
            }
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                processes.note(what + " (" + ms(start) + " ms)");
                return v.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + STEP_LIMIT + ": " + what);
    }

    private static long ms(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
    }
}
