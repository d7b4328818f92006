package org.mip6kit.ha.state;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One home agent's membership of the cluster (docs/operator-guide.md#cluster): starts the
 * embedded Hazelcast member, records which member serves which home agent address, hands a
 * departed member's addresses to the oldest surviving member, and gives an address back to its
 * own member when that member returns.
 *
 * <p>Maps, each with one synchronous backup: {@link #BINDINGS_MAP} (see
 * {@link GridBindingStore}); {@link #AGENTS_MAP}, home agent address → the UUID of the member
 * serving it; {@link #ENDPOINTS_MAP}, home agent address → the UDP endpoint its own member
 * bound (what a survivor opens when it takes the address over); {@link #HAND_BACKS_MAP}, home
 * agent address → the UUID of the member asking for it back.
 *
 * <p><b>Takeover.</b> When a member leaves (Hazelcast's failure detector stopped hearing it, or
 * it shut down), only the oldest survivor acts, so exactly one member takes each orphaned
 * address: it moves the address to itself in {@link #AGENTS_MAP} (a compare-and-set, so a
 * takeover is never done twice) and calls {@link Takeover#serve}, off Hazelcast's event thread.
 *
 * <p><b>Hand-back.</b> A member that starts while another serves its own address
 * ({@link #claim}) writes a request to {@link #HAND_BACKS_MAP} and waits, bounded. The holder,
 * on its own thread, calls {@link Takeover#release} (its engine for the address stops and the
 * address leaves its interface) and only then moves the address to the requester with a
 * compare-and-set; the requester starts serving once it sees itself in {@link #AGENTS_MAP}. A
 * holder that does not answer within the bound is overruled (the requester takes the address
 * and logs it); a holder that sees its address moved away releases it then.
 *
 * <p>Each member carries its name and its own home agent address as Hazelcast member
 * attributes, so {@code ha status} names members and two members configured with the same
 * address are told apart. Thread-safe. {@link #close} leaves the cluster.
 */
public final class GridMembership implements AutoCloseable {

    /** The map of bindings, keyed by home address. */
    public static final String BINDINGS_MAP = "mip6kit-bindings";
    /** The map of served home agent addresses: address → member UUID. */
    public static final String AGENTS_MAP = "mip6kit-home-agents";
    /** The map of the UDP endpoints home agent addresses are served on: address → "ip port". */
    public static final String ENDPOINTS_MAP = "mip6kit-endpoints";
    /** The map of hand-back requests: address → the UUID of the member that wants it back. */
    public static final String HAND_BACKS_MAP = "mip6kit-hand-backs";
    /** The member attribute holding the member's name. */
    static final String NAME_ATTRIBUTE = "mip6kit.member-name";
    /** The member attribute holding the member's own home agent address. */
    static final String HOME_AGENT_ATTRIBUTE = "mip6kit.home-agent";
    /** How long {@link #join(Settings, Ipv6Address, Takeover, java.time.Clock)} waits for a hand-back. */
    public static final Duration DEFAULT_HAND_BACK_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(GridMembership.class);

    /** What a member does with the addresses it inherits and gives back. */
    public interface Takeover {
        /**
         * Starts serving {@code inherited.homeAgent()} with the bindings stored under it. Called
         * once per inherited address, on a thread of the membership's own; may block.
         */
        void serve(Inherited inherited);

        /**
         * Stops serving {@code homeAgent}, an address {@link #serve} was given, before its own
         * member serves it again: stops its engine and removes the address it added. Returns
         * once it no longer answers on the address; bounded by the caller's own timeouts. Called
         * on the membership's thread; does nothing for an address not served.
         */
        default void release(Ipv6Address homeAgent) {
        }
    }

    /**
     * An address this member inherited.
     *
     * @param homeAgent the home agent address
     * @param store the store to serve it with (writes as {@code homeAgent})
     * @param from the departed member's name (its address if it had none)
     * @param detectedNanos {@link System#nanoTime()} when this member heard that it left
     */
    public record Inherited(Ipv6Address homeAgent, GridBindingStore store, String from, long detectedNanos) {
        public Inherited {
            Objects.requireNonNull(homeAgent, "homeAgent");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(from, "from");
        }
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
    private final IMap<String, String> endpoints;
    private final IMap<String, String> handBacks;
    private final ExecutorService takeovers;
    private final Takeover takeover;
    private final UUID listener;
    private final UUID handBackListener;
    private final UUID agentsListener;
    private final java.time.Clock clock;
    private final Ipv6Address own;
    private final String localId;
    private volatile boolean closed;

    private GridMembership(HazelcastInstance grid, Ipv6Address own, Takeover takeover, java.time.Clock clock) {
        this.grid = grid;
        this.own = own;
        this.clock = clock;
        this.takeover = takeover;
        this.agents = grid.getMap(AGENTS_MAP);
        this.endpoints = grid.getMap(ENDPOINTS_MAP);
        this.handBacks = grid.getMap(HAND_BACKS_MAP);
        this.localId = grid.getCluster().getLocalMember().getUuid().toString();
        this.takeovers = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cluster-takeover");
            t.setDaemon(true);
            return t;
        });
        this.listener = grid.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                LOG.info("cluster: member {} joined ({} members)", describe(event.getMember()),
                        event.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                onMemberRemoved(event.getMember(), System.nanoTime());
            }
        });
        this.handBackListener = handBacks.addEntryListener(new HandBackRequests(), true);
        this.agentsListener = agents.addEntryListener((EntryUpdatedListener<String, String>) this::onAgentMoved, true);
    }

    /**
     * Starts this member, joins the others and {@linkplain #claim claims} {@code homeAgent}
     * (waiting up to {@link #DEFAULT_HAND_BACK_TIMEOUT} for a survivor holding it to give it back).
     *
     * @param takeover what to do with an inherited address
     * @param clock the wall clock of the stores' write stamps (synchronised across members)
     */
    public static GridMembership join(Settings settings, Ipv6Address homeAgent, Takeover takeover,
                                      java.time.Clock clock) {
        return join(settings, homeAgent, takeover, clock, DEFAULT_HAND_BACK_TIMEOUT);
    }

    /**
     * As {@link #join(Settings, Ipv6Address, Takeover, java.time.Clock)}, waiting up to
     * {@code handBackTimeout} for a hand-back.
     *
     * @throws IllegalStateException if another live member serves {@code homeAgent} as its own
     *         address (two members configured with one address)
     * @throws RuntimeException as Hazelcast throws it when the member cannot start (port in use,
     *         address not local)
     */
    public static GridMembership join(Settings settings, Ipv6Address homeAgent, Takeover takeover,
                                      java.time.Clock clock, Duration handBackTimeout) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(homeAgent, "homeAgent");
        HazelcastInstance grid = Hazelcast.newHazelcastInstance(config(settings, homeAgent));
        try {
            GridMembership m = new GridMembership(grid, homeAgent, Objects.requireNonNull(takeover, "takeover"), clock);
            m.claim(handBackTimeout);
            return m;
        } catch (RuntimeException e) {
            grid.getLifecycleService().terminate();
            throw e;
        }
    }

    /** The Hazelcast configuration: TCP/IP join only, no multicast, no phone-home, 1 synchronous backup. */
    static Config config(Settings s, Ipv6Address homeAgent) {
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
        config.getMemberAttributeConfig().setAttribute(NAME_ATTRIBUTE, s.memberName());
        config.getMemberAttributeConfig().setAttribute(HOME_AGENT_ATTRIBUTE, homeAgent.toString());
        NetworkConfig net = config.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(s.bind());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(s.members());
        for (String map : List.of(BINDINGS_MAP, AGENTS_MAP, ENDPOINTS_MAP, HAND_BACKS_MAP)) {
            config.addMapConfig(new MapConfig(map).setBackupCount(1).setAsyncBackupCount(0));
        }
        return config;
    }

    /**
     * Records this member's own address as served here. When another live member serves it (it
     * took it over while this member was down), asks it back and waits until the holder has
     * stopped serving it, at most {@code timeout}; then takes it anyway and logs a warning.
     *
     * @throws IllegalStateException if the holder serves the address as its own
     */
    void claim(Duration timeout) {
        String key = own.toString();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean asked = false;
        while (true) {
            String holder = agents.get(key);
            if (holder == null) {
                if (agents.putIfAbsent(key, localId) == null) {
                    return;
                }
                continue;
            }
            if (holder.equals(localId)) {
                if (asked) {
                    handBacks.remove(key, localId);
                    LOG.info("cluster: {} handed back to this member ({})", own, memberName());
                }
                return;
            }
            Optional<Member> live = member(holder);
            if (live.isEmpty()) {
                if (agents.replace(key, holder, localId)) {
                    return;
                }
                continue;
            }
            if (key.equals(live.get().getAttribute(HOME_AGENT_ATTRIBUTE))) {
                throw new IllegalStateException("home agent address " + own + " is already the own address of "
                        + "cluster member " + describe(live.get()) + "; give each member its own home-agent.address "
                        + "(see docs/errors.md#cluster-address-taken)");
            }
            if (!asked) {
                LOG.info("cluster: {} is served by {} since this member left; asking for it back", own,
                        describe(live.get()));
                handBacks.set(key, localId);
                asked = true;
            }
            if (System.nanoTime() - deadline > 0) {
                agents.set(key, localId);
                handBacks.remove(key, localId);
                LOG.warn("cluster: {} did not hand {} back within {}; this member serves it from now on and {} "
                        + "stops when it sees the change", describe(live.get()), own, timeout, describe(live.get()));
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + own + " to be handed back", e);
            }
        }
    }

    /** Records {@code homeAgent} as served by this member. */
    public void serve(Ipv6Address homeAgent) {
        agents.set(homeAgent.toString(), localId);
    }

    /** Publishes the UDP endpoint {@code homeAgent} is served on, for a survivor to open. */
    public void publishEndpoint(Ipv6Address homeAgent, InetSocketAddress endpoint) {
        endpoints.set(homeAgent.toString(), endpoint.getAddress().getHostAddress() + " " + endpoint.getPort());
    }

    /** The UDP endpoint {@code homeAgent}'s own member published, if it did. */
    public Optional<InetSocketAddress> endpoint(Ipv6Address homeAgent) {
        String v = endpoints.get(homeAgent.toString());
        if (v == null) {
            return Optional.empty();
        }
        int space = v.lastIndexOf(' ');
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByName(v.substring(0, space)),
                    Integer.parseInt(v.substring(space + 1))));
        } catch (UnknownHostException | RuntimeException e) {
            LOG.warn("cluster: the endpoint stored for {} is unreadable: {}", homeAgent, v);
            return Optional.empty();
        }
    }

    /** A store that writes as {@code homeAgent}. */
    public GridBindingStore store(Ipv6Address homeAgent) {
        return new GridBindingStore(grid, homeAgent, clock);
    }

    /** Every served home agent address and the name of the member serving it (for {@code ha status}). */
    public Map<Ipv6Address, String> servedAddresses() {
        Map<String, String> byId = new HashMap<>();
        for (Member m : grid.getCluster().getMembers()) {
            byId.put(m.getUuid().toString(), describe(m));
        }
        Map<Ipv6Address, String> out = new TreeMap<>(Comparator.comparing(Ipv6Address::toString));
        for (Map.Entry<String, String> e : agents.entrySet()) {
            out.put(Ipv6Address.parse(e.getKey()), byId.getOrDefault(e.getValue(), "gone (" + e.getValue() + ")"));
        }
        return out;
    }

    /** The home agent addresses served by members other than this one. */
    public List<Ipv6Address> otherAgents() {
        List<Ipv6Address> out = new ArrayList<>();
        for (Map.Entry<String, String> e : agents.entrySet()) {
            if (!e.getValue().equals(localId)) {
                out.add(Ipv6Address.parse(e.getKey()));
            }
        }
        out.sort(Comparator.comparing(Ipv6Address::toString));
        return out;
    }

    /** How many members the cluster has now. */
    public int memberCount() {
        return grid.getCluster().getMembers().size();
    }

    /** This member's name. */
    public String memberName() {
        return describe(grid.getCluster().getLocalMember());
    }

    /** The running Hazelcast member. */
    public HazelcastInstance grid() {
        return grid;
    }

    private Optional<Member> member(String uuid) {
        for (Member m : grid.getCluster().getMembers()) {
            if (m.getUuid().toString().equals(uuid)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The member's configured name, or its grid address when it has none. */
    static String describe(Member m) {
        String name = m.getAttribute(NAME_ATTRIBUTE);
        return name != null ? name : m.getAddress().toString();
    }

    private void onMemberRemoved(Member gone, long detectedNanos) {
        Iterator<Member> oldest = grid.getCluster().getMembers().iterator();
        if (!oldest.hasNext() || !oldest.next().localMember()) {
            LOG.info("cluster: member {} left; the oldest survivor takes over its addresses", describe(gone));
            return;
        }
        submit(() -> {
            String goneId = gone.getUuid().toString();
            for (Map.Entry<String, String> e : agents.entrySet()) {
                if (e.getValue().equals(goneId) && agents.replace(e.getKey(), goneId, localId)) {
                    Ipv6Address address = Ipv6Address.parse(e.getKey());
                    LOG.warn("cluster: member {} left; taking over home agent address {}", describe(gone), address);
                    try {
                        takeover.serve(new Inherited(address, store(address), describe(gone), detectedNanos));
                    } catch (RuntimeException ex) {
                        LOG.error("cluster: taking over {} failed: {}", address, ex.toString());
                    }
                }
            }
        });
    }

    /** A hand-back request for an address this member holds: release it, then move it to the requester. */
    private void onHandBackRequest(String key, String requester) {
        submit(() -> {
            if (!localId.equals(agents.get(key)) || key.equals(own.toString())) {
                return;
            }
            Ipv6Address address = Ipv6Address.parse(key);
            String to = member(requester).map(GridMembership::describe).orElse(requester);
            try {
                takeover.release(address);
            } catch (RuntimeException ex) {
                LOG.error("cluster: releasing {} for {} failed: {}; handing it back anyway", address, to, ex.toString());
            }
            if (agents.replace(key, localId, requester)) {
                LOG.info("cluster: handed home agent address {} back to {}", address, to);
            }
        });
    }

    /** An address this member served moved to another member without a hand-back: stop serving it. */
    private void onAgentMoved(EntryEvent<String, String> event) {
        if (localId.equals(event.getOldValue()) && !localId.equals(event.getValue())
                && !event.getKey().equals(own.toString())) {
            submit(() -> takeover.release(Ipv6Address.parse(event.getKey())));
        }
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            takeovers.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private final class HandBackRequests implements EntryAddedListener<String, String>,
            EntryUpdatedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            onHandBackRequest(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            onHandBackRequest(event.getKey(), event.getValue());
        }
    }

    /** Leaves the cluster: the others hear of it at once and take over what this member served. */
    @Override
    public void close() {
        closed = true;
        try {
            grid.getCluster().removeMembershipListener(listener);
            handBacks.removeEntryListener(handBackListener);
            agents.removeEntryListener(agentsListener);
        } catch (RuntimeException e) {
            // the instance may already be down
        }
        takeovers.shutdownNow();
        try {
            grid.shutdown();
        } catch (RuntimeException e) {
            // already terminated
        }
    }

    /** Stops this member abruptly, as a crash would (for tests). */
    public void terminate() {
        closed = true;
        takeovers.shutdownNow();
        grid.getLifecycleService().terminate();
    }
}
