package org.mip6kit.provider.ipsec.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mip6kit.provider.ipsec.lab.CharonLab;
import org.mip6kit.provider.ipsec.vici.ViciClient;
import org.mip6kit.testing.HostRequirements;

/**
 * Two network namespaces joined by a veth pair, each running its own strongSwan charon with
 * kernel-libipsec (userspace ESP over a TUN device; see
 * docs/providers/ipsec-ikev2.md#charon-in-network-namespaces): the mobile node ({@link
 * Side#MN}) and the home agent ({@link Side#HA}). A test fixture for {@code large} tests: the
 * main code's {@link CharonLab} (namespaces {@code mip6tb-*}) with the host checks of
 * {@link HostRequirements} (skip loudly, fail under {@code CI=true}) and the VICI clients it hands
 * out closed with it.
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
        HA;

        CharonLab.Side lab() {
            return this == MN ? CharonLab.Side.MN : CharonLab.Side.HA;
        }
    }

    /** Path of Debian's charon binary. */
    public static final Path CHARON = CharonLab.CHARON;
    /** The openssl plugin (X25519, AES-GCM, prf-sha256) from libstrongswan-standard-plugins. */
    public static final Path OPENSSL_PLUGIN = CharonLab.OPENSSL_PLUGIN;
    /** The kernel-libipsec plugin from libcharon-extra-plugins. */
    public static final Path LIBIPSEC_PLUGIN = CharonLab.LIBIPSEC_PLUGIN;
    /** Name of the veth end in both namespaces. */
    public static final String VETH = CharonLab.VETH;
    /** The HA's outer (IKE) address on its veth. */
    public static final String HA_OUTER = CharonLab.HA_OUTER;
    /** The MN's first care-of address on its veth. */
    public static final String MN_CARE_OF = CharonLab.MN_CARE_OF;
    /** A second care-of address for a MOBIKE move (not configured; neighbour entry present). */
    public static final String MN_CARE_OF_2 = CharonLab.MN_CARE_OF_2;
    /** Prefix length of the veth link. */
    public static final int LINK_PREFIX_LENGTH = CharonLab.LINK_PREFIX_LENGTH;
    /** The HA's IPv4 address on its veth. */
    public static final String HA_OUTER_V4 = CharonLab.HA_OUTER_V4;
    /** The MN's IPv4 address on its veth. */
    public static final String MN_CARE_OF_V4 = CharonLab.MN_CARE_OF_V4;
    /** The HA's inner address, inside the home prefix, on the HA's {@code lo}. */
    public static final String HA_INNER = CharonLab.HA_INNER;
    /** The home prefix. */
    public static final String HOME_PREFIX = CharonLab.HOME_PREFIX;

    private static final String NAME_PREFIX = "mip6tb";

    private final CharonLab lab;
    private final List<ViciClient> clients = new CopyOnWriteArrayList<>();
    private boolean closed;

    /** What {@link #exec} returns. */
    public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {
        /** Copies the command. */
        public ExecResult {
            command = List.copyOf(command);
        }

        static ExecResult of(CharonLab.ExecResult r) {
            return new ExecResult(r.command(), r.exitCode(), r.stdout(), r.stderr());
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

    private CharonTestbed(CharonLab lab) {
        this.lab = lab;
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

        CharonLab.Options lab() {
            return new CharonLab.Options(NAME_PREFIX, charonLines, ipv4);
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
        HostRequirements.command("ip", "iproute2");
        HostRequirements.command(CHARON.toString(), "strongswan-charon strongswan-swanctl libcharon-extra-plugins");
        requireFile(LIBIPSEC_PLUGIN, "libcharon-extra-plugins");
        requireFile(OPENSSL_PLUGIN, "libstrongswan-standard-plugins");
        requireFile(CharonLab.TUN, "the tun kernel module (modprobe tun)");
        return new CharonTestbed(CharonLab.start(dir, options.lab()));
    }

    /** HostRequirements knows executables only: report a missing plain file through it. */
    private static void requireFile(Path file, String fix) {
        if (!Files.exists(file)) {
            HostRequirements.command(file.toString(), fix);
        }
    }

    /**
     * @param side which end
     * @return the fixed MAC address of that side's veth
     */
    public static String macOf(Side side) {
        return CharonLab.macOf(side.lab());
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
        return lab.namespace(side.lab());
    }

    /**
     * @param side which end
     * @return the path of that charon's VICI unix socket
     */
    public Path viciSocket(Side side) {
        return lab.viciSocket(side.lab());
    }

    /**
     * @param side which end
     * @return the path of that charon's log file (flushed line by line; survives restarts)
     */
    public Path charonLog(Side side) {
        return lab.charonLog(side.lab());
    }

    /**
     * @param side which end
     * @return the log's text so far (empty if none)
     */
    public String charonLogText(Side side) {
        return lab.charonLogText(side.lab());
    }

    /**
     * @param side which end
     * @return the PID of the running charon
     * @throws IllegalStateException if it is not running
     */
    public long charonPid(Side side) {
        return lab.charonPid(side.lab());
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
        ViciClient c = lab.connectVici(side.lab());
        clients.add(c);
        return c;
    }

    /**
     * Starts charon in that namespace again, after {@link #killCharon} (see
     * {@link CharonLab#startCharon}); returns when the VICI socket accepts.
     *
     * @param side which end
     * @throws IllegalStateException if charon is already running or exits early
     * @throws IOException if the socket never appears
     */
    public void startCharon(Side side) throws IOException, InterruptedException {
        lab.startCharon(side.lab());
    }

    /**
     * Kills that side's charon with SIGKILL by its PID (no IKE DELETE is sent; kernel-libipsec's
     * TUN device, its address and routes vanish with the process) and waits for it to exit.
     *
     * @param side which end
     */
    public void killCharon(Side side) throws InterruptedException {
        lab.killCharon(side.lab());
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
        return ExecResult.of(lab.exec(side.lab(), argv));
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
        return ExecResult.of(lab.exec(side.lab(), timeout, argv));
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
        return lab.spawn(side.lab(), ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.appendTo(stderr.toFile()),
                argv);
    }

    /**
     * {@code ip addr add <cidr> dev <iface> nodad} in that namespace.
     *
     * @param side which end
     * @param iface interface name
     * @param cidr address with prefix length
     */
    public void addAddress(Side side, String iface, String cidr) throws IOException, InterruptedException {
        lab.addAddress(side.lab(), iface, cidr);
    }

    /**
     * {@code ip addr del <cidr> dev <iface>} in that namespace.
     *
     * @param side which end
     * @param iface interface name
     * @param cidr address with prefix length
     */
    public void removeAddress(Side side, String iface, String cidr) throws IOException, InterruptedException {
        lab.removeAddress(side.lab(), iface, cidr);
    }

    /**
     * Adds a permanent neighbour entry on that side's veth for an address of the peer, with the
     * peer's fixed MAC.
     *
     * @param side where the entry goes
     * @param address the peer's address
     */
    public void addNeighbour(Side side, String address) throws IOException, InterruptedException {
        lab.addNeighbour(side.lab(), address);
    }

    /**
     * Closes the VICI clients it handed out, then {@link CharonLab#close()}: spawned processes and
     * charons killed by PID, then any process still in its namespaces, and both namespaces
     * deleted. Idempotent; never throws for a clean-up step that fails (it reports on stderr).
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
        lab.close();
        if (!lab.leftovers().isEmpty()) {
            System.err.println("CharonTestbed: left behind: " + String.join(", ", lab.leftovers()));
        }
    }
}
