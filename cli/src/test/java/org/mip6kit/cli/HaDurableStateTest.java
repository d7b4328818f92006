package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.spi.Addressing;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOptionRegistry;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@code mip6kit ha run} with its durable state (the default) as its own process: N nodes
 * register, the home agent is killed with SIGKILL (by PID) or stopped with SIGTERM, and a new
 * process on the same state directory serves every binding acknowledged before, with the same
 * care-of address and the lifetime it had left; a superseded Binding Update captured before the
 * kill, replayed after the restart, is refused with 135 and does not move the binding back.
 *
 * <p>The nodes are raw Binding Updates over one RFC 5555 UDP socket ({@link NaiTestProvider}:
 * an NAI per node), sent in windows and each retransmitted until acknowledged.
 */
@Tag("large")
class HaDurableStateTest {

    private static final int NODES = Integer.getInteger("mip6kit.durable.nodes", 10_000);
    private static final int WINDOW = 200;
    private static final Ipv6Address HA = HaTestRig.HA;
    /** Lifetime asked for and granted: 600 s (max-lifetime 10m). */
    private static final int LIFETIME_UNITS = 150;

    @TempDir
    Path dir;

    private final MobilityHeaderCodec codec = new MobilityHeaderCodec(MobilityOptionRegistry.standard());
    /** The last Binding Acknowledgement received per home address. */
    private final Map<Ipv6Address, BindingAcknowledgement> acks = new ConcurrentHashMap<>();
    /**
     * The sequence numbers accepted per home address. The test retransmits a Binding Update whose
     * acknowledgement is late (same sequence number), and the home agent rightly answers such a
     * copy with 135 once the first was accepted: what counts is that one was accepted.
     */
    private final Map<Ipv6Address, Set<SequenceNumber>> accepted = new ConcurrentHashMap<>();

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
        try (UdpTransport client = UdpTransport.open(UdpTransport.Config.ephemeral(InetAddress.getByName("::1")))) {
            client.start(in -> {
                try {
                    MobilityMessage m = codec.decode(in.octets(), in.addressing().pseudoHeaderSource(),
                            in.addressing().pseudoHeaderDestination());
                    if (m instanceof BindingAcknowledgement ba) {
                        Ipv6Address hoa = in.addressing().routingHeader().orElse(in.addressing().destination());
                        acks.put(hoa, ba);
                        if (ba.status().equals(BindingAckStatus.ACCEPTED)) {
                            accepted.computeIfAbsent(hoa, h -> ConcurrentHashMap.newKeySet()).add(ba.sequence());
                        }
                    }
                } catch (Exception e) {
                    // not ours
                }
            });
            InetSocketAddress ha = udpOf(HaTestRig.awaitReady(first, socket, dir.resolve("first.stderr")));

            // Every node registers at its first care-of address (seq 10), then node 0 moves (seq 11):
            // its seq-10 Binding Update is the captured, superseded one.
            Map<Integer, Ipv6Address> careOf = new HashMap<>();
            for (int i = 0; i < NODES; i++) {
                careOf.put(i, coa(i, 1));
            }
            long t0 = System.nanoTime();
            registerAll(client, ha, careOf, 10);
            long registered = System.nanoTime() - t0;
            byte[] captured = bu(0, 10);
            careOf.put(0, coa(0, 2));
            registerAll(client, ha, Map.of(0, careOf.get(0)), 11);
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
            ha = udpOf(status);
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

            acks.remove(hoa(0));
            client.send(captured, to(0, coa(0, 1), ha));
            BindingAcknowledgement refused = awaitAck(0, Duration.ofSeconds(10));
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

    private void registerAll(UdpTransport client, InetSocketAddress ha, Map<Integer, Ipv6Address> careOf, int seq)
            throws Exception {
        List<Integer> nodes = new ArrayList<>(careOf.keySet());
        nodes.sort(null);
        for (int from = 0; from < nodes.size(); from += WINDOW) {
            List<Integer> window = nodes.subList(from, Math.min(nodes.size(), from + WINDOW));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<Integer> waiting = new ArrayList<>(window);
            while (!waiting.isEmpty()) {
                assertThat(System.nanoTime()).as("%d nodes unacknowledged", waiting.size()).isLessThan(deadline);
                for (int i : waiting) {
                    client.send(bu(i, seq), to(i, careOf.get(i), ha));
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() < until && !waiting.isEmpty()) {
                    waiting.removeIf(i -> accepted.getOrDefault(hoa(i), Set.of()).contains(SequenceNumber.of(seq))
                            || refusedOutright(i, seq));
                    Thread.onSpinWait();
                }
            }
            for (int i : window) {
                assertThat(accepted.getOrDefault(hoa(i), Set.of())).as("node %d (last answer %s)", i, acks.get(hoa(i)))
                        .contains(SequenceNumber.of(seq));
            }
        }
    }

    /** A refusal other than the 135 a late copy of an accepted Binding Update gets: stop waiting, the check fails. */
    private boolean refusedOutright(int node, int seq) {
        BindingAcknowledgement ba = acks.get(hoa(node));
        return ba != null && !ba.status().equals(BindingAckStatus.ACCEPTED)
                && !ba.status().equals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW)
                && ba.sequence().equals(SequenceNumber.of(seq));
    }

    private BindingAcknowledgement awaitAck(int node, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            BindingAcknowledgement ba = acks.get(hoa(node));
            if (ba != null) {
                return ba;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no Binding Acknowledgement for node " + node + " within " + limit);
    }

    private byte[] bu(int node, int seq) {
        BindingUpdate bu = new BindingUpdate(SequenceNumber.of(seq), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION), Lifetime.ofUnits(LIFETIME_UNITS),
                List.of(MobileNodeIdentifier.nai(nai(node))));
        return codec.encode(bu, hoa(node), HA);   // RFC 6275 §6.1.7: the checksum covers the home address
    }

    private static Addressing to(int node, Ipv6Address careOf, InetSocketAddress ha) {
        return new Addressing(careOf, HA, Optional.of(hoa(node)), Optional.empty(), Optional.of(ha));
    }

    static String nai(int node) {
        return "n" + node + "@example.org";
    }

    static Ipv6Address hoa(int node) {
        return Ipv6Address.of(0x20010db800010000L, 0x10000L + node);
    }

    static int nodeOf(Ipv6Address hoa) {
        return (int) (hoa.low() - 0x10000L);
    }

    static Ipv6Address coa(int node, int move) {
        return Ipv6Address.of(0x20010db800000000L | ((long) (1 + move) << 16), 0x10000L + node);
    }

    private static InetSocketAddress udpOf(JsonNode status) throws Exception {
        int port = Integer.parseInt(status.get("udp").asText().replaceAll(".*:", ""));
        return new InetSocketAddress(InetAddress.getByName("::1"), port);
    }

    private Process start(Path config, String name) throws Exception {
        Path services = dir.resolve("provider/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("org.mip6kit.spi.SecurityProviderFactory"),
                NaiTestProvider.class.getName() + "\n");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", classPath + File.pathSeparator + dir.resolve("provider"),
                Mip6kitCommand.class.getName(), "ha", "run", "--config", config.toString())
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
