package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndProcesses.Result;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed;
import org.mip6kit.provider.ipsec.testbed.CharonTestbed.Side;
import org.mip6kit.provider.ipsec.testbed.MobilityHeaderProbe;
import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.provider.ipsec.vici.ViciMessage;
import org.mip6kit.testing.HostRequirements;

/**
 * The reference daemons with the {@code ipsec-ikev2} provider in mode {@code libipsec}, each a
 * separate JVM started inside one namespace of the {@link CharonTestbed} ({@code ip netns exec}),
 * from the shipped examples {@code docs/examples/ha-ipsec.yaml} and {@code mn-ipsec.yaml}. The
 * test only rewrites the {@code vici-socket} line of each copy (to the testbed's charon); the
 * keys are made with the command in {@code ha-ipsec.yaml}'s comments, next to the copies, where
 * the examples' relative paths find them. Checked from outside: home registration with a home
 * address from charon's pool; a plain Binding Update from the home address outside the tunnel
 * changes nothing; a care-of change; the mobile node's charon killed and restarted; SIGTERM to the
 * mobile node deregisters and ends the IKE SA and the lease.
 */
@Tag("large")
class IpsecDaemonsEndToEndTest {

    private static final Duration STEP_LIMIT = Duration.ofSeconds(20);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String HA_CONFIG = "docs/examples/ha-ipsec.yaml";
    private static final String MN_CONFIG = "docs/examples/mn-ipsec.yaml";
    private static final String DEFAULT_VICI = "vici-socket: /var/run/charon.vici";
    private static final String MN_ID = "mn1@example.org";
    private static final String OWNER = "ike_id:" + MN_ID;
    private static final String POOL_PREFIX = "2001:db8:1::10";   // 2001:db8:1::100/124

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private DaemonsEndToEndProcesses processes;
    private CharonTestbed bed;
    private Path haSocket;
    private Path mnSocket;
    private final List<String> measurements = new ArrayList<>();

    @Test
    void libipsecDaemonsRegisterThroughCharonSurviveMoveAndCharonRestartAndDeregisterOnSigterm() throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        Path python = HostRequirements.command("python3", "python3");
        Path cfg = Files.createDirectories(work.resolve("cfg"));
        processes = new DaemonsEndToEndProcesses(cfg);
        try {
            bed = CharonTestbed.start(Files.createDirectories(work.resolve("bed")));
            scenario(root, cfg, python);
        } catch (Throwable t) {
            System.err.println(processes.report());
            if (bed != null) {
                System.err.println("---- charon MN\n" + bed.charonLogText(Side.MN) + "\n---- charon HA\n"
                        + bed.charonLogText(Side.HA));
            }
            throw t;
        } finally {
            try {
                processes.close();
            } finally {
                if (bed != null) {
                    bed.close();
                }
            }
        }
    }

    private void scenario(Path root, Path cfg, Path python) throws Exception {
        // The examples, copied; only the VICI socket line changes.
        Path haYaml = copyWithVici(root.resolve(HA_CONFIG), cfg.resolve("ha-ipsec.yaml"), bed.viciSocket(Side.HA));
        Path mnYaml = copyWithVici(root.resolve(MN_CONFIG), cfg.resolve("mn-ipsec.yaml"), bed.viciSocket(Side.MN));
        Result keys = processes.run("create-keys", STEP_LIMIT,
                List.of("sh", "-c", TlsChannelDaemonsEndToEndTest.credentialCommand(haYaml)));
        assertThat(keys.exitCode()).as("%s", keys).isZero();
        haSocket = cfg.resolve("ha-ipsec.sock");
        mnSocket = cfg.resolve("mn-ipsec.sock");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = root.resolve("cli/target/mip6kit-cli.jar");
        assertThat(jar).as("built by the package phase").isRegularFile();
        String classPath = jar + ":" + root.resolve("cli/target/lib") + "/*";

        long t0 = System.nanoTime();
        Process ha = processes.startDaemon("ha", List.of("ip", "netns", "exec", bed.namespace(Side.HA), java,
                "-cp", classPath, "org.mip6kit.cli.Mip6kitCommand", "ha", "run", "--config", haYaml.toString()));
        await("the home agent answers status", () -> admin(haSocket, "status"), ha);
        processes.note("ha up after " + ms(t0) + " ms");

        long[] vethBefore = vethCounters(Side.MN);
        long tMn = System.nanoTime();
        Process mn = processes.startDaemon("mn", List.of("ip", "netns", "exec", bed.namespace(Side.MN), java,
                "-cp", classPath, "org.mip6kit.cli.Mip6kitCommand", "mn", "run", "--config", mnYaml.toString()));
        JsonNode status = await("the mobile node is registered", () -> admin(mnSocket, "status")
                .filter(s -> s.path("registered").asBoolean()), ha, mn);
        long registeredMs = ms(tMn);
        long[] vethAfter = vethCounters(Side.MN);
        measurements.add("MN daemon start -> registered: " + registeredMs + " ms (JVM start included)");
        measurements.add(String.format("MN veth0 during the first registration: tx %d bytes / %d packets, rx %d bytes"
                + " / %d packets (Ethernet frames: IKE_SA_INIT, IKE_AUTH, ESP-in-UDP with BU and BA)",
                vethAfter[0] - vethBefore[0], vethAfter[1] - vethBefore[1], vethAfter[2] - vethBefore[2],
                vethAfter[3] - vethBefore[3]));

        // (a) home registration.
        String hoa = status.path("homeAddress").asText();
        assertThat(hoa).as("%s", status).startsWith(POOL_PREFIX);
        assertThat(status.path("careOfAddress").asText()).isEqualTo(CharonTestbed.MN_CARE_OF);
        JsonNode binding = bindingOf(hoa).orElseThrow(() -> new AssertionError("no binding for " + hoa));
        assertThat(binding.path("identity").asText()).isEqualTo(OWNER);
        assertThat(binding.path("careOfAddress").asText()).isEqualTo(CharonTestbed.MN_CARE_OF);
        assertThat(binding.path("provider").asText()).isEqualTo("ipsec-ikev2");
        assertThat(onlineLeases()).as("get-pools").containsExactly(hoa + " " + MN_ID);

        // (b) a plain BU from the home address on the veth: dropped, counted, binding unchanged.
        long outsideBefore = haProviderCounter("outside-tunnel");
        MobilityHeaderProbe probe = new MobilityHeaderProbe(bed, python, work);
        bed.exec(Side.MN, "ip", "-6", "route", "add", CharonTestbed.HA_INNER + "/128", "via", CharonTestbed.HA_OUTER,
                "dev", CharonTestbed.VETH).checked();
        assertThat(probe.send(Side.MN, hoa, CharonTestbed.HA_INNER, 4242, CharonTestbed.VETH).checked().stdout())
                .contains("SENT");
        bed.exec(Side.MN, "ip", "-6", "route", "del", CharonTestbed.HA_INNER + "/128", "via", CharonTestbed.HA_OUTER,
                "dev", CharonTestbed.VETH).checked();
        await("the home agent counts the BU outside the tunnel",
                () -> Optional.of(haProviderCounter("outside-tunnel")).filter(c -> c > outsideBefore), ha, mn);
        JsonNode after = bindingOf(hoa).orElseThrow();
        assertThat(after.path("sequence").asInt()).as("binding unchanged").isEqualTo(binding.path("sequence").asInt());
        assertThat(after.path("careOfAddress").asText()).isEqualTo(CharonTestbed.MN_CARE_OF);

        // (c) a care-of change: ::3 added and ::2 removed (charon moves the IKE SA by MOBIKE), then the
        // node is told; its Binding Update travels through the moved tunnel.
        bed.addAddress(Side.MN, CharonTestbed.VETH, CharonTestbed.MN_CARE_OF_2 + "/" + CharonTestbed.LINK_PREFIX_LENGTH);
        bed.removeAddress(Side.MN, CharonTestbed.VETH, CharonTestbed.MN_CARE_OF + "/" + CharonTestbed.LINK_PREFIX_LENGTH);
        long tMove = System.nanoTime();
        ObjectNode move = AdminClient.request("move");
        move.put("careOf", CharonTestbed.MN_CARE_OF_2);
        ObjectNode moved = AdminClient.send(mnSocket, move, STEP_LIMIT);
        processes.note("move answer: " + moved);
        assertThat(moved.path("acknowledged").asBoolean()).as("%s", moved).isTrue();
        JsonNode movedBinding = await("the home agent's binding has care-of " + CharonTestbed.MN_CARE_OF_2,
                () -> bindingOf(hoa).filter(b -> b.path("careOfAddress").asText().equals(CharonTestbed.MN_CARE_OF_2)),
                ha, mn);
        measurements.add("care-of move (after ::2 was removed) -> acknowledged and HA binding updated: " + ms(tMove)
                + " ms");
        assertThat(movedBinding.path("sequence").asInt()).isNotEqualTo(binding.path("sequence").asInt());
        assertThat(processes.stderrOf("mn")).contains("mobike-update");

        // (d) the mobile node's charon killed and restarted.
        int seqBeforeKill = admin(mnSocket, "status").orElseThrow().path("sequence").asInt();
        bed.killCharon(Side.MN);
        long tKill = System.nanoTime();
        bed.startCharon(Side.MN);
        JsonNode again = await("the mobile node is registered again after charon's restart",
                () -> admin(mnSocket, "status").filter(s -> s.path("registered").asBoolean())
                        .filter(s -> s.path("sequence").asInt() != seqBeforeKill), ha, mn);
        measurements.add("MN charon SIGKILL -> MN registered again: " + ms(tKill) + " ms");
        String hoa2 = again.path("homeAddress").asText();
        assertThat(hoa2).startsWith(POOL_PREFIX);
        await("the home agent binds " + hoa2 + " to care-of " + CharonTestbed.MN_CARE_OF_2, () -> bindingOf(hoa2)
                .filter(b -> b.path("careOfAddress").asText().equals(CharonTestbed.MN_CARE_OF_2)), ha, mn);
        if (!hoa2.equals(hoa)) {
            long tOld = System.nanoTime();
            Optional<JsonNode> lingering = Optional.empty();
            while (ms(tOld) < 30_000) {
                lingering = bindingOf(hoa);
                if (lingering.isEmpty()) {
                    break;
                }
                Thread.sleep(500);
            }
            measurements.add("old binding " + hoa + (lingering.isEmpty() ? " revoked " + ms(tKill) + " ms after the kill"
                    : " still there 30 s after the re-registration"));
        } else {
            measurements.add("charon re-leased the same home address " + hoa);
        }
        // The HA's old IKE SA (the MN's charon died without a DELETE) goes by INITIAL_CONTACT or DPD.
        long tSas = System.nanoTime();
        int haSas = haIkeSas();
        while (haSas > 1 && ms(tSas) < 30_000) {
            Thread.sleep(500);
            haSas = haIkeSas();
        }
        measurements.add("HA IKE SAs of mip6kit-ha after the re-registration: " + haSas + " (" + ms(tSas)
                + " ms later); HA lease-ended events so far: "
                + processes.stderrOf("ha").lines().filter(l -> l.contains("lease-ended")).count());

        // (e) SIGTERM: deregistration first, then nothing left at the home agent or in charon.
        assertThat(processes.terminate("mn", mn, STEP_LIMIT)).isTrue();
        assertThat(mn.exitValue()).isZero();
        assertThat(processes.stderrOf("mn")).contains("deregistered");
        await("no binding left", () -> Optional.of(bindingCount()).filter(n -> n == 0), ha);
        await("no IKE SA of mip6kit-ha left", () -> Optional.of(haIkeSas()).filter(n -> n == 0), ha);
        assertThat(onlineLeases()).as("online leases after the node left").isEmpty();
        assertThat(processes.terminate("ha", ha, STEP_LIMIT)).isTrue();
        String psk = Files.readString(cfg.resolve("mn1.psk")).strip().toLowerCase();
        for (String log : List.of(processes.stderrOf("ha"), processes.stderrOf("mn"))) {
            assertThat(log.toLowerCase()).doesNotContain(psk);
        }
        System.out.println("IpsecDaemonsEndToEndTest: " + String.join("\n  ", measurements) + "\n"
                + processes.timeline());
    }

    // ------------------------------------------------------------------ helpers

    private static Path copyWithVici(Path example, Path copy, Path vici) throws Exception {
        String text = Files.readString(example, StandardCharsets.UTF_8);
        assertThat(text).as("%s names charon's default VICI socket once", example).containsOnlyOnce(DEFAULT_VICI);
        Files.writeString(copy, text.replace(DEFAULT_VICI, "vici-socket: " + vici), StandardCharsets.UTF_8);
        return copy;
    }

    private Optional<ObjectNode> admin(Path socket, String command) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AdminClient.send(socket, command, ADMIN_TIMEOUT));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private long haProviderCounter(String name) {
        return admin(haSocket, "status").orElseThrow().path("provider").path("counters").path(name).asLong();
    }

    private Optional<JsonNode> bindingOf(String hoa) {
        for (JsonNode b : admin(haSocket, "bindings").orElseThrow().path("bindings")) {
            if (b.path("homeAddress").asText().equals(hoa)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private int bindingCount() {
        return admin(haSocket, "bindings").orElseThrow().path("bindings").size();
    }

    /** "address identity" of each online lease in the HA charon's pools. */
    private List<String> onlineLeases() throws Exception {
        ViciClient vici = bed.vici(Side.HA);
        ViciMessage pools = vici.request("get-pools", ViciMessage.builder().add("leases", "yes").build())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        List<String> online = new ArrayList<>();
        for (ViciMessage.Element e : pools.elements()) {
            if (e instanceof ViciMessage.Section pool) {
                for (ViciMessage.Element l : pool.body().section("leases").map(ViciMessage::elements)
                        .orElse(List.of())) {
                    if (l instanceof ViciMessage.Section lease
                            && lease.body().text("status").filter("online"::equals).isPresent()) {
                        online.add(lease.body().text("address").orElse("?") + " "
                                + lease.body().text("identity").orElse("?"));
                    }
                }
            }
        }
        vici.close();
        return online;
    }

    /** IKE SAs of connection mip6kit-ha in the HA's charon. */
    private int haIkeSas() throws Exception {
        ViciClient vici = bed.vici(Side.HA);
        List<ViciMessage> sas = new ArrayList<>();
        vici.request("list-sas", ViciMessage.builder().add("ike", "mip6kit-ha").build(), "list-sa", sas::add)
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        vici.close();
        return (int) sas.stream().filter(m -> m.section("mip6kit-ha").isPresent()).count();
    }

    /** tx bytes, tx packets, rx bytes, rx packets of the veth in that namespace. */
    private long[] vethCounters(Side side) throws Exception {
        String out = bed.exec(side, "sh", "-c", "cd /sys/class/net/" + CharonTestbed.VETH + "/statistics && cat "
                + "tx_bytes tx_packets rx_bytes rx_packets").checked().stdout();
        String[] f = out.strip().split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    interface Probe<T> {
        Optional<T> get() throws Exception;
    }

    private <T> T await(String what, Probe<T> probe, Process... alive) throws Exception {
        long start = System.nanoTime();
        while (ms(start) < STEP_LIMIT.toMillis()) {
            for (Process p : alive) {
                if (!p.isAlive()) {
                    fail("waiting until " + what + ": process " + p.pid() + " exited with " + p.exitValue());
                }
            }
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                processes.note(what + " (" + ms(start) + " ms)");
                return v.get();
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError("not within " + STEP_LIMIT + ": " + what);
    }

    private static long ms(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
    }
}
