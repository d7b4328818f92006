package org.mip6kit.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * The home agent's binding cache: an open-addressing hash table over primitive arrays keyed
 * by home address, sized for a million entries without an object per entry. Addresses are
 * stored as pairs of {@code long}s, identities as references to the provider's own
 * {@link Identity} objects (4 octets a slot with compressed references), IPv4 outer endpoints
 * packed into one {@code long} (an IPv6 outer endpoint, rare, goes to a side map). Expiry is
 * found by {@link #sweep}, a linear scan the engine runs once per tick, instead of one timer
 * per entry.
 *
 * <p>Entries are either live ({@link BindingRecord.State#BOUND}) or a replay hold. Deleted
 * slots become tombstones that inserts reuse; the table rehashes when tombstones pile up.
 * All methods are {@code synchronized}: every operation is a few array accesses.
 */
final class BindingCache {

    private static final byte EMPTY = 0;
    private static final byte BOUND = 1;
    private static final byte HOLD = 2;
    private static final byte DELETED = 3;
    private static final long FLAG_MOBILE_ROUTER = 1L << 56;
    private static final long FLAG_K = 1L << 57;
    private static final long OUTER_V4 = 1L << 62;
    private static final long OUTER_SIDE = 1L << 61;

    private final int maxEntries;
    private final Map<Ipv6Address, InetSocketAddress> ipv6Outer = new HashMap<>();

    private byte[] state;
    private long[] hoaHi;
    private long[] hoaLo;
    private long[] coaHi;
    private long[] coaLo;
    private int[] seqAndLifetime;
    private long[] expiresAtMillis;
    private Identity[] identity;
    private long[] outer;
    private int mask;
    private int live;
    private int held;
    private int tombstones;

    BindingCache(int maxEntries, int initialCapacity) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
        allocate(tableSizeFor(Math.max(16, Math.min(initialCapacity, maxEntries))));
    }

    private static int tableSizeFor(int entries) {
        long want = (long) Math.ceil(entries / 0.75);
        int size = 16;
        while (size < want) {
            size <<= 1;
        }
        return size;
    }

    private void allocate(int size) {
        state = new byte[size];
        hoaHi = new long[size];
        hoaLo = new long[size];
        coaHi = new long[size];
        coaLo = new long[size];
        seqAndLifetime = new int[size];
        expiresAtMillis = new long[size];
        identity = new Identity[size];
        outer = new long[size];
        mask = size - 1;
    }

    private static int hash(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (int) h;
    }

    private int find(long hi, long lo) {
        int i = hash(hi, lo) & mask;
        while (true) {
            byte s = state[i];
            if (s == EMPTY) {
                return -1;
            }
            if (s != DELETED && hoaHi[i] == hi && hoaLo[i] == lo) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    synchronized BindingRecord get(Ipv6Address hoa) {
        int i = find(hoa.high(), hoa.low());
        return i < 0 ? null : record(i);
    }

    synchronized Optional<Identity> ownerOf(Ipv6Address hoa) {
        int i = find(hoa.high(), hoa.low());
        return i < 0 ? Optional.empty() : Optional.of(identity[i]);
    }

    /** Whether a new entry (not an update of an existing one) still fits. */
    synchronized boolean hasRoomFor(Ipv6Address hoa) {
        return find(hoa.high(), hoa.low()) >= 0 || live + held < maxEntries;
    }

    /**
     * Inserts or replaces the live binding for {@code r.homeAddress()}.
     *
     * @return false if it is a new entry and the cache is full
     */
    synchronized boolean put(BindingRecord r) {
        Ipv6Address hoa = r.homeAddress();
        int i = find(hoa.high(), hoa.low());
        if (i < 0) {
            if (live + held >= maxEntries) {
                return false;
            }
            if ((live + held + tombstones + 1) > (mask + 1) * 3L / 4) {
                rehash(tableSizeFor(Math.max(live + held + 1, (live + held) * 2)));
            }
            i = insertSlot(hoa.high(), hoa.low());
            live++;
            identity[i] = r.identity();
        } else {
            if (state[i] == HOLD) {
                held--;
                live++;
            }
            if (!identity[i].equals(r.identity())) {
                identity[i] = r.identity();
            }
        }
        state[i] = BOUND;
        write(i, r);
        return true;
    }

    /** Turns a live binding into a replay hold until {@code holdUntilMillis}. */
    synchronized BindingRecord hold(Ipv6Address hoa, long holdUntilMillis) {
        int i = find(hoa.high(), hoa.low());
        if (i < 0) {
            return null;
        }
        if (state[i] == BOUND) {
            live--;
            held++;
        }
        state[i] = HOLD;
        expiresAtMillis[i] = holdUntilMillis;
        return record(i);
    }

    /**
     * Finds live bindings whose lifetime has run out (returned, unchanged: the engine expires
     * each under its per-home-address serialisation) and removes replay holds that have lapsed.
     */
    synchronized void sweep(long nowMillis, List<BindingRecord> expired, List<BindingRecord> forgotten) {
        for (int i = 0; i <= mask; i++) {
            byte s = state[i];
            if ((s == BOUND || s == HOLD) && expiresAtMillis[i] <= nowMillis) {
                if (s == BOUND) {
                    expired.add(record(i));
                } else {
                    forgotten.add(record(i));
                    removeSlot(i, false);
                }
            }
        }
        if (tombstones > (mask + 1) / 4) {
            rehash(mask + 1);
        }
    }

    synchronized void remove(Ipv6Address hoa) {
        int i = find(hoa.high(), hoa.low());
        if (i >= 0) {
            removeSlot(i, true);
        }
    }

    private void removeSlot(int i, boolean mayRehash) {
        if (state[i] == BOUND) {
            live--;
        } else if (state[i] == HOLD) {
            held--;
        }
        identity[i] = null;
        if ((outer[i] & OUTER_SIDE) != 0) {
            ipv6Outer.remove(Ipv6Address.of(hoaHi[i], hoaLo[i]));
        }
        state[i] = DELETED;
        outer[i] = 0;
        tombstones++;
        if (mayRehash && tombstones > (mask + 1) / 4) {
            rehash(mask + 1);
        }
    }

    synchronized int liveCount() {
        return live;
    }

    synchronized int holdCount() {
        return held;
    }

    /** Distinct identities referenced by entries (bindings and holds). */
    synchronized int identityCount() {
        java.util.Set<Identity> distinct = new java.util.HashSet<>();
        for (int i = 0; i <= mask; i++) {
            if (state[i] == BOUND || state[i] == HOLD) {
                distinct.add(identity[i]);
            }
        }
        return distinct.size();
    }

    synchronized List<BindingRecord> liveBindings() {
        List<BindingRecord> out = new ArrayList<>(live);
        for (int i = 0; i <= mask; i++) {
            if (state[i] == BOUND) {
                out.add(record(i));
            }
        }
        return out;
    }

    private int insertSlot(long hi, long lo) {
        int i = hash(hi, lo) & mask;
        while (state[i] == BOUND || state[i] == HOLD) {
            i = (i + 1) & mask;
        }
        if (state[i] == DELETED) {
            tombstones--;
        }
        hoaHi[i] = hi;
        hoaLo[i] = lo;
        return i;
    }

    private void rehash(int newSize) {
        byte[] oldState = state;
        long[] oHi = hoaHi;
        long[] oLo = hoaLo;
        long[] oCoaHi = coaHi;
        long[] oCoaLo = coaLo;
        int[] oSeq = seqAndLifetime;
        long[] oExp = expiresAtMillis;
        Identity[] oId = identity;
        long[] oOuter = outer;
        allocate(newSize);
        tombstones = 0;
        for (int j = 0; j < oldState.length; j++) {
            if (oldState[j] == BOUND || oldState[j] == HOLD) {
                int i = insertSlot(oHi[j], oLo[j]);
                state[i] = oldState[j];
                coaHi[i] = oCoaHi[j];
                coaLo[i] = oCoaLo[j];
                seqAndLifetime[i] = oSeq[j];
                expiresAtMillis[i] = oExp[j];
                identity[i] = oId[j];
                outer[i] = oOuter[j];
            }
        }
    }

    private void write(int i, BindingRecord r) {
        coaHi[i] = r.careOfAddress().high();
        coaLo[i] = r.careOfAddress().low();
        seqAndLifetime[i] = (r.sequence().value() << 16) | r.lifetime().units();
        expiresAtMillis[i] = r.expiresAt().toEpochMilli();
        long o = 0;
        if ((outer[i] & OUTER_SIDE) != 0) {
            ipv6Outer.remove(r.homeAddress());
        }
        if (r.outerPeer().isPresent()) {
            InetSocketAddress peer = r.outerPeer().get();
            if (peer.getAddress() instanceof Inet4Address v4) {
                byte[] b = v4.getAddress();
                long addr = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
                o = OUTER_V4 | (addr << 16) | peer.getPort();
            } else {
                ipv6Outer.put(r.homeAddress(), peer);
                o = OUTER_SIDE;
            }
        }
        outer[i] = o | (r.mobileRouter() ? FLAG_MOBILE_ROUTER : 0) | (r.keyManagementMobility() ? FLAG_K : 0);
    }

    private BindingRecord record(int i) {
        Ipv6Address hoa = Ipv6Address.of(hoaHi[i], hoaLo[i]);
        long o = outer[i];
        Optional<InetSocketAddress> peer = Optional.empty();
        if ((o & OUTER_V4) != 0) {
            long addr = (o >>> 16) & 0xFFFF_FFFFL;
            byte[] b = {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr};
            try {
                peer = Optional.of(new InetSocketAddress(InetAddress.getByAddress(b), (int) (o & 0xFFFF)));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        } else if ((o & OUTER_SIDE) != 0) {
            peer = Optional.ofNullable(ipv6Outer.get(hoa));
        }
        int sl = seqAndLifetime[i];
        return new BindingRecord(state[i] == BOUND ? BindingRecord.State.BOUND : BindingRecord.State.REPLAY_HOLD,
                hoa, Ipv6Address.of(coaHi[i], coaLo[i]), SequenceNumber.of(sl >>> 16), Lifetime.ofUnits(sl & 0xFFFF),
                (o & FLAG_MOBILE_ROUTER) != 0, (o & FLAG_K) != 0, identity[i],
                Instant.ofEpochMilli(expiresAtMillis[i]), peer);
    }
}
