package org.mip6kit.provider.ipsec.lab;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.provider.ipsec.vici.ViciException;

/**
 * Two network namespaces joined by a veth pair, each running its own strongSwan charon with
 * kernel-libipsec (userspace ESP over a TUN device; see
 * docs/providers/ipsec-ikev2.md#charon-in-network-namespaces): the mobile node's end
 * ({@link Side#MN}) and the home agent's ({@link Side#HA}). What {@code ./mip6kit demo --provider
 * ipsec-ikev2} runs its daemons in, and what the large tests' testbed is built on. Needs root
 * and Debian's strongSwan packages; {@link #requirements()} says what this host lacks.
 *
 * <p>Layout after {@link #start(Path, Options)}:
 *
 * <pre>
 *   namespace PREFIX-mn-&lt;hex&gt;                       namespace PREFIX-ha-&lt;hex&gt;
 *   lo  (up)                                        lo  (up) + 2001:db8:1::1/128  (HA_INNER)
 *   veth0 2001:db8:ff::2/64 [192.0.2.2/24] &lt;---&gt;   veth0 2001:db8:ff::1/64 [192.0.2.1/24]
 *   charon (own strongswan.conf, /run, VICI)        charon (own strongswan.conf, /run, VICI)
 *   ipsec0 (TUN, made by kernel-libipsec)           ipsec0 (TUN, made by kernel-libipsec)
 * </pre>
 *
 * (IPv4 only with {@link Options#withIpv4()}.) The suffix is random, so several labs can run at
 * once. DAD is off in both namespaces (set before the veth exists), addresses are {@code nodad},
 * and the neighbour entries of the peer's addresses (including the second care-of address
 * {@link #MN_CARE_OF_2}) are static with fixed MAC addresses, so no IKE packet waits for
 * neighbour discovery.
 *
 * <p>Each charon loads {@code kernel-libipsec} before {@code kernel-netlink}, {@code kdf},
 * {@code openssl} and {@code gcm}, runs with its own {@code strongswan.conf} and its own
 * {@code /run} (bind-mounted inside the namespace's private mount namespace, since charon's PID
 * file path is fixed), logs to {@link #charonLog(Side)} line by line and listens for VICI on
 * {@link #viciSocket(Side)}.
 *
 * <p>{@link #close()} always cleans up, also after a set-up that failed half-way: it kills every
 * process it started ({@link #spawn spawned} ones, then the charons) by PID, then any process left
 * in its own namespaces (only it knows their random names), and deletes both namespaces. It never
 * signals a process it did not start outside those namespaces. {@link #leftovers()} then says
 * whether anything survived. Not thread-safe: drive it from one thread; only {@link #close()} may
 * also come from another (a shutdown hook).
 *
 * <p>An orchestration of external processes, not a protocol path: it waits for files and
 * processes with the wall clock and short pauses.
 */
public final class CharonLab implements AutoCloseable {

    /** Which end of the lab. */
    public enum Side {
        /** the mobile node: IKE initiator, gets its home address as a virtual IP */
        MN,
        /** the home agent: IKE responder, owns the pool and {@link #HA_INNER} */
        HA
    }

    /** Path of Debian's charon binary (package strongswan-charon). */
    public static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
    /** The openssl plugin (X25519, AES-GCM, prf-sha256) from libstrongswan-standard-plugins. */
    public static final Path OPENSSL_PLUGIN = Path.of("/usr/lib/ipsec/plugins/libstrongswan-openssl.so");
    /** The kernel-libipsec plugin from libcharon-extra-plugins. */
    public static final Path LIBIPSEC_PLUGIN = Path.of("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so");
    /** The TUN device kernel-libipsec opens. */
    public static final Path TUN = Path.of("/dev/net/tun");
    /** The packages that bring charon and the plugins. */
    public static final String PACKAGES = "strongswan-charon strongswan-swanctl libcharon-extra-plugins "
            + "libstrongswan-standard-plugins";
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
    /** The HA's IPv4 address on its veth (with {@link Options#withIpv4()}). */
    public static final String HA_OUTER_V4 = "192.0.2.1";
    /** The MN's IPv4 address on its veth (with {@link Options#withIpv4()}). */
    public static final String MN_CARE_OF_V4 = "192.0.2.2";
    /** The HA's inner address, inside the home prefix, on the HA's {@code lo}. */
    public static final String HA_INNER = "2001:db8:1::1";
    /** The home prefix. */
    public static final String HOME_PREFIX = "2001:db8:1::/64";

    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(10);
    private static final Duration PAUSE = Duration.ofMillis(10);
    private static final Pattern NAME_PREFIX = Pattern.compile("[a-z][a-z0-9]{0,11}");
    private static final Map<Side, String> MACS = Map.of(Side.HA, "02:6d:69:70:36:01", Side.MN, "02:6d:69:70:36:02");
    private static final List<Path> IP_CANDIDATES = List.of(Path.of("/usr/sbin/ip"), Path.of("/sbin/ip"),
            Path.of("/usr/bin/ip"), Path.of("/bin/ip"));

    private final Path dir;
    private final Path ip;
    private final Options options;
    private final Map<Side, String> namespaces = new EnumMap<>(Side.class);
    private final Map<Side, Boolean> created = new EnumMap<>(Side.class);
    private final Map<Side, Process> charons = new EnumMap<>(Side.class);
    private final List<Long> charonPids = new ArrayList<>();
    private final List<Process> spawned = new CopyOnWriteArrayList<>();
    private List<String> leftovers = List.of();
    private boolean closed;

    /**
     * Set-up choices. Immutable.
     *
     * @param namePrefix the namespaces' names start with it: {@code <prefix>-mn-<hex>} and
     *     {@code <prefix>-ha-<hex>}; 1..12 lower-case letters or digits, starting with a letter
     * @param charonLines extra lines for the {@code charon { }} section of both strongswan.conf
     *     files, e.g. {@code "install_routes = no"}
     * @param ipv4 whether the veth also gets 192.0.2.1/24 (HA) and 192.0.2.2/24 (MN). With IPv4
     *     present, MOBIKE advertises it and may move the IKE SA to IPv4 on a care-of change
     */
    public record Options(String namePrefix, List<String> charonLines, boolean ipv4) {
        /** Copies the lines; checks the prefix. */
        public Options {
            if (namePrefix == null || !NAME_PREFIX.matcher(namePrefix).matches()) {
                throw new IllegalArgumentException("namePrefix must be 1..12 of [a-z0-9], starting with a letter: "
                        + namePrefix);
            }
            charonLines = List.copyOf(charonLines);
        }

        /** @param namePrefix the namespaces' prefix @return IPv6 only, no extra lines */
        public static Options named(String namePrefix) {
            return new Options(namePrefix, List.of(), false);
        }

        /** @param line a strongswan.conf line for the charon section @return new options with it added */
        public Options withCharonLine(String line) {
            List<String> l = new ArrayList<>(charonLines);
            l.add(line);
            return new Options(namePrefix, l, ipv4);
        }

        /** @return new options with the IPv4 addresses on the veth */
        public Options withIpv4() {
            return new Options(namePrefix, charonLines, true);
        }
    }

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

    private CharonLab(Path dir, Path ip, Options options) {
        this.dir = dir;
        this.ip = ip;
        this.options = options;
        byte[] rnd = new byte[4];
        new SecureRandom().nextBytes(rnd);
        String suffix = HexFormat.of().formatHex(rnd);
        namespaces.put(Side.MN, options.namePrefix() + "-mn-" + suffix);
        namespaces.put(Side.HA, options.namePrefix() + "-ha-" + suffix);
    }

    /**
     * What this host lacks to run a lab, one readable item each with where to get it: root, the
     * {@code ip} command, charon, the kernel-libipsec and openssl plugins, {@code /dev/net/tun}.
     *
     * @return empty when everything is there
     */
    public static List<String> requirements() {
        List<String> missing = new ArrayList<>();
        if (!runningAsRoot()) {
            missing.add("root (network namespaces, veth, charon's TUN device and IKE sockets)");
        }
        if (findIp().isEmpty()) {
            missing.add("the ip command (package iproute2)");
        }
        if (!Files.isExecutable(CHARON)) {
            missing.add(CHARON + " (packages " + PACKAGES + ")");
        }
        if (!Files.exists(LIBIPSEC_PLUGIN)) {
            missing.add(LIBIPSEC_PLUGIN + " (package libcharon-extra-plugins)");
        }
        if (!Files.exists(OPENSSL_PLUGIN)) {
            missing.add(OPENSSL_PLUGIN + " (package libstrongswan-standard-plugins)");
        }
        if (!Files.exists(TUN)) {
            missing.add(TUN + " (the tun kernel module: modprobe tun)");
        }
        return missing;
    }

    /** Effective UID 0, read from {@code /proc/self/status} (user.name can be anything). */
    private static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    return f.length > 1 && f[1].equals("0");
                }
            }
        } catch (IOException e) {
            // no /proc: not a host the lab can run on anyway
        }
        return false;
    }

    private static Optional<Path> findIp() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "ip"));
                }
            }
        }
        candidates.addAll(IP_CANDIDATES);
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Builds both namespaces and starts both charons, returning once both VICI sockets accept
     * connections. On any failure everything made so far is removed before it throws.
     *
     * @param dir an existing, writable directory for configs, /run mounts, sockets and logs
     *     (owner-only when secrets go near it); left in place
     * @param options name prefix, extra charon lines, IPv4
     * @return the running lab
     * @throws IllegalStateException if {@link #requirements()} is not empty, naming what is missing
     * @throws IOException if a command fails or charon does not come up
     */
    public static CharonLab start(Path dir, Options options) throws IOException, InterruptedException {
        List<String> missing = requirements();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("this host lacks: " + String.join(", ", missing));
        }
        CharonLab lab = new CharonLab(dir, findIp().orElseThrow(), options);
        try {
            lab.buildNetwork();
            for (Side s : Side.values()) {
                lab.startCharon(s);
            }
            return lab;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            try {
                lab.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
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

    /** @param side which end @return the fixed MAC address of that side's veth */
    public static String macOf(Side side) {
        return MACS.get(side);
    }

    /** @param side which end @return the other end */
    public static Side peerOf(Side side) {
        return side == Side.MN ? Side.HA : Side.MN;
    }

    /** @param side which end @return the network namespace's name, for {@code ip netns exec <name> ...} */
    public String namespace(Side side) {
        return namespaces.get(side);
    }

    /** @param side which end @return the path of that charon's VICI unix socket */
    public Path viciSocket(Side side) {
        return sideDir(side).resolve("charon.vici");
    }

    /** @param side which end @return the path of that charon's log file (flushed line by line; survives restarts) */
    public Path charonLog(Side side) {
        return sideDir(side).resolve("charon.log");
    }

    /** @param side which end @return the log's text so far (empty if none) */
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
     * Connects to that side's VICI socket, retrying for up to 10 s while charon comes up. The
     * caller closes the client.
     *
     * @param side which end
     * @return a connected client
     * @throws IOException if charon does not accept within 10 s
     */
    public ViciClient connectVici(Side side) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
        while (true) {
            try {
                return ViciClient.connect(viciSocket(side));
            } catch (ViciException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause();
            }
        }
    }

    /**
     * Starts charon in that namespace (again, after {@link #killCharon}) as
     * docs/providers/ipsec-ikev2.md#charon-in-network-namespaces describes:
     * {@code STRONGSWAN_CONF=<dir>/strongswan.conf ip netns exec <ns> sh -c 'mount --bind
     * <dir>/run /run && exec charon'}; returns when the VICI socket accepts. kernel-libipsec
     * creates its TUN device at start-up.
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
        charonPids.add(p.pid());
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
            pause();
        }
        // ip netns exec and sh both exec, so the PID we hold is charon's own.
        String comm = Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm")).strip();
        if (!comm.equals("charon")) {
            throw new IllegalStateException("PID " + p.pid() + " is '" + comm + "', not charon");
        }
        connectVici(side).close();
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
     * Starts a long-running command inside a namespace (a receiver, a {@code java} daemon);
     * {@link #close()} kills it by PID if it is still running.
     *
     * @param side which end
     * @param stdout where its stdout goes (e.g. {@code Redirect.PIPE} to read it from the process)
     * @param stderr where its stderr goes
     * @param argv the command
     * @return the process (its PID is the command's own: {@code ip netns exec} execs)
     * @throws IOException if it cannot start
     */
    public Process spawn(Side side, ProcessBuilder.Redirect stdout, ProcessBuilder.Redirect stderr, String... argv)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ip.toString(), "netns", "exec", namespace(side)));
        cmd.addAll(List.of(argv));
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout).redirectError(stderr).start();
        spawned.add(p);
        return p;
    }

    /**
     * {@code ip addr add <cidr> dev <iface>} in that namespace, {@code nodad} for IPv6.
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
     * Kills everything this lab started (spawned processes and charons by PID with SIGKILL, then
     * any process still in its namespaces) and deletes both namespaces. Idempotent; never throws
     * for a clean-up step that fails: such a step shows in {@link #leftovers()}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> left = new ArrayList<>();
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
                    left.add("namespace " + namespace(s) + " (" + del.stderr().strip() + ")");
                }
            } catch (IOException | RuntimeException e) {
                left.add("namespace " + namespace(s) + " (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                left.add("namespace " + namespace(s) + " (interrupted while deleting it)");
            }
        }
        for (Process p : spawned) {
            if (p.isAlive()) {
                left.add("process " + p.pid());
            }
        }
        for (long pid : charonPids) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                left.add("charon " + pid);
            }
        }
        leftovers = List.copyOf(left);
    }

    /**
     * After {@link #close()}: what could not be removed (a namespace, a process still alive), one
     * item each; empty when the clean-up was complete.
     *
     * @return the leftovers
     */
    public synchronized List<String> leftovers() {
        return leftovers;
    }

    /** @return the PIDs of every charon this lab started, restarts included, in order */
    public List<Long> charonPids() {
        return List.copyOf(charonPids);
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

    private static void pause() throws InterruptedException {
        Thread.sleep(PAUSE.toMillis());
    }

    private Path sideDir(Side side) {
        return dir.resolve(side.name().toLowerCase(Locale.ROOT));
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
                "    lab {",
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

    private static CompletableFuture<String> drain(InputStream in) {
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
