package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
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

/**
 * A planned drain with the daemons as processes and auth-option-4285 (RFC 5142 Home Agent Switch
 * protected with the node's MN-HA key): two home agents on loopback (2001:db8:1::1 and ::2, each
 * its own UDP port), a mobile node registered at the first; {@code ./mip6kit ha drain --to
 * 2001:db8:1::2} makes the node register at the second (reached through
 * {@code other-home-agents}); the first's status says draining with one node left, then none
 * once the binding the node left behind has run out (the node does not deregister there); a
 * second drain sends nothing.
 */
@Tag("large")
class HaDrainEndToEndTest {

    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    private static final Duration SCENARIO_LIMIT = Duration.ofSeconds(90);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);
    private static final String HA1 = "2001:db8:1::1";
    private static final String HA2 = "2001:db8:1::2";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private String launcher;
    private Deadline deadline;
    private DaemonsEndToEndProcesses processes;

    @Test
    void aDrainedNodeRegistersAtTheNamedHomeAgentAndTheFirstEndsWithNoBinding() throws Exception {
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
        int port1 = freeUdpPort();
        int port2 = freeUdpPort();
        String key = randomKey();
        String row = "mn0@example.com 300 hmac-sha1 key=" + key;
        for (int i = 1; i <= 2; i++) {
            Path dir = Files.createDirectory(work.resolve("ha" + i));
            writePrivate(dir.resolve("keys.txt"), row);
            writePrivate(dir.resolve("ha.yaml"), haYaml(i == 1 ? HA1 : HA2, i == 1 ? port1 : port2));
        }
        writePrivate(work.resolve("mn-keys.txt"), row);
        writePrivate(work.resolve("mn.yaml"), mnYaml(port1, port2));
        Path socket1 = work.resolve("ha1").resolve("ha.sock");
        Path socket2 = work.resolve("ha2").resolve("ha.sock");
        Path mnSocket = work.resolve("mn.sock");

        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("the launcher builds and runs; %s", version).isZero();
        deadline = Deadline.in(SCENARIO_LIMIT);

        Process ha1 = processes.startDaemon("ha1", List.of(launcher, "ha", "run", "--config", "ha1/ha.yaml"));
        Process ha2 = processes.startDaemon("ha2", List.of(launcher, "ha", "run", "--config", "ha2/ha.yaml"));
        awaitStatus("the first home agent answers", socket1, s -> true, ha1);
        awaitStatus("the second home agent answers", socket2, s -> true, ha2);
        Process mn = processes.startDaemon("mn", List.of(launcher, "mn", "run", "--config", "mn.yaml"));
        awaitStatus("the node is registered at the first home agent", socket1, s -> s.path("bindings").asInt() == 1,
                ha1);
        awaitMobileNode("the node says it is registered with " + HA1, mnSocket,
                s -> s.path("registered").asBoolean() && HA1.equals(s.path("homeAgent").asText()), mn);

        Result drain = processes.run("ha-drain", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "drain", "--config", "ha1/ha.yaml", "--to", HA2));
        assertThat(drain.exitCode()).as("%s", drain).isZero();
        assertThat(drain.out()).contains("draining: 1 Home Agent Switch message(s) sent, naming " + HA2);

        awaitStatus("the node is registered at the second home agent", socket2, s -> s.path("bindings").asInt() == 1,
                ha2);
        awaitMobileNode("the node says it is registered with " + HA2, mnSocket,
                s -> s.path("registered").asBoolean() && HA2.equals(s.path("homeAgent").asText()), mn);

        Result status = processes.run("ha-status", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "status", "--config", "ha1/ha.yaml"));
        assertThat(status.exitCode()).as("%s", status).isZero();
        assertThat(status.out()).containsPattern("draining: +to " + HA2 + ", nodes left: [01]");

        JsonNode drained = awaitStatus("the first home agent has no binding left (the one left behind ran out)",
                socket1, s -> s.path("bindings").asInt() == 0, ha1);
        assertThat(drained.path("drain").path("draining").asBoolean()).isTrue();
        assertThat(drained.path("drain").path("nodesLeft").asInt()).isZero();
        assertThat(drained.path("counters").path("expired").asLong()).as("the binding ran out at the first home agent")
                .isEqualTo(1);

        Result again = processes.run("ha-drain-again", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "drain", "--config", "ha1/ha.yaml", "--to", HA2));
        assertThat(again.exitCode()).as("%s", again).isZero();
        assertThat(again.out()).contains("draining: 0 Home Agent Switch message(s) sent");
        JsonNode second = awaitStatus("the node still refreshes at the second home agent", socket2,
                s -> s.path("counters").path("accepted").asLong() >= 3, ha2);
        assertThat(second.path("bindings").asInt()).isEqualTo(1);
        assertThat(mn.isAlive()).isTrue();
        for (String daemon : List.of("ha1", "ha2", "mn")) {
            assertThat(processes.stderrOf(daemon)).doesNotContain(key);
        }
        System.out.printf("HaDrainEndToEndTest: %d ms%n%s%n", SCENARIO_LIMIT.minus(deadline.remaining()).toMillis(),
                processes.timeline());
    }

    private static String randomKey() {
        byte[] key = new byte[20];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    private static String haYaml(String address, int port) {
        return String.join("\n",
                "home-agent:",
                "  address: " + address,
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
                "    key-table: keys.txt",
                "");
    }

    private static String mnYaml(int port1, int port2) {
        return String.join("\n",
                "mobile-node:",
                "  home-address: 2001:db8:1::100",
                "  home-agent: " + HA1,
                "  home-agent-endpoint: \"[::1]:" + port1 + "\"",
                "  other-home-agents:",
                "    \"" + HA2 + "\": \"[::1]:" + port2 + "\"",
                "  care-of:",
                "    address: 2001:db8:2::100",
                "  lifetime: 8s",
                "  refresh-margin: 0.5",
                "transport:",
                "  udp: { bind: \"::1\", port: 0 }",
                "admin:",
                "  socket: mn.sock",
                "logging:",
                "  level: info",
                "security:",
                "  provider: auth-option-4285",
                "  auth-option-4285:",
                "    nai: mn0@example.com",
                "    key-table: mn-keys.txt",
                "");
    }

    private static void writePrivate(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text.endsWith("\n") ? text : text + "\n");
    }

    private JsonNode awaitStatus(String what, Path socket, Predicate<ObjectNode> until, Process alive)
            throws Exception {
        return await(what, socket, until, alive);
    }

    private JsonNode awaitMobileNode(String what, Path socket, Predicate<ObjectNode> until, Process alive)
            throws Exception {
        return await(what, socket, until, alive);
    }

    private JsonNode await(String what, Path socket, Predicate<ObjectNode> until, Process alive) throws Exception {
        return processes.awaitStatus(what, socket, until, alive, deadline);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return probe.getLocalPort();
        }
    }
}
