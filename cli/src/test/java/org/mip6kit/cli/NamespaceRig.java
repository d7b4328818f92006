package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.daemon.AdminClient;

/**
 * The steps the data-plane tests take in network namespaces, over {@link DaemonsEndToEndProcesses}:
 * namespaces it created (deleted by {@link #deleteNamespaces}), commands inside them, the
 * daemons' JVMs, waiting for a condition while the daemons stay alive, admin requests, and the
 * echo replies of a {@code ping} transcript.
 */
final class NamespaceRig {

    private static final Duration COMMAND = Duration.ofSeconds(20);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    /** A condition polled by {@link #await}. */
    interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    private final DaemonsEndToEndProcesses processes;
    private final Path work;
    private final Duration step;
    private final List<String> namespaces = new ArrayList<>();

    NamespaceRig(DaemonsEndToEndProcesses processes, Path work, Duration step) {
        this.processes = processes;
        this.work = work;
        this.step = step;
    }

    /** Creates a namespace with loopback up; {@link #deleteNamespaces} removes it. */
    void addNamespace(String ns) throws Exception {
        sh("netns-add", "ip", "netns", "add", ns);
        namespaces.add(ns);
        in(ns, "ip", "link", "set", "lo", "up");
    }

    /** Deletes every namespace this rig created, whatever happened before. */
    void deleteNamespaces() throws Exception {
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns).inheritIO().start().waitFor();
        }
    }

    /** Runs a command on the host; it must succeed. */
    Result sh(String label, String... command) throws Exception {
        Result r = processes.run(label, COMMAND, List.of(command));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r;
    }

    /**
     * Runs a command in a namespace. {@code ip} (except {@code show}) and {@code sysctl} must
     * succeed; for anything else the caller checks the exit code when it matters.
     */
    Result in(String ns, String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        Result r = processes.run(ns.substring(0, 4) + "-" + Path.of(command[0]).getFileName(), COMMAND, c);
        if (r.exitCode() != 0 && (command[0].equals("sysctl") || command[0].equals("ip")
                && !(List.of(command).contains("show")))) {
            throw new AssertionError("setting up the topology failed: " + r);
        }
        return r;
    }

    /** Starts {@code mip6kit <args>} from the built cli jar in a namespace, as a daemon named {@code name}. */
    Process startMip6kit(String name, String ns, String... args) throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = root.resolve("cli/target/mip6kit-cli.jar");
        assertThat(jar).as("built by the package phase").isRegularFile();
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-cp",
                jar + ":" + root.resolve("cli/target/lib") + "/*", "org.mip6kit.cli.Mip6kitCommand"));
        c.addAll(List.of(args));
        return processes.startDaemon(name, c);
    }

    /**
     * One link: a bridge {@code br0} in namespace {@code bridgeNs} (multicast snooping off, so that
     * neighbour discovery is flooded as on a plain segment) and, in each of {@code members}, a veth
     * named {@code ifname} plugged into it; every end is up, no address is assigned.
     */
    void link(String bridgeNs, List<String> members, String ifname) throws Exception {
        in(bridgeNs, "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
        in(bridgeNs, "ip", "link", "set", "br0", "up");
        for (int i = 0; i < members.size(); i++) {
            String port = "p" + i;
            sh("veth-" + port, "ip", "link", "add", ifname, "netns", members.get(i), "type", "veth", "peer", "name",
                    port, "netns", bridgeNs);
            in(bridgeNs, "ip", "link", "set", port, "master", "br0", "up");
            in(members.get(i), "ip", "link", "set", ifname, "up");
        }
    }

    /** Starts {@code command} in namespace {@code ns} as daemon {@code name}. */
    Process startIn(String name, String ns, List<String> command) throws Exception {
        return processes.startDaemon(name, inNamespace(ns, command));
    }

    /** The same, driven through its standard input ({@link DaemonsEndToEndProcesses#startDriven}). */
    Process startDrivenIn(String name, String ns, List<String> command) throws Exception {
        return processes.startDriven(name, inNamespace(ns, command));
    }

    private static List<String> inNamespace(String ns, List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        return c;
    }

    /** Polls {@code probe} every 100 ms until it answers; fails when a process in {@code alive} exits. */
    <T> T await(String what, Probe<T> probe, Process... alive) throws Exception {
        long start = System.nanoTime();
        while (Duration.ofNanos(System.nanoTime() - start).compareTo(step) < 0) {
            for (Process p : alive) {
                if (!p.isAlive()) {
                    fail("waiting until " + what + ": process " + p.pid() + " exited with " + p.exitValue());
                }
            }
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                processes.note(what + " (" + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms)");
                return v.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + step + ": " + what);
    }

    /** The answer to an admin command, or empty while the socket is absent or does not answer. */
    Optional<ObjectNode> admin(Path socket, String command) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AdminClient.send(socket, command, ADMIN_TIMEOUT));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The home agent's binding of {@code hoa}, from its {@code bindings} admin command. */
    Optional<JsonNode> bindingOf(Path haSocket, String hoa) {
        for (JsonNode b : admin(haSocket, "bindings").orElseThrow().path("bindings")) {
            if (b.path("homeAddress").asText().equals(hoa)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The icmp_seq of every echo reply a ping started as daemon {@code name} printed so far. */
    TreeSet<Integer> answeredEchoes(String name) {
        String out = DaemonsEndToEndProcesses.read(work.resolve(name + ".stdout"));
        TreeSet<Integer> answered = new TreeSet<>();
        Matcher m = Pattern.compile("icmp_seq=(\\d+)").matcher(out);
        while (m.find()) {
            answered.add(Integer.parseInt(m.group(1)));
        }
        return answered;
    }

    /** Echoes with a sequence number in (after, upTo] that were never answered. */
    static int lostEchoes(TreeSet<Integer> answered, int after, int upTo) {
        int lost = 0;
        for (int seq = Math.max(after + 1, answered.first()); seq <= upTo; seq++) {
            if (!answered.contains(seq)) {
                lost++;
            }
        }
        return lost;
    }
}
