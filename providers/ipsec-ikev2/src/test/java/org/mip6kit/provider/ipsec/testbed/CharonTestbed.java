package org.mip6kit.provider.ipsec.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.provider.ipsec.vici.ViciException;
import org.mip6kit.testing.HostRequirements;

/**
 * Two network namespaces joined by a veth pair, each running its own strongSwan charon with
 * kernel-libipsec (userspace ESP over a TUN device, IPSEC-BRIDGE.md §2): the mobile node ({@link
 * Side#MN}) and the home agent ({@link Side#HA}). A test fixture for {@code large} tests.
 *
 * <p>Layout after {@link #start(Path)}:
 *
 * <pre>
 *   namespace mip6tb-mn-&lt;hex&gt;                      namespace mip6tb-ha-&lt;hex&gt;
 *   lo  (up)                                        lo  (up) + 2001:db8:1::1/128  (HA_INNER)
 *   veth0 2001:db8:ff::2/64 [192.0.2.2/24] &lt;---&gt;   veth0 2001:db8:ff::1/64 [192.0.2.1/24]
 *   charon (own strongswan.conf, /run, VICI)        charon (own strongswan.conf, /run, VICI)
 *   ipsec0 (TUN, made by kernel-libipsec)           ipsec0 (TUN, made by kernel-libipsec)
 * </pre>
 *
 * (IPv4 only with {@link Options#withIpv4()}). DAD is off in both namespaces (set before the veth exists), addresses are {@code nodad}, and
 * the neighbour entries of 2001:db8:ff::1, ::2, ::3 (and 192.0.2.1, .2) are static ({@code nud
 * permanent}) on the peer's side, so no IKE packet is lost to neighbour discovery, also after a
 * care-of change to {@link #MN_CARE_OF_2}. The MAC addresses are fixed ({@link #macOf(Side)}).
 *
 * <p>Each charon loads {@code kernel-libipsec} before {@code kernel-netlink}, {@code kdf},
 * {@code openssl} and {@code gcm} (AES-GCM and X25519 come from Debian's
 * {@code libstrongswan-standard-plugins}), logs to {@link #charonLog(Side)} line by line (IKE,
 * CFG, KNL, ESP at level 2) and listens for VICI on {@link #viciSocket(Side)}. Extra lines for
 * the {@code charon { }} section (e.g. {@code install_routes = no}) go in {@link Options}.
 *
 * <p>Use:
 *
 * <pre>{@code
 * try (CharonTestbed bed = CharonTestbed.start(tempDir)) {
 *     ViciClient ha = bed.vici(Side.HA);
 *     ViciClient mn = bed.vici(Side.MN);
 *     HomeTunnelConfig cfg = HomeTunnelConfig.standard();
 *     cfg.load(ha, mn);                                   // load-pool, load-shared, load-conn
 *     mn.request("initiate", cfg.initiateRequest(10_000)); // HoA from the pool
 *     bed.exec(Side.MN, "ip", "-6", "route", "show", "table", "220");
 *     Process p = bed.spawn(Side.HA, out, "python3", "recv.py"); // killed by close()
 * }
 * }</pre>
 *
 * <p>{@link #close()} always cleans up, also after a set-up that failed half-way: it closes
 * the VICI clients it handed out, kills every process it started (charons, {@link #spawn}ed
 * ones, then anything left in its namespaces) by PID with SIGKILL, and deletes both namespaces.
 * It never signals a process it did not start in its own namespaces. Not thread-safe: drive it
 * from the test thread.
 */
public final class CharonTestbed implements AutoCloseable {
    /** Which end of the testbed. */
    public enum Side {
        /** the mobile node: initiator, gets the home address as a virtual IP */
        MN,
        /** the home agent: responder, owns the pool and {@link #HA_INNER} */
        HA
    }

    /** Path of Debian's charon binary. */
    public static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
    /** The openssl plugin (X25519, AES-GCM, prf-sha256) from libstrongswan-standard-plugins. */
    public static final Path OPENSSL_PLUGIN = Path.of("/usr/lib/ipsec/plugins/libstrongswan-openssl.so");
    /** The kernel-libipsec plugin from libcharon-extra-plugins. */
    public static final Path LIBIPSEC_PLUGIN = Path.of("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so");
    /** Name of the veth end in both namespaces. */
    public static final String VETH = "veth0";
    /** The HA's outer (IKE) address on its veth. */
    public static final String HA_OUTER = "2001:db8:ff::1";
    /** The MN's first care-of address on its veth. */
    public static final String MN_CARE_OF = "2001:db8:ff::2";
    /** A second care-of address for a MOBIKE move (not configured; neighbour entry present). */
    public static final String MN_CARE_OF_2 = "2001:db8:ff::3";
    /** Prefix length of the veth link. */
    public static final int LINK_PREFIX_LENGTH = 64;
    /** The HA's IPv4 address on its veth. */
    public static final String HA_OUTER_V4 = "192.0.2.1";
    /** The MN's IPv4 address on its veth. */
    public static final String MN_CARE_OF_V4 = "192.0.2.2";
    /** The HA's inner address, inside the home prefix, on the HA's {@code lo}. */
    public static final String HA_INNER = "2001:db8:1::1";
    /** The home prefix. */
    public static final String HOME_PREFIX = "2001:db8:1::/64";

    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(10);
    private static final Map<Side, String> MACS = Map.of(Side.HA, "02:6d:69:70:36:01", Side.MN, "02:6d:69:70:36:02");

    private final Path dir;
    private final Path ip;
    private final Options options;
    private final Map<Side, String> namespaces = new EnumMap<>(Side.class);
    private final Map<Side, Boolean> created = new EnumMap<>(Side.class);
    private final Map<Side, Process> charons = new EnumMap<>(Side.class);
    private final List<Process> spawned = new CopyOnWriteArrayList<>();
    private final List<ViciClient> clients = new CopyOnWriteArrayList<>();
    private boolean closed;

    /** What {@link #exec} returns. */
    public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
        /** Copies the command. */
        public ExecResult {
            command = List.copyOf(command);
        }

        /** @return this, if the exit code is 0 @throws IllegalStateException otherwise, with the output */
        public ExecResult checked() {
            if (exitCode != 0) {
                throw new IllegalStateException(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode
                    + (stdout.isEmpty() ? "" : "\nstdout: " + stdout.strip())
                    + (stderr.isEmpty() ? "" : "\nstderr: " + stderr.strip());
        }
    }

    private CharonTestbed(Path dir, Path ip, Options options) {
        this.dir = dir;
        this.ip = ip;
        this.options = options;
        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        String suffix = HexFormat.of().formatHex(rnd);
        namespaces.put(Side.MN, "mip6tb-mn-" + suffix);
        namespaces.put(Side.HA, "mip6tb-ha-" + suffix);
    }

    /**
     * Set-up choices. Immutable.
     *
     * @param charonLines extra lines for the {@code charon { }} section of both strongswan.conf
     *     files, e.g. {@code "install_routes = no"}
     * @param ipv4 whether the veth also gets 192.0.2.1/24 (HA) and 192.0.2.2/24 (MN). Off by
     *     default: with IPv4 present, MOBIKE advertises it and may move the IKE_SA to IPv4 on a
     *     care-of change instead of to the new IPv6 care-of address
     */
    public record Options(List<String> charonLines, boolean ipv4) {
        /** No extra lines, IPv6 only. */
        public static final Options DEFAULT = new Options(List.of(), false);

        /** Copies the lines. */
        public Options {
            charonLines = List.copyOf(charonLines);
        }

        /** @param line a strongswan.conf line for the charon section @return new options with it added */
        public Options withCharonLine(String line) {
            List<String> l = new ArrayList<>(charonLines);
            l.add(line);
            return new Options(l, ipv4);
        }

        /** @return new options with the IPv4 addresses on the veth */
        public Options withIpv4() {
            return new Options(charonLines, true);
        }
    }

    /**
     * Checks the host (skips loudly, or fails under {@code CI=true}: root, {@code ip}, charon,
     * the openssl and kernel-libipsec plugins, {@code /dev/net/tun}), builds both namespaces
     * and starts both charons, returning once both VICI sockets accept connections.
     *
     * @param dir an empty, writable directory for configs, /run mounts, sockets and logs (a
     *     JUnit {@code @TempDir}); left in place for post-mortem reading
     * @return the running testbed
     * @throws Exception if set-up fails; everything made so far is cleaned up first
     */
    public static CharonTestbed start(Path dir) throws Exception {
        return start(dir, Options.DEFAULT);
    }

    /**
     * As {@link #start(Path)}, with set-up choices.
     *
     * @param dir working directory
     * @param options extra charon settings, IPv4
     * @return the running testbed
     * @throws Exception if set-up fails; everything made so far is cleaned up first
     */
    public static CharonTestbed start(Path dir, Options options) throws Exception {
        HostRequirements.root("network namespaces, veth, TUN and charon's IKE sockets");
        Path ip = HostRequirements.command("ip", "iproute2");
        HostRequirements.command(CHARON.toString(), "strongswan-charon strongswan-swanctl libcharon-extra-plugins");
        requireFile(LIBIPSEC_PLUGIN, "libcharon-extra-plugins");
        requireFile(OPENSSL_PLUGIN, "libstrongswan-standard-plugins");
        requireFile(Path.of("/dev/net/tun"), "the tun kernel module (modprobe tun)");
        CharonTestbed bed = new CharonTestbed(dir, ip, options);
        try {
            bed.buildNetwork();
            for (Side s : Side.values()) {
                bed.startCharon(s);
            }
            return bed;
        } catch (Exception | Error e) {
            try {
                bed.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** HostRequirements knows executables only: report a missing plain file through it. */
    private static void requireFile(Path file, String fix) {
        if (!Files.exists(file)) {
            HostRequirements.command(file.toString(), fix);
        }
    }

    private void buildNetwork() throws IOException, InterruptedException {
        for (Side s : Side.values()) {
            runIp("netns", "add", namespace(s));
            created.put(s, true);
            // DAD off before the veth exists, so no address is ever tentative.
            exec(s, "sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad"
                    + " && echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad").checked();
            runIp("-n", namespace(s), "link", "set", "lo", "up");
        }
        runIp("-n", namespace(Side.HA), "link", "add", VETH, "address", MACS.get(Side.HA), "type", "veth",
                "peer", "name", VETH, "address", MACS.get(Side.MN), "netns", namespace(Side.MN));
        addAddress(Side.HA, VETH, HA_OUTER + "/" + LINK_PREFIX_LENGTH);
        addAddress(Side.MN, VETH, MN_CARE_OF + "/" + LINK_PREFIX_LENGTH);
        if (options.ipv4()) {
            addAddress(Side.HA, VETH, HA_OUTER_V4 + "/24");
            addAddress(Side.MN, VETH, MN_CARE_OF_V4 + "/24");
        }
        addAddress(Side.HA, "lo", HA_INNER + "/128");
        for (Side s : Side.values()) {
            runIp("-n", namespace(s), "link", "set", VETH, "up");
        }
        for (String a : options.ipv4() ? List.of(MN_CARE_OF, MN_CARE_OF_2, MN_CARE_OF_V4)
                : List.of(MN_CARE_OF, MN_CARE_OF_2)) {
            addNeighbour(Side.HA, a);
        }
        for (String a : options.ipv4() ? List.of(HA_OUTER, HA_OUTER_V4) : List.of(HA_OUTER)) {
            addNeighbour(Side.MN, a);
        }
    }

    /**
     * @param side which end
     * @return the fixed MAC address of that side's veth
     */
    public static String macOf(Side side) {
        return MACS.get(side);
    }

    /**
     * @param side which end
     * @return the other end
     */
    public static Side peerOf(Side side) {
        return side == Side.MN ? Side.HA : Side.MN;
    }

    /**
     * @param side which end
     * @return the network namespace's name, for {@code ip netns exec <name> ...}
     */
    public String namespace(Side side) {
        return namespaces.get(side);
    }

    /**
     * @param side which end
     * @return the path of that charon's VICI unix socket
     */
    public Path viciSocket(Side side) {
        return sideDir(side).resolve("charon.vici");
    }

    /**
     * @param side which end
     * @return the path of that charon's log file (flushed line by line; survives restarts)
     */
    public Path charonLog(Side side) {
        return sideDir(side).resolve("charon.log");
    }

    /**
     * @param side which end
     * @return the log's text so far (empty if none)
     */
    public String charonLogText(Side side) {
        try {
            Path p = charonLog(side);
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param side which end
     * @return the PID of the running charon
     * @throws IllegalStateException if it is not running
     */
    public long charonPid(Side side) {
        Process p = charons.get(side);
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("charon of " + side + " is not running");
        }
        return p.pid();
    }

    /**
     * Opens a new VICI connection to that side's charon; {@link #close()} closes it. After a
     * charon restart, open a new one.
     *
     * @param side which end
     * @return a connected client
     * @throws IOException if charon does not accept within 10 s
     */
    public ViciClient vici(Side side) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        while (true) {
            try {
                ViciClient c = ViciClient.connect(viciSocket(side));
                clients.add(c);
                return c;
            } catch (ViciException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /**
     * Starts charon in that namespace (again, after {@link #killCharon}) exactly as
     * IPSEC-BRIDGE.md §2 says: {@code STRONGSWAN_CONF=<dir>/strongswan.conf ip netns exec <ns>
     * sh -c 'mount --bind <dir>/run /run && exec charon'}; returns when the VICI socket accepts.
     * kernel-libipsec creates its TUN device at start-up, not at the first CHILD_SA.
     *
     * @param side which end
     * @throws IllegalStateException if charon is already running or exits early
     * @throws IOException if the socket never appears
     */
    public void startCharon(Side side) throws IOException, InterruptedException {
        Process old = charons.get(side);
        if (old != null && old.isAlive()) {
            throw new IllegalStateException("charon of " + side + " is already running (PID " + old.pid() + ")");
        }
        Path d = sideDir(side);
        Path run = d.resolve("run");
        Files.createDirectories(run);
        Files.deleteIfExists(run.resolve("charon.pid"));
        Files.deleteIfExists(viciSocket(side));
        Path conf = d.resolve("strongswan.conf");
        Files.writeString(conf, strongswanConf(side), StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(ip.toString(), "netns", "exec", namespace(side), "sh", "-c",
                "mount --bind \"$0\" /run && exec \"$1\"", run.toString(), CHARON.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(d.resolve("charon.stdout").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(d.resolve("charon.stderr").toFile()));
        pb.environment().put("STRONGSWAN_CONF", conf.toString());
        Process p = pb.start();
        charons.put(side, p);
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        while (!Files.exists(viciSocket(side))) {
            if (!p.isAlive()) {
                throw new IllegalStateException("charon of " + side + " exited with " + p.exitValue()
                        + ": " + tail(d.resolve("charon.stderr")) + tail(charonLog(side)));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("VICI socket " + viciSocket(side) + " did not appear within "
                        + SOCKET_WAIT + ": " + tail(charonLog(side)));
            }
            Thread.sleep(10);
        }
        // ip netns exec and sh both exec, so the PID we hold is charon's own.
        String comm = Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm")).strip();
        if (!comm.equals("charon")) {
            throw new IllegalStateException("PID " + p.pid() + " is '" + comm + "', not charon");
        }
        ViciClient probe = vici(side);
        clients.remove(probe);
        probe.close();
    }

    /**
     * Kills that side's charon with SIGKILL by its PID (no IKE DELETE is sent; kernel-libipsec's
     * TUN device, its address and routes vanish with the process) and waits for it to exit.
     *
     * @param side which end
     */
    public void killCharon(Side side) throws InterruptedException {
        Process p = charons.remove(side);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(EXEC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * Runs a command inside a namespace ({@code ip netns exec <ns> argv...}), waiting at most 10 s.
     *
     * @param side which end
     * @param argv the command
     * @return exit code and output
     * @throws IOException if it cannot start or does not end in time (then it is killed)
     */
    public ExecResult exec(Side side, String... argv) throws IOException, InterruptedException {
        return exec(side, EXEC_TIMEOUT, argv);
    }

    /**
     * As {@link #exec(Side, String...)} with a time limit.
     *
     * @param side which end
     * @param timeout how long to wait
     * @param argv the command
     * @return exit code and output
     * @throws IOException if it cannot start or does not end in time (then it is killed)
     */
    public ExecResult exec(Side side, Duration timeout, String... argv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ip.toString(), "netns", "exec", namespace(side)));
        cmd.addAll(List.of(argv));
        return run(cmd, timeout);
    }

    /**
     * Starts a long-running command inside a namespace (a receiver, tshark, a {@code java}
     * daemon); {@link #close()} kills it by PID if it is still running. stdout is a pipe to read
     * from the returned process; stderr goes to {@code stderr}.
     *
     * @param side which end
     * @param stderr file for stderr (appended)
     * @param argv the command
     * @return the process (its PID is the command's own: {@code ip netns exec} execs)
     * @throws IOException if it cannot start
     */
    public Process spawn(Side side, Path stderr, String... argv) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ip.toString(), "netns", "exec", namespace(side)));
        cmd.addAll(List.of(argv));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
        spawned.add(p);
        return p;
    }

    /**
     * {@code ip addr add <cidr> dev <iface> nodad} in that namespace.
     *
     * @param side which end
     * @param iface interface name
     * @param cidr address with prefix length
     */
    public void addAddress(Side side, String iface, String cidr) throws IOException, InterruptedException {
        if (cidr.contains(":")) {
            runIp("-n", namespace(side), "addr", "add", cidr, "dev", iface, "nodad");
        } else {
            runIp("-n", namespace(side), "addr", "add", cidr, "dev", iface);
        }
    }

    /**
     * {@code ip addr del <cidr> dev <iface>} in that namespace.
     *
     * @param side which end
     * @param iface interface name
     * @param cidr address with prefix length
     */
    public void removeAddress(Side side, String iface, String cidr) throws IOException, InterruptedException {
        runIp("-n", namespace(side), "addr", "del", cidr, "dev", iface);
    }

    /**
     * Adds a permanent neighbour entry on that side's veth for an address of the peer, with the
     * peer's fixed MAC.
     *
     * @param side where the entry goes
     * @param address the peer's address
     */
    public void addNeighbour(Side side, String address) throws IOException, InterruptedException {
        runIp("-n", namespace(side), "neigh", "replace", address, "lladdr", MACS.get(peerOf(side)),
                "dev", VETH, "nud", "permanent");
    }

    /**
     * Kills everything this testbed started (VICI clients closed, spawned processes and charons
     * killed by PID, then any process still in its namespaces) and deletes both namespaces.
     * Idempotent; never throws for a clean-up step that fails (it reports on stderr).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ViciClient c : clients) {
            c.close();
        }
        for (Process p : spawned) {
            kill(p);
        }
        for (Process p : charons.values()) {
            kill(p);
        }
        charons.clear();
        for (Side s : Side.values()) {
            if (!created.getOrDefault(s, false)) {
                continue;
            }
            try {
                // Anything still inside is ours (only we know this random name): kill it by PID.
                ExecResult pids = run(List.of(ip.toString(), "netns", "pids", namespace(s)), EXEC_TIMEOUT);
                for (String pid : pids.stdout().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                ExecResult del = run(List.of(ip.toString(), "netns", "del", namespace(s)), EXEC_TIMEOUT);
                if (del.exitCode() != 0) {
                    System.err.println("CharonTestbed: could not delete namespace: " + del);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("CharonTestbed: clean-up of " + namespace(s) + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                System.err.println("CharonTestbed: interrupted while deleting " + namespace(s));
            }
        }
    }

    private static void kill(Process p) {
        if (p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(EXEC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Path sideDir(Side side) {
        return dir.resolve(side.name().toLowerCase(java.util.Locale.ROOT));
    }

    private String strongswanConf(Side side) {
        List<String> lines = new ArrayList<>(List.of(
                "charon {",
                "  load_modular = no",
                "  load = kernel-libipsec kernel-netlink socket-default random nonce openssl pem pkcs1 pkcs8"
                        + " x509 pubkey revocation constraints hmac kdf sha1 sha2 aes gcm attr vici updown",
                "  plugins {",
                "    vici {",
                "      socket = unix://" + viciSocket(side),
                "    }",
                "  }",
                "  filelog {",
                "    testbed {",
                "      path = " + charonLog(side),
                "      append = yes",
                "      flush_line = yes",
                "      time_format = %T",
                "      default = 1",
                "      ike = 2",
                "      cfg = 2",
                "      knl = 2",
                "      esp = 2",
                "    }",
                "  }"));
        for (String l : options.charonLines()) {
            lines.add("  " + l);
        }
        lines.add("}");
        lines.add("");
        return String.join("\n", lines);
    }

    private void runIp(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ip.toString()));
        cmd.addAll(List.of(args));
        run(cmd, EXEC_TIMEOUT).checked();
    }

    private static ExecResult run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        try {
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(String.join(" ", cmd) + " did not end within " + timeout);
            }
            return new ExecResult(cmd, p.exitValue(), out.join(), err.join());
        } finally {
            p.destroyForcibly();
        }
    }

    private static CompletableFuture<String> drain(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<" + e + ">";
            }
        });
    }

    private static String tail(Path p) {
        try {
            if (!Files.exists(p)) {
                return "";
            }
            String s = Files.readString(p, StandardCharsets.ISO_8859_1);
            return "\n" + p.getFileName() + ": " + s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "\n" + p + ": " + e;
        }
    }
}
