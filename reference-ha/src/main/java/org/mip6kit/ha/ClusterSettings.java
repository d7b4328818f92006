package org.mip6kit.ha;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.mip6kit.daemon.ConfigValues;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The home agent's {@code cluster} section: several home agents sharing their bindings in an
 * embedded Hazelcast data grid (docs/operator-guide.md#cluster). Disabled by default: a home
 * agent alone keeps its bindings in its own journal ({@link StateSettings}).
 * <pre>
 * cluster:
 *   enabled: false                 # true: bindings live in the grid, with one synchronous backup
 *   member-name: ha-a              # this member's name in logs and `ha status`
 *   bind: 192.0.2.1                # the address the grid listens on (members join by TCP/IP)
 *   port: 5701                     # the grid port
 *   members: [192.0.2.1, 192.0.2.2:5701, 192.0.2.3]   # every member, this one included
 *   failure-timeout: 3s            # a member silent this long has left (1s .. 60s)
 *   takeover-interface: eth0       # where a departed member's address is added; absent: not added
 * </pre>
 * The home agent address each member serves is its own {@code home-agent.address}; its UDP
 * endpoint ({@code transport.udp.bind}, a specific address) is the one a survivor opens when it
 * takes the address over.
 *
 * @param enabled whether the home agent joins a cluster
 * @param memberName this member's name
 * @param bind the address the grid listens on
 * @param port the grid port
 * @param members the members' addresses ({@code host} or {@code host:port})
 * @param failureTimeout how long a member may stay silent before the others count it gone
 * @param takeoverInterface the interface a taken-over address is added to; empty: none is added
 *        (the survivor serves an address only where it is already local)
 */
public record ClusterSettings(boolean enabled, String memberName, String bind, int port, List<String> members,
                              Duration failureTimeout, String takeoverInterface) {

    /** The keys of the {@code cluster} section. */
    public static final Set<String> KEYS = Set.of("enabled", "member-name", "bind", "port", "members",
            "failure-timeout", "takeover-interface");
    /** {@code cluster.port} when absent. */
    public static final int DEFAULT_PORT = 5701;
    /** {@code cluster.failure-timeout} when absent: the failover target. */
    public static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(3);
    /** The shortest and longest {@code cluster.failure-timeout}. */
    public static final Duration MIN_FAILURE_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_FAILURE_TIMEOUT = Duration.ofSeconds(60);

    /** No cluster: the default. */
    public static final ClusterSettings DISABLED = new ClusterSettings(false, "", "", DEFAULT_PORT, List.of(),
            DEFAULT_FAILURE_TIMEOUT, "");

    private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:-]{1,253}");

    public ClusterSettings {
        Objects.requireNonNull(memberName, "memberName");
        Objects.requireNonNull(bind, "bind");
        members = List.copyOf(members);
        Objects.requireNonNull(failureTimeout, "failureTimeout");
        Objects.requireNonNull(takeoverInterface, "takeoverInterface");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 .. 65535: " + port);
        }
        if (enabled && (memberName.isBlank() || bind.isBlank() || members.isEmpty())) {
            throw new IllegalArgumentException("an enabled cluster needs member-name, bind and members");
        }
    }

    /** Whether a departed member's address is added to an interface ({@code takeover-interface}). */
    public boolean addsTakenOverAddresses() {
        return !takeoverInterface.isEmpty();
    }

    /**
     * Reads the {@code cluster} section (absent, or {@code enabled: false}: {@link #DISABLED};
     * the other keys are still checked).
     *
     * @throws ProviderConfigException naming the key, for an unknown key, a wrong value, or an
     *         enabled cluster missing member-name, bind or members
     */
    public static ClusterSettings read(ConfigSection root) throws ProviderConfigException {
        if (!root.has("cluster")) {
            return DISABLED;
        }
        ConfigSection c = root.section("cluster");
        c.allowOnly(KEYS);
        boolean enabled = c.bool("enabled", false);
        if (enabled) {
            for (String required : List.of("member-name", "bind", "members")) {
                if (!c.has(required)) {
                    throw c.error(required, "is required when the cluster is enabled "
                            + "(docs/operator-guide.md#cluster)");
                }
            }
        }
        String name = "";
        if (c.has("member-name")) {
            name = c.string("member-name").strip();
            if (!MEMBER_NAME.matcher(name).matches()) {
                throw c.error("member-name", "must be 1..63 letters, digits, '_', '.' or '-', starting with a letter "
                        + "or digit, such as ha-a (docs/operator-guide.md#cluster)");
            }
        }
        String bind = "";
        if (c.has("bind")) {
            java.net.InetAddress a = ConfigValues.ipAddress(c, "bind");
            if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                throw c.error("bind", "must be one address of this machine on the members' private network, not "
                        + a.getHostAddress() + " (docs/operator-guide.md#cluster)");
            }
            bind = a.getHostAddress();
        }
        int port = (int) c.integer("port", 1, 65535, DEFAULT_PORT);
        List<String> members = List.of();
        if (c.has("members")) {
            members = c.strings("members").stream().map(String::strip).toList();
            if (members.isEmpty()) {
                throw c.error("members", "must list every member's address (host or host:port), this one included");
            }
            for (int i = 0; i < members.size(); i++) {
                checkMember(c, i, members.get(i));
            }
        }
        Duration failureTimeout = c.duration("failure-timeout", MIN_FAILURE_TIMEOUT, MAX_FAILURE_TIMEOUT,
                DEFAULT_FAILURE_TIMEOUT);
        if (failureTimeout.toMillis() % 1000 != 0) {
            throw c.error("failure-timeout", "must be whole seconds (the grid's failure detector counts seconds), "
                    + "got " + failureTimeout.toMillis() + "ms");
        }
        String takeover = "";
        if (c.has("takeover-interface")) {
            takeover = c.string("takeover-interface").strip();
            if (!INTERFACE.matcher(takeover).matches()) {
                throw c.error("takeover-interface", "must be an interface name of 1..15 letters, digits, '_', '.' "
                        + "or '-', such as eth0 (docs/operator-guide.md#cluster)");
            }
        }
        if (!enabled) {
            return DISABLED;
        }
        return new ClusterSettings(true, name, bind, port, members, failureTimeout, takeover);
    }

    private static void checkMember(ConfigSection c, int i, String member) throws ProviderConfigException {
        String key = "members[" + i + "]";
        String host = member;
        String portText = null;
        if (member.startsWith("[")) {
            int close = member.indexOf(']');
            if (close < 0 || (close + 1 < member.length() && member.charAt(close + 1) != ':')) {
                throw c.error(key, "'" + member + "' is not host, host:port or [IPv6]:port");
            }
            host = member.substring(1, close);
            portText = close + 1 < member.length() ? member.substring(close + 2) : null;
        } else if (member.indexOf(':') >= 0 && member.indexOf(':') == member.lastIndexOf(':')) {
            host = member.substring(0, member.indexOf(':'));
            portText = member.substring(member.indexOf(':') + 1);
        }
        if (host.isEmpty() || !HOST.matcher(host).matches()) {
            throw c.error(key, "'" + member + "' is not host, host:port or [IPv6]:port");
        }
        if (portText != null) {
            int p;
            try {
                p = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw c.error(key, "'" + member + "': the port must be 1 .. 65535");
            }
        }
    }
}
