package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static org.mip6kit.cli.BindingUpdateFleet.coa;
import static org.mip6kit.cli.BindingUpdateFleet.hoa;
import static org.mip6kit.cli.BindingUpdateFleet.nai;
import static org.mip6kit.cli.BindingUpdateFleet.nodeOf;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.BindingUpdateFleet.Route;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@code mip6kit ha run} with its durable state (the default) as its own process: N nodes
 * register, the home agent is killed with SIGKILL (by PID) or stopped with SIGTERM, and a new
 * process on the same state directory serves every binding acknowledged before, with the same
 * care-of address and the lifetime it had left; a superseded Binding Update captured before the
 * kill, replayed after the restart, is refused with 135 and does not move the binding back.
 *
 * <p>The nodes are a {@link BindingUpdateFleet}: raw Binding Updates over one RFC 5555 UDP socket
 * ({@link NaiTestProvider}: an NAI per node), sent in windows and each retransmitted until
 * acknowledged.
 */
@Tag("large")
class HaDurableStateTest {

    private static final int NODES = Integer.getInteger("mip6kit.durable.nodes", 10_000);
    private static final Ipv6Address HA = HaTestRig.HA;
    /** Lifetime asked for and granted: 600 s (max-lifetime 10m). */
    private static final int LIFETIME_UNITS = 150;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedBindingSurvivesKillNineAndASupersededReplayIsRefused() throws Exception {
        survivesRestart(true);
    }

    @Test
    void everyAcknowledgedBindingSurvivesSigtermAndASupersededReplayIsRefused() throws Exception {
        survivesRestart(false);
    }

    private void survivesRestart(boolean kill) throws Exception {
        Path config = HaTestRig.config(dir);
        Path socket = dir.resolve("ha.sock");
        Process first = start(config, "first");
        Process second = null;
        InetSocketAddress[] endpoint = new InetSocketAddress[1];
        try (BindingUpdateFleet fleet = BindingUpdateFleet.open(InetAddress.getByName("::1"),
                node -> new Route(HA, endpoint[0]), LIFETIME_UNITS)) {
            endpoint[0] = udpOf(HaTestRig.awaitReady(first, socket, dir.resolve("first.stderr")));
            // Every node registers at its first care-of address (seq 10), then node 0 moves (seq 11):
            // its seq-10 Binding Update is the captured, superseded one.
            Map<Integer, Ipv6Address> careOf = new HashMap<>();
            for (int i = 0; i < NODES; i++) {
                careOf.put(i, coa(i, 1));
            }
            long t0 = System.nanoTime();
            fleet.registerAll(careOf, 10);
            long registered = System.nanoTime() - t0;
            byte[] captured = fleet.bu(0, 10);
            careOf.put(0, coa(0, 2));
            fleet.registerAll(Map.of(0, careOf.get(0)), 11);
            Instant acknowledgedBy = Instant.now();
            System.out.printf("registered %d nodes in %d ms%n", NODES, TimeUnit.NANOSECONDS.toMillis(registered));

            if (kill) {
                Process k = new ProcessBuilder("kill", "-KILL", Long.toString(first.pid())).inheritIO().start();
                assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } else {
                first.destroy();   // SIGTERM
            }
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isEqualTo(kill ? 137 : 0);
            Files.deleteIfExists(socket);   // a killed home agent leaves its socket file

            long restartAt = System.nanoTime();
            second = start(config, "second");
            JsonNode status = HaTestRig.awaitReady(second, socket, dir.resolve("second.stderr"));
            long restartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt);
            endpoint[0] = udpOf(status);
            String log = Files.readString(dir.resolve("second.stderr"));
            assertThat(log).contains("restored " + NODES + " bindings and 0 replay holds from " + dir.resolve("ha-state")
                    + "; 0 had expired while it was down");
            System.out.printf("restarted and ready in %d ms: %s%n", restartMillis, log.lines()
                    .filter(l -> l.contains("restored")).findFirst().orElse(""));

            CommandRun listing = CommandRun.of("ha", "bindings", "--socket", socket.toString(), "--json");
            assertThat(listing.exitCode()).as(listing.toString()).isZero();
            JsonNode answer = new ObjectMapper().readTree(listing.out());
            assertThat(answer.get("count").asInt()).isEqualTo(NODES);
            long sinceAck = Duration.between(acknowledgedBy, Instant.now()).toSeconds();
            for (JsonNode b : answer.get("bindings")) {
                int i = nodeOf(Ipv6Address.parse(b.get("homeAddress").asText()));
                assertThat(b.get("careOfAddress").asText()).as("node %d", i).isEqualTo(careOf.get(i).toString());
                assertThat(b.get("identity").asText()).isEqualTo("nai:" + nai(i));
                // 600 s granted before the kill: what is left is 600 s less the time since, give or take.
                assertThat(b.get("lifetimeLeftSeconds").asLong()).as("node %d", i)
                        .isBetween(600 - sinceAck - 60, 600L);
            }

            fleet.forgetAck(0);
            fleet.send(captured, 0, coa(0, 1));
            BindingAcknowledgement refused = fleet.awaitAck(0, Duration.ofSeconds(10));
            assertThat(refused.status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
            assertThat(refused.sequence()).isEqualTo(SequenceNumber.of(11));
            JsonNode node0 = new ObjectMapper().readTree(CommandRun.of("ha", "bindings", "--socket", socket.toString(),
                    "--json", "--limit", "1").out()).get("bindings").get(0);
            assertThat(node0.get("homeAddress").asText()).isEqualTo(hoa(0).toString());
            assertThat(node0.get("careOfAddress").asText()).as("not rolled back").isEqualTo(coa(0, 2).toString());
        } finally {
            stop(first);
            stop(second);
        }
    }

    private static InetSocketAddress udpOf(JsonNode status) throws Exception {
        int port = Integer.parseInt(status.get("udp").asText().replaceAll(".*:", ""));
        return new InetSocketAddress(InetAddress.getByName("::1"), port);
    }

    private Process start(Path config, String name) throws Exception {
        List<String> command = new ArrayList<>(HaTestRig.javaWithTestProvider(dir, Mip6kitCommand.class));
        command.addAll(List.of("ha", "run", "--config", config.toString()));
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".stdout").toFile())
                .redirectError(dir.resolve(name + ".stderr").toFile())
                .start();
        p.getOutputStream().close();
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

}
