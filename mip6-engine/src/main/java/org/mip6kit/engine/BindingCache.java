package org.mip6kit.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.SequenceNumber;

/**
 * The home agent's binding cache, keyed by home address and sized for a million entries
 * without an object per entry (about 52 octets a row, plus the index).
 *
 * <p>Entries are dense rows in three arrays, indexed by row number:
 * <pre>
 *  rows   long[5 per row]   home address hi, lo | care-of address hi, lo | outer word
 *  terms  int[2 per row]    sequence (16) lifetime units (16) | expiry, ms after expiryBase (unsigned)
 *  owners Identity[]        the provider's own Identity object (a reference, not a copy)
 *  entriesPerOwner          rows per owner, for the engine's limit of home addresses per identity
 *  networkPrefixes          a live mobile router binding's prefixes (RFC 3963), by home address:
 *                           few entries, so a map beside the rows instead of a column in them
 *
 *  outer word: bit 63 replay hold | 62 R | 61 K | 60 IPv4 peer | 59 IPv6 peer |
 *              bits 0..47: IPv4 address (32) and port (16), or the IPv6 peer's number in peers
 * </pre>
 * Rows grow by a quarter when full, up to {@code maxEntries}; removing a row moves the last
 * row into its place. {@code index} is an open-addressing table (linear probing, backward-shift
 * deletion) of row + 1, 0 for empty, kept at most 3/4 full. IPv6 outer endpoints (rare) are
 * interned in {@link Ipv6Peers}: bindings behind one NAT64 or IPv6 endpoint share one entry.
 *
 * <p>Expiry is kept to the millisecond as an unsigned 32-bit offset from {@code expiryBase},
 * a window of 49.7 days that starts a day before the earliest expiry (so a clock stepped back
 * does not move it). Lifetimes are at most 65535 × 4 s (3 days) and replay holds short, so
 * {@link #sweep} moves the base forward long before the window runs out and the engine's writes
 * never have to (moving it rewrites every row). If an expiry still falls outside the window, the
 * base moves to fit it; only when entries are more than 49.7 days apart are the oldest expiries
 * raised to the window's start (they lapsed weeks before the newest entry was written). Expiry
 * is found by {@code sweep}, a linear scan the engine runs once per tick, instead of one timer
 * per entry.
 *
 * <p>Entries are either live ({@link BindingRecord.State#BOUND}) or a replay hold. All
 * methods are {@code synchronized}: every operation is a few array accesses.
 */
final class BindingCache {

    private static final int HOA_HI = 0;
    private static final int HOA_LO = 1;
    private static final int COA_HI = 2;
    private static final int COA_LO = 3;
    private static final int OUTER = 4;
    private static final int ROW_LONGS = 5;
    private static final int SEQ_LIFETIME = 0;
    private static final int EXPIRY = 1;
    private static final int ROW_INTS = 2;

    private static final long HOLD = 1L << 63;
    private static final long MOBILE_ROUTER = 1L << 62;
    private static final long KEY_MANAGEMENT = 1L << 61;
    private static final long PEER_V4 = 1L << 60;
    private static final long PEER_V6 = 1L << 59;
    private static final long PEER_BITS = (1L << 48) - 1;

    /** The widest expiry offset: 2^32 − 1 ms, 49.7 days. */
    static final long EXPIRY_WINDOW_MILLIS = 0xFFFF_FFFFL;
    /** Sweep moves the base once less than this is left between now and the window's end. */
    private static final long EXPIRY_REBASE_MARGIN_MILLIS = EXPIRY_WINDOW_MILLIS / 2;
    /** Room kept below the earliest expiry, so a clock stepped back does not make a write rebase. */
    private static final long EXPIRY_SLACK_MILLIS = 24 * 3600 * 1000L;
    private static final int MAX_ROWS = Integer.MAX_VALUE / ROW_LONGS - 8;

    private final int maxEntries;
    private final Ipv6Peers peers = new Ipv6Peers();

    private long[] rows;
    private int[] terms;
    private Identity[] owners;
    /** Entries per owner, keyed by the owner's Identity: at most one key per distinct owner. */
    private final Map<Identity, int[]> entriesPerOwner = new HashMap<>();
    private final Map<Ipv6Address, List<MobileNetworkPrefix>> networkPrefixes = new HashMap<>();
    private int size;
    private int held;
    private int[] index;
    private int indexMask;
    private long expiryBase;
    private boolean expiryBaseSet;

    BindingCache(int maxEntries, int initialCapacity) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = Math.min(maxEntries, MAX_ROWS);
        int capacity = Math.max(16, Math.min(initialCapacity, this.maxEntries));
        rows = new long[capacity * ROW_LONGS];
        terms = new int[capacity * ROW_INTS];
        owners = new Identity[capacity];
        index = new int[indexSizeFor(capacity)];
        indexMask = index.length - 1;
    }

    private static int indexSizeFor(int entries) {
        long want = (long) Math.ceil(entries / 0.75);
        int length = 16;
        while (length < want) {
            length <<= 1;
        }
        return length;
    }

    private static int hash(long hi, long lo) {
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (int) h;
    }

    private int hashOfRow(int row) {
        return hash(rows[row * ROW_LONGS + HOA_HI], rows[row * ROW_LONGS + HOA_LO]);
    }

    /** The index slot holding {@code hoa}'s row, or the empty slot where it would go. */
    private int slotOf(long hi, long lo) {
        int slot = hash(hi, lo) & indexMask;
        while (true) {
            int entry = index[slot];
            if (entry == 0) {
                return slot;
            }
            int base = (entry - 1) * ROW_LONGS;
            if (rows[base + HOA_HI] == hi && rows[base + HOA_LO] == lo) {
                return slot;
            }
            slot = (slot + 1) & indexMask;
        }
    }

    private int rowOf(Ipv6Address hoa) {
        return index[slotOf(hoa.high(), hoa.low())] - 1;
    }

    synchronized BindingRecord get(Ipv6Address hoa) {
        int row = rowOf(hoa);
        return row < 0 ? null : record(row);
    }

    /**
     * {@link #get(Ipv6Address)}, reusing {@code hoa} and, when they are the entry's,
     * {@code likelyCareOf} and {@code likelyPeer} in the record instead of making new ones: a
     * refresh from where the node last was materialises no address (all are immutable, so
     * sharing them is safe).
     */
    synchronized BindingRecord get(Ipv6Address hoa, Ipv6Address likelyCareOf, Optional<InetSocketAddress> likelyPeer) {
        int row = rowOf(hoa);
        return row < 0 ? null : record(row, hoa, likelyCareOf, likelyPeer);
    }

    synchronized Optional<Identity> ownerOf(Ipv6Address hoa) {
        int row = rowOf(hoa);
        return row < 0 ? Optional.empty() : Optional.of(owners[row]);
    }

    /** Whether a new entry (not an update of an existing one) still fits. */
    synchronized boolean hasRoomFor(Ipv6Address hoa) {
        return size < maxEntries || rowOf(hoa) >= 0;
    }

    /**
     * Inserts or replaces the live binding for {@code r.homeAddress()}.
     *
     * @return false if it is a new entry and the cache is full
     */
    synchronized boolean put(BindingRecord r) {
        return put(r.homeAddress(), r.careOfAddress(), r.sequence(), r.lifetime(), r.mobileRouter(),
                r.keyManagementMobility(), r.identity(), r.expiresAt().toEpochMilli(), r.outerPeer(),
                r.isBound() ? r.mobileNetworkPrefixes() : null);
    }

    /**
     * {@link #put(BindingRecord)} of a live binding from its fields, with no record or
     * {@code Instant} made for it (the engine's commit of every accepted Binding Update).
     *
     * @param prefixes a mobile router's prefixes (only with {@code mobileRouter}), empty for none
     */
    synchronized boolean putBound(Ipv6Address hoa, Ipv6Address coa, SequenceNumber sequence, Lifetime lifetime,
                                  boolean mobileRouter, boolean keyManagement, Identity owner, long expiresAtMillis,
                                  Optional<InetSocketAddress> outerPeer, List<MobileNetworkPrefix> prefixes) {
        if (!mobileRouter && !prefixes.isEmpty()) {
            throw new IllegalArgumentException("only a mobile router's binding has mobile network prefixes");
        }
        return put(hoa, coa, sequence, lifetime, mobileRouter, keyManagement, owner, expiresAtMillis, outerPeer,
                List.copyOf(prefixes));
    }

    /** {@code prefixes} null: a replay hold (it keeps none). */
    private boolean put(Ipv6Address hoa, Ipv6Address coa, SequenceNumber sequence, Lifetime lifetime,
                        boolean mobileRouter, boolean keyManagement, Identity owner, long expiresAtMillis,
                        Optional<InetSocketAddress> outerPeer, List<MobileNetworkPrefix> prefixes) {
        int slot = slotOf(hoa.high(), hoa.low());
        int row = index[slot] - 1;
        if (row < 0) {
            if (size >= maxEntries) {
                return false;
            }
            row = appendRow(hoa.high(), hoa.low());
            if (size > (indexMask + 1) * 3L / 4) {
                rebuildIndex(index.length * 2);
            } else {
                index[slot] = row + 1;
            }
            owners[row] = owner;
            countEntry(owner, 1);
        } else if (!owners[row].equals(owner)) {
            // An equal identity keeps the reference already held (the provider's own object).
            countEntry(owners[row], -1);
            owners[row] = owner;
            countEntry(owner, 1);
        }
        write(row, hoa, coa, sequence, lifetime, mobileRouter, keyManagement, expiresAtMillis, outerPeer, prefixes);
        return true;
    }

    /** Turns a live binding into a replay hold until {@code holdUntilMillis}. */
    synchronized BindingRecord hold(Ipv6Address hoa, long holdUntilMillis) {
        int row = rowOf(hoa);
        if (row < 0) {
            return null;
        }
        int b = row * ROW_LONGS;
        if ((rows[b + OUTER] & HOLD) == 0) {
            held++;
            rows[b + OUTER] |= HOLD;
        }
        networkPrefixes.remove(hoa);
        setExpiry(row, holdUntilMillis);
        return record(row);
    }

    /**
     * Finds live bindings whose lifetime has run out (returned, unchanged: the engine expires
     * each under its per-home-address serialisation) and removes replay holds that have lapsed.
     * Moves the expiry base forward when the window ahead of {@code nowMillis} runs short.
     */
    synchronized void sweep(long nowMillis, List<BindingRecord> expired, List<BindingRecord> forgotten) {
        long earliest = Long.MAX_VALUE;
        int row = 0;
        while (row < size) {
            long expiry = expiryOf(row);
            if (expiry <= nowMillis) {
                if ((rows[row * ROW_LONGS + OUTER] & HOLD) == 0) {
                    expired.add(record(row));
                } else {
                    forgotten.add(record(row));
                    removeRow(row);
                    continue; // the last row now sits here
                }
            }
            earliest = Math.min(earliest, expiry);
            row++;
        }
        if (expiryBaseSet && expiryBase + EXPIRY_WINDOW_MILLIS - nowMillis < EXPIRY_REBASE_MARGIN_MILLIS) {
            long newBase = Math.min(earliest, nowMillis) - EXPIRY_SLACK_MILLIS;
            if (newBase > expiryBase) {
                rebaseExpiry(newBase);
            }
        }
    }

    /**
     * The home address of a live binding other than {@code except}'s whose registered mobile
     * network prefixes overlap {@code prefix}/{@code length}, if any (RFC 3963 §6.1.2: one
     * mobile router must not claim another's prefix).
     */
    synchronized Optional<Ipv6Address> prefixHolder(Ipv6Address prefix, int length, Ipv6Address except) {
        for (Map.Entry<Ipv6Address, List<MobileNetworkPrefix>> e : networkPrefixes.entrySet()) {
            if (e.getKey().equals(except)) {
                continue;
            }
            for (MobileNetworkPrefix p : e.getValue()) {
                int shorter = Math.min(length, p.prefixLength());
                if (p.prefix().maskedTo(shorter).equals(prefix.maskedTo(shorter))) {
                    return Optional.of(e.getKey());
                }
            }
        }
        return Optional.empty();
    }

    synchronized void remove(Ipv6Address hoa) {
        int row = rowOf(hoa);
        if (row >= 0) {
            removeRow(row);
        }
    }

    /** Entries (bindings and replay holds) owned by {@code owner}. */
    synchronized int entriesOf(Identity owner) {
        int[] n = entriesPerOwner.get(owner);
        return n == null ? 0 : n[0];
    }

    private void countEntry(Identity owner, int delta) {
        int[] n = entriesPerOwner.computeIfAbsent(owner, o -> new int[1]);
        n[0] += delta;
        if (n[0] <= 0) {
            entriesPerOwner.remove(owner);
        }
    }

    synchronized int liveCount() {
        return size - held;
    }

    synchronized int holdCount() {
        return held;
    }

    /** Distinct identities referenced by entries (bindings and holds). */
    synchronized int identityCount() {
        Set<Identity> distinct = new HashSet<>();
        for (int row = 0; row < size; row++) {
            distinct.add(owners[row]);
        }
        return distinct.size();
    }

    /** Distinct IPv6 outer endpoints in use (each kept once, however many bindings share it). */
    synchronized int ipv6OuterPeerCount() {
        return peers.size();
    }

    /** Rows the arrays have room for before they grow. */
    synchronized int rowCapacity() {
        return owners.length;
    }

    synchronized long expiryBaseMillis() {
        return expiryBase;
    }

    synchronized List<BindingRecord> liveBindings() {
        List<BindingRecord> out = new ArrayList<>(size - held);
        for (int row = 0; row < size; row++) {
            if ((rows[row * ROW_LONGS + OUTER] & HOLD) == 0) {
                out.add(record(row));
            }
        }
        return out;
    }

    /**
     * At most {@code limit} live bindings whose home address comes after {@code after} (all
     * when {@code null}) and whose identity {@code owner} accepts, in home address order. One
     * scan of the rows keeping the {@code limit} smallest addresses in a heap of row numbers:
     * only the page is ever turned into records, whatever the cache holds.
     */
    synchronized List<BindingRecord> page(Ipv6Address after, int limit, Predicate<Identity> owner) {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one binding, got " + limit);
        }
        int[] heap = new int[Math.min(limit, Math.max(size - held, 1))];
        int n = 0;
        for (int row = 0; row < size; row++) {
            int b = row * ROW_LONGS;
            if ((rows[b + OUTER] & HOLD) != 0
                    || after != null && compareHomeAddress(rows[b + HOA_HI], rows[b + HOA_LO], after.high(), after.low()) <= 0
                    || owner != null && !owner.test(owners[row])) {
                continue;
            }
            if (n < heap.length) {
                heap[n] = row;
                siftUp(heap, n++);
            } else if (compareRows(row, heap[0]) < 0) {
                heap[0] = row;
                siftDown(heap, n);
            }
        }
        Integer[] chosen = new Integer[n];
        for (int i = 0; i < n; i++) {
            chosen[i] = heap[i];
        }
        Arrays.sort(chosen, this::compareRows);
        List<BindingRecord> out = new ArrayList<>(n);
        for (int row : chosen) {
            out.add(record(row));
        }
        return out;
    }

    private static int compareHomeAddress(long hi, long lo, long otherHi, long otherLo) {
        int c = Long.compareUnsigned(hi, otherHi);
        return c != 0 ? c : Long.compareUnsigned(lo, otherLo);
    }

    private int compareRows(int a, int b) {
        return compareHomeAddress(rows[a * ROW_LONGS + HOA_HI], rows[a * ROW_LONGS + HOA_LO],
                rows[b * ROW_LONGS + HOA_HI], rows[b * ROW_LONGS + HOA_LO]);
    }

    /** Max-heap on home address: the root is the largest row kept so far. */
    private void siftUp(int[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (compareRows(heap[i], heap[parent]) <= 0) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[parent];
            heap[parent] = t;
            i = parent;
        }
    }

    private void siftDown(int[] heap, int n) {
        int i = 0;
        while (true) {
            int largest = i;
            int l = 2 * i + 1;
            int r = l + 1;
            if (l < n && compareRows(heap[l], heap[largest]) > 0) {
                largest = l;
            }
            if (r < n && compareRows(heap[r], heap[largest]) > 0) {
                largest = r;
            }
            if (largest == i) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[largest];
            heap[largest] = t;
            i = largest;
        }
    }

    // ------------------------------------------------------------------ rows

    private int appendRow(long hi, long lo) {
        if (size == owners.length) {
            growRows();
        }
        int row = size++;
        rows[row * ROW_LONGS + HOA_HI] = hi;
        rows[row * ROW_LONGS + HOA_LO] = lo;
        rows[row * ROW_LONGS + OUTER] = 0;
        return row;
    }

    private void growRows() {
        int capacity = owners.length;
        long wanted = Math.max(capacity + (capacity >> 2), capacity + 16L);
        int grown = (int) Math.min(wanted, maxEntries);
        rows = Arrays.copyOf(rows, grown * ROW_LONGS);
        terms = Arrays.copyOf(terms, grown * ROW_INTS);
        owners = Arrays.copyOf(owners, grown);
    }

    /** Removes a row: its index slot goes, and the last row moves into its place. */
    private void removeRow(int row) {
        int b = row * ROW_LONGS;
        long outer = rows[b + OUTER];
        if ((outer & PEER_V6) != 0) {
            peers.release((int) (outer & PEER_BITS));
        }
        if ((outer & HOLD) != 0) {
            held--;
        }
        countEntry(owners[row], -1);
        networkPrefixes.remove(Ipv6Address.of(rows[b + HOA_HI], rows[b + HOA_LO]));
        deleteSlot(slotOf(rows[b + HOA_HI], rows[b + HOA_LO]));
        int last = --size;
        if (row != last) {
            System.arraycopy(rows, last * ROW_LONGS, rows, b, ROW_LONGS);
            System.arraycopy(terms, last * ROW_INTS, terms, row * ROW_INTS, ROW_INTS);
            owners[row] = owners[last];
            index[slotOf(rows[b + HOA_HI], rows[b + HOA_LO])] = row + 1;
        }
        owners[last] = null;
    }

    /** Backward-shift deletion: entries after the hole that may live there move up, so no tombstones. */
    private void deleteSlot(int hole) {
        int slot = hole;
        while (true) {
            slot = (slot + 1) & indexMask;
            int entry = index[slot];
            if (entry == 0) {
                break;
            }
            int home = hashOfRow(entry - 1) & indexMask;
            if (((slot - home) & indexMask) >= ((slot - hole) & indexMask)) {
                index[hole] = entry;
                hole = slot;
            }
        }
        index[hole] = 0;
    }

    private void rebuildIndex(int length) {
        index = new int[length];
        indexMask = length - 1;
        for (int row = 0; row < size; row++) {
            int slot = hashOfRow(row) & indexMask;
            while (index[slot] != 0) {
                slot = (slot + 1) & indexMask;
            }
            index[slot] = row + 1;
        }
    }

    private void write(int row, Ipv6Address hoa, Ipv6Address coa, SequenceNumber sequence, Lifetime lifetime,
                       boolean mobileRouter, boolean keyManagement, long expiresAtMillis,
                       Optional<InetSocketAddress> outerPeer, List<MobileNetworkPrefix> prefixes) {
        int b = row * ROW_LONGS;
        rows[b + COA_HI] = coa.high();
        rows[b + COA_LO] = coa.low();
        terms[row * ROW_INTS + SEQ_LIFETIME] = (sequence.value() << 16) | lifetime.units();
        long previous = rows[b + OUTER];
        if ((previous & HOLD) != 0) {
            held--;
        }
        long outer = 0;
        if (outerPeer.isPresent()) {
            InetSocketAddress peer = outerPeer.get();
            outer = peer.getAddress() instanceof Inet4Address v4 ? ipv4Peer(v4, peer.getPort())
                    : PEER_V6 | peers.acquire(peer);
        }
        if ((previous & PEER_V6) != 0) {
            peers.release((int) (previous & PEER_BITS));
        }
        rows[b + OUTER] = outer | (mobileRouter ? MOBILE_ROUTER : 0) | (keyManagement ? KEY_MANAGEMENT : 0);
        if (prefixes != null && !prefixes.isEmpty()) {
            networkPrefixes.put(hoa, prefixes);
        } else if (!networkPrefixes.isEmpty()) {
            networkPrefixes.remove(hoa);
        }
        setExpiry(row, expiresAtMillis);
    }

    /**
     * The outer word's endpoint bits for an IPv4 peer.
     */
    private static long ipv4Peer(Inet4Address v4, int port) {
        byte[] a = v4.getAddress();
        long address = ((a[0] & 0xFFL) << 24) | ((a[1] & 0xFFL) << 16) | ((a[2] & 0xFFL) << 8) | (a[3] & 0xFFL);
        return PEER_V4 | (address << 16) | port;
    }

    private BindingRecord record(int row) {
        int b = row * ROW_LONGS;
        return record(row, Ipv6Address.of(rows[b + HOA_HI], rows[b + HOA_LO]), null, Optional.empty());
    }

    /**
     * The row as a record, with {@code hoa} (the row's key), and {@code likelyCareOf} (may be
     * null) and {@code likelyPeer} where they are the row's.
     */
    private BindingRecord record(int row, Ipv6Address hoa, Ipv6Address likelyCareOf,
                                 Optional<InetSocketAddress> likelyPeer) {
        int b = row * ROW_LONGS;
        long outer = rows[b + OUTER];
        Optional<InetSocketAddress> peer = Optional.empty();
        if ((outer & PEER_V4) != 0 && likelyPeer.isPresent()
                && likelyPeer.get().getAddress() instanceof Inet4Address v4
                && ipv4Peer(v4, likelyPeer.get().getPort()) == (outer & (PEER_V4 | PEER_BITS))) {
            peer = likelyPeer;
        } else if ((outer & PEER_V4) != 0) {
            long address = (outer >>> 16) & 0xFFFF_FFFFL;
            byte[] a = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
            try {
                peer = Optional.of(new InetSocketAddress(InetAddress.getByAddress(a), (int) (outer & 0xFFFF)));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        } else if ((outer & PEER_V6) != 0) {
            InetSocketAddress v6 = peers.get((int) (outer & PEER_BITS));
            peer = likelyPeer.isPresent() && likelyPeer.get().equals(v6) ? likelyPeer : Optional.of(v6);
        }
        int sl = terms[row * ROW_INTS + SEQ_LIFETIME];
        List<MobileNetworkPrefix> prefixes = networkPrefixes.isEmpty() ? List.of()
                : networkPrefixes.getOrDefault(hoa, List.of());
        return new BindingRecord((outer & HOLD) == 0 ? BindingRecord.State.BOUND : BindingRecord.State.REPLAY_HOLD,
                hoa, likelyCareOf != null && likelyCareOf.high() == rows[b + COA_HI]
                        && likelyCareOf.low() == rows[b + COA_LO] ? likelyCareOf
                        : Ipv6Address.of(rows[b + COA_HI], rows[b + COA_LO]),
                SequenceNumber.of(sl >>> 16), Lifetime.ofUnits(sl & 0xFFFF), (outer & MOBILE_ROUTER) != 0,
                (outer & KEY_MANAGEMENT) != 0, owners[row], Instant.ofEpochMilli(expiryOf(row)), peer, prefixes);
    }

    // ------------------------------------------------------------------ expiry

    private long expiryOf(int row) {
        return expiryBase + Integer.toUnsignedLong(terms[row * ROW_INTS + EXPIRY]);
    }

    private void setExpiry(int row, long millis) {
        if (!expiryBaseSet) {
            expiryBase = millis - EXPIRY_SLACK_MILLIS;
            expiryBaseSet = true;
        } else if (millis < expiryBase || millis - expiryBase > EXPIRY_WINDOW_MILLIS) {
            long earliest = millis;
            long latest = millis;
            for (int other = 0; other < size; other++) {
                if (other != row) {
                    earliest = Math.min(earliest, expiryOf(other));
                    latest = Math.max(latest, expiryOf(other));
                }
            }
            rebaseExpiry(Math.max(earliest - EXPIRY_SLACK_MILLIS, latest - EXPIRY_WINDOW_MILLIS));
        }
        terms[row * ROW_INTS + EXPIRY] = (int) (Math.max(millis, expiryBase) - expiryBase);
    }

    /** Moves the base to {@code newBase}; expiries before it are raised to it. */
    private void rebaseExpiry(long newBase) {
        for (int row = 0; row < size; row++) {
            long expiry = expiryOf(row);
            terms[row * ROW_INTS + EXPIRY] = (int) Math.min(Math.max(expiry - newBase, 0), EXPIRY_WINDOW_MILLIS);
        }
        expiryBase = newBase;
    }

    // ------------------------------------------------------------------ IPv6 outer peers

    /** IPv6 outer endpoints, each stored once and counted by the rows that use it. */
    private static final class Ipv6Peers {
        private final Map<InetSocketAddress, Integer> numbers = new HashMap<>();
        private InetSocketAddress[] peers = new InetSocketAddress[4];
        private int[] users = new int[4];
        private int[] free = new int[4];
        private int freeCount;
        private int used;

        int acquire(InetSocketAddress peer) {
            Integer known = numbers.get(peer);
            if (known != null) {
                users[known]++;
                return known;
            }
            int n;
            if (freeCount > 0) {
                n = free[--freeCount];
            } else {
                n = used++;
                if (n == peers.length) {
                    peers = Arrays.copyOf(peers, n * 2);
                    users = Arrays.copyOf(users, n * 2);
                }
            }
            peers[n] = peer;
            users[n] = 1;
            numbers.put(peer, n);
            return n;
        }

        void release(int n) {
            if (--users[n] == 0) {
                numbers.remove(peers[n]);
                peers[n] = null;
                if (freeCount == free.length) {
                    free = Arrays.copyOf(free, freeCount * 2);
                }
                free[freeCount++] = n;
            }
        }

        InetSocketAddress get(int n) {
            return peers[n];
        }

        int size() {
            return numbers.size();
        }
    }
}
