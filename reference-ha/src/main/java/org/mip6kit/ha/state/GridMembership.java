package org.mip6kit.ha.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One home agent's membership of the cluster (docs/operator-guide.md#cluster): starts the
 * embedded Hazelcast member, records which member serves which home agent address, and hands a
 * departed member's addresses to the oldest surviving member.
 *
 * <p>Two maps, each with one synchronous backup: {@link #BINDINGS_MAP} (see
 * {@link GridBindingStore}) and {@link #AGENTS_MAP}, home agent address → the UUID of the member
 * serving it. When a member leaves (Hazelcast's failure detector stopped hearing it, or it shut
 * down), only the oldest survivor acts, so exactly one member takes each orphaned address: it
 * moves the address to itself in {@link #AGENTS_MAP} (a compare-and-set, so a takeover is never
 * done twice) and calls the {@link Takeover} it was given, off Hazelcast's event thread, with
 * the address and the bindings stored under it.
 *
 * <p>Thread-safe. {@link #close} leaves the cluster.
 */
public final class GridMembership implements AutoCloseable {

    /** The map of bindings, keyed by home address. */
    public static final String BINDINGS_MAP = "mip6kit-bindings";
    /** The map of served home agent addresses: address → member UUID. */
    public static final String AGENTS_MAP = "mip6kit-home-agents";

    private static final Logger LOG = LoggerFactory.getLogger(GridMembership.class);

    /** What a member does when it inherits a departed member's home agent address. */
    @FunctionalInterface
    public interface Takeover {
        /**
         * Starts serving {@code homeAgent} with the bindings stored under it. Called once per
         * inherited address, on a thread of the membership's own; may block.
         */
        void serve(Ipv6Address homeAgent, GridBindingStore store);
    }

    /**
     * How to join.
     *
     * @param memberName this member's name (the Hazelcast instance name)
     * @param bind the address the grid listens on
     * @param port the grid port
     * @param members every member's {@code host} or {@code host:port}
     * @param failureTimeout how long a silent member is waited for before it counts as gone
     */
    public record Settings(String memberName, String bind, int port, List<String> members, Duration failureTimeout) {
        public Settings {
            Objects.requireNonNull(memberName, "memberName");
            Objects.requireNonNull(bind, "bind");
            members = List.copyOf(members);
            Objects.requireNonNull(failureTimeout, "failureTimeout");
        }
    }

    private final HazelcastInstance grid;
    private final IMap<String, String> agents;
    private final ExecutorService takeovers;
    private final Takeover takeover;
    private final UUID listener;
    private final java.time.Clock clock;

    private GridMembership(HazelcastInstance grid, Takeover takeover, java.time.Clock clock) {
        this.grid = grid;
        this.clock = clock;
        this.takeover = takeover;
        this.agents = grid.getMap(AGENTS_MAP);
        this.takeovers = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cluster-takeover");
            t.setDaemon(true);
            return t;
        });
        this.listener = grid.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info("cluster: member {} joined ({} members)", event.getMember().getAddress(),
                        event.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                onMemberRemoved(event.getMember());
            }
        });
    }

    /**
     * Starts this member, joins the others and registers {@code homeAgent} as served here.
     *
     * @param takeover what to do with an inherited address
     * @param clock the wall clock of the stores' write stamps (synchronised across members)
     */
    public static GridMembership join(Settings settings, Ipv6Address homeAgent, Takeover takeover,
                                      java.time.Clock clock) {
        Objects.requireNonNull(clock, "clock");
        HazelcastInstance grid = Hazelcast.newHazelcastInstance(config(settings));
        try {
            GridMembership m = new GridMembership(grid, Objects.requireNonNull(takeover, "takeover"), clock);
            m.serve(homeAgent);
            return m;
        } catch (RuntimeException e) {
            grid.getLifecycleService().terminate();
            throw e;
        }
    }

    /** The Hazelcast configuration: TCP/IP join only, no multicast, no phone-home, 1 synchronous backup. */
    static Config config(Settings s) {
        Config config = new Config();
        config.setClusterName("mip6kit-home-agents");
        config.setInstanceName(s.memberName());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds",
                String.valueOf(Math.max(1, s.failureTimeout().toSeconds())));
        config.setProperty("hazelcast.local.localAddress", s.bind());
        config.getJetConfig().setEnabled(false);
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(s.bind());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(s.members());
        config.addMapConfig(new MapConfig(BINDINGS_MAP).setBackupCount(1).setAsyncBackupCount(0));
        config.addMapConfig(new MapConfig(AGENTS_MAP).setBackupCount(1).setAsyncBackupCount(0));
        return config;
    }

    /** Records {@code homeAgent} as served by this member. */
    public void serve(Ipv6Address homeAgent) {
        agents.set(homeAgent.toString(), localId());
    }

    /** A store that writes as {@code homeAgent}. */
    public GridBindingStore store(Ipv6Address homeAgent) {
        return new GridBindingStore(grid, homeAgent, clock);
    }

    /** Every served home agent address and the name of the member serving it (for {@code ha status}). */
    public Map<Ipv6Address, String> servedAddresses() {
        Map<String, String> byId = new java.util.HashMap<>();
        for (Member m : grid.getCluster().getMembers()) {
            byId.put(m.getUuid().toString(), m.getAddress().toString());
        }
        Map<Ipv6Address, String> out = new java.util.TreeMap<>(java.util.Comparator.comparing(Ipv6Address::toString));
        for (Map.Entry<String, String> e : agents.entrySet()) {
            out.put(Ipv6Address.parse(e.getKey()), byId.getOrDefault(e.getValue(), "gone (" + e.getValue() + ")"));
        }
        return out;
    }

    /** The home agent addresses served by members other than this one. */
    public List<Ipv6Address> otherAgents() {
        String me = localId();
        List<Ipv6Address> out = new ArrayList<>();
        for (Map.Entry<String, String> e : agents.entrySet()) {
            if (!e.getValue().equals(me)) {
                out.add(Ipv6Address.parse(e.getKey()));
            }
        }
        out.sort(java.util.Comparator.comparing(Ipv6Address::toString));
        return out;
    }

    /** How many members the cluster has now. */
    public int memberCount() {
        return grid.getCluster().getMembers().size();
    }

    /** The running Hazelcast member. */
    public HazelcastInstance grid() {
        return grid;
    }

    private String localId() {
        return grid.getCluster().getLocalMember().getUuid().toString();
    }

    private void onMemberRemoved(Member gone) {
        Iterator<Member> oldest = grid.getCluster().getMembers().iterator();
        if (!oldest.hasNext() || !oldest.next().localMember()) {
            LOG.info("cluster: member {} left; the oldest survivor takes over its addresses", gone.getAddress());
            return;
        }
        takeovers.execute(() -> {
            String goneId = gone.getUuid().toString();
            String me = localId();
            for (Map.Entry<String, String> e : agents.entrySet()) {
                if (e.getValue().equals(goneId) && agents.replace(e.getKey(), goneId, me)) {
                    Ipv6Address address = Ipv6Address.parse(e.getKey());
                    LOG.warn("cluster: member {} left; taking over home agent address {}", gone.getAddress(), address);
                    try {
                        takeover.serve(address, store(address));
                    } catch (RuntimeException ex) {
                        LOG.error("cluster: taking over {} failed: {}", address, ex.toString());
                    }
                }
            }
        });
    }

    /** Leaves the cluster: the others hear of it at once and take over what this member served. */
    @Override
    public void close() {
        try {
            grid.getCluster().removeMembershipListener(listener);
        } catch (RuntimeException e) {
            // the instance may already be down
        }
        takeovers.shutdownNow();
        grid.shutdown();
    }

    /** Stops this member abruptly, as a crash would (for tests). */
    void terminate() {
        takeovers.shutdownNow();
        grid.getLifecycleService().terminate();
    }
}
