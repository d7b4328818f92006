package org.mip6kit.benchmarks.state;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;

import org.HdrHistogram.Histogram;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.BindingStore.Durability;
import org.mip6kit.engine.StoredBinding;
import org.mip6kit.ha.state.GridBindingStore;
import org.mip6kit.ha.state.GridMembership;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * The cluster store's heap per binding and its write cost (docs/performance.md, "Cluster store"):
 * {@code --members} embedded Hazelcast members in this JVM, joined over loopback by
 * {@link GridMembership} exactly as the reference daemon joins them (its configuration: one
 * synchronous backup), each serving a home agent address of its own. {@code --bindings} bindings are
 * written through the members' {@link GridBindingStore}s, member {@code i % members} writing binding
 * {@code i} (each home agent writes the bindings of its own nodes), at most {@code --window} writes
 * outstanding at once, each a {@link Durability#BEFORE_ACK} write as a registration makes.
 *
 * <p>Each binding is what the home agent stores for an RFC 4285 node: a bound entry with a care-of
 * address, an NAI of 17 to 23 octets and the {@code auth-option-4285} provider's record for one
 * security association (version, count, SPI, floor and the two newest accepted timestamps: 30
 * octets).
 *
 * <p>Reports (standard output, one {@code KEY value} line each): the JVM's used heap after full
 * collections before and after the writes, and the difference per binding — every member's copies
 * together (one owner copy and one backup copy per binding), per copy, and per member; Hazelcast's
 * own accounting ({@link LocalMapStats}: owned and backup entries and their memory cost, summed over
 * the members); and the write throughput and latency (from the call to the completion of its stage).
 *
 * <pre>
 * java -Xmx4g -cp benchmarks.jar org.mip6kit.benchmarks.state.GridHeapMeasurement \
 *   [--members 2] [--bindings 100000] [--window 256]
 * </pre>
 * All members share this JVM's heap and CPU: the heap is the sum over members; the write latency
 * includes a loopback hop whenever the writing member does not own the key, and no network.
 */
public final class GridHeapMeasurement {

    private static final long HOME_PREFIX = 0x20010db800010000L;
    private static final long CARE_OF_PREFIX = 0x20010db800020000L;

    private GridHeapMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("mip6kit.log.level") == null) {
            System.setProperty("mip6kit.log.level", "WARN");
        }
        int members = 2;
        int bindings = 100_000;
        int window = 256;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--members" -> members = Integer.parseInt(args[i + 1]);
                case "--bindings" -> bindings = Integer.parseInt(args[i + 1].replace("_", ""));
                case "--window" -> window = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --members M (2..3), --bindings N, --window W");
            }
        }
        if (members < 2 || members > 3 || bindings < 1 || window < 1) {
            throw new IllegalArgumentException("--members takes 2 or 3 (one synchronous backup needs a second member); "
                    + "--bindings and --window must be positive");
        }
        System.out.printf("GRID members=%d bindings=%d window=%d java=%s maxHeap=%d started=%s%n", members, bindings,
                window, System.getProperty("java.version"), Runtime.getRuntime().maxMemory(), Instant.now());
        long heapBeforeMembers = usedHeapAfterGc();
        List<GridMembership> cluster = join(members);
        long heapJoined = usedHeapAfterGc();
        try {
            List<GridBindingStore> stores = new ArrayList<>();
            for (int m = 0; m < members; m++) {
                stores.add(cluster.get(m).store(agent(m)));
            }
            // Warm-up, not counted: every partition created and the write path compiled, then emptied.
            int warm = Math.min(20_000, bindings);
            write(stores, 0, warm, window, new Histogram(TimeUnit.SECONDS.toNanos(60), 3), true);
            remove(stores, 0, warm, window);
            long heapBefore = usedHeapAfterGc();

            Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long t0 = System.nanoTime();
            write(stores, 0, bindings, window, latency, false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long heapAfter = usedHeapAfterGc();

            long owned = 0;
            long backups = 0;
            long ownedCost = 0;
            long backupCost = 0;
            for (GridMembership m : cluster) {
                IMap<String, byte[]> map = m.grid().getMap(GridMembership.BINDINGS_MAP);
                LocalMapStats s = map.getLocalMapStats();
                System.out.printf("MEMBER %s owned=%d backup=%d ownedCost=%d backupCost=%d%n", m.grid().getName(),
                        s.getOwnedEntryCount(), s.getBackupEntryCount(), s.getOwnedEntryMemoryCost(),
                        s.getBackupEntryMemoryCost());
                owned += s.getOwnedEntryCount();
                backups += s.getBackupEntryCount();
                ownedCost += s.getOwnedEntryMemoryCost();
                backupCost += s.getBackupEntryMemoryCost();
            }
            long copies = owned + backups;
            double perBinding = (double) (heapAfter - heapBefore) / bindings;
            System.out.printf("HEAP beforeMembers=%d membersJoined=%d beforeWrites=%d afterWrites=%d%n",
                    heapBeforeMembers, heapJoined, heapBefore, heapAfter);
            System.out.printf("ENTRIES owned=%d backup=%d copiesPerBinding=%.2f valueOctets=%d%n", owned, backups,
                    (double) copies / bindings, valueOctets(stores.get(0), cluster.get(0)));
            System.out.printf("PER_BINDING heap=%.1fB (all %d members, owner and backup copies) perCopy=%.1fB "
                            + "perMemberFor1e6=%.0fMB%n", perBinding, members, (double) (heapAfter - heapBefore) / copies,
                    perBinding * 1e6 / members / 1e6);
            System.out.printf("HAZELCAST_COST owned=%d backup=%d perBinding=%.1fB perCopy=%.1fB%n", ownedCost,
                    backupCost, (double) (ownedCost + backupCost) / bindings,
                    (double) (ownedCost + backupCost) / copies);
            System.out.printf("WRITE bindings=%d window=%d seconds=%.2f writes/s=%.0f p50=%.1fus p99=%.1fus "
                            + "p99.9=%.1fus max=%.1fus%n", bindings, window, seconds, bindings / seconds,
                    latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                    latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3);
            Histogram one = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            int single = Math.min(bindings, 20_000);
            long t1 = System.nanoTime();
            write(stores, 0, single, 1, one, false);
            double oneSeconds = (System.nanoTime() - t1) / 1e9;
            System.out.printf("WRITE bindings=%d window=1 seconds=%.2f writes/s=%.0f p50=%.1fus p99=%.1fus "
                            + "p99.9=%.1fus max=%.1fus (overwrites)%n", single, oneSeconds, single / oneSeconds,
                    one.getValueAtPercentile(50) / 1e3, one.getValueAtPercentile(99) / 1e3,
                    one.getValueAtPercentile(99.9) / 1e3, one.getMaxValue() / 1e3);
        } finally {
            // Abruptly: a graceful shutdown would migrate every partition to the members left first.
            for (GridMembership m : cluster) {
                m.grid().getLifecycleService().terminate();
            }
        }
        System.exit(0);
    }

    /** {@code members} members on loopback, each serving its own home agent address; returns once all see each other. */
    private static List<GridMembership> join(int members) throws Exception {
        List<String> addresses = new ArrayList<>();
        int[] ports = new int[members];
        for (int m = 0; m < members; m++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports[m] = s.getLocalPort();
            }
            addresses.add("127.0.0.1:" + ports[m]);
        }
        List<GridMembership> out = new ArrayList<>();
        try {
            for (int m = 0; m < members; m++) {
                GridMembership.Settings s = new GridMembership.Settings("bench-member-" + m + "-" + ports[m], "127.0.0.1",
                        ports[m], addresses, Duration.ofSeconds(10));
                out.add(GridMembership.join(s, agent(m), inherited -> { }, Clock.systemUTC()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.stream().anyMatch(g -> g.memberCount() != members)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the members did not all see each other within 60 s");
                }
                Thread.sleep(50);
            }
            return out;
        } catch (Exception | Error e) {
            out.forEach(GridMembership::close);
            throw e;
        }
    }

    private static Ipv6Address agent(int member) {
        return Ipv6Address.of(HOME_PREFIX, 0xa0 + member);
    }

    /** Writes bindings {@code from .. from+count-1}, binding {@code i} through store {@code i % stores}. */
    private static void write(List<GridBindingStore> stores, int from, int count, int window, Histogram latency,
                              boolean warmUp) {
        Instant expires = Instant.now().plusSeconds(600);
        ArrayDeque<CompletableFuture<Void>> outstanding = new ArrayDeque<>();
        for (int i = from; i < from + count; i++) {
            if (outstanding.size() >= window) {
                outstanding.poll().join();
            }
            long start = System.nanoTime();
            CompletableFuture<Void> f = stores.get(i % stores.size())
                    .write(binding(i, warmUp ? 1 : 2, expires), Durability.BEFORE_ACK).toCompletableFuture();
            outstanding.add(f.whenComplete((v, e) -> {
                if (e == null) {
                    long nanos = System.nanoTime() - start;
                    synchronized (latency) { // completed on Hazelcast's threads
                        latency.recordValue(Math.min(nanos, latency.getHighestTrackableValue()));
                    }
                }
            }));
        }
        outstanding.forEach(CompletableFuture::join);
    }

    private static void remove(List<GridBindingStore> stores, int from, int count, int window) {
        ArrayDeque<CompletableFuture<Void>> outstanding = new ArrayDeque<>();
        for (int i = from; i < from + count; i++) {
            if (outstanding.size() >= window) {
                outstanding.poll().join();
            }
            outstanding.add(stores.get(i % stores.size()).remove(Ipv6Address.of(HOME_PREFIX, 0x10000 + i))
                    .toCompletableFuture());
        }
        outstanding.forEach(CompletableFuture::join);
    }

    /** The octets of one stored value (the writer's address and stamp, then the entry), as read back. */
    private static int valueOctets(GridBindingStore store, GridMembership member) {
        IMap<String, byte[]> map = member.grid().getMap(GridMembership.BINDINGS_MAP);
        byte[] v = map.get(Ipv6Address.of(HOME_PREFIX, 0x10000).toString());
        return v == null ? -1 : v.length;
    }

    /** Node {@code i}'s binding as an RFC 4285 home agent stores it after a registration. */
    static StoredBinding binding(int i, int round, Instant expires) {
        Ipv6Address hoa = Ipv6Address.of(HOME_PREFIX, 0x10000 + i);
        BindingRecord r = new BindingRecord(BindingRecord.State.BOUND, hoa, Ipv6Address.of(CARE_OF_PREFIX, 0x10000 + i),
                SequenceNumber.of((i + round) & 0xFFFF), Lifetime.ofSeconds(600), false, false,
                Identity.nai("mn" + i + "@example.org"), expires, Optional.empty());
        return new StoredBinding(BindingChange.Kind.CREATED, r, providerRecord(i, expires));
    }

    /**
     * The {@code auth-option-4285} provider's record for one association: version 1, count 1, the
     * SPI, the replay floor and the two newest accepted NTP timestamps.
     */
    static byte[] providerRecord(int i, Instant now) {
        long ntp = ((now.getEpochSecond() + 2_208_988_800L) << 32) | (i & 0xFFFFL);
        return ByteBuffer.allocate(30).put((byte) 1).put((byte) 1).putInt(0x1000 + i).putLong(ntp - (7L << 32))
                .putLong(ntp - (1L << 32)).putLong(ntp).array();
    }

    /** Used heap after full collections (the JVM's own accounting, MemoryMXBean). */
    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
