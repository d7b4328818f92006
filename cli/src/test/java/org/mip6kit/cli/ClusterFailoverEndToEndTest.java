package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.cli.BindingUpdateFleet.coa;
import static org.mip6kit.cli.BindingUpdateFleet.hoa;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Deadline;
import org.mip6kit.testing.HostRequirements;

/**
 * Three home agents in a cluster ({@code cluster:} section, an embedded Hazelcast grid), each
 * {@code mip6kit ha run} in a network namespace of its own and serving its own home agent address
 * with its RFC 5555 UDP socket bound to it, all sharing the home prefix 2001:db8:1::/64, on one
 * link with a client namespace (documentation addresses only):
 * <pre>
 *   ha-a  2001:db8:10::11, home agent 2001:db8:1::1, grid 192.0.2.11 ─┐
 *   ha-b  2001:db8:10::12, home agent 2001:db8:1::2, grid 192.0.2.12 ─┤ br0 (its own namespace)
 *   ha-c  2001:db8:10::13, home agent 2001:db8:1::3, grid 192.0.2.13 ─┤
 *   client 2001:db8:10::100 (mobile nodes; 2001:db8:1::/64 on-link) ──┘
 * </pre>
 * <ul>
 *   <li>Failover: a fleet of nodes ({@link ClusterFleetProcess} in the client namespace, raw
 *   Binding Updates as {@link HaDurableStateTest} sends them) registers with the three addresses,
 *   then keeps refreshing; ha-a, the oldest member, is killed with SIGKILL. Every binding
 *   acknowledged before and after is listed by the survivors with its care-of address, sequence
 *   number and home agent address; ha-a's address answers again, from the survivor whose status
 *   says it took it over; ha-a's nodes' acknowledgements come from ha-a's address; a Binding
 *   Update captured before the kill and replayed after is refused (135) and moves nothing. The
 *   failover time and the retransmissions each node needed are printed (docs/performance.md,
 *   "Cluster failover").</li>
 *   <li>Drain: two {@code mip6kit mn run} processes with auth-option-4285 registered at ha-a;
 *   {@code ha drain} without {@code --to} sends them an RFC 5142 Home Agent Switch naming the
 *   other members; each registers at one of them and keeps refreshing there, and ha-a ends with
 *   no binding.</li>
 * </ul>
 * Every process is killed by its PID and every namespace deleted in {@code finally}.
 */
@Tag("large")
class ClusterFailoverEndToEndTest {

    private static final int NODES = Integer.getInteger("mip6kit.cluster.nodes", 10_000);
    /**
     * Each node refreshes this long after its last acknowledgement: NODES / period Binding Updates
     * a second (167 for 10⁴ nodes), a load a loaded 2-core machine carries with three members.
     */
    private static final Duration REFRESH_PERIOD = Duration.ofMillis(Long.getLong("mip6kit.cluster.refresh-ms",
            60_000));
    /**
     * The functional bound on the retransmissions one node needs around the kill (1 s, then
     * doubling: five cover 31 s without an answer). The target, at most one, is a timing
     * figure: measured and printed, recorded in docs/performance.md, not asserted.
     */
    private static final int MAX_RETRANSMISSIONS = 5;
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final int UDP_PORT = 4191;
    private static final String IFNAME = "e0";
    private static final List<String> NAMES = List.of("ha-a", "ha-b", "ha-c");
    private static final List<String> HA = List.of("2001:db8:1::1", "2001:db8:1::2", "2001:db8:1::3");
    private static final List<String> LINK = List.of("2001:db8:10::11", "2001:db8:10::12", "2001:db8:10::13");
    private static final List<String> GRID = List.of("192.0.2.11", "192.0.2.12", "192.0.2.13");
    private static final String CLIENT = "2001:db8:10::100";
    private static final List<String> MN_CARE_OF = List.of("2001:db8:10::101", "2001:db8:10::102");
    private static final List<String> MN_HOA = List.of("2001:db8:1::100", "2001:db8:1::101");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    private final List<String> memberNs = List.of("clha" + suffix, "clhb" + suffix, "clhc" + suffix);
    private final String clientNs = "clmn" + suffix;
    private final String bridgeNs = "clbr" + suffix;
    private final ObjectMapper json = new ObjectMapper();
    private DaemonsEndToEndProcesses processes;
    private NamespaceRig rig;
    private final List<Process> members = new ArrayList<>();

    @Test
    void aKilledMembersAddressAnswersFromASurvivorWithEveryAcknowledgedBindingAndAReplayRefused() throws Exception {
        inCluster(this::failover);
    }

    @Test
    void aDrainedMembersNodesRegisterAtTheOtherMembersAndKeepRefreshing() throws Exception {
        inCluster(this::drain);
    }

    private interface Scenario {
        void run() throws Exception;
    }

    private void inCluster(Scenario scenario) throws Exception {
        HostRequirements.root("network namespaces");
        HostRequirements.command("ip", "iproute2");
        HostRequirements.command("ping", "iputils-ping");
        processes = new DaemonsEndToEndProcesses(work);
        rig = new NamespaceRig(processes, work, STEP);
        long started = System.nanoTime();
        try {
            topology();
            scenario.run();
            processes.note("done");
            System.out.printf("ClusterFailoverEndToEndTest: %d ms%n%s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), processes.timeline());
        } catch (Throwable t) {
            System.err.println(processes.report());
            throw t;
        } finally {
            try {
                processes.close();
            } finally {
                rig.deleteNamespaces();
            }
        }
    }

    private void topology() throws Exception {
        List<String> all = new ArrayList<>(memberNs);
        all.add(clientNs);
        rig.addNamespace(bridgeNs);
        for (String ns : all) {
            rig.addNamespace(ns);
        }
        rig.link(bridgeNs, all, IFNAME);
        for (int i = 0; i < 3; i++) {
            rig.in(memberNs.get(i), "ip", "-6", "addr", "add", LINK.get(i) + "/64", "dev", IFNAME, "nodad");
            rig.in(memberNs.get(i), "ip", "-6", "addr", "add", HA.get(i) + "/128", "dev", IFNAME, "nodad");
            rig.in(memberNs.get(i), "ip", "-4", "addr", "add", GRID.get(i) + "/24", "dev", IFNAME);
        }
        rig.in(clientNs, "ip", "-6", "addr", "add", CLIENT + "/64", "dev", IFNAME, "nodad");
        for (String careOf : MN_CARE_OF) {
            rig.in(clientNs, "ip", "-6", "addr", "add", careOf + "/64", "dev", IFNAME, "nodad");
        }
        // The home agent addresses are on the link: whoever holds one answers neighbour discovery for it.
        rig.in(clientNs, "ip", "-6", "route", "add", "2001:db8:1::/64", "dev", IFNAME);
        for (String ha : HA) {
            DaemonsEndToEndProcesses.Result reach = rig.in(clientNs, "ping", "-c", "1", "-W", "5", ha);
            assertThat(reach.exitCode()).as("the client reaches %s: %s", ha, reach).isZero();
        }
    }

    // ---- failover under refresh load

    private void failover() throws Exception {
        startCluster("  provider: test-nai\n  test-nai: { realm: example.org }\n");
        Path report = work.resolve("fleet-report.json");
        List<String> command = new ArrayList<>(HaTestRig.javaWithTestProvider(work, ClusterFleetProcess.class));
        command.addAll(List.of(CLIENT, Integer.toString(NODES), report.toString(), Integer.toString(UDP_PORT)));
        command.addAll(HA);
        Process fleet = rig.startDrivenIn("fleet", clientNs, command);
        OutputStream commands = fleet.getOutputStream();

        String registered = tell(fleet, commands, "register", "registered", Duration.ofSeconds(240));
        System.out.println("ClusterFailoverEndToEndTest: " + registered);
        long registrations = acceptedByAll();
        tell(fleet, commands, "refresh " + REFRESH_PERIOD.toMillis(), "refreshing", STEP);
        long warmUp = Math.max(100, NODES / 10);
        rig.await("the members accepted " + warmUp + " refreshes", () -> Optional.of(acceptedByAll())
                .filter(n -> n >= registrations + warmUp), members.toArray(Process[]::new));

        Process a = members.get(0);
        assertThat(ProcessHandle.of(a.pid()).flatMap(h -> h.info().command()).orElse(""))
                .as("ip netns exec replaced itself with the member's JVM: its PID is the one to kill").endsWith("java");
        Instant killedAt = Instant.now();
        a.destroyForcibly();   // SIGKILL to the member's PID
        assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Instant deadAt = Instant.now();
        assertThat(a.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        processes.note("ha-a killed with SIGKILL");
        tell(fleet, commands, "kill " + micros(killedAt) + " " + micros(deadAt) + " " + HA.get(0), "marked", STEP);

        // Once ha-a's address has accepted refreshes of a quarter of its nodes (at most 500) again,
        // the refreshes stop and every Binding Update still in flight is retransmitted until answered.
        int wanted = Math.max(1, Math.min(500, (NODES + 2) / 3 / 4));
        String settled = tell(fleet, commands, "settle 90 " + wanted, "", Duration.ofSeconds(180));
        JsonNode r = json.readTree(report.toFile());
        assertThat(settled).as("ha-a's address accepted refreshes of %d of its nodes again and no node still waits; "
                + "%s", wanted, summary(r)).startsWith("settled ");

        // ha-a's address is served by exactly one survivor, which says it took it over.
        Map<String, ObjectNode> status = new TreeMap<>();
        for (int i = 1; i < 3; i++) {
            status.put(NAMES.get(i), rig.admin(socket(i), "status").orElseThrow());
        }
        List<String> takers = new ArrayList<>();
        JsonNode takenOver = null;
        for (Map.Entry<String, ObjectNode> e : status.entrySet()) {
            JsonNode cluster = e.getValue().path("cluster");
            assertThat(cluster.path("members").asInt()).as("%s: %s", e.getKey(), cluster).isEqualTo(2);
            for (JsonNode served : cluster.path("servedHere")) {
                if (served.path("address").asText().equals(HA.get(0))) {
                    takers.add(e.getKey());
                    takenOver = served;
                }
            }
        }
        assertThat(takers).as("the survivors serving %s: %s", HA.get(0), status).hasSize(1);
        assertThat(takenOver.path("takenOverFrom").asText()).as("%s", takenOver).isEqualTo(NAMES.get(0));
        assertThat(takenOver.path("udp").asText()).as("%s", takenOver).contains(HA.get(0)).contains("" + UDP_PORT);
        for (ObjectNode s : status.values()) {
            assertThat(s.path("cluster").path("served").path(HA.get(0)).asText()).as("%s", s.path("cluster"))
                    .isEqualTo(takers.get(0));
        }
        long decidedMillis = loggedAfter(killedAt, takers.get(0), "taking over home agent address " + HA.get(0));
        long servingMillis = loggedAfter(killedAt, takers.get(0), "took over home agent address " + HA.get(0));

        // Zero acknowledged bindings lost: every node is listed with what its last acknowledgement accepted.
        Map<String, JsonNode> listed = new HashMap<>();
        for (int i = 1; i < 3; i++) {
            CommandRun listing = CommandRun.of("ha", "bindings", "--socket", socket(i).toString(), "--json");
            assertThat(listing.exitCode()).as("%s", listing).isZero();
            for (JsonNode b : json.readTree(listing.out()).path("bindings")) {
                listed.put(b.path("homeAddress").asText(), b);
            }
        }
        List<String> wrong = new ArrayList<>();
        for (JsonNode node : r.path("perNode")) {
            int i = node.path("node").asInt();
            JsonNode b = listed.get(hoa(i).toString());
            String expected = node.path("careOf").asText() + " seq " + node.path("sequence").asInt() + " via "
                    + node.path("homeAgent").asText();
            String got = b == null ? "not listed" : b.path("careOfAddress").asText() + " seq "
                    + b.path("sequence").asInt() + " via " + b.path("homeAgent").asText();
            if (!expected.equals(got)) {
                wrong.add("node " + i + ": acknowledged " + expected + ", listed " + got);
            }
            String ha = node.path("homeAgent").asText();
            // Answered after the kill: from the address the node uses, inside and out (ha-a's from its taker).
            if (node.path("sentAfterKill").asBoolean() && (!node.path("lastAcceptedFrom").asText().equals(ha)
                    || !node.path("lastAcceptedOuterFrom").asText().startsWith(ha + " port " + UDP_PORT))) {
                wrong.add("node " + i + ": last acknowledgement from " + node.path("lastAcceptedFrom").asText()
                        + " (outer " + node.path("lastAcceptedOuterFrom").asText() + "), not " + ha);
            }
        }
        assertThat(wrong).as("%d of %d nodes, e.g. %s", wrong.size(), NODES,
                wrong.subList(0, Math.min(10, wrong.size()))).isEmpty();
        assertThat(listed).as("no binding beyond the fleet's").hasSize(NODES);

        // The captured Binding Update (node 0, ha-a's, sequence 10 at its first care-of address) is refused.
        int node0Sequence = r.path("perNode").get(0).path("sequence").asInt();
        String replayed = tell(fleet, commands, "replay", "replayed", STEP);
        assertThat(replayed).isEqualTo("replayed status=135 sequence=" + node0Sequence);
        int taker = NAMES.indexOf(takers.get(0));
        JsonNode node0 = json.readTree(CommandRun.of("ha", "bindings", "--socket", socket(taker).toString(), "--json",
                "--home-address", hoa(0).toString()).out()).path("bindings").path(0);
        assertThat(node0.path("careOfAddress").asText()).as("not moved back: %s", node0).isEqualTo(coa(0, 2).toString());
        assertThat(node0.path("sequence").asInt()).as("%s", node0).isEqualTo(node0Sequence);
        tell(fleet, commands, "quit", null, STEP);

        int worst = 0;
        for (JsonNode node : r.path("perNode")) {
            if (node.path("sentAfterKill").asBoolean()) {
                worst = Math.max(worst, node.path("retransmissionsAroundKill").asInt());
            }
        }
        System.out.printf("ClusterFailoverEndToEndTest: %d nodes, refresh every %d ms; ha-a (%s) killed; %s logged "
                        + "'taking over' %d ms and 'took over' (serving) %d ms after the kill; %s%n", NODES,
                REFRESH_PERIOD.toMillis(), HA.get(0), takers.get(0), decidedMillis, servingMillis, summary(r));
        assertThat(worst).as("the retransmissions of the node that needed most (issue's target: 1); %s", summary(r))
                .isLessThanOrEqualTo(MAX_RETRANSMISSIONS);
    }

    private static String summary(JsonNode r) {
        return "first answer from the taken-over address " + r.path("firstAnswerFromTakenOverMillis").asLong()
                + " ms after the kill (first acceptance " + r.path("firstAcceptFromTakenOverMillis").asLong()
                + " ms); it accepted " + r.path("acceptedByTakenOverAddress") + " nodes before the refreshes stopped, "
                + r.path("refreshesStoppedAfterKillMillis").asLong() + " ms after the kill; retransmissions per node "
                + "that sent after the kill, by home agent: " + r.path("retransmissionsAroundKillByHomeAgent")
                + "; resends after 135: " + r.path("resyncsAfter135") + "; other refusals: " + r.path("refusals")
                + "; still waiting: " + r.path("outstanding") + "; registration of all nodes took "
                + r.path("registeredMillis") + " ms";
    }

    /** How long after {@code since} daemon {@code member} logged the first line containing {@code text}. */
    private long loggedAfter(Instant since, String member, String text) {
        String line = processes.stderrOf(member).lines().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError(member + " logged no line containing '" + text + "'"));
        return Duration.between(since, OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant())
                .toMillis();
    }

    private long acceptedByAll() {
        long sum = 0;
        for (int i = 0; i < 3; i++) {
            sum += rig.admin(socket(i), "status").map(s -> s.path("counters").path("accepted").asLong()).orElse(0L);
        }
        return sum;
    }

    // ---- planned drain with real mobile nodes

    private void drain() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int m = 0; m < MN_HOA.size(); m++) {
            byte[] key = new byte[20];
            new SecureRandom().nextBytes(key);
            rows.add("mn" + m + "@example.com " + (300 + m) + " hmac-sha1 key=" + HexFormat.of().formatHex(key));
        }
        for (int i = 0; i < 3; i++) {
            writePrivate(work.resolve(NAMES.get(i)).resolve("keys.txt"), String.join("\n", rows));
        }
        writePrivate(work.resolve("mn-keys.txt"), String.join("\n", rows));
        startCluster("  provider: auth-option-4285\n  auth-option-4285:\n    key-table: keys.txt\n");

        Deadline deadline = Deadline.in(Duration.ofSeconds(120));
        List<Process> nodes = new ArrayList<>();
        for (int m = 0; m < MN_HOA.size(); m++) {
            Path config = writePrivate(work.resolve("mn" + m + ".yaml"), mnYaml(m));
            List<String> command = new ArrayList<>(HaTestRig.javaWithTestProvider(work, Mip6kitCommand.class));
            command.addAll(List.of("mn", "run", "--config", config.toString()));
            nodes.add(rig.startIn("mn" + m, clientNs, command));
        }
        for (int m = 0; m < nodes.size(); m++) {
            processes.awaitStatus("mn" + m + " is registered with " + HA.get(0), mnSocket(m),
                    s -> s.path("registered").asBoolean() && HA.get(0).equals(s.path("homeAgent").asText()),
                    nodes.get(m), deadline);
        }
        processes.awaitStatus("ha-a serves both nodes", socket(0), s -> servedHere(s, HA.get(0)) == 2,
                members.get(0), deadline);

        CommandRun drain = CommandRun.of("ha", "drain", "--socket", socket(0).toString());
        processes.note("ha drain: " + drain.out().strip());
        assertThat(drain.exitCode()).as("%s", drain).isZero();
        assertThat(drain.out()).as("%s", drain).contains("draining: 2 Home Agent Switch message(s) sent, naming ")
                .contains(HA.get(1)).contains(HA.get(2));

        for (int m = 0; m < nodes.size(); m++) {
            ObjectNode mn = processes.awaitStatus("mn" + m + " is registered with another member", mnSocket(m),
                    s -> s.path("registered").asBoolean() && List.of(HA.get(1), HA.get(2))
                            .contains(s.path("homeAgent").asText()), nodes.get(m), deadline);
            int member = HA.indexOf(mn.path("homeAgent").asText());
            String hoa = MN_HOA.get(m);
            JsonNode moved = awaitBinding(member, hoa, b -> HA.get(member).equals(b.path("homeAgent").asText()),
                    "listed by " + NAMES.get(member) + " with home agent " + HA.get(member), deadline);
            assertThat(moved.path("careOfAddress").asText()).isEqualTo(MN_CARE_OF.get(m));
            int sequence = moved.path("sequence").asInt();
            awaitBinding(member, hoa, b -> b.path("sequence").asInt() != sequence,
                    "refreshed at " + NAMES.get(member) + " (sequence past " + sequence + ")", deadline);
        }
        processes.awaitStatus("ha-a has no binding left (the ones left behind ran out)", socket(0),
                s -> servedHere(s, HA.get(0)) == 0, members.get(0), deadline);
        for (String log : List.of("ha-a", "ha-b", "ha-c", "mn0", "mn1")) {
            for (String row : rows) {
                assertThat(processes.stderrOf(log)).doesNotContain(row.substring(row.indexOf("key=") + 4));
            }
        }
    }

    private JsonNode awaitBinding(int member, String hoa, java.util.function.Predicate<JsonNode> until, String what,
                                  Deadline deadline) throws Exception {
        return rig.await(hoa + " " + what, () -> {
            CommandRun listing = CommandRun.of("ha", "bindings", "--socket", socket(member).toString(), "--json",
                    "--home-address", hoa);
            if (listing.exitCode() != 0) {
                return Optional.empty();
            }
            JsonNode b = json.readTree(listing.out()).path("bindings").path(0);
            return b.isMissingNode() || !until.test(b) ? Optional.empty() : Optional.of(b);
        }, members.get(member));
    }

    /** The bindings the status says this member holds for {@code address}, or -1 if it does not serve it. */
    private static int servedHere(JsonNode status, String address) {
        for (JsonNode served : status.path("cluster").path("servedHere")) {
            if (served.path("address").asText().equals(address)) {
                return served.path("bindings").asInt();
            }
        }
        return -1;
    }

    private static String mnYaml(int m) {
        return String.join("\n",
                "mobile-node:",
                "  home-address: " + MN_HOA.get(m),
                "  home-agent: " + HA.get(0),
                "  home-agent-endpoint: \"[" + HA.get(0) + "]:" + UDP_PORT + "\"",
                "  care-of:",
                "    address: " + MN_CARE_OF.get(m),
                "  lifetime: 8s",
                "  refresh-margin: 0.5",
                "transport:",
                "  udp: { bind: \"" + MN_CARE_OF.get(m) + "\", port: 0 }",
                "admin:",
                "  socket: mn" + m + ".sock",
                "logging:",
                "  level: info",
                "security:",
                "  provider: auth-option-4285",
                "  auth-option-4285:",
                "    nai: mn" + m + "@example.com",
                "    key-table: mn-keys.txt",
                "");
    }

    private Path mnSocket(int m) {
        return work.resolve("mn" + m + ".sock");
    }

    // ---- the cluster

    /**
     * Starts the three members with {@code security} as their {@code security:} section: ha-a
     * first (the oldest member), then ha-b and ha-c together; returns once each counts three.
     */
    private void startCluster(String security) throws Exception {
        for (int i = 0; i < 3; i++) {
            writePrivate(work.resolve(NAMES.get(i)).resolve("ha.yaml"), memberYaml(i) + "security:\n" + security);
        }
        start(0);
        HaTestRig.awaitReady(members.get(0), socket(0), work.resolve("ha-a.stderr"));
        start(1);
        start(2);
        Deadline deadline = Deadline.in(STEP);
        for (int i = 0; i < 3; i++) {
            HaTestRig.awaitReady(members.get(i), socket(i), work.resolve(NAMES.get(i) + ".stderr"));
            processes.awaitStatus(NAMES.get(i) + " counts three members", socket(i),
                    s -> s.path("cluster").path("members").asInt() == 3, members.get(i), deadline);
        }
    }

    private void start(int i) throws Exception {
        List<String> command = new ArrayList<>(HaTestRig.javaWithTestProvider(work, Mip6kitCommand.class));
        command.addAll(List.of("ha", "run", "--config", work.resolve(NAMES.get(i)).resolve("ha.yaml").toString()));
        members.add(rig.startIn(NAMES.get(i), memberNs.get(i), command));
    }

    private static String memberYaml(int i) {
        return String.join("\n",
                "home-agent:",
                "  address: " + HA.get(i),
                "  home-prefixes: [2001:db8:1::/64]",
                "  max-lifetime: 10m",
                "transport:",
                "  udp: { bind: \"" + HA.get(i) + "\", port: " + UDP_PORT + " }",
                "admin:",
                "  socket: ha.sock",
                "logging:",
                "  level: info",
                "cluster:",
                "  enabled: true",
                "  member-name: " + NAMES.get(i),
                "  bind: " + GRID.get(i),
                "  port: 5701",
                "  members: [" + String.join(", ", GRID) + "]",
                "  failure-timeout: 3s",
                "  takeover-interface: " + IFNAME,
                "");
    }

    private Path socket(int member) {
        return work.resolve(NAMES.get(member)).resolve("ha.sock");
    }

    /**
     * Writes {@code command} to the fleet and waits for its answer: the first new line of its
     * standard output, which must start with {@code expected} ({@code null}: no answer awaited).
     */
    private String tell(Process fleet, OutputStream commands, String command, String expected, Duration limit)
            throws Exception {
        int before = answers().size();
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        processes.note("fleet: " + command);
        if (expected == null) {
            assertThat(fleet.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)).as("the fleet quits").isTrue();
            return "";
        }
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - end < 0) {
            List<String> lines = answers();
            if (lines.size() > before) {
                String answer = lines.get(before);
                processes.note("fleet: " + answer);
                assertThat(answer).as("the fleet's answer to %s", command).startsWith(expected);
                return answer;
            }
            if (!fleet.isAlive()) {
                throw new AssertionError("the fleet exited with " + fleet.exitValue() + " after " + command);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the fleet did not answer " + command + " within " + limit);
    }

    /** The fleet's complete lines of standard output so far. */
    private List<String> answers() {
        String out = DaemonsEndToEndProcesses.read(work.resolve("fleet.stdout"));
        List<String> lines = new ArrayList<>(List.of(out.split("\n", -1)));
        lines.remove(lines.size() - 1);   // empty, or a line still being written
        return lines;
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private static Path writePrivate(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text.endsWith("\n") ? text : text + "\n");
        return file;
    }
}
