package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Deadline;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;

/**
 * Key roll-over without downtime, with the daemons as processes: a home agent and three mobile
 * nodes refreshing every two seconds (lifetime 4 s); an SPI is added to the home agent's key
 * table file and the home agent told by {@code kill -HUP}; a node restarted with only the new
 * SPI registers; a second SPI is added with {@code ./mip6kit ha reload}; a broken table is
 * refused by both ways of reloading and changes nothing. Throughout, the home agent's counters
 * show no Binding Update rejected, refused, dropped or malformed, and the other nodes' bindings
 * keep being refreshed.
 */
@Tag("large")
class KeyRollOverEndToEndTest {

    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    private static final Duration SCENARIO_LIMIT = Duration.ofSeconds(90);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int NODES = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private String launcher;
    private Deadline deadline;
    private DaemonsEndToEndProcesses processes;
    private final List<String> haRows = new ArrayList<>();

    @Test
    void anSpiAddedByReloadIsAcceptedUnderTrafficWithoutASingleRefusedBindingUpdate() throws Exception {
        launcher = Mip6kitLauncherTest.repositoryRoot().resolve("mip6kit").toString();
        processes = new DaemonsEndToEndProcesses(work);
        try {
            scenario();
        } catch (Throwable t) {
            System.err.println(processes.report());
            throw t;
        } finally {
            processes.close();
        }
    }

    private void scenario() throws Exception {
        int port = freeUdpPort();
        Path haTable = work.resolve("ha-keys.txt");
        String[] keys = new String[NODES];
        for (int i = 0; i < NODES; i++) {
            keys[i] = randomKey();
            haRows.add(row(i, spi(i, 0), keys[i]));
            writePrivate(work.resolve("mn" + i + "-keys.txt"), row(i, spi(i, 0), keys[i]));
            writePrivate(work.resolve("mn" + i + ".yaml"), mnYaml(i, port));
        }
        writePrivate(haTable, String.join("\n", haRows));
        writePrivate(work.resolve("ha.yaml"), haYaml(port));
        Path haSocket = work.resolve("ha.sock");

        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("the launcher builds and runs; %s", version).isZero();
        deadline = Deadline.in(SCENARIO_LIMIT);

        Process ha = processes.startDaemon("ha", List.of(launcher, "ha", "run", "--config", "ha.yaml"));
        List<Process> nodes = new ArrayList<>();
        awaitStatus("the home agent answers", haSocket, s -> true, ha);
        for (int i = 0; i < NODES; i++) {
            nodes.add(processes.startDaemon("mn" + i, List.of(launcher, "mn", "run", "--config", "mn" + i + ".yaml")));
        }
        JsonNode traffic = awaitStatus("three bindings, each refreshed at least once", haSocket,
                s -> s.path("bindings").asInt() == NODES && s.path("counters").path("accepted").asLong() >= 2L * NODES,
                ha);
        JsonNode baseline = traffic.path("counters");
        processes.note("baseline counters " + baseline);

        // 1. A new SPI for mn0, announced with SIGHUP.
        haRows.add(row(0, spi(0, 1), keys[0] = randomKey()));
        writePrivate(haTable, String.join("\n", haRows));
        long accepted = traffic.path("counters").path("accepted").asLong();
        signal("HUP", ha);
        awaitLog("ha", "reload (SIGHUP): security provider auth-option-4285 reloaded: key table: 4 associations, "
                + "SPIs added " + spi(0, 1) + ", removed none", ha);

        // mn0 now signs with the new SPI alone.
        assertThat(processes.terminate("mn0", nodes.get(0), deadline.cap(COMMAND_LIMIT))).isTrue();
        writePrivate(work.resolve("mn0-keys.txt"), row(0, spi(0, 1), keys[0]));
        long acceptedBefore = counters(haSocket).path("accepted").asLong();
        nodes.set(0, processes.startDaemon("mn0-new-spi", List.of(launcher, "mn", "run", "--config", "mn0.yaml")));
        awaitStatus("mn0 registered with SPI " + spi(0, 1) + " and the others refreshed", haSocket,
                s -> s.path("bindings").asInt() == NODES
                        && s.path("counters").path("accepted").asLong() >= acceptedBefore + 1 + NODES, ha);
        // The home agent's counters can reach that point on the others' refreshes alone (mn0's old
        // binding may outlive its deregistration under load): wait for mn0 itself to say so.
        awaitStatus("mn0 says it is registered", work.resolve("mn0.sock"), s -> s.path("registered").asBoolean(),
                nodes.get(0));

        // 2. Another SPI for mn1, announced with `ha reload`.
        haRows.add(row(1, spi(1, 1), randomKey()));
        writePrivate(haTable, String.join("\n", haRows));
        Result reload = processes.run("ha-reload", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "reload", "--config", "ha.yaml"));
        assertThat(reload.exitCode()).as("%s", reload).isZero();
        assertThat(reload.out()).contains("reloaded: key table: 5 associations, SPIs added " + spi(1, 1));
        awaitLog("ha", "reload (admin socket): security provider auth-option-4285 reloaded", ha);

        // 3. A broken table: both ways refuse it, name the file and line, and change nothing.
        List<String> broken = new ArrayList<>(haRows);
        broken.add("mn2@example.com 999 hmac-sha1 key=00ff");
        writePrivate(haTable, "# NAI SPI algorithm key\n" + String.join("\n", broken));
        Result refused = processes.run("ha-reload-broken", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "reload", "--config", "ha.yaml"));
        assertThat(refused.exitCode()).as("%s", refused).isEqualTo(1);
        assertThat(refused.err()).contains("reload failed, nothing changed").contains(haTable.toString())
                .contains("line 7").contains("docs/errors.md#reload-failed").doesNotContain("00ff");
        signal("HUP", ha);
        awaitLog("ha", "reload (SIGHUP): reload failed, nothing changed", ha);
        long acceptedAfterBroken = counters(haSocket).path("accepted").asLong();
        JsonNode end = awaitStatus("every node refreshed after the broken reloads", haSocket,
                s -> s.path("bindings").asInt() == NODES
                        && s.path("counters").path("accepted").asLong() >= acceptedAfterBroken + 2L * NODES, ha);

        for (String counter : List.of("rejected", "refused", "dropped", "malformed")) {
            assertThat(end.path("counters").path(counter).asLong())
                    .as("Binding Updates %s by the home agent during the roll-over (accepted went from %d to %d)",
                            counter, accepted, end.path("counters").path("accepted").asLong())
                    .isEqualTo(baseline.path(counter).asLong());
        }
        for (Process p : nodes) {
            assertThat(p.isAlive()).as("mobile node %d still running", p.pid()).isTrue();
        }
        assertThat(ha.isAlive()).isTrue();
        assertThat(processes.stderrOf("ha")).doesNotContain(keys[0]).doesNotContain(keys[1]);
        System.out.printf("KeyRollOverEndToEndTest: %d ms%n%s%n", SCENARIO_LIMIT.minus(deadline.remaining())
                .toMillis(), processes.timeline());
    }

    private static long spi(int node, int generation) {
        return 300 + 10L * node + generation;
    }

    private static String row(int node, long spi, String key) {
        return "mn" + node + "@example.com " + spi + " hmac-sha1 key=" + key;
    }

    private static String randomKey() {
        byte[] key = new byte[20];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    private static String haYaml(int port) {
        return String.join("\n",
                "home-agent:",
                "  address: 2001:db8:1::1",
                "  home-prefixes: [2001:db8:1::/64]",
                "transport:",
                "  udp: { bind: \"::1\", port: " + port + " }",
                "admin:",
                "  socket: ha.sock",
                "logging:",
                "  level: info",
                "security:",
                "  provider: auth-option-4285",
                "  auth-option-4285:",
                "    key-table: ha-keys.txt",
                "");
    }

    private static String mnYaml(int node, int port) {
        return String.join("\n",
                "mobile-node:",
                "  home-address: 2001:db8:1::" + (100 + node),
                "  home-agent: 2001:db8:1::1",
                "  home-agent-endpoint: \"[::1]:" + port + "\"",
                "  care-of:",
                "    address: 2001:db8:2::" + (100 + node),
                "  lifetime: 4s",
                "  refresh-margin: 0.5",
                "transport:",
                "  udp: { bind: \"::1\", port: 0 }",
                "admin:",
                "  socket: mn" + node + ".sock",
                "logging:",
                "  level: info",
                "security:",
                "  provider: auth-option-4285",
                "  auth-option-4285:",
                "    nai: mn" + node + "@example.com",
                "    key-table: mn" + node + "-keys.txt",
                "");
    }

    private static void writePrivate(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text.endsWith("\n") ? text : text + "\n");
    }

    private void signal(String name, Process process) throws IOException, InterruptedException {
        processes.note("SIG" + name + " to " + process.pid());
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", name, process.pid()).isZero();
    }

    private static JsonNode counters(Path socket) throws AdminException {
        return AdminClient.send(socket, "status", Duration.ofSeconds(5)).path("counters");
    }

    private JsonNode awaitStatus(String what, Path socket, Predicate<ObjectNode> until, Process alive)
            throws Exception {
        return processes.awaitStatus(what, socket, until, alive, deadline);
    }

    private void awaitLog(String daemon, String line, Process alive) throws Exception {
        while (!deadline.passed()) {
            if (processes.stderrOf(daemon).contains(line)) {
                processes.note("logged: " + line);
                return;
            }
            if (!alive.isAlive()) {
                fail("waiting for the log line '" + line + "': " + daemon + " exited with " + alive.exitValue());
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError("not within " + SCENARIO_LIMIT + ": the log line '" + line + "' of " + daemon);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return probe.getLocalPort();
        }
    }
}
