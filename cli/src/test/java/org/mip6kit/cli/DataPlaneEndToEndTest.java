package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.testing.HostRequirements;

/**
 * The user-space data plane end to end: the reference home agent and mobile node, each a JVM in
 * a network namespace of its own ({@code ip netns exec}), with {@code data-plane.enabled} and the
 * RFC 4285 provider (a throwaway key table), on this topology (documentation addresses only):
 * <pre>
 *  cn 2001:db8:5::5 ── rt ── 2001:db8:10::1, 198.51.100.1 ha (home agent 2001:db8:1::1, home prefix 2001:db8:1::/64)
 *                      ├── link 1 2001:db8:2::/64 ── mn (care-of 2001:db8:2::100)
 *                      ├── link 2 2001:db8:3::/64 ── mn (care-of 2001:db8:3::100 after the first move)
 *                      └── link 3 192.0.2.0/24, behind an nftables NAT ── mn (care-of 192.0.2.100 after the second)
 * </pre>
 * The correspondent pings the home address 2001:db8:1::100 every 100 ms and holds a TCP
 * connection to it (python3 programs); the mobile node moves from link 1 to link 2 (IPv6-in-IPv6)
 * and then to link 3 (RFC 5555 UDP through the NAT); the lost echoes of each move are counted
 * and bounded, the connection must survive both. Between the moves a reverse-tunnelled packet
 * with a spoofed inner source and a tunnelled packet from an address that is no care-of address
 * (inner packets built by scapy) are dropped and counted by the home agent, exactly those.
 * SIGTERM removes the TUN devices and the mobile node's rule; after a SIGKILL, the next start
 * removes the rule left behind. Every namespace is deleted and every process killed by its PID
 * in {@code finally}.
 */
@Tag("large")
class DataPlaneEndToEndTest {

    private static final Duration STEP = Duration.ofSeconds(25);
    /**
     * The functional bound on echoes lost across one move (100 ms interval): the tunnel follows the
     * move within two seconds. The target, at most 3, is a timing figure: it is measured and
     * reported (printed here, recorded in docs/data-plane.md), not asserted, since a loaded machine
     * delays the Binding Acknowledgement (4 were lost once at a load average of 7.5).
     */
    private static final int MAX_LOST_ECHOES = 20;

    private static final String HOA = "2001:db8:1::100";
    private static final String HA = "2001:db8:1::1";
    private static final String HA_LINK = "2001:db8:10::1";
    private static final String CN = "2001:db8:5::5";
    private static final String COA1 = "2001:db8:2::100";
    private static final String COA2 = "2001:db8:3::100";
    private static final String SPOOFED = "2001:db8:1::666";
    private static final String V4_CARE_OF = "192.0.2.100";
    private static final String HA_V4 = "198.51.100.1";
    private static final int TCP_PORT = 5001;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private final String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    private final String cn = "dpcn" + suffix;
    private final String rt = "dprt" + suffix;
    private final String ha = "dpha" + suffix;
    private final String mn = "dpmn" + suffix;
    private final List<String> measurements = new ArrayList<>();
    private DaemonsEndToEndProcesses processes;
    private NamespaceRig rig;
    private Path haSocket;
    private Path mnSocket;

    @Test
    void pingAndTcpSurviveAMoveAndForgedTunnelPacketsAreDroppedAndCounted() throws Exception {
        HostRequirements.root("network namespaces, TUN devices and raw sockets");
        HostRequirements.command("ip", "iproute2");
        HostRequirements.command("ping", "iputils-ping");
        HostRequirements.command("nft", "nftables");
        Path python = Path.of("/usr/bin/python3");
        HostRequirements.pythonModule(python, "scapy", "python3-scapy");
        processes = new DaemonsEndToEndProcesses(work);
        rig = new NamespaceRig(processes, work, STEP);
        try {
            topology();
            scenario(python);
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
        for (String ns : List.of(cn, rt, ha, mn)) {
            rig.addNamespace(ns);
        }
        sh("veth-cn", "ip", "link", "add", "c0", "netns", cn, "type", "veth", "peer", "name", "r0", "netns", rt);
        sh("veth-ha", "ip", "link", "add", "h0", "netns", ha, "type", "veth", "peer", "name", "r1", "netns", rt);
        sh("veth-mn1", "ip", "link", "add", "m1", "netns", mn, "type", "veth", "peer", "name", "r2", "netns", rt);
        sh("veth-mn2", "ip", "link", "add", "m2", "netns", mn, "type", "veth", "peer", "name", "r3", "netns", rt);
        sh("veth-mn3", "ip", "link", "add", "m3", "netns", mn, "type", "veth", "peer", "name", "r4", "netns", rt);
        for (String[] a : new String[][] {{cn, "c0", CN + "/64"}, {rt, "r0", "2001:db8:5::1/64"},
                {ha, "h0", HA_LINK + "/64"}, {ha, "h0", HA + "/128"}, {rt, "r1", "2001:db8:10::2/64"},
                {mn, "m1", COA1 + "/64"}, {rt, "r2", "2001:db8:2::1/64"}, {rt, "r3", "2001:db8:3::1/64"}}) {
            in(a[0], "ip", "-6", "addr", "add", a[2], "dev", a[1], "nodad");
        }
        for (String[] l : new String[][] {{cn, "c0"}, {rt, "r0"}, {rt, "r1"}, {rt, "r2"}, {rt, "r3"}, {ha, "h0"},
                {mn, "m1"}, {mn, "m2"}, {rt, "r4"}, {mn, "m3"}}) {
            in(l[0], "ip", "link", "set", l[1], "up");
        }
        // IPv4: the home agent's side is public, link 3 is private behind the router's NAT.
        in(ha, "ip", "-4", "addr", "add", HA_V4 + "/24", "dev", "h0");
        in(rt, "ip", "-4", "addr", "add", "198.51.100.2/24", "dev", "r1");
        in(rt, "ip", "-4", "addr", "add", "192.0.2.1/24", "dev", "r4");
        in(rt, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Files.writeString(work.resolve("nat.nft"), String.join("\n",
                "table ip dpnat {",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                "    oifname \"r1\" ip saddr 192.0.2.0/24 masquerade",
                "  }",
                "}", ""));
        in(rt, "nft", "-f", work.resolve("nat.nft").toString());
        in(rt, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        in(ha, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        in(rt, "ip", "-6", "route", "add", "2001:db8:1::/64", "via", HA_LINK);
        in(ha, "ip", "-6", "route", "add", "default", "via", "2001:db8:10::2");
        in(cn, "ip", "-6", "route", "add", "default", "via", "2001:db8:5::1");
        in(mn, "ip", "-6", "route", "add", "default", "via", "2001:db8:2::1", "dev", "m1");
        Result reach = in(cn, "ping", "-c", "1", "-W", "5", HA);
        assertThat(reach.exitCode()).as("the correspondent reaches the home agent: %s", reach).isZero();
    }

    private void scenario(Path python) throws Exception {
        writeConfigs();

        Process haProcess = rig.startMip6kit("ha", ha, "ha", "run", "--config", "ha.yaml");
        JsonNode haStatus = await("the home agent answers status", () -> admin(haSocket, "status"), haProcess);
        assertThat(haStatus.path("dataPlane").path("enabled").asBoolean()).as("%s", haStatus).isTrue();
        assertThat(in(ha, "ip", "-6", "route", "show", "2001:db8:1::/64").out()).contains("dev mip6ha0");

        Process mnProcess = startMobileNode("mn");
        await("the mobile node is registered", () -> admin(mnSocket, "status")
                .filter(s -> s.path("registered").asBoolean()), haProcess, mnProcess);
        assertThat(in(mn, "ip", "-6", "rule", "show").out()).contains("from " + HOA + " lookup 191");

        // The echo server holds its end of the connection at the home address.
        Files.writeString(work.resolve("echo_server.py"), ECHO_SERVER);
        Files.writeString(work.resolve("echo_client.py"), ECHO_CLIENT);
        processes.startDaemon("tcp-server", List.of("ip", "netns", "exec", mn, python.toString(), "echo_server.py",
                HOA, Integer.toString(TCP_PORT)));
        await("the echo server listens", () -> Optional.of(processes.stderrOf("tcp-server")
                + DaemonsEndToEndProcesses.read(work.resolve("tcp-server.stdout"))).filter(s -> s.contains("listening")));
        Result first = in(cn, "ping", "-c", "3", "-i", "0.2", "-W", "2", HOA);
        assertThat(first.exitCode()).as("the correspondent reaches the home address through the tunnel: %s", first)
                .isZero();
        Process client = processes.startDaemon("tcp-client", List.of("ip", "netns", "exec", cn, python.toString(),
                "echo_client.py", HOA, Integer.toString(TCP_PORT), "stop", "progress"));
        await("the TCP connection carries echoes", () -> progress().filter(n -> n >= 10), client);
        Process ping = processes.startDaemon("ping", List.of("ip", "netns", "exec", cn, "ping", "-n", "-i", "0.1",
                "-W", "1", HOA));
        Thread.sleep(2000);

        // The move: link 1 goes away, the node gets its address on link 2 and tells the daemon.
        long echoesBefore = progress().orElse(0L);
        long tMove = System.nanoTime();
        in(mn, "ip", "-6", "addr", "add", COA2 + "/64", "dev", "m2", "nodad");
        in(mn, "ip", "-6", "route", "replace", "default", "via", "2001:db8:3::1", "dev", "m2");
        in(mn, "ip", "-6", "addr", "del", COA1 + "/64", "dev", "m1");
        ObjectNode move = AdminClient.request("move");
        move.put("careOf", COA2);
        ObjectNode moved = AdminClient.send(mnSocket, move, STEP);
        long moveMs = Duration.ofNanos(System.nanoTime() - tMove).toMillis();
        assertThat(moved.path("acknowledged").asBoolean()).as("%s", moved).isTrue();
        measurements.add("link 1 address removed -> move acknowledged: " + moveMs + " ms");
        JsonNode binding = await("the home agent binds " + HOA + " to " + COA2, () -> bindingOf(HOA)
                .filter(b -> b.path("careOfAddress").asText().equals(COA2)), haProcess, mnProcess);
        Thread.sleep(3000);
        long echoesAfter = progress().orElse(0L);
        TreeSet<Integer> answered = answeredEchoes();
        assertThat(answered).as("echo replies").isNotEmpty();
        int lost = lostEchoes(answered, 0, answered.last());
        int firstMoveEnd = answered.last();
        measurements.add("move 1 (IPv6 link 1 -> link 2): " + lost + " echoes of ping -i 0.1 lost (icmp_seq "
                + answered.first() + ".." + firstMoveEnd + ", " + answered.size() + " answered)");
        measurements.add("TCP echoes: " + echoesBefore + " before move 1, " + echoesAfter + " 3 s after it");
        assertThat(firstMoveEnd).as("echoes are answered for 3 s after the move").isGreaterThanOrEqualTo(40);
        assertThat(lost).as("echoes lost across move 1").isLessThanOrEqualTo(MAX_LOST_ECHOES);
        assertThat(echoesAfter).as("the TCP connection carries echoes after the move").isGreaterThan(echoesBefore + 10);

        JsonNode traffic = binding.path("traffic");
        measurements.add("binding traffic: " + traffic);
        assertThat(traffic.path("packetsToNode").asLong()).as("%s", binding).isPositive();
        assertThat(traffic.path("packetsFromNode").asLong()).as("%s", binding).isPositive();

        // Forged tunnel packets: each dropped and counted, and nothing else counted with them.
        long spoofedBefore = haCounter("dropped-spoofed-inner-source");
        long unknownBefore = haCounter("dropped-unknown-tunnel-source");
        Result spoof = in(mn, python.toString(), "-c", scapySend(COA2, SPOOFED));
        assertThat(spoof.exitCode()).as("%s", spoof).isZero();
        await("the home agent counts the spoofed inner source", () -> Optional.of(haCounter(
                "dropped-spoofed-inner-source")).filter(n -> n == spoofedBefore + 1), haProcess);
        assertThat(haCounter("dropped-unknown-tunnel-source")).as("the spoofed packet counted once, as spoofed")
                .isEqualTo(unknownBefore);
        Result stranger = in(cn, python.toString(), "-c", scapySend(CN, HOA));
        assertThat(stranger.exitCode()).as("%s", stranger).isZero();
        await("the home agent counts the tunnel packet from a stranger", () -> Optional.of(haCounter(
                "dropped-unknown-tunnel-source")).filter(n -> n == unknownBefore + 1), haProcess);
        assertThat(haCounter("dropped-spoofed-inner-source")).isEqualTo(spoofedBefore + 1);
        measurements.add("home agent data-plane counters: " + admin(haSocket, "status").orElseThrow()
                .path("dataPlane").path("counters"));

        // Move 2: to the IPv4 link behind the NAT; data and signalling share the UDP socket (RFC 5555).
        long echoesBefore2 = progress().orElse(0L);
        long tMove2 = System.nanoTime();
        in(mn, "ip", "-4", "addr", "add", V4_CARE_OF + "/24", "dev", "m3");
        in(mn, "ip", "-4", "route", "add", "default", "via", "192.0.2.1");
        in(mn, "ip", "-6", "route", "del", "default");
        in(mn, "ip", "-6", "addr", "del", COA2 + "/64", "dev", "m2");
        ObjectNode move2 = AdminClient.request("move");
        move2.put("careOf", V4_CARE_OF);
        ObjectNode moved2 = AdminClient.send(mnSocket, move2, STEP);
        long move2Ms = Duration.ofNanos(System.nanoTime() - tMove2).toMillis();
        assertThat(moved2.path("acknowledged").asBoolean()).as("%s", moved2).isTrue();
        measurements.add("link 2 address removed -> IPv4 move acknowledged: " + move2Ms + " ms");
        JsonNode natted = await("the home agent binds " + HOA + " to ::ffff:" + V4_CARE_OF + " behind the NAT",
                () -> bindingOf(HOA).filter(b -> b.path("careOfAddress").asText().equals("::ffff:" + V4_CARE_OF)),
                haProcess, mnProcess);
        assertThat(natted.path("outerPeer").asText()).as("the NAT's mapping, not the private address")
                .startsWith("198.51.100.2:");
        long toNodeBefore = natted.path("traffic").path("packetsToNode").asLong();
        Thread.sleep(3000);
        long echoesAfter2 = progress().orElse(0L);
        ping.destroy();
        ping.waitFor();
        TreeSet<Integer> all = answeredEchoes();
        int lost2 = lostEchoes(all, firstMoveEnd, all.last());
        measurements.add("move 2 (IPv6 link 2 -> IPv4 behind NAT, UDP): " + lost2 + " echoes lost (icmp_seq "
                + firstMoveEnd + ".." + all.last() + ")");
        measurements.add("TCP echoes: " + echoesBefore2 + " before move 2, " + echoesAfter2 + " 3 s after it");
        assertThat(all.last()).as("echoes are answered after move 2").isGreaterThan(firstMoveEnd + 25);
        assertThat(lost2).as("echoes lost across move 2").isLessThanOrEqualTo(MAX_LOST_ECHOES);
        assertThat(echoesAfter2).as("the TCP connection carries echoes after move 2").isGreaterThan(echoesBefore2 + 10);
        JsonNode overUdp = bindingOf(HOA).orElseThrow().path("traffic");
        measurements.add("binding traffic after move 2: " + overUdp);
        assertThat(overUdp.path("packetsToNode").asLong()).as("packets tunnelled over UDP")
                .isGreaterThan(toNodeBefore + 20);

        Files.writeString(work.resolve("stop"), "");
        assertThat(client.waitFor() == 0 && client.exitValue() == 0).as("the TCP client ends without a reset: %s",
                DaemonsEndToEndProcesses.read(work.resolve("tcp-client.stdout"))).isTrue();

        // SIGTERM: the mobile node deregisters and removes its TUN device and rule.
        assertThat(processes.terminate("mn", mnProcess, STEP)).isTrue();
        assertThat(mnProcess.exitValue()).isZero();
        assertThat(in(mn, "ip", "-6", "rule", "show").out()).doesNotContain(HOA);
        assertThat(in(mn, "ip", "link", "show", "mip6mn0").exitCode()).as("the TUN device is gone").isNotZero();

        // SIGKILL leaves the rule behind; the next start removes it.
        in(mn, "ip", "-4", "route", "del", "default");
        in(mn, "ip", "-6", "addr", "add", COA1 + "/64", "dev", "m1", "nodad");
        in(mn, "ip", "-6", "route", "replace", "default", "via", "2001:db8:2::1", "dev", "m1");
        Process killed = startMobileNode("mn-killed");
        await("the mobile node is registered again", () -> admin(mnSocket, "status")
                .filter(s -> s.path("registered").asBoolean()), haProcess, killed);
        killed.destroyForcibly();
        killed.waitFor();
        assertThat(in(mn, "ip", "-6", "rule", "show").out()).as("what SIGKILL leaves").contains("from " + HOA);
        Process again = startMobileNode("mn-again");
        await("the mobile node is registered after the SIGKILL", () -> admin(mnSocket, "status")
                .filter(s -> s.path("registered").asBoolean()), haProcess, again);
        assertThat(processes.stderrOf("mn-again")).contains("removed what an earlier run left");
        assertThat(in(mn, "ip", "-6", "rule", "show").out().lines().filter(l -> l.contains("from " + HOA)).count())
                .as("one rule, not two").isEqualTo(1);
        assertThat(processes.terminate("mn-again", again, STEP)).isTrue();
        assertThat(in(mn, "ip", "-6", "rule", "show").out()).doesNotContain(HOA);

        assertThat(processes.terminate("ha", haProcess, STEP)).isTrue();
        assertThat(haProcess.exitValue()).isZero();
        assertThat(in(ha, "ip", "link", "show", "mip6ha0").exitCode()).as("the TUN device is gone").isNotZero();
        assertThat(in(ha, "ip", "-6", "route", "show", "2001:db8:1::/64").out()).doesNotContain("mip6ha0");
        System.out.println("DataPlaneEndToEndTest: " + String.join("\n  ", measurements) + "\n" + processes.timeline());
    }

    private Process startMobileNode(String name) throws Exception {
        return rig.startMip6kit(name, mn, "mn", "run", "--config", "mn.yaml");
    }

    private Optional<JsonNode> bindingOf(String hoa) {
        return rig.bindingOf(haSocket, hoa);
    }

    private Optional<ObjectNode> admin(Path socket, String command) {
        return rig.admin(socket, command);
    }

    private TreeSet<Integer> answeredEchoes() {
        return rig.answeredEchoes("ping");
    }

    private static int lostEchoes(TreeSet<Integer> answered, int after, int upTo) {
        return NamespaceRig.lostEchoes(answered, after, upTo);
    }

    private Result sh(String label, String... command) throws Exception {
        return rig.sh(label, command);
    }

    private Result in(String ns, String... command) throws Exception {
        return rig.in(ns, command);
    }

    private <T> T await(String what, NamespaceRig.Probe<T> probe, Process... alive) throws Exception {
        return rig.await(what, probe, alive);
    }

    private void writeConfigs() throws Exception {
        Path keys = work.resolve("keys.txt");
        Files.createFile(keys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keys, "mn1@example.com 256 hmac-sha1 key="
                + HexFormat.of().formatHex(new SecureRandom().generateSeed(16)) + "\n");
        haSocket = work.resolve("ha.sock");
        mnSocket = work.resolve("mn.sock");
        Files.writeString(work.resolve("ha.yaml"), """
                home-agent:
                  address: %s
                  home-prefixes: [2001:db8:1::/64]
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
                """.formatted(HA));
        Files.writeString(work.resolve("mn.yaml"), """
                mobile-node:
                  home-address: %s
                  home-agent: %s
                  home-agent-endpoint: ["[%s]:4191", "%s:4191"]
                  care-of:
                    address: %s
                  lifetime: 600s
                transport:
                  udp: { bind: "::", port: 0 }
                admin:
                  socket: mn.sock
                security:
                  provider: auth-option-4285
                  auth-option-4285:
                    nai: mn1@example.com
                    key-table: keys.txt
                data-plane:
                  enabled: true
                """.formatted(HOA, HA, HA, HA_V4, COA1));
    }

    /**
     * A program sending one IPv6-in-IPv6 packet to the home agent from {@code outer}: scapy builds
     * the inner echo request (from {@code innerSource} to the correspondent, checksum included),
     * a protocol-41 raw socket bound to {@code outer} sends it, so the kernel adds the outer header
     * and resolves the next hop as for any packet of that host.
     */
    private static String scapySend(String outer, String innerSource) {
        return "import socket\n"
                + "from scapy.all import IPv6, ICMPv6EchoRequest\n"
                + "inner = bytes(IPv6(src='" + innerSource + "', dst='" + CN + "', hlim=64)"
                + "/ICMPv6EchoRequest(id=7, seq=1))\n"
                + "s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 41)\n"
                + "s.bind(('" + outer + "', 0))\n"
                + "s.sendto(inner, ('" + HA + "', 0))\n"
                + "print('SENT', len(inner))\n";
    }

    private long haCounter(String name) {
        return admin(haSocket, "status").orElseThrow().path("dataPlane").path("counters").path(name).asLong(-1);
    }

    private Optional<Long> progress() {
        try {
            Path p = work.resolve("progress");
            return Files.exists(p) ? Optional.of(Long.parseLong(Files.readString(p).strip())) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static final String ECHO_SERVER = """
            import socket, sys
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((sys.argv[1], int(sys.argv[2])))
            s.listen(1)
            print("listening", flush=True)
            c, peer = s.accept()
            print("accepted", peer, flush=True)
            while True:
                d = c.recv(4096)
                if not d:
                    break
                c.sendall(d)
            print("closed by the client", flush=True)
            """;

    private static final String ECHO_CLIENT = """
            import os, socket, sys, time
            host, port, stop, progress = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
            n = 0
            try:
                c = socket.create_connection((host, port), timeout=5)
                c.settimeout(15)
                while not os.path.exists(stop):
                    msg = b"x" * 100 + b"%08d\\n" % n
                    c.sendall(msg)
                    got = b""
                    while len(got) < len(msg):
                        d = c.recv(len(msg) - len(got))
                        if not d:
                            raise ConnectionError("closed by the peer")
                        got += d
                    if got != msg:
                        raise ValueError("echo differs")
                    n += 1
                    with open(progress + ".tmp", "w") as f:
                        f.write(str(n))
                    os.replace(progress + ".tmp", progress)
                    time.sleep(0.05)
                c.close()
                print("ok echoes=%d" % n, flush=True)
            except Exception as e:
                print("FAILED after %d echoes: %r" % (n, e), flush=True)
                sys.exit(1)
            """;
}
