package org.mip6kit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;
import org.mip6kit.provider.ipsec.IpsecIkev2Provider;
import org.mip6kit.provider.ipsec.charon.Charon;
import org.mip6kit.provider.ipsec.charon.IkeSa;
import org.mip6kit.provider.ipsec.charon.PoolLease;
import org.mip6kit.provider.ipsec.lab.CharonLab;
import org.mip6kit.provider.ipsec.lab.CharonLab.Side;
import org.mip6kit.provider.ipsec.vici.ViciClient;

/**
 * The story {@code mip6kit demo --provider ipsec-ikev2} tells. charon cannot tunnel to itself,
 * so unlike {@link DemoScenario} nothing runs in this JVM: a {@link CharonLab} gives each side a
 * network namespace with its own charon (kernel-libipsec), and the reference home agent and
 * mobile node run as child JVMs inside them ({@code ip netns exec <ns> java -cp <this class path>
 * org.mip6kit.cli.Mip6kitCommand ha|mn run --config ...}), configured like
 * {@code docs/examples/ha-ipsec.yaml} and {@code mn-ipsec.yaml} with a fresh pre-shared key in
 * the private directory. The demo narrates what their admin sockets and charon's VICI say:
 * <ol>
 * <li>the IKEv2 SA and the home address charon's pool leased ({@code get-pools});</li>
 * <li>the home registration: the home agent's binding, owned by the IKE identity;</li>
 * <li>a move: a new care-of address added, the old one removed, {@code mn move}; MOBIKE moves
 *     the tunnel and the home agent's binding follows;</li>
 * <li>SIGTERM to the mobile node: deregistration, no binding, no IKE SA, no lease left;</li>
 * <li>teardown: both daemons and both charons ended by PID, both namespaces deleted.</li>
 * </ol>
 * Each step waits a bounded time for what it expects; anything else is a {@link DemoFailure}
 * that carries the end of the daemons' logs (the private directory is gone afterwards).
 */
final class DemoIpsecScenario {

    static final String PROVIDER = IpsecIkev2Provider.NAME;
    static final String NAMESPACE_PREFIX = "mip6demo";
    static final String MN_ID = "mn1@example.org";
    static final String HA_ID = "ha.example.org";
    static final String POOL = "2001:db8:1::100/124";
    static final String HA_CONNECTION = "mip6kit-ha";
    static final String MN_CONNECTION = "mip6kit-mn";

    /** A step may include a JVM's start on a busy machine. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration VICI_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int LOG_TAIL_LINES = 25;

    private final DemoPrivateDirectory directory;
    private final DemoConsole console;
    private final Path pcap;
    private final List<Daemon> daemons = new ArrayList<>();
    /** The daemons the demo itself sent SIGTERM; their exit is not a failure of a later step. */
    private final List<Daemon> stopped = new ArrayList<>();

    /** A reference daemon started in a namespace, with its log (stdout and stderr). */
    private record Daemon(Side side, Process process, Path log, Path adminSocket) {
        String name() {
            return side.name();
        }
    }

    /**
     * @param directory the private directory for keys, configurations, the lab and the logs;
     *        removed before the last line
     * @param console where the lines go
     * @param pcap the {@code --pcap} the user named (not written: the signalling travels in ESP)
     */
    DemoIpsecScenario(DemoPrivateDirectory directory, DemoConsole console, Path pcap) {
        this.directory = directory;
        this.console = console;
        this.pcap = pcap;
    }

    /** Runs the story; every process it started is ended and both namespaces deleted when it returns or throws. */
    void run() throws DemoFailure {
        CharonLab lab = null;
        Thread hook = null;
        ViciClient haVici = null;
        ViciClient mnVici = null;
        try {
            console.heading("0. the lab: two network namespaces joined by a veth pair, a strongSwan charon in each "
                    + "(kernel-libipsec: ESP in userspace, over a TUN device)");
            Path labDir = Files.createDirectories(directory.path().resolve("lab"));
            lab = CharonLab.start(labDir, CharonLab.Options.named(NAMESPACE_PREFIX));
            // Ctrl-C ends the JVM without finally blocks: the hook still kills what the lab started
            // and removes the key.
            CharonLab started = lab;
            hook = new Thread(() -> {
                started.close();
                directory.close();
            }, "mip6kit-demo-lab-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            haVici = lab.connectVici(Side.HA);
            mnVici = lab.connectVici(Side.MN);
            Charon ha = new Charon(haVici);
            Charon mn = new Charon(mnVici);
            console.line(String.format("%-11s%s: %s %s/%d, lo %s (the home agent's address); %s, PID %d",
                    "lab", lab.namespace(Side.HA), CharonLab.VETH, CharonLab.HA_OUTER, CharonLab.LINK_PREFIX_LENGTH,
                    CharonLab.HA_INNER, vici(ha.version(), "charon's version (HA)"), lab.charonPid(Side.HA)));
            console.line(String.format("%-11s%s: %s %s/%d (the care-of address); %s, PID %d", "lab",
                    lab.namespace(Side.MN), CharonLab.VETH, CharonLab.MN_CARE_OF, CharonLab.LINK_PREFIX_LENGTH,
                    vici(mn.version(), "charon's version (MN)"), lab.charonPid(Side.MN)));

            Path[] configs = writeConfigurations(lab);
            console.line(String.format("%-11sa fresh pre-shared key for %s in %s (%s): %s", "keys", MN_ID, directory,
                    DemoPrivateDirectory.PERMISSIONS, String.join(", ", describe(configs))));

            console.heading("1. the home agent and the mobile node start, each a JVM in its namespace");
            long t0 = System.nanoTime();
            Daemon haDaemon = startDaemon(lab, Side.HA, "ha", configs[0]);
            awaitValue("the home agent answers on its admin socket", () -> admin(haDaemon, "status"));
            console.line(DemoConsole.Side.HA, "ha run --config " + configs[0].getFileName() + ": PID "
                    + haDaemon.process().pid() + " in " + lab.namespace(Side.HA) + ", up after " + ms(t0)
                    + " ms; it loaded the key, pool " + POOL + " and connection " + HA_CONNECTION + " into charon");
            long t1 = System.nanoTime();
            Daemon mnDaemon = startDaemon(lab, Side.MN, "mn", configs[1]);
            console.line(DemoConsole.Side.MN, "mn run --config " + configs[1].getFileName() + ": PID "
                    + mnDaemon.process().pid() + " in " + lab.namespace(Side.MN) + "; IKEv2 to " + HA_ID + " at "
                    + CharonLab.HA_OUTER + " from " + CharonLab.MN_CARE_OF);

            console.heading("2. IKEv2 SA, a home address from the pool, home registration through the tunnel");
            JsonNode status = awaitValue("the mobile node is registered", () -> admin(mnDaemon, "status")
                    .filter(s -> s.path("registered").asBoolean()));
            long registeredMs = ms(t1);
            String hoa = status.path("homeAddress").asText();
            IkeSa mnSa = onlyIkeSa(mn, MN_CONNECTION);
            console.line(DemoConsole.Side.MN, "IKEv2 SA " + mnSa.name() + " " + mnSa.state() + ": " + mnSa.localId()
                    + " [" + mnSa.localHost() + "] <-> " + mnSa.remoteId() + " [" + mnSa.remoteHost()
                    + "], virtual IP " + String.join(", ", mnSa.localVips()) + ", "
                    + mnSa.children().size() + " CHILD SA(s) in tunnel mode");
            List<PoolLease> online = onlineLeases(ha);
            console.line(DemoConsole.Side.HA, "charon's pool (get-pools): " + describeLeases(online));
            if (online.stream().noneMatch(l -> l.address().equals(hoa) && l.identity().equals(MN_ID))) {
                throw new DemoFailure("the mobile node registered home address " + hoa + ", but charon's pool has "
                        + "no online lease of it to " + MN_ID + ": " + describeLeases(online));
            }
            console.line(DemoConsole.Side.MN, "registered " + registeredMs + " ms after its start (JVM included): "
                    + "home address " + hoa + " (from the pool), care-of address "
                    + status.path("careOfAddress").asText() + ", sequence " + status.path("sequence").asText());
            JsonNode binding = awaitValue("the home agent binds " + hoa, () -> bindingOf(haDaemon, hoa));
            printBinding("binding", binding);
            String owner = "ike_id:" + MN_ID;
            if (!binding.path("identity").asText().equals(owner)) {
                throw new DemoFailure("the home agent's binding for " + hoa + " belongs to "
                        + binding.path("identity").asText() + ", not to the IKE identity " + owner);
            }

            console.heading("3. the mobile node moves: care-of address " + CharonLab.MN_CARE_OF + " -> "
                    + CharonLab.MN_CARE_OF_2 + " (MOBIKE moves the tunnel)");
            String newCidr = CharonLab.MN_CARE_OF_2 + "/" + CharonLab.LINK_PREFIX_LENGTH;
            String oldCidr = CharonLab.MN_CARE_OF + "/" + CharonLab.LINK_PREFIX_LENGTH;
            lab.addAddress(Side.MN, CharonLab.VETH, newCidr);
            lab.removeAddress(Side.MN, CharonLab.VETH, oldCidr);
            console.line(DemoConsole.Side.MN, "ip addr add " + newCidr + " dev " + CharonLab.VETH + "; ip addr del "
                    + oldCidr + " dev " + CharonLab.VETH);
            ObjectNode move = AdminClient.request("move");
            move.put("careOf", CharonLab.MN_CARE_OF_2);
            ObjectNode moved = adminOrFail(mnDaemon, move, STEP_TIMEOUT, "mn move");
            if (!moved.path("acknowledged").asBoolean()) {
                throw new DemoFailure("mn move --care-of " + CharonLab.MN_CARE_OF_2 + ": not acknowledged: "
                        + moved.path("detail").asText());
            }
            console.line(DemoConsole.Side.MN, "mn move --care-of " + CharonLab.MN_CARE_OF_2
                    + ": the home agent acknowledged");
            IkeSa movedSa = awaitValue("charon's IKE SA moves to " + CharonLab.MN_CARE_OF_2,
                    () -> Optional.of(onlyIkeSa(mn, MN_CONNECTION))
                            .filter(sa -> sa.localHost().equals(CharonLab.MN_CARE_OF_2)));
            console.line(DemoConsole.Side.MN, "IKEv2 SA " + movedSa.name() + " now [" + movedSa.localHost()
                    + "] <-> [" + movedSa.remoteHost() + "], same virtual IP " + String.join(", ",
                    movedSa.localVips()) + " (MOBIKE; no new IKE SA)");
            JsonNode movedBinding = awaitValue("the home agent's binding follows to " + CharonLab.MN_CARE_OF_2,
                    () -> bindingOf(haDaemon, hoa)
                            .filter(b -> b.path("careOfAddress").asText().equals(CharonLab.MN_CARE_OF_2)));
            printBinding("binding moved", movedBinding);

            console.heading("4. the mobile node stops (SIGTERM): deregistration");
            int exit = stop(mnDaemon);
            String deregistered = logLines(mnDaemon).stream().filter(l -> l.contains("deregistered")).findFirst()
                    .orElseThrow(() -> new DemoFailure("the mobile node exited with " + exit + " but its log shows "
                            + "no deregistration" + tail(mnDaemon)));
            console.line(DemoConsole.Side.MN, "SIGTERM to PID " + mnDaemon.process().pid() + ": exited with " + exit
                    + "; its log: " + deregistered.strip());
            if (exit != 0) {
                throw new DemoFailure("the mobile node exited with " + exit + " after SIGTERM" + tail(mnDaemon));
            }
            awaitValue("the home agent's binding cache is empty", () -> bindingCount(haDaemon)
                    .filter(n -> n == 0));
            console.line(DemoConsole.Side.HA, "binding cache: empty");
            awaitValue("no IKE SA of " + HA_CONNECTION + " is left", () -> Optional.of(ikeSas(ha, HA_CONNECTION))
                    .filter(List::isEmpty));
            List<PoolLease> after = onlineLeases(ha);
            if (!after.isEmpty()) {
                throw new DemoFailure("after the deregistration charon's pool still has online leases: "
                        + describeLeases(after));
            }
            console.line(DemoConsole.Side.HA, "charon: no IKE SA of " + HA_CONNECTION + ", pool leases online: none");

            console.heading("5. teardown");
            int haExit = stop(haDaemon);
            console.line(DemoConsole.Side.HA, "SIGTERM to PID " + haDaemon.process().pid() + ": exited with "
                    + haExit);
            if (haExit != 0) {
                throw new DemoFailure("the home agent exited with " + haExit + " after SIGTERM" + tail(haDaemon));
            }
            haVici.close();
            haVici = null;
            mnVici.close();
            mnVici = null;
            String charons = lab.charonPid(Side.HA) + " (HA) and " + lab.charonPid(Side.MN) + " (MN)";
            List<String> namespaces = List.of(lab.namespace(Side.HA), lab.namespace(Side.MN));
            lab.close();
            if (!lab.leftovers().isEmpty()) {
                throw new DemoFailure("the lab could not remove: " + String.join(", ", lab.leftovers()));
            }
            lab = null;
            console.line(String.format("%-11scharon PIDs %s ended; namespaces %s deleted", "lab", charons,
                    String.join(" and ", namespaces)));

            console.heading("done");
            console.line(String.format("%-11snot written (%s): the signalling travelled inside ESP, which "
                    + "kernel-libipsec carries in UDP; only IKE and ESP would show on the veth", "pcap", pcap));
            directory.close();
            console.line(String.format("%-11s%s %s", "keys", directory.exists() ? "could not remove" : "removed",
                    directory));
        } catch (IOException e) {
            throw new DemoFailure("the lab: " + e.getMessage() + logTails(), e);
        } catch (IllegalStateException e) {
            throw new DemoFailure("the lab: " + e.getMessage() + logTails(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        } finally {
            if (haVici != null) {
                haVici.close();
            }
            if (mnVici != null) {
                mnVici.close();
            }
            for (Daemon d : daemons) {
                if (d.process().isAlive()) {
                    d.process().destroyForcibly();
                }
            }
            if (lab != null) {
                lab.close();
            }
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down; the hook runs, and close() is idempotent
                }
            }
        }
    }

    // ------------------------------------------------------------------ configuration

    /** The key files and both configurations, owner-only; returns {ha.yaml, mn.yaml}. */
    private Path[] writeConfigurations(CharonLab lab) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String hex = HexFormat.of().formatHex(key);
        Path dir = directory.path();
        writePrivate(dir.resolve("ipsec-psk-table"), MN_ID + " " + hex + "\n");
        writePrivate(dir.resolve("mn1.psk"), hex + "\n");
        Path ha = writePrivate(dir.resolve("ha-ipsec.yaml"), String.join("\n",
                "# The home agent of mip6kit demo --provider ipsec-ikev2 (shape: docs/examples/ha-ipsec.yaml).",
                "home-agent:",
                "  address: " + CharonLab.HA_INNER,
                "  home-prefixes: [" + CharonLab.HOME_PREFIX + "]",
                "  max-lifetime: 1h",
                "  refresh-advice-ratio: 0.8",
                "transport:",
                "  udp: { bind: \"::1\", port: 4191 }",
                "admin:",
                "  socket: ha-ipsec.sock",
                "logging:",
                "  level: info",
                "security:",
                "  provider: " + PROVIDER,
                "  " + PROVIDER + ":",
                "    mode: libipsec",
                "    vici-socket: " + lab.viciSocket(Side.HA),
                "    identity: " + HA_ID,
                "    home-prefix: " + CharonLab.HOME_PREFIX,
                "    pool: " + POOL,
                "    psk-table: ipsec-psk-table",
                ""));
        Path mn = writePrivate(dir.resolve("mn-ipsec.yaml"), String.join("\n",
                "# The mobile node of mip6kit demo --provider ipsec-ikev2 (shape: docs/examples/mn-ipsec.yaml).",
                "mobile-node:",
                "  home-agent: " + CharonLab.HA_INNER,
                "  bootstrap: { want: home-address, ipv4-home-address: false }",
                "  care-of:",
                "    address: " + CharonLab.MN_CARE_OF,
                "  lifetime: 600s",
                "  refresh-margin: 0.2",
                "transport:",
                "  udp: { bind: \"::\", port: 0 }",
                "admin:",
                "  socket: mn-ipsec.sock",
                "logging:",
                "  level: info",
                "security:",
                "  provider: " + PROVIDER,
                "  " + PROVIDER + ":",
                "    mode: libipsec",
                "    vici-socket: " + lab.viciSocket(Side.MN),
                "    identity: " + MN_ID,
                "    home-agent-identity: " + HA_ID,
                "    ike-peer: " + CharonLab.HA_OUTER,
                "    home-prefix: " + CharonLab.HOME_PREFIX,
                "    psk-file: mn1.psk",
                ""));
        return new Path[] {ha, mn};
    }

    private static Path writePrivate(Path file, String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private List<String> describe(Path[] configs) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : List.of(directory.path().resolve("ipsec-psk-table"), directory.path().resolve("mn1.psk"),
                configs[0], configs[1])) {
            out.add(p.getFileName() + " (" + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + ")");
        }
        return out;
    }

    // ------------------------------------------------------------------ daemons

    private Daemon startDaemon(CharonLab lab, Side side, String role, Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = directory.path().resolve(role + ".log");
        ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(log.toFile());
        Process p = lab.spawn(side, toLog, toLog, java, "-cp", System.getProperty("java.class.path"),
                Mip6kitCommand.class.getName(), role, "run", "--config", config.toString());
        Daemon d = new Daemon(side, p, log, config.resolveSibling(role + "-ipsec.sock"));
        daemons.add(d);
        return d;
    }

    /** SIGTERM by PID, then the exit value (SIGKILL and a failure if it does not end in time). */
    private int stop(Daemon d) throws DemoFailure, InterruptedException {
        stopped.add(d);
        d.process().destroy();
        if (!d.process().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            d.process().destroyForcibly();
            throw new DemoFailure("the " + d.name() + " daemon (PID " + d.process().pid() + ") did not end within "
                    + DemoConsole.seconds(STOP_TIMEOUT) + " of SIGTERM" + tail(d));
        }
        return d.process().exitValue();
    }

    private static Optional<ObjectNode> admin(Daemon d, String command) {
        try {
            return Optional.of(AdminClient.send(d.adminSocket(), command, ADMIN_TIMEOUT));
        } catch (AdminException e) {
            return Optional.empty();
        }
    }

    private ObjectNode adminOrFail(Daemon d, ObjectNode request, Duration timeout, String what) throws DemoFailure {
        try {
            return AdminClient.send(d.adminSocket(), request, timeout);
        } catch (AdminException e) {
            throw new DemoFailure(what + ": " + e.getMessage() + tail(d), e);
        }
    }

    private static Optional<JsonNode> bindingOf(Daemon ha, String hoa) {
        return admin(ha, "bindings").flatMap(answer -> {
            for (JsonNode b : answer.path("bindings")) {
                if (b.path("homeAddress").asText().equals(hoa)) {
                    return Optional.of(b);
                }
            }
            return Optional.empty();
        });
    }

    private static Optional<Integer> bindingCount(Daemon ha) {
        return admin(ha, "bindings").map(answer -> answer.path("bindings").size());
    }

    private void printBinding(String what, JsonNode b) {
        console.line(DemoConsole.Side.HA, what + ": " + b.path("homeAddress").asText() + " -> "
                + b.path("careOfAddress").asText() + " (" + b.path("identity").asText() + ") seq="
                + b.path("sequence").asText() + " lifetime=" + b.path("lifetimeSeconds").asText() + "s provider "
                + b.path("provider").asText());
    }

    // ------------------------------------------------------------------ charon

    private static <T> T vici(CompletionStage<T> stage, String what) throws DemoFailure, InterruptedException {
        try {
            return stage.toCompletableFuture().get(VICI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DemoFailure(what + " over VICI: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new DemoFailure(what + " over VICI: no answer within " + DemoConsole.seconds(VICI_TIMEOUT));
        }
    }

    private static List<IkeSa> ikeSas(Charon charon, String connection) throws DemoFailure, InterruptedException {
        return vici(charon.listSas(Optional.of(connection)), "list-sas " + connection).stream()
                .filter(sa -> sa.name().equals(connection)).toList();
    }

    private static IkeSa onlyIkeSa(Charon charon, String connection) throws DemoFailure, InterruptedException {
        List<IkeSa> sas = ikeSas(charon, connection);
        if (sas.size() != 1 || !sas.get(0).established()) {
            throw new DemoFailure("charon should hold one established IKE SA of " + connection + ", it holds: "
                    + sas);
        }
        return sas.get(0);
    }

    private static List<PoolLease> onlineLeases(Charon charon) throws DemoFailure, InterruptedException {
        return vici(charon.leases(), "get-pools").stream().filter(PoolLease::online).toList();
    }

    private static String describeLeases(List<PoolLease> leases) {
        if (leases.isEmpty()) {
            return "no online lease";
        }
        List<String> out = new ArrayList<>();
        for (PoolLease l : leases) {
            out.add(l.address() + " leased to " + l.identity() + " (pool " + l.pool() + ", online)");
        }
        return String.join(", ", out);
    }

    // ------------------------------------------------------------------ waiting and logs

    private interface Probe<T> {
        Optional<T> get() throws DemoFailure, InterruptedException;
    }

    /** Polls {@code probe} until it has a value; fails when a daemon exits or the step takes too long. */
    private <T> T awaitValue(String what, Probe<T> probe) throws DemoFailure, InterruptedException {
        long start = System.nanoTime();
        while (true) {
            for (Daemon d : daemons) {
                if (!d.process().isAlive() && !stopped.contains(d)) {
                    throw new DemoFailure(what + ": the " + d.name() + " daemon (PID " + d.process().pid()
                            + ") exited with " + d.process().exitValue() + tail(d));
                }
            }
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (ms(start) > STEP_TIMEOUT.toMillis()) {
                throw new DemoFailure(what + ": not within " + DemoConsole.seconds(STEP_TIMEOUT) + logTails());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static List<String> logLines(Daemon d) {
        try {
            return Files.exists(d.log()) ? Files.readAllLines(d.log(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of("<" + d.log() + ": " + e.getMessage() + ">");
        }
    }

    private static String tail(Daemon d) {
        List<String> lines = logLines(d);
        List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        return "\n---- the " + d.name() + " daemon's log, last " + last.size() + " lines\n" + String.join("\n", last);
    }

    private String logTails() {
        StringBuilder out = new StringBuilder();
        for (Daemon d : daemons) {
            out.append(tail(d));
        }
        return out.toString();
    }

    private static long ms(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
    }
}
