package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Deadline;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.cli.DaemonsEndToEndTshark.Packet;
import org.mip6kit.testing.HostRequirements;

/**
 * RFC 5555 NAT keepalives between the two reference daemons as separate processes: the home
 * agent is configured with {@code nat-keepalive: 2s}; the mobile node moves to the IPv4 care-of
 * address 192.0.2.10 while its datagrams come from 127.0.0.1, so the home agent reports a NAT;
 * from then on the mobile node's Binding Updates (the keepalives) must leave every 2 s, as the
 * home agent's capture shows, not only at the 480 s refresh of a 600 s lifetime.
 *
 * <p>Unlike {@link DaemonsEndToEndTest}, the configurations are the examples changed: a free UDP
 * port (so the test can share a host), the home agent bound to {@code ::} (IPv4 too), the mobile
 * node given an IPv4 endpoint of the home agent for its IPv4 care-of address, and
 * {@code nat-keepalive} added.
 */
@Tag("large")
class DaemonsNatKeepaliveEndToEndTest {

    private static final Duration SCENARIO_LIMIT = Duration.ofSeconds(60);
    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private static final String HOME_ADDRESS = "2001:db8:1::100";
    private static final String IPV4_CARE_OF = "192.0.2.10";
    private static final String IPV4_CARE_OF_MAPPED = "::ffff:192.0.2.10";
    private static final int KEEPALIVE_SECONDS = 2;
    private static final int KEEPALIVES_WANTED = 3;
    private static final int BINDING_UPDATE = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private String launcher;
    private Deadline deadline;
    private DaemonsEndToEndProcesses processes;

    @Test
    void mobileNodeBehindANatSendsAKeepaliveBindingUpdateEveryNatRefreshTime() throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        launcher = root.resolve("mip6kit").toString();
        processes = new DaemonsEndToEndProcesses(work);
        try {
            scenario(root);
        } catch (Throwable t) {
            System.err.println(processes.report());
            throw t;
        } finally {
            processes.close();
        }
    }

    private void scenario(Path root) throws Exception {
        int port = freeUdpPort();
        Path examples = Files.createDirectories(work.resolve("docs/examples"));
        String ha = Files.readString(root.resolve("docs/examples/ha.yaml"))
                .replaceFirst("(?m)^home-agent:\\n", "home-agent:\n  nat-keepalive: " + KEEPALIVE_SECONDS + "s\n")
                .replace("bind: \"::1\", port: 4191", "bind: \"::\", port: " + port);
        String mn = Files.readString(root.resolve("docs/examples/mn.yaml"))
                .replace("\"[::1]:4191\"", "[\"[::1]:" + port + "\", \"127.0.0.1:" + port + "\"]");
        assertThat(ha).contains("nat-keepalive: " + KEEPALIVE_SECONDS + "s").contains("port: " + port);
        assertThat(mn).contains("127.0.0.1:" + port);
        Path haYaml = Files.writeString(examples.resolve("ha.yaml"), ha);
        Files.writeString(examples.resolve("mn.yaml"), mn);

        Result keys = processes.run("create-key-table", COMMAND_LIMIT,
                List.of("sh", "-c", "cd '" + haYaml.getParent() + "' && " + DaemonsEndToEndTest.keyTableCommand(haYaml)));
        assertThat(keys.exitCode()).as("%s", keys).isZero();
        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("the launcher builds and runs; %s", version).isZero();

        deadline = Deadline.in(SCENARIO_LIMIT);
        Process haProcess = processes.startDaemon("ha",
                List.of(launcher, "ha", "run", "--config", "docs/examples/ha.yaml", "--pcap", "ha.pcap"));
        awaitBinding("the home agent answers", b -> true, haProcess);
        Process mnProcess = processes.startDaemon("mn",
                List.of(launcher, "mn", "run", "--config", "docs/examples/mn.yaml"));
        awaitBinding("the home agent lists " + HOME_ADDRESS, b -> b.isPresent(), haProcess, mnProcess);

        Result move = processes.run("mn-move", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "mn", "move", "--config", "docs/examples/mn.yaml", "--coa", IPV4_CARE_OF));
        assertThat(move.exitCode()).as("%s", move).isZero();
        JsonNode moved = awaitBinding("the care-of address becomes " + IPV4_CARE_OF_MAPPED,
                b -> b.map(n -> n.path("careOfAddress").asText().equals(IPV4_CARE_OF_MAPPED)).orElse(false),
                haProcess, mnProcess).orElseThrow();
        int movedSequence = moved.path("sequence").asInt();
        awaitBinding(KEEPALIVES_WANTED + " keepalives after the move",
                b -> b.map(n -> ((n.path("sequence").asInt() - movedSequence) & 0xFFFF) >= KEEPALIVES_WANTED)
                        .orElse(false), haProcess, mnProcess);

        assertThat(processes.terminate("mn", mnProcess, deadline.cap(STOP_LIMIT))).isTrue();
        assertThat(processes.terminate("ha", haProcess, deadline.cap(STOP_LIMIT))).isTrue();
        assertThat(processes.stderrOf("mn")).contains("nat-keepalive=" + KEEPALIVE_SECONDS + "s");

        Path tshark = HostRequirements.command("tshark", "tshark");
        Result decoded = processes.run("tshark", deadline.cap(COMMAND_LIMIT),
                List.of(tshark.toString(), "-r", "ha.pcap", "-d", "udp.port==" + port + ",ipv6", "-T", "json"));
        assertThat(decoded.exitCode()).as("%s", decoded).isZero();
        List<Packet> keepalives = DaemonsEndToEndTshark.parse(decoded.out()).stream()
                .filter(p -> p.mhType().orElse(-1) == BINDING_UPDATE)
                .filter(p -> p.has("mip6.options.ipv4coa") && p.number("mip6.bu.lifetime") > 0)
                .toList();
        assertThat(keepalives).as("the move and at least %d keepalives in ha.pcap", KEEPALIVES_WANTED)
                .hasSizeGreaterThanOrEqualTo(1 + KEEPALIVES_WANTED);
        for (int i = 1; i < keepalives.size(); i++) {
            double gap = time(keepalives.get(i)) - time(keepalives.get(i - 1));
            assertThat(gap).as("seconds between Binding Updates %s and %s", keepalives.get(i - 1).frame(),
                    keepalives.get(i).frame()).isBetween(KEEPALIVE_SECONDS - 0.5, KEEPALIVE_SECONDS + 1.5);
        }
    }

    private static double time(Packet p) {
        return Double.parseDouble(p.first("frame.time_relative").orElseThrow());
    }

    private Optional<JsonNode> awaitBinding(String what, java.util.function.Predicate<Optional<JsonNode>> until,
                                            Process... alive) throws Exception {
        String last = "(none yet)";
        while (!deadline.passed()) {
            for (Process p : alive) {
                if (!p.isAlive()) {
                    fail("waiting until " + what + ": process " + p.pid() + " exited with " + p.exitValue());
                }
            }
            Result r = processes.run("ha-bindings", deadline.cap(COMMAND_LIMIT),
                    List.of(launcher, "ha", "bindings", "--config", "docs/examples/ha.yaml", "--json"));
            if (r.exitCode() == 0) {
                JsonNode answer = JSON.readTree(r.out());
                Optional<JsonNode> binding = Optional.empty();
                for (JsonNode b : answer.path("bindings")) {
                    if (b.path("homeAddress").asText().equals(HOME_ADDRESS)) {
                        binding = Optional.of(b);
                    }
                }
                if (until.test(binding)) {
                    return binding;
                }
                last = r.out();
            } else {
                last = r.toString();
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        throw new AssertionError("not within " + SCENARIO_LIMIT + ": " + what + "; last `ha bindings`: " + last);
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::"), 0))) {
            return probe.getLocalPort();
        }
    }
}
