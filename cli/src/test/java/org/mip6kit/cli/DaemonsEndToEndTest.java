package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Deadline;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.cli.DaemonsEndToEndTshark.Packet;
import org.mip6kit.daemon.DaemonSettings;
import org.mip6kit.ha.HomeAgentConfig;
import org.mip6kit.mn.MobileNodeConfig;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.wire.SequenceNumber;

/**
 * The two reference daemons as separate operating-system processes, run from the shipped example
 * configurations exactly as {@code docs/operator-guide.md} ("Mobile node") and the comments of
 * {@code docs/examples/ha.yaml} / {@code mn.yaml} tell a user: create the key table with the
 * command written in {@code ha.yaml}, {@code ./mip6kit ha run}, {@code ./mip6kit mn run},
 * {@code ./mip6kit ha bindings}, {@code ./mip6kit mn move --coa 192.0.2.10}, Ctrl-C (SIGTERM)
 * to the mobile node and then to the home agent; and the home agent's {@code --pcap} read back
 * with {@code tshark}.
 *
 * <p>The working directory mirrors the repository's layout ({@code docs/examples/ha.yaml},
 * {@code docs/examples/mn.yaml}, copied unchanged): the key-table command runs in the copies'
 * directory, as ha.yaml's comments say, and the README's {@code --config docs/examples/...}
 * arguments work word for word from the top, while the sockets, the key
 * table and the captures land in the temporary directory, not in the repository. The launcher
 * is the repository's {@code ./mip6kit} (built once before the clock starts).
 *
 * <p>The example configuration listens on UDP {@code [::1]:4191}. The test never edits it: if
 * that port is taken, the test fails and says so.
 */
@Tag("large")
class DaemonsEndToEndTest {

    /** The whole scenario once the launcher is built: start, register, move, stop both, read the pcaps. */
    private static final Duration SCENARIO_LIMIT = Duration.ofSeconds(60);
    /** A cold first run of the launcher builds the command line with Maven. */
    private static final Duration BUILD_LIMIT = Duration.ofSeconds(300);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(20);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private static final String HA_CONFIG = "docs/examples/ha.yaml";
    private static final String MN_CONFIG = "docs/examples/mn.yaml";
    private static final String PROVIDER = "auth-option-4285";
    private static final String HOME_ADDRESS = "2001:db8:1::100";
    private static final String FIRST_CARE_OF = "2001:db8:2::100";
    private static final String IPV4_CARE_OF = "192.0.2.10";
    private static final String IPV4_CARE_OF_MAPPED = "::ffff:192.0.2.10";
    private static final String IDENTITY = "nai:mn1@example.com";
    private static final int BINDING_UPDATE = 5;
    private static final int BINDING_ACK = 6;
    private static final int IPV4_CARE_OF_ADDRESS_OPTION = 32;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private String launcher;
    private Deadline deadline;
    private DaemonsEndToEndProcesses processes;

    @Test
    void exampleDaemonsRegisterMoveToIpv4CareOfDeregisterOnSigtermAndCaptureCleanPcaps() throws Exception {
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
        // The user's copy of the examples, unchanged.
        Path examples = Files.createDirectories(work.resolve("docs/examples"));
        Path haYaml = Files.copy(root.resolve(HA_CONFIG), examples.resolve("ha.yaml"));
        Path mnYaml = Files.copy(root.resolve(MN_CONFIG), examples.resolve("mn.yaml"));
        HomeAgentConfig haConfig = HomeAgentConfig.load(haYaml);
        MobileNodeConfig mnConfig = MobileNodeConfig.load(mnYaml);
        InetSocketAddress haUdp = haConfig.daemon().udp().endpoint();
        Path haSocket = haConfig.daemon().adminSocket();
        Path mnSocket = mnConfig.daemon().adminSocket();
        requireFree(haUdp);

        // The key table, with exactly the command ha.yaml's comments give.
        Path keyTable = haConfig.root().section("security").section(PROVIDER).path("key-table");
        assertThat(mnConfig.root().section("security").section(PROVIDER).path("key-table"))
                .as("mn.yaml reads the key table ha.yaml's command creates").isEqualTo(keyTable);
        String keyCommand = keyTableCommand(haYaml);
        // in the file's directory, as its comments say
        Result keys = processes.run("create-key-table", COMMAND_LIMIT,
                List.of("sh", "-c", "cd '" + haYaml.getParent() + "' && " + keyCommand));
        assertThat(keys.exitCode()).as("%s", keys).isZero();
        assertThat(keyTable).as("the key table written by %s", keyCommand).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyTable))).isEqualTo("rw-------");

        long buildStart = System.nanoTime();
        Result version = processes.run("launcher-build", BUILD_LIMIT, List.of(launcher, "--version"));
        assertThat(version.exitCode()).as("the launcher builds and runs; %s", version).isZero();
        Duration build = Duration.ofNanos(System.nanoTime() - buildStart);

        deadline = Deadline.in(SCENARIO_LIMIT);

        // Terminal 1: the home agent. Wait until it answers on its admin socket.
        Process ha = processes.startDaemon("ha",
                List.of(launcher, "ha", "run", "--config", HA_CONFIG, "--pcap", "ha.pcap"));
        JsonNode empty = awaitBindings("the home agent answers `ha bindings`", answer -> true, ha);
        assertThat(empty.path("count").asInt()).as("bindings before any mobile node: %s", empty).isZero();

        // Terminal 2: the mobile node. Wait until the home agent lists it.
        Process mn = processes.startDaemon("mn",
                List.of(launcher, "mn", "run", "--config", MN_CONFIG, "--pcap", "mn.pcap"));
        JsonNode registered = awaitBindings("the home agent lists " + HOME_ADDRESS,
                answer -> binding(answer).isPresent(), ha, mn);
        JsonNode first = binding(registered).orElseThrow();
        assertThat(first.path("careOfAddress").asText()).isEqualTo(FIRST_CARE_OF);
        assertThat(first.path("identity").asText()).isEqualTo(IDENTITY);
        assertThat(first.path("provider").asText()).isEqualTo(PROVIDER);
        assertThat(registered.path("count").asInt()).isEqualTo(1);
        SequenceNumber firstSequence = SequenceNumber.of(first.path("sequence").asInt());

        // Terminal 3: move to an IPv4 care-of address (RFC 5555).
        Result move = processes.run("mn-move", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "mn", "move", "--config", MN_CONFIG, "--coa", IPV4_CARE_OF));
        assertThat(move.exitCode()).as("%s", move).isZero();
        JsonNode moved = awaitBindings("the binding's care-of address becomes " + IPV4_CARE_OF_MAPPED,
                answer -> binding(answer).map(b -> b.path("careOfAddress").asText().equals(IPV4_CARE_OF_MAPPED))
                        .orElse(false), ha, mn);
        SequenceNumber movedSequence = SequenceNumber.of(binding(moved).orElseThrow().path("sequence").asInt());
        assertThat(movedSequence.isNewerThan(firstSequence))
                .as("the move's sequence %s is newer than the registration's %s", movedSequence, firstSequence)
                .isTrue();

        // Ctrl-C the mobile node: it deregisters, then exits 0; the home agent has no binding left.
        assertThat(processes.terminate("mn", mn, deadline.cap(STOP_LIMIT)))
                .as("the mobile node exits after SIGTERM").isTrue();
        assertThat(mn.exitValue()).as("the mobile node's exit status after SIGTERM").isZero();
        assertThat(Files.exists(mnSocket, LinkOption.NOFOLLOW_LINKS)).as("%s removed", mnSocket).isFalse();
        assertThat(processes.stderrOf("mn"))
                .contains("deregistered identity=" + IDENTITY + " hoa=" + HOME_ADDRESS + " coa=" + IPV4_CARE_OF_MAPPED);
        Result afterStop = bindings();
        assertThat(afterStop.exitCode()).as("%s", afterStop).isZero();
        JsonNode left = JSON.readTree(afterStop.out());
        assertThat(binding(left)).as("the binding once the mobile node has exited: %s", left).isEmpty();
        assertThat(left.path("count").asInt()).isZero();
        assertThat(processes.stderrOf("ha")).as("deleted by the deregistration, not expired")
                .contains("binding-deleted identity=" + IDENTITY + " hoa=" + HOME_ADDRESS);

        // Ctrl-C the home agent: exit 0, socket removed.
        assertThat(processes.terminate("ha", ha, deadline.cap(STOP_LIMIT)))
                .as("the home agent exits after SIGTERM").isTrue();
        assertThat(ha.exitValue()).as("the home agent's exit status after SIGTERM").isZero();
        assertThat(Files.exists(haSocket, LinkOption.NOFOLLOW_LINKS)).as("%s removed", haSocket).isFalse();

        // What Wireshark makes of the captures.
        Path tshark = HostRequirements.command("tshark", "tshark");
        checkCapture(tshark, "ha.pcap", haUdp.getPort());
        checkCapture(tshark, "mn.pcap", haUdp.getPort());
        assertThat(deadline.passed()).as("the scenario took longer than %s", SCENARIO_LIMIT).isFalse();
        System.out.printf("DaemonsEndToEndTest: launcher ready in %d ms, scenario %d ms%n%s%n", build.toMillis(),
                SCENARIO_LIMIT.minus(deadline.remaining()).toMillis(), processes.timeline());
    }

    /**
     * {@code tshark -r FILE -d udp.port==PORT,ipv6 -T json}: every packet one Mobility Header,
     * nothing malformed and no expert warning; registration, the RFC 5555 move (IPv4 Care-of
     * Address option) and the deregistration (lifetime 0) each a Binding Update acknowledged
     * with an accepting status.
     */
    private void checkCapture(Path tshark, String file, int port) throws Exception {
        Result decoded = processes.run("tshark-" + file, deadline.cap(COMMAND_LIMIT),
                List.of(tshark.toString(), "-r", file, "-d", "udp.port==" + port + ",ipv6", "-T", "json"));
        assertThat(decoded.exitCode()).as("tshark's exit status; stderr:%n%s", decoded.err()).isZero();
        List<Packet> packets = DaemonsEndToEndTshark.parse(decoded.out());
        assertThat(packets).as("%s: packets", file).isNotEmpty();
        for (Packet p : packets) {
            assertThat(p.problems()).as("%s %s", file, p).isEmpty();
            assertThat(p.mhType()).as("%s: one Mobility Header in %s", file, p).isPresent();
        }
        List<Packet> updates = packets.stream().filter(p -> p.mhType().orElseThrow() == BINDING_UPDATE).toList();
        List<Packet> acks = packets.stream().filter(p -> p.mhType().orElseThrow() == BINDING_ACK).toList();
        assertThat(updates).as("%s: Binding Updates (registration, move, deregistration)", file)
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(acks).as("%s: Binding Acknowledgements", file).hasSizeGreaterThanOrEqualTo(3);
        for (Packet ack : acks) {
            assertThat(ack.number("mip6.ba.status")).as("%s: accepting status (< 128) in %s", file, ack)
                    .isLessThan(128);
        }
        for (Packet update : updates) {
            int sequence = update.number("mip6.bu.seqnr");
            assertThat(acks).as("%s: an acknowledgement of sequence %d", file, sequence)
                    .anySatisfy(a -> assertThat(a.number("mip6.ba.seqnr")).isEqualTo(sequence));
        }

        Packet registration = updates.get(0);
        assertThat(registration.number("mip6.bu.lifetime")).as("%s", registration).isPositive();
        assertThat(registration.values("ipv6.src")).as("%s", registration).contains(FIRST_CARE_OF);
        assertThat(registration.has("mip6.options.ipv4coa")).as("%s", registration).isFalse();

        List<Packet> ipv4Moves = updates.stream()
                .filter(u -> u.number("mip6.bu.lifetime") > 0 && u.has("mip6.options.ipv4coa")).toList();
        assertThat(ipv4Moves.stream().map(u -> u.number("mip6.bu.seqnr")).distinct())
                .as("%s: one Binding Update (retransmissions aside) with the IPv4 Care-of Address option", file)
                .hasSize(1);
        Packet ipv4Move = ipv4Moves.get(0);
        String option = ipv4Move.first("mip6.options.ipv4coa").orElseThrow();
        assertThat(Integer.parseInt(option.substring(0, 2), 16)).as("option type octet of %s", option)
                .isEqualTo(IPV4_CARE_OF_ADDRESS_OPTION);
        assertThat(ipv4Move.values("mip6.ipv4coa.addr")).as("%s", ipv4Move).containsExactly(IPV4_CARE_OF);
        assertThat(ipv4Move.values("mip6.bu.f_flag")).as("F flag, %s", ipv4Move).containsExactly("1");
        assertThat(ipv4Move.values("ipv6.src")).as("RFC 5555: from the home address, %s", ipv4Move)
                .contains(HOME_ADDRESS);

        List<Packet> deregistrations = updates.stream().filter(u -> u.number("mip6.bu.lifetime") == 0).toList();
        assertThat(deregistrations).as("%s: a deregistration (lifetime 0)", file).isNotEmpty();
        Packet deregistration = deregistrations.get(deregistrations.size() - 1);
        assertThat(Integer.parseInt(deregistration.frame())).as("deregistration after the move")
                .isGreaterThan(Integer.parseInt(ipv4Move.frame()));
    }

    /** {@code ./mip6kit ha bindings --config docs/examples/ha.yaml --json}, once. */
    private Result bindings() throws IOException, InterruptedException {
        return processes.run("ha-bindings", deadline.cap(COMMAND_LIMIT),
                List.of(launcher, "ha", "bindings", "--config", HA_CONFIG, "--json"));
    }

    /**
     * Runs {@code ha bindings} every {@link #POLL_INTERVAL} until its answer satisfies
     * {@code until}; fails at the scenario's deadline, or as soon as one of {@code alive} exits.
     */
    private JsonNode awaitBindings(String what, Predicate<JsonNode> until, Process... alive) throws Exception {
        String last = "(none yet)";
        while (!deadline.passed()) {
            for (Process p : alive) {
                if (!p.isAlive()) {
                    fail("waiting until " + what + ": process " + p.pid() + " exited with " + p.exitValue());
                }
            }
            Result r = bindings();
            if (r.exitCode() == 0) {
                JsonNode answer = JSON.readTree(r.out());
                if (until.test(answer)) {
                    return answer;
                }
                last = r.out();
            } else {
                last = r.toString();
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        throw new AssertionError("not within " + SCENARIO_LIMIT + ": " + what + "; last `ha bindings`: " + last);
    }

    private static Optional<JsonNode> binding(JsonNode answer) {
        for (JsonNode b : answer.path("bindings")) {
            if (b.path("homeAddress").asText().equals(HOME_ADDRESS)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The example's UDP endpoint must be free: the test does not change the user's configuration. */
    private static void requireFree(InetSocketAddress udp) {
        try (DatagramSocket probe = new DatagramSocket(udp)) {
            probe.close();
        } catch (SocketException e) {
            fail("UDP " + DaemonSettings.describe(udp) + " (transport.udp of " + HA_CONFIG + ") is not free: "
                    + e.getMessage() + ". This test runs the example configuration unchanged, as a user would, "
                    + "so that port must be free; find who holds it with `ss -uanp 'sport = :" + udp.getPort()
                    + "'` and stop it");
        }
    }

    /**
     * The shell command {@code ha.yaml}'s comments give for creating the key table: the indented
     * comment lines after "create it once", joined across their trailing backslashes.
     */
    static String keyTableCommand(Path haYaml) throws IOException {
        List<String> lines = Files.readAllLines(haYaml);
        List<String> command = new ArrayList<>();
        boolean announced = false;
        for (String line : lines) {
            String stripped = line.strip();
            if (!stripped.startsWith("#")) {
                if (!command.isEmpty()) {
                    break;
                }
                continue;
            }
            String text = stripped.substring(1);
            if (!announced) {
                announced = text.contains("create it once");
                continue;
            }
            if (command.isEmpty() && !text.startsWith("  ")) {
                continue;   // the sentence around the command
            }
            command.add(text.strip());
            if (!text.stripTrailing().endsWith("\\")) {
                break;
            }
        }
        if (command.isEmpty()) {
            fail(haYaml + ": no key-table command (indented comment lines after \"create it once\")");
        }
        return String.join("\n", command);
    }
}
