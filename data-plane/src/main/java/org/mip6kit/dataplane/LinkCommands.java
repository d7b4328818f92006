package org.mip6kit.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Interface configuration through the {@code ip} command (iproute2): MTU, state, addresses,
 * routes and policy rules of the TUN device. Used only when the data plane starts and stops —
 * never per packet — so the few milliseconds a process costs do not matter, and iproute2 is the
 * tool operators read these settings with anyway (rtnetlink through jnr-ffi would be a second
 * netlink codec for the same few calls). Each command runs with a bound; a failure names the
 * command line and what {@code ip} printed.
 */
public final class LinkCommands {

    private static final long TIMEOUT_SECONDS = 10;
    private final String ip;

    /** Runs {@code ip} from the PATH. */
    public LinkCommands() {
        this("ip");
    }

    /** Runs the given {@code ip} executable. */
    public LinkCommands(String ipExecutable) {
        this.ip = ipExecutable;
    }

    /** Whether an interface of this name exists. */
    public boolean linkExists(String name) throws IOException {
        return run(false, "link", "show", "dev", name).exitCode == 0;
    }

    /** Deletes the interface if it exists (a left-over of an earlier run). */
    public boolean deleteLinkIfPresent(String name) throws IOException {
        if (!linkExists(name)) {
            return false;
        }
        run(true, "link", "del", "dev", name);
        return true;
    }

    /** No automatic link-local address (no DAD, no router solicitations), the MTU, then up. */
    public void bringUp(String name, int mtu) throws IOException {
        run(true, "link", "set", "dev", name, "addrgenmode", "none");
        run(true, "link", "set", "dev", name, "mtu", Integer.toString(mtu), "up");
    }

    /** Adds {@code address/length} to the interface without duplicate address detection. */
    public void addAddress(String name, String addressWithLength) throws IOException {
        run(true, "-6", "addr", "replace", addressWithLength, "dev", name, "nodad");
    }

    /**
     * Adds {@code address} as a host address ({@code /128}, or {@code /32} for IPv4) to the
     * interface, an IPv6 one without duplicate address detection so that it is usable at once.
     */
    public void addHostAddress(String name, java.net.InetAddress address) throws IOException {
        run(true, hostAddressArgs("replace", name, address));
    }

    /** Removes a host address {@link #addHostAddress} added; false if it was not there. */
    public boolean deleteHostAddress(String name, java.net.InetAddress address) throws IOException {
        return run(false, hostAddressArgs("del", name, address)).exitCode == 0;
    }

    private static String[] hostAddressArgs(String verb, String name, java.net.InetAddress address) {
        boolean v6 = address instanceof java.net.Inet6Address;
        String text = v6 ? org.mip6kit.wire.Ipv6Address.fromBytes(address.getAddress()) + "/128"
                : address.getHostAddress() + "/32";
        List<String> args = new ArrayList<>(List.of(v6 ? "-6" : "-4", "addr", verb, text, "dev", name));
        if (v6 && verb.equals("replace")) {
            args.add("nodad");
        }
        return args.toArray(String[]::new);
    }

    /** Routes {@code prefix} into the interface, in {@code table} ({@code main} when null). */
    public void addRoute(String prefix, String name, String table) throws IOException {
        List<String> args = new ArrayList<>(List.of("-6", "route", "replace", prefix, "dev", name));
        if (table != null) {
            args.add("table");
            args.add(table);
        }
        run(true, args.toArray(String[]::new));
    }

    /** Adds the policy rule {@code from <source> lookup <table> priority <priority>}. */
    public void addRule(String source, int table, int priority) throws IOException {
        run(true, "-6", "rule", "add", "from", source, "lookup", Integer.toString(table), "priority",
                Integer.toString(priority));
    }

    /**
     * Deletes every rule {@code from <source> lookup <table>} (an earlier run killed with SIGKILL
     * may have left some); returns how many went.
     */
    public int deleteRules(String source, int table) throws IOException {
        int deleted = 0;
        while (deleted < 64 && run(false, "-6", "rule", "del", "from", source, "lookup",
                Integer.toString(table)).exitCode == 0) {
            deleted++;
        }
        return deleted;
    }

    /** Empties a routing table (no error when it is empty). */
    public void flushTable(int table) throws IOException {
        run(false, "-6", "route", "flush", "table", Integer.toString(table));
    }

    private Result run(boolean mustSucceed, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ip);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Result r = new Result(p.exitValue(), output);
        if (mustSucceed && r.exitCode != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + r.exitCode + "): " + output);
        }
        return r;
    }

    private record Result(int exitCode, String output) {
    }
}
