package org.mip6kit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;

/**
 * The story {@code mip6kit demo --data-plane} tells: the user-space data plane carrying a ping
 * to the home address across a move (docs/data-plane.md). Four network namespaces (a
 * correspondent, a router, the home agent, the mobile node with two access links; documentation
 * addresses only), the reference daemons as child JVMs inside them ({@code ip netns exec <ns>
 * java -cp <this class path> org.mip6kit.cli.Mip6kitCommand ha|mn run}) with
 * {@code data-plane.enabled} and auth-option-4285 (a fresh key in the private directory):
 * <ol>
 * <li>the home registration; the correspondent's first echoes through the tunnel;</li>
 * <li>a ping every 100 ms while the node leaves link 1 for link 2 and says so ({@code mn move});
 *     the echoes lost across the move are counted;</li>
 * <li>the binding's traffic counters;</li>
 * <li>SIGTERM to both daemons: no TUN device left; every process ended by its PID, every
 *     namespace deleted (also on Ctrl-C, by a shutdown hook).</li>
 * </ol>
 * Needs root. Each step waits a bounded time; anything else is a {@link DemoFailure} with the end
 * of the daemons' logs.
 */
final class DemoDataPlaneScenario {

    static final String PROVIDER = "auth-option-4285";
    static final String NAMESPACE_PREFIX = "mip6dp";
    static final String HOA = "2001:db8:1::100";
    static final String HA = "2001:db8:1::1";
    static final String CN = "2001:db8:5::5";
    static final String COA1 = "2001:db8:2::100";
    static final String COA2 = "2001:db8:3::100";
    private static final String NAI = "mn1@example.com";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 25;

    private final DemoPrivateDirectory directory;
    private final DemoConsole console;
    private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    DemoDataPlaneScenario(DemoPrivateDirectory directory, DemoConsole console) {
        this.directory = directory;
        this.console = console;
    }

    /** What the demo needs and this host lacks: root, {@code ip}, {@code ping}, {@code /dev/net/tun}. */
    static List<String> requirements() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (network namespaces, TUN devices, raw sockets)");
        }
        for (String command : List.of("ip", "ping")) {
            if (!onPath(command)) {
                missing.add("the command " + command + (command.equals("ping") ? " (Debian iputils-ping)"
                        : " (Debian iproute2)"));
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("/dev/net/tun");
        }
        return missing;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private String ns(String role) {
        return NAMESPACE_PREFIX + "-" + role + "-" + suffix;
    }

    /** Runs the story; every process it started is ended and every namespace deleted when it returns or throws. */
    void run() throws DemoFailure {
        Thread hook = new Thread(this::cleanUp, "mip6kit-demo-data-plane-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            story();
        } catch (IOException e) {
            throw new DemoFailure("the data-plane demo could not run a command: " + e.getMessage() + tails(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted", e);
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private void story() throws DemoFailure, IOException, InterruptedException {
        console.heading("0. the lab: a correspondent, a router, the home agent and the mobile node, each a network "
                + "namespace; the home prefix 2001:db8:1::/64 is routed to the home agent");
        topology();
        console.line(String.format("%-11s%s %s, %s (router), %s home agent %s, %s care-of %s on link 1",
                "lab", ns("cn"), CN, ns("rt"), ns("ha"), HA, ns("mn"), COA1));
        Path[] configs = writeConfigurations();

        console.heading("1. the daemons start with data-plane.enabled, each a JVM in its namespace");
        long t0 = System.nanoTime();
        Process ha = startDaemon("ha", configs[0]);
        Path haSocket = directory.path().resolve("ha.sock");
        Path mnSocket = directory.path().resolve("mn.sock");
        JsonNode status = await("the home agent answers on its admin socket", () -> admin(haSocket, "status"), ha);
        console.line(DemoConsole.Side.HA, "ha run: PID " + ha.pid() + ", up after " + ms(t0) + " ms; TUN device "
                + status.path("dataPlane").path("tun").asText() + " attracts "
                + status.path("dataPlane").path("prefixes") + " (a virtual home link, no proxy ND)");
        long t1 = System.nanoTime();
        Process mn = startDaemon("mn", configs[1]);
        await("the mobile node is registered", () -> admin(mnSocket, "status")
                .filter(s -> s.path("registered").asBoolean()), ha, mn);
        console.line(DemoConsole.Side.MN, "mn run: PID " + mn.pid() + ", registered " + ms(t1) + " ms after its start "
                + "(JVM included): home address " + HOA + " on TUN device mip6mn0, rule 'from " + HOA
                + " lookup 191' sends only its traffic into the tunnel");
        Result first = in(ns("cn"), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", HOA);
        if (first.exitCode != 0) {
            throw new DemoFailure("the correspondent's ping to " + HOA + " through the tunnel failed: " + first.out
                    + tails());
        }
        Matcher ttl = Pattern.compile("ttl=(\\d+)").matcher(first.out);
        console.line("CN         ping " + HOA + ": " + summary(first.out) + (ttl.find() ? "; replies arrive with hop "
                + "limit " + ttl.group(1) + " (sent with 64, forwarded by the home agent and the router)" : ""));

        console.heading("2. a ping every 100 ms while the mobile node moves from link 1 to link 2");
        Path pingLog = directory.path().resolve("ping.log");
        Process ping = spawn(ns("cn"), pingLog, "ping", "-n", "-i", "0.1", "-W", "1", HOA);
        Thread.sleep(1500);
        long tMove = System.nanoTime();
        in(ns("mn"), "ip", "-6", "addr", "add", COA2 + "/64", "dev", "m2", "nodad");
        in(ns("mn"), "ip", "-6", "route", "replace", "default", "via", "2001:db8:3::1", "dev", "m2");
        in(ns("mn"), "ip", "-6", "addr", "del", COA1 + "/64", "dev", "m1");
        ObjectNode move = AdminClient.request("move");
        move.put("careOf", COA2);
        ObjectNode moved;
        try {
            moved = AdminClient.send(mnSocket, move, STEP_TIMEOUT);
        } catch (AdminException e) {
            throw new DemoFailure("mn move: " + e.getMessage() + tails(), e);
        }
        if (!moved.path("acknowledged").asBoolean()) {
            throw new DemoFailure("mn move " + COA2 + " was not acknowledged: " + moved + tails());
        }
        console.line(DemoConsole.Side.MN, "left link 1, " + COA2 + " on link 2, mn move: acknowledged " + ms(tMove)
                + " ms after " + COA1 + " was removed; the reverse tunnel now leaves from " + COA2);
        await("the home agent's binding follows", () -> bindingOf(haSocket)
                .filter(b -> b.path("careOfAddress").asText().equals(COA2)), ha, mn);
        Thread.sleep(2000);
        ping.destroy();
        ping.waitFor(5, TimeUnit.SECONDS);
        TreeSet<Integer> answered = new TreeSet<>();
        Matcher m = Pattern.compile("icmp_seq=(\\d+)").matcher(Files.readString(pingLog, StandardCharsets.UTF_8));
        while (m.find()) {
            answered.add(Integer.parseInt(m.group(1)));
        }
        if (answered.isEmpty()) {
            throw new DemoFailure("no echo was answered during the move" + tails());
        }
        int lost = answered.last() - answered.first() + 1 - answered.size();
        console.line("CN         ping -i 0.1 across the move: " + answered.size() + " answered, " + lost
                + " lost (icmp_seq " + answered.first() + ".." + answered.last() + ")");

        console.heading("3. what the tunnel carried");
        JsonNode t = bindingOf(haSocket).orElseThrow(() -> new DemoFailure("the binding of " + HOA + " is gone"
                + tails())).path("traffic");
        console.line(DemoConsole.Side.HA, "binding " + HOA + " -> " + COA2 + ": to the node " + t.path("packetsToNode")
                + " packets / " + t.path("bytesToNode") + " octets, from it " + t.path("packetsFromNode")
                + " packets / " + t.path("bytesFromNode") + " octets (ha bindings, columns TO NODE and FROM NODE)");

        console.heading("4. SIGTERM to both daemons; nothing stays behind");
        int mnExit = stop(mn);
        console.line(DemoConsole.Side.MN, "SIGTERM to PID " + mn.pid() + ": exited with " + mnExit
                + "; rule and TUN device removed: " + (in(ns("mn"), "ip", "link", "show", "mip6mn0").exitCode != 0
                && !in(ns("mn"), "ip", "-6", "rule", "show").out.contains(HOA)));
        int haExit = stop(ha);
        console.line(DemoConsole.Side.HA, "SIGTERM to PID " + ha.pid() + ": exited with " + haExit
                + "; TUN device removed: " + (in(ns("ha"), "ip", "link", "show", "mip6ha0").exitCode != 0));
        if (mnExit != 0 || haExit != 0) {
            throw new DemoFailure("a daemon did not exit cleanly (mn " + mnExit + ", ha " + haExit + ")" + tails());
        }
        console.line(String.format("%-11sthe namespaces %s-*-%s are deleted next", "lab", NAMESPACE_PREFIX, suffix));
    }

    private void topology() throws IOException, InterruptedException, DemoFailure {
        for (String role : List.of("cn", "rt", "ha", "mn")) {
            checked(run(List.of("ip", "netns", "add", ns(role))));
            namespaces.add(ns(role));
            checked(in(ns(role), "ip", "link", "set", "lo", "up"));
        }
        String[][] veths = {{"c0", "cn", "r0"}, {"h0", "ha", "r1"}, {"m1", "mn", "r2"}, {"m2", "mn", "r3"}};
        for (String[] v : veths) {
            checked(run(List.of("ip", "link", "add", v[0], "netns", ns(v[1]), "type", "veth", "peer", "name", v[2],
                    "netns", ns("rt"))));
            checked(in(ns(v[1]), "ip", "link", "set", v[0], "up"));
            checked(in(ns("rt"), "ip", "link", "set", v[2], "up"));
        }
        String[][] addresses = {{"cn", "c0", CN + "/64"}, {"rt", "r0", "2001:db8:5::1/64"},
                {"ha", "h0", "2001:db8:10::1/64"}, {"ha", "h0", HA + "/128"}, {"rt", "r1", "2001:db8:10::2/64"},
                {"mn", "m1", COA1 + "/64"}, {"rt", "r2", "2001:db8:2::1/64"}, {"rt", "r3", "2001:db8:3::1/64"}};
        for (String[] a : addresses) {
            checked(in(ns(a[0]), "ip", "-6", "addr", "add", a[2], "dev", a[1], "nodad"));
        }
        checked(in(ns("rt"), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"));
        checked(in(ns("ha"), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"));
        checked(in(ns("rt"), "ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:10::1"));
        checked(in(ns("ha"), "ip", "-6", "route", "add", "default", "via", "2001:db8:10::2"));
        checked(in(ns("cn"), "ip", "-6", "route", "add", "default", "via", "2001:db8:5::1"));
        checked(in(ns("mn"), "ip", "-6", "route", "add", "default", "via", "2001:db8:2::1", "dev", "m1"));
    }

    private Path[] writeConfigurations() throws IOException {
        Path dir = directory.path();
        Path keys = dir.resolve("keys.txt");
        Files.createFile(keys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keys, NAI + " 256 hmac-sha1 key=" + HexFormat.of().formatHex(new SecureRandom()
                .generateSeed(16)) + "\n");
        Path ha = Files.writeString(dir.resolve("ha.yaml"), String.join("\n",
                "home-agent:", "  address: " + HA, "  home-prefixes: [2001:db8:1::/64]",
                "transport:", "  udp: { bind: \"::\", port: 4191 }",
                "admin:", "  socket: ha.sock",
                "security:", "  provider: " + PROVIDER, "  " + PROVIDER + ":", "    key-table: keys.txt",
                "data-plane:", "  enabled: true", ""));
        Path mn = Files.writeString(dir.resolve("mn.yaml"), String.join("\n",
                "mobile-node:", "  home-address: " + HOA, "  home-agent: " + HA,
                "  home-agent-endpoint: \"[" + HA + "]:4191\"", "  care-of:", "    address: " + COA1,
                "transport:", "  udp: { bind: \"::\", port: 0 }",
                "admin:", "  socket: mn.sock",
                "security:", "  provider: " + PROVIDER, "  " + PROVIDER + ":", "    nai: " + NAI,
                "    key-table: keys.txt",
                "data-plane:", "  enabled: true", ""));
        return new Path[] {ha, mn};
    }

    // ------------------------------------------------------------------ processes

    private record Result(int exitCode, String out) {
    }

    private Result in(String namespace, String... command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        c.addAll(List.of(command));
        return run(c);
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", command) + " did not finish within "
                        + DemoConsole.seconds(COMMAND_TIMEOUT));
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private static void checked(Result r) throws DemoFailure {
        if (r.exitCode != 0) {
            throw new DemoFailure("setting up the lab failed: " + r.out.strip());
        }
    }

    private Process spawn(String namespace, Path log, String... command) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        c.addAll(List.of(command));
        ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(log.toFile());
        Process p = new ProcessBuilder(c).redirectOutput(toLog).redirectError(toLog)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .directory(directory.path().toFile()).start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    private Process startDaemon(String role, Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = directory.path().resolve(role + ".log");
        logs.add(log);
        return spawn(ns(role), log, java, "-cp", System.getProperty("java.class.path"),
                Mip6kitCommand.class.getName(), role, "run", "--config", config.toString());
    }

    /** SIGTERM by PID, then the exit value (SIGKILL and a failure if it does not end in time). */
    private int stop(Process p) throws DemoFailure, InterruptedException {
        p.destroy();
        if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new DemoFailure("PID " + p.pid() + " did not end within " + DemoConsole.seconds(STOP_TIMEOUT)
                    + " of SIGTERM" + tails());
        }
        return p.exitValue();
    }

    /** Ends every process still running (by its PID) and deletes every namespace; idempotent, never throws. */
    private void cleanUp() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        for (Process p : all) {
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
        synchronized (namespaces) {
            for (String n : namespaces) {
                try {
                    run(List.of("ip", "netns", "del", n));
                } catch (IOException | InterruptedException e) {
                    // best effort: the next line of the demo names the namespaces
                }
            }
            namespaces.clear();
        }
    }

    // ------------------------------------------------------------------ waiting, admin

    private static Optional<ObjectNode> admin(Path socket, String command) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AdminClient.send(socket, command, ADMIN_TIMEOUT));
        } catch (AdminException e) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> bindingOf(Path haSocket) {
        Optional<ObjectNode> answer = admin(haSocket, "bindings");
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode b : answer.get().path("bindings")) {
            if (b.path("homeAddress").asText().equals(HOA)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private <T> T await(String what, Supplier<Optional<T>> probe, Process... alive)
            throws DemoFailure, InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < STEP_TIMEOUT.toNanos()) {
            for (Process p : alive) {
                if (!p.isAlive()) {
                    throw new DemoFailure("waiting until " + what + ": PID " + p.pid() + " exited with "
                            + p.exitValue() + tails());
                }
            }
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(100);
        }
        throw new DemoFailure("not within " + DemoConsole.seconds(STEP_TIMEOUT) + ": " + what + tails());
    }

    private static String summary(String pingOutput) {
        return pingOutput.lines().filter(l -> l.contains("packets transmitted") || l.startsWith("rtt"))
                .map(String::strip).reduce((a, b) -> a + ", " + b).orElse(pingOutput.strip());
    }

    private String tails() {
        StringBuilder b = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                b.append("\n---- last lines of ").append(log.getFileName()).append('\n').append(String.join("\n",
                        lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())));
            } catch (IOException e) {
                b.append("\n(").append(log.getFileName()).append(" unreadable: ").append(e.getMessage()).append(')');
            }
        }
        return b.toString();
    }

    private static long ms(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
    }
}
