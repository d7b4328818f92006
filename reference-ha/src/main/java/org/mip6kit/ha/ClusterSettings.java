package org.mip6kit.ha;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 * </pre>
 * The home agent address each member serves is its own {@code home-agent.address}.
 *
 * @param enabled whether the home agent joins a cluster
 * @param memberName this member's name
 * @param bind the address the grid listens on
 * @param port the grid port
 * @param members the members' addresses ({@code host} or {@code host:port})
 * @param failureTimeout how long a member may stay silent before the others count it gone
 */
public record ClusterSettings(boolean enabled, String memberName, String bind, int port, List<String> members,
                              Duration failureTimeout) {

    /** The keys of the {@code cluster} section. */
    public static final Set<String> KEYS = Set.of("enabled", "member-name", "bind", "port", "members",
            "failure-timeout");
    /** {@code cluster.port} when absent. */
    public static final int DEFAULT_PORT = 5701;
    /** {@code cluster.failure-timeout} when absent: the failover target. */
    public static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(3);

    /** No cluster: the default. */
    public static final ClusterSettings DISABLED = new ClusterSettings(false, "", "", DEFAULT_PORT, List.of(),
            DEFAULT_FAILURE_TIMEOUT);

    public ClusterSettings {
        Objects.requireNonNull(memberName, "memberName");
        Objects.requireNonNull(bind, "bind");
        members = List.copyOf(members);
        Objects.requireNonNull(failureTimeout, "failureTimeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 .. 65535: " + port);
        }
        if (enabled && (memberName.isBlank() || bind.isBlank() || members.isEmpty())) {
            throw new IllegalArgumentException("an enabled cluster needs member-name, bind and members");
        }
    }

    /**
     * Reads the {@code cluster} section (absent: {@link #DISABLED}).
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
        if (!enabled) {
            return DISABLED;
        }
        for (String required : List.of("member-name", "bind", "members")) {
            if (!c.has(required)) {
                throw c.error(required, "is required when the cluster is enabled "
                        + "(docs/operator-guide.md#cluster)");
            }
        }
        return new ClusterSettings(true, c.string("member-name"), c.string("bind"),
                (int) c.integer("port", 1, 65535, DEFAULT_PORT), c.strings("members"),
                c.duration("failure-timeout", Duration.ofSeconds(1), Duration.ofSeconds(60), DEFAULT_FAILURE_TIMEOUT));
    }
}
