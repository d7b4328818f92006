package org.mip6kit.ha.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;

import org.mip6kit.engine.BindingStore;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.wire.Ipv6Address;

/**
 * A {@link BindingStore} in a Hazelcast {@link IMap} shared by the home agents of a cluster
 * (docs/operator-guide.md#cluster): one entry per home address, partitioned by it, with the
 * synchronous backups the map is configured with ({@link GridMembership#BINDINGS_MAP}: one, so a
 * write completes only once the owner and one backup member hold it, and the Binding
 * Acknowledgement waits for that).
 *
 * <p><b>Order per home address.</b> Every change is an {@link EntryProcessor} sent to the key
 * ({@link IMap#submitToKey}): Hazelcast runs all operations on one key on that key's partition
 * thread, one after another, on whichever member owns the partition, so changes to one home
 * address are applied in the order they were submitted and never interleave, with no lock
 * spanning keys. The engine submits the changes of one home address in its own
 * per-home-address order.
 *
 * <p><b>Which home agent serves a binding.</b> Each value starts with the address of the home
 * agent that wrote it (16 octets) and a stamp (8 octets, see {@link #nextStamp}), followed by
 * {@link StoredBindingCodec}'s entry. A node that
 * moved to another member (RFC 5142 Home Agent Switch) is registered there under the same home
 * address; the processor therefore keeps a live binding of another home agent when this one
 * writes a replay hold (its own binding's deregistration, expiry or revocation) or removes its
 * entry: the old home agent cannot erase the new one's binding. A new live binding always wins.
 *
 * <p>Expiry times are the writing member's wall clock (epoch milliseconds): members must keep
 * their clocks synchronised (NTP), as a restarted single home agent must.
 *
 * <p>Thread-safe; never blocks the caller. Holds no secret: provider records are opaque octets
 * and never printed.
 */
public final class GridBindingStore implements BindingStore {

    private static final int AGENT_OCTETS = 16;
    private static final int STAMP_OCTETS = 8;
    private static final int HEADER_OCTETS = AGENT_OCTETS + STAMP_OCTETS;
    /** Writes one member can stamp per millisecond before its stamps run ahead of its clock. */
    private static final int STAMP_SHIFT = 16;

    private final IMap<String, byte[]> map;
    private final Ipv6Address homeAgent;
    private final java.time.Clock clock;
    private final java.util.concurrent.Executor completions;
    private final java.util.concurrent.atomic.AtomicLong lastStamp = new java.util.concurrent.atomic.AtomicLong();

    /**
     * A store whose writes complete on the grid's response threads.
     *
     * @param grid a running member whose {@link GridMembership#BINDINGS_MAP} has at least one synchronous backup
     * @param homeAgent the home agent address the engine writing through this store serves
     * @param clock the wall clock the stamps start from (synchronised across members)
     */
    public GridBindingStore(HazelcastInstance grid, Ipv6Address homeAgent, java.time.Clock clock) {
        this(grid, homeAgent, clock, Runnable::run);
    }

    /**
     * @param grid a running member whose {@link GridMembership#BINDINGS_MAP} has at least one synchronous backup
     * @param homeAgent the home agent address the engine writing through this store serves
     * @param clock the wall clock the stamps start from (synchronised across members)
     * @param completions where a finished write completes the stage {@link #write} returned (the
     *        engine's continuation, the Binding Acknowledgement, runs there). Hazelcast would otherwise
     *        complete dependent stages on the JDK's common pool, which on a host with two CPUs
     *        or fewer is one new thread per write
     */
    public GridBindingStore(HazelcastInstance grid, Ipv6Address homeAgent, java.time.Clock clock,
                            java.util.concurrent.Executor completions) {
        Objects.requireNonNull(grid, "grid");
        this.homeAgent = Objects.requireNonNull(homeAgent, "homeAgent");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.completions = Objects.requireNonNull(completions, "completions");
        this.map = grid.getMap(GridMembership.BINDINGS_MAP);
    }

    /**
     * A stamp larger than every earlier one of this store and, clocks being synchronised, than
     * the stamps of a member that wrote as the same home agent before it died (the failure
     * timeout has passed since): the processor drops a write that arrives after a newer one of
     * the same home agent, which Hazelcast's retries during a partition migration could cause.
     */
    private long nextStamp() {
        long floor = clock.millis() << STAMP_SHIFT;
        return lastStamp.updateAndGet(last -> Math.max(floor, last + 1));
    }

    /** The home agent address this store writes as. */
    public Ipv6Address homeAgent() {
        return homeAgent;
    }

    @Override
    public CompletionStage<Void> write(StoredBinding binding, Durability durability) {
        byte[] value;
        try {
            byte[] entry = StoredBindingCodec.put(binding);
            value = new byte[HEADER_OCTETS + entry.length];
            homeAgent.writeTo(value, 0);
            java.nio.ByteBuffer.wrap(value, AGENT_OCTETS, STAMP_OCTETS).putLong(nextStamp());
            System.arraycopy(entry, 0, value, HEADER_OCTETS, entry.length);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // BEFORE_ACK and LATER take the same path: a grid write is one round trip to the owner
        // and its backup, with nothing to batch the way a disk sync is batched.
        return submit(key(binding.binding().homeAddress()),
                new Put(value, value, binding.binding().isBound()));
    }

    /**
     * False: a grid write has nothing to batch, so a refresh is acknowledged only once the
     * partition's owner and its backup hold it, as every other change is, and a member that
     * dies takes no acknowledged refresh with it.
     */
    @Override
    public boolean refreshesMayLag() {
        return false;
    }

    @Override
    public CompletionStage<Void> remove(Ipv6Address homeAddress) {
        byte[] header = new byte[HEADER_OCTETS];
        homeAgent.writeTo(header, 0);
        java.nio.ByteBuffer.wrap(header, AGENT_OCTETS, STAMP_OCTETS).putLong(nextStamp());
        return submit(key(homeAddress), new Put(header, null, false));
    }

    private CompletionStage<Void> submit(String key, Put put) {
        try {
            CompletableFuture<Void> done = new CompletableFuture<>();
            map.submitToKey(key, put).whenCompleteAsync((ignored, failure) -> {
                if (failure == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(failure);
                }
            }, completions);
            return done;
        } catch (RuntimeException e) {
            // A member that has left the cluster fails at once: the acknowledgement turns into 130.
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Every stored entry that {@code servedBy} wrote, decoded: what a member restores when it
     * takes over that home agent address, or when it restarts serving its own. Runs a
     * distributed query (each member filters its own partitions).
     */
    public List<StoredBinding> entriesServedBy(Ipv6Address servedBy) {
        Collection<byte[]> values = map.values(new ServedBy(servedBy.toBytes()));
        List<StoredBinding> out = new ArrayList<>(values.size());
        for (byte[] v : values) {
            out.add(StoredBindingCodec.decode(Arrays.copyOfRange(v, HEADER_OCTETS, v.length)));
        }
        return out;
    }

    /** The home agent that wrote the entry of {@code homeAddress}, if there is one. */
    public java.util.Optional<Ipv6Address> servingAgent(Ipv6Address homeAddress) {
        byte[] v = map.get(key(homeAddress));
        return v == null ? java.util.Optional.empty() : java.util.Optional.of(Ipv6Address.fromBytes(v, 0));
    }

    /** The entry of {@code homeAddress}, whoever wrote it. */
    public java.util.Optional<StoredBinding> entry(Ipv6Address homeAddress) {
        byte[] v = map.get(key(homeAddress));
        return v == null ? java.util.Optional.empty()
                : java.util.Optional.of(StoredBindingCodec.decode(Arrays.copyOfRange(v, HEADER_OCTETS, v.length)));
    }

    static String key(Ipv6Address homeAddress) {
        return homeAddress.toString();
    }

    /**
     * Runs on the key's partition thread (and, with the same outcome, on its backups): stores
     * {@code value} (or removes the entry when it is null) unless the entry is a live binding
     * of another home agent and this write is not a live binding, or the entry is a newer write
     * of the same home agent.
     *
     * @param header the writer's home agent address and stamp (the first {@code HEADER_OCTETS} octets)
     */
    record Put(byte[] header, byte[] value, boolean bound) implements EntryProcessor<String, byte[], Boolean>,
            Serializable {

        @Override
        public Boolean process(Map.Entry<String, byte[]> entry) {
            byte[] current = entry.getValue();
            if (current != null) {
                if (sameAgent(current, header)) {
                    if (stamp(current) >= stamp(header)) {
                        return Boolean.FALSE;
                    }
                } else if (!bound && isBound(current)) {
                    return Boolean.FALSE;
                }
            }
            entry.setValue(value);
            return Boolean.TRUE;
        }

        private static long stamp(byte[] v) {
            return java.nio.ByteBuffer.wrap(v, AGENT_OCTETS, STAMP_OCTETS).getLong();
        }

        private static boolean sameAgent(byte[] stored, byte[] agent) {
            return Arrays.equals(stored, 0, AGENT_OCTETS, agent, 0, AGENT_OCTETS);
        }

        private static boolean isBound(byte[] stored) {
            return stored[HEADER_OCTETS + StoredBindingCodec.STATE_OFFSET] == 1;
        }
    }

    /** Selects the entries one home agent wrote (evaluated on the members that own them). */
    record ServedBy(byte[] agent) implements Predicate<String, byte[]>, Serializable {

        @Override
        public boolean apply(Map.Entry<String, byte[]> entry) {
            byte[] v = entry.getValue();
            return v != null && v.length > HEADER_OCTETS && Arrays.equals(v, 0, AGENT_OCTETS, agent, 0, AGENT_OCTETS);
        }
    }
}
