package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.cli.DaemonsEndToEndTshark.Packet;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.testing.HostRequirements;

/**
 * NEMO basic support (RFC 3963) on the data plane, end to end: the reference home agent and a
 * mobile router, each a JVM in a network namespace of its own, with {@code data-plane.enabled}
 * and the RFC 4285 provider (a throwaway key table), and a host on the mobile network behind the
 * router (documentation addresses only):
 * <pre>
 *  cn 2001:db8:5::5 ── rt ── 2001:db8:10::1 ha (home agent 2001:db8:1::1; mr1 may hold 2001:db8:100::/48, 2001:db8:200::/48)
 *                      ├── link 1 2001:db8:2::/64 ── mr (care-of 2001:db8:2::100, home address 2001:db8:1::100)
 *                      └── link 2 2001:db8:3::/64 ── mr (care-of 2001:db8:3::100 after the move)
 *                                                     └── mobile network 2001:db8:100:1::/64 ── host 2001:db8:100:1::5
 * </pre>
 * In order: the router registers one prefix explicitly and the correspondent pings the host every
 * 100 ms while the router moves from link 1 to link 2 (lost echoes counted and bounded); SIGTERM
 * deregisters, and the home agent then drops the host's packets as unbound. The router registers
 * two prefixes explicitly; a mobile host with the same identity and home address (no R flag) gets
 * 139; a router claiming an unauthorised prefix gets 142; the router registers in implicit mode
 * and gets its configured prefixes. The home agent's capture, read by {@code tshark}, shows each
 * of these Binding Updates and Acknowledgements. Every namespace is deleted and every process
 * killed by its PID in {@code finally}.
 */
@Tag("large")
class MobileRouterDataPlaneTest {

    private static final Duration STEP = Duration.ofSeconds(25);
    /**
     * The functional bound on echoes lost across one move (100 ms interval): the tunnel follows the
     * move within two seconds. The target, at most 3, is a timing figure: it is measured and
     * reported (printed here, recorded in docs/data-plane.md), not asserted, since a loaded machine
     * delays the Binding Acknowledgement (4 were lost once at a load average of 7.5).
     */
    private static final int MAX_LOST_ECHOES = 20;
    private static final int BINDING_UPDATE = 5;
    private static final int BINDING_ACK = 6;

    private static final String HOA = "2001:db8:1::100";
    private static final String HA = "2001:db8:1::1";
    private static final String HA_LINK = "2001:db8:10::1";
    private static final String CN = "2001:db8:5::5";
    private static final String COA1 = "2001:db8:2::100";
    private static final String COA2 = "2001:db8:3::100";
    private static final String NETWORK = "2001:db8:100:1::/64";
    private static final String HOST = "2001:db8:100:1::5";
    private static final String NAI = "mr1@example.org";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    private final String cn = "mrcn" + suffix;
    private final String rt = "mrrt" + suffix;
    private final String ha = "mrha" + suffix;
    private final String mr = "mrmr" + suffix;
    private final String host = "mrho" + suffix;
    private final List<String> measurements = new ArrayList<>();
    private DaemonsEndToEndProcesses processes;
    private NamespaceRig rig;
    private Path haSocket;

    @Test
    void mobileRouterForwardsForItsPrefixesAcrossAMoveAndTheHomeAgentChecksItsClaims() throws Exception {
        HostRequirements.root("network namespaces, TUN devices and raw sockets");
        HostRequirements.command("ip", "iproute2");
        HostRequirements.command("ping", "iputils-ping");
        Path tshark = HostRequirements.command("tshark", "tshark");
        processes = new DaemonsEndToEndProcesses(work);
        rig = new NamespaceRig(processes, work, STEP);
        try {
            topology();
            scenario(tshark);
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
        for (String ns : List.of(cn, rt, ha, mr, host)) {
            rig.addNamespace(ns);
        }
        rig.sh("veth-cn", "ip", "link", "add", "c0", "netns", cn, "type", "veth", "peer", "name", "r0", "netns", rt);
        rig.sh("veth-ha", "ip", "link", "add", "h0", "netns", ha, "type", "veth", "peer", "name", "r1", "netns", rt);
        rig.sh("veth-mr1", "ip", "link", "add", "m1", "netns", mr, "type", "veth", "peer", "name", "r2", "netns", rt);
        rig.sh("veth-mr2", "ip", "link", "add", "m2", "netns", mr, "type", "veth", "peer", "name", "r3", "netns", rt);
        rig.sh("veth-net", "ip", "link", "add", "n0", "netns", mr, "type", "veth", "peer", "name", "e0", "netns",
                host);
        for (String[] a : new String[][] {{cn, "c0", CN + "/64"}, {rt, "r0", "2001:db8:5::1/64"},
                {ha, "h0", HA_LINK + "/64"}, {ha, "h0", HA + "/128"}, {rt, "r1", "2001:db8:10::2/64"},
                {mr, "m1", COA1 + "/64"}, {rt, "r2", "2001:db8:2::1/64"}, {rt, "r3", "2001:db8:3::1/64"},
                {mr, "n0", "2001:db8:100:1::1/64"}, {host, "e0", HOST + "/64"}}) {
            rig.in(a[0], "ip", "-6", "addr", "add", a[2], "dev", a[1], "nodad");
        }
        for (String[] l : new String[][] {{cn, "c0"}, {rt, "r0"}, {rt, "r1"}, {rt, "r2"}, {rt, "r3"}, {ha, "h0"},
                {mr, "m1"}, {mr, "m2"}, {mr, "n0"}, {host, "e0"}}) {
            rig.in(l[0], "ip", "link", "set", l[1], "up");
        }
        for (String ns : List.of(rt, ha, mr)) {
            rig.in(ns, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        }
        // The network routes the home prefix and the router's authorised prefixes to the home agent.
        for (String p : List.of("2001:db8:1::/64", "2001:db8:100::/48", "2001:db8:200::/48")) {
            rig.in(rt, "ip", "-6", "route", "add", p, "via", HA_LINK);
        }
        rig.in(ha, "ip", "-6", "route", "add", "default", "via", "2001:db8:10::2");
        rig.in(cn, "ip", "-6", "route", "add", "default", "via", "2001:db8:5::1");
        rig.in(mr, "ip", "-6", "route", "add", "default", "via", "2001:db8:2::1", "dev", "m1");
        rig.in(host, "ip", "-6", "route", "add", "default", "via", "2001:db8:100:1::1");
        Result reach = rig.in(cn, "ping", "-c", "1", "-W", "5", HA);
        assertThat(reach.exitCode()).as("the correspondent reaches the home agent: %s", reach).isZero();
    }

    private void scenario(Path tshark) throws Exception {
        writeHomeAgentConfig();
        Process haProcess = rig.startMip6kit("ha", ha, "ha", "run", "--config", "ha.yaml", "--pcap", "ha.pcap");
        JsonNode haStatus = rig.await("the home agent answers status", () -> rig.admin(haSocket, "status"),
                haProcess);
        assertThat(haStatus.path("dataPlane").path("enabled").asBoolean()).as("%s", haStatus).isTrue();

        // 1. Explicit mode, one prefix; the host behind the router answers across the router's move.
        Process one = startRouter("mr-one", COA1, "explicit", "[" + NETWORK + "]", true);
        JsonNode bound = awaitBinding("the router is bound with one prefix", haProcess, one);
        assertThat(bound.path("mobileRouter").asBoolean()).isTrue();
        assertThat(bound.path("mobileNetworkPrefixes").toString()).isEqualTo("[\"" + NETWORK + "\"]");
        assertThat(rig.in(mr, "ip", "-6", "rule", "show").out()).contains("from " + NETWORK + " lookup 191")
                .contains("from " + HOA + " lookup 191");
        Result first = rig.in(cn, "ping", "-c", "3", "-i", "0.2", "-W", "2", HOST);
        assertThat(first.exitCode()).as("the correspondent reaches the host behind the router: %s", first).isZero();

        Process ping = processes.startDaemon("ping", List.of("ip", "netns", "exec", cn, "ping", "-n", "-i", "0.1",
                "-W", "1", HOST));
        Thread.sleep(2000);
        long tMove = System.nanoTime();
        rig.in(mr, "ip", "-6", "addr", "add", COA2 + "/64", "dev", "m2", "nodad");
        rig.in(mr, "ip", "-6", "route", "replace", "default", "via", "2001:db8:3::1", "dev", "m2");
        rig.in(mr, "ip", "-6", "addr", "del", COA1 + "/64", "dev", "m1");
        ObjectNode move = AdminClient.request("move");
        move.put("careOf", COA2);
        ObjectNode moved = AdminClient.send(work.resolve("mr-one.sock"), move, STEP);
        long moveMs = Duration.ofNanos(System.nanoTime() - tMove).toMillis();
        assertThat(moved.path("acknowledged").asBoolean()).as("%s", moved).isTrue();
        measurements.add("link 1 address removed -> move acknowledged: " + moveMs + " ms");
        JsonNode afterMove = rig.await("the home agent binds the router to " + COA2, () -> rig.bindingOf(haSocket, HOA)
                .filter(b -> b.path("careOfAddress").asText().equals(COA2)), haProcess, one);
        Thread.sleep(3000);
        ping.destroy();
        ping.waitFor();
        TreeSet<Integer> answered = rig.answeredEchoes("ping");
        assertThat(answered).as("echo replies from the host").isNotEmpty();
        int lost = NamespaceRig.lostEchoes(answered, 0, answered.last());
        measurements.add("router move (link 1 -> link 2): " + lost + " echoes to the host behind it lost of ping -i 0.1 "
                + "(icmp_seq " + answered.first() + ".." + answered.last() + ", " + answered.size() + " answered)");
        assertThat(answered.last()).as("echoes are answered for 3 s after the move").isGreaterThanOrEqualTo(40);
        JsonNode traffic = afterMove.path("traffic");
        measurements.add("binding traffic after the move: " + traffic);
        assertThat(traffic.path("packetsToNode").asLong()).as("%s", afterMove).isPositive();
        assertThat(traffic.path("packetsFromNode").asLong()).as("%s", afterMove).isPositive();
        measurements.add("mobile router data-plane counters: " + rig.admin(work.resolve("mr-one.sock"), "status")
                .orElseThrow().path("dataPlane").path("counters"));

        // Deregistration (SIGTERM): the prefix is no longer routed into a tunnel.
        assertThat(processes.terminate("mr-one", one, STEP)).isTrue();
        assertThat(one.exitValue()).isZero();
        assertThat(rig.bindingOf(haSocket, HOA)).as("the binding is gone").isEmpty();
        assertThat(rig.in(mr, "ip", "-6", "rule", "show").out()).doesNotContain(NETWORK).doesNotContain(HOA);
        long unboundBefore = haCounter("dropped-unbound-destination");
        Result gone = rig.in(cn, "ping", "-c", "3", "-i", "0.2", "-W", "1", HOST);
        assertThat(gone.exitCode()).as("the host is unreachable once the router deregistered: %s", gone).isNotZero();
        long unboundAfter = haCounter("dropped-unbound-destination");
        measurements.add("after deregistration: 3 echoes to the host, home agent dropped-unbound-destination "
                + unboundBefore + " -> " + unboundAfter);
        assertThat(unboundAfter).as("the home agent drops the host's packets as unbound")
                .isGreaterThanOrEqualTo(unboundBefore + 3);

        // 2. Explicit mode, two prefixes; then a mobile host's Binding Update (no R) for the same home address: 139.
        Process two = startRouter("mr-two", COA2, "explicit", "[" + NETWORK + ", 2001:db8:200::/48]", true);
        JsonNode both = awaitBinding("the router is bound with two prefixes", haProcess, two);
        assertThat(both.path("mobileNetworkPrefixes").toString())
                .isEqualTo("[\"" + NETWORK + "\",\"2001:db8:200::/48\"]");
        assertThat(rig.in(mr, "ip", "-6", "rule", "show").out()).contains("from 2001:db8:200::/48 lookup 191");
        Result again = rig.in(cn, "ping", "-c", "3", "-i", "0.2", "-W", "2", HOST);
        assertThat(again.exitCode()).as("the host answers under the two-prefix binding: %s", again).isZero();

        Process flip = startRouter("mn-flip", COA2, null, null, false);
        assertThat(flip.waitFor(STEP.toSeconds(), TimeUnit.SECONDS)).as("the mobile host gives up").isTrue();
        assertThat(flip.exitValue()).as("its first registration failed").isNotZero();
        assertThat(processes.stderrOf("mn-flip")).contains("139");
        assertThat(rig.bindingOf(haSocket, HOA).orElseThrow().path("mobileRouter").asBoolean())
                .as("the router's binding stays").isTrue();
        assertThat(processes.terminate("mr-two", two, STEP)).isTrue();
        assertThat(two.exitValue()).isZero();

        // 3. A prefix outside the router's authorised ones: 142.
        Process bad = startRouter("mr-bad", COA2, "explicit", "[2001:db8:400::/48]", false);
        assertThat(bad.waitFor(STEP.toSeconds(), TimeUnit.SECONDS)).as("the router gives up").isTrue();
        assertThat(bad.exitValue()).isNotZero();
        assertThat(processes.stderrOf("mr-bad")).contains("142");
        assertThat(rig.bindingOf(haSocket, HOA)).isEmpty();

        // 4. Implicit mode: the home agent uses the router's configured prefixes.
        Process implicit = startRouter("mr-implicit", COA2, "implicit", "[2001:db8:100::/48, 2001:db8:200::/48]",
                true);
        JsonNode held = awaitBinding("the router is bound in implicit mode", haProcess, implicit);
        assertThat(held.path("mobileNetworkPrefixes").toString())
                .isEqualTo("[\"2001:db8:100::/48\",\"2001:db8:200::/48\"]");
        Result viaImplicit = rig.in(cn, "ping", "-c", "3", "-i", "0.2", "-W", "2", HOST);
        assertThat(viaImplicit.exitCode()).as("the host answers in implicit mode: %s", viaImplicit).isZero();
        assertThat(processes.terminate("mr-implicit", implicit, STEP)).isTrue();
        assertThat(rig.in(mr, "ip", "-6", "rule", "show").out()).doesNotContain("2001:db8:100::/48");

        assertThat(processes.terminate("ha", haProcess, STEP)).isTrue();
        assertThat(haProcess.exitValue()).isZero();
        checkCapture(tshark);
        System.out.println("MobileRouterDataPlaneTest: " + String.join("\n  ", measurements) + "\n"
                + processes.timeline());
        // Checked last, so that a slow host still shows every other result first.
        assertThat(lost).as("echoes lost across the router's move (load average %s)", loadAverage())
                .isLessThanOrEqualTo(MAX_LOST_ECHOES);
    }

    /** The home agent's capture: each registration's R flag and prefixes, and each answer. */
    private void checkCapture(Path tshark) throws Exception {
        List<Packet> packets = DaemonsEndToEndTshark.parse(tshark(tshark));
        List<Packet> updates = packets.stream().filter(p -> p.mhType().orElse(-1) == BINDING_UPDATE).toList();
        List<Packet> acks = packets.stream().filter(p -> p.mhType().orElse(-1) == BINDING_ACK).toList();
        assertThat(updates).as("Binding Updates in the capture").isNotEmpty();

        Packet one = registration(updates, List.of("2001:db8:100:1::"));
        assertThat(one.values("mip6.nemo.mnp.pfl")).containsExactly("64");
        assertThat(answer(acks, one).values("mip6.nemo.ba.r_flag")).as("the acknowledgement's R flag")
                .containsExactly("1");
        Packet two = registration(updates, List.of("2001:db8:100:1::", "2001:db8:200::"));
        assertThat(two.values("mip6.nemo.mnp.pfl")).containsExactly("64", "48");
        assertThat(answer(acks, two).number("mip6.ba.status")).isZero();

        Packet unauthorised = registration(updates, List.of("2001:db8:400::"));
        Packet refused = answer(acks, unauthorised);
        assertThat(refused.number("mip6.ba.status")).as("Not Authorized for Prefix").isEqualTo(142);

        Packet implicit = updates.stream().filter(u -> u.values("mip6.nemo.bu.r_flag").equals(List.of("1"))
                && !u.has("mip6.nemo.mnp.mnp") && u.number("mip6.bu.lifetime") > 0).findFirst()
                .orElseThrow(() -> new AssertionError("no implicit-mode registration (R, no prefix) in " + updates));
        Packet implicitAck = answer(acks, implicit);
        assertThat(implicitAck.number("mip6.ba.status")).isZero();
        assertThat(implicitAck.values("mip6.nemo.ba.r_flag")).containsExactly("1");

        Packet flip = acks.stream().filter(a -> a.number("mip6.ba.status") == 139).findFirst()
                .orElseThrow(() -> new AssertionError("no Binding Acknowledgement with 139 in " + acks));
        assertThat(updates).as("the mobile host's Binding Update without R that got 139").anySatisfy(u -> {
            assertThat(u.number("mip6.bu.seqnr")).isEqualTo(flip.number("mip6.ba.seqnr"));
            assertThat(u.values("mip6.nemo.bu.r_flag")).doesNotContain("1");
        });
        measurements.add("home agent capture: " + updates.size() + " Binding Updates, " + acks.size()
                + " Binding Acknowledgements; statuses " + acks.stream().map(a -> a.first("mip6.ba.status")
                .orElse("?")).toList());
    }

    private static Packet registration(List<Packet> updates, List<String> prefixes) {
        return updates.stream().filter(u -> u.values("mip6.nemo.mnp.mnp").equals(prefixes)
                && u.values("mip6.nemo.bu.r_flag").equals(List.of("1"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Binding Update with R and prefixes " + prefixes));
    }

    private static Packet answer(List<Packet> acks, Packet update) {
        int seq = update.number("mip6.bu.seqnr");
        return acks.stream().filter(a -> a.number("mip6.ba.seqnr") == seq).findFirst()
                .orElseThrow(() -> new AssertionError("no answer to the Binding Update seq " + seq));
    }

    private String tshark(Path tshark) throws Exception {
        Path out = work.resolve("tshark.json");
        Path err = work.resolve("tshark.err");
        Process p = new ProcessBuilder(tshark.toString(), "-r", work.resolve("ha.pcap").toString(),
                "-d", "udp.port==4191,ipv6", "-T", "json").redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        try {
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
            assertThat(p.exitValue()).as("tshark exit; stderr: %s", Files.readString(err)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private JsonNode awaitBinding(String what, Process... alive) throws Exception {
        return rig.await(what, () -> rig.bindingOf(haSocket, HOA).filter(b -> b.path("mobileRouter").asBoolean()),
                alive);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private long haCounter(String name) {
        return rig.admin(haSocket, "status").orElseThrow().path("dataPlane").path("counters").path(name).asLong(-1);
    }

    private void writeHomeAgentConfig() throws Exception {
        Path keys = work.resolve("keys.txt");
        Files.createFile(keys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keys, NAI + " 256 hmac-sha1 key="
                + HexFormat.of().formatHex(new SecureRandom().generateSeed(16)) + "\n");
        haSocket = work.resolve("ha.sock");
        Files.writeString(work.resolve("ha.yaml"), """
                home-agent:
                  address: %s
                  home-prefixes: [2001:db8:1::/64]
                  mobile-routers:
                    - identity: nai:%s
                      prefixes: [2001:db8:100::/48, 2001:db8:200::/48]
                transport:
                  udp: { bind: "::", port: 4191 }
                admin:
                  socket: ha.sock
                security:
                  provider: auth-option-4285
                  auth-option-4285:
                    key-table: keys.txt
                data-plane:
                  enabled: true
                """.formatted(HA, NAI));
    }

    /**
     * Starts {@code mn run} in the router's namespace as {@code name} (admin socket
     * {@code name.sock}); {@code mode} null: a mobile host.
     */
    private Process startRouter(String name, String careOf, String mode, String prefixes, boolean dataPlane)
            throws Exception {
        String router = mode == null ? "" : """
                  mobile-router:
                    enabled: true
                    mode: %s
                    prefixes: %s
                """.formatted(mode, prefixes);
        Files.writeString(work.resolve(name + ".yaml"), """
                mobile-node:
                  home-address: %s
                  home-agent: %s
                  home-agent-endpoint: "[%s]:4191"
                  care-of:
                    address: %s
                  lifetime: 600s
                  retransmission: { give-up-after: 2 }
                %stransport:
                  udp: { bind: "::", port: 0 }
                admin:
                  socket: %s.sock
                security:
                  provider: auth-option-4285
                  auth-option-4285:
                    nai: %s
                    key-table: keys.txt
                data-plane:
                  enabled: %s
                """.formatted(HOA, HA, HA, careOf, router, name, NAI, dataPlane));
        return rig.startMip6kit(name, mr, "mn", "run", "--config", name + ".yaml");
    }
}
