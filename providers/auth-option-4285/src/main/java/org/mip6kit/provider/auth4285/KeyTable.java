package org.mip6kit.provider.auth4285;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The mobility security associations a home agent (or a mobile node) knows, indexed by mobility
 * SPI. A node may have several SPIs, so a key can roll over without downtime: the home agent
 * accepts every SPI listed, the mobile node sends with its newest one (the last listed).
 *
 * <h2>Key table file</h2>
 * One association per line, four fields separated by white space; {@code #} starts a comment:
 * <pre>
 * # NAI                 SPI    algorithm   key
 * mn1@example.com       256    hmac-sha1   key=000102030405060708090a0b0c0d0e0f
 * mn1@example.com       257    hmac-sha1   key-file=keys/mn1-257.key
 * </pre>
 * SPI: decimal or {@code 0x} hexadecimal, 256 to 4294967295 (0–255 are reserved, RFC 4285 §5.1),
 * unique in the table. Algorithm: {@code hmac-sha1}. Key: {@code key=} and 32–128 hexadecimal
 * digits (16–64 octets), or {@code key-file=} and a file holding those digits (relative paths
 * are resolved against the table's directory). The table and every key file must be private to
 * their owner ({@code chmod 600}).
 *
 * <h2>Layout</h2>
 * A home agent may hold a million rows, so a row is a position in parallel arrays, not an
 * object: the SPI, the algorithm, the owner's {@link Identity} (one per NAI, shared by that NAI's
 * rows and by the engine's binding cache), and the key as a slice of one array holding every
 * key. An open-addressing {@code int[]} maps an SPI to its row. {@link SecurityAssociation} is a
 * view of one row. Immutable once built; thread-safe.
 */
final class KeyTable {

    static final Set<String> ROW_KEYS = Set.of("nai", "spi", "algorithm", "key", "key-file");

    /** What {@link #row} returns for an SPI the table does not hold. */
    static final int NONE = -1;

    private static final Algorithm[] ALGORITHMS = Algorithm.values();
    private static final AtomicLong SERIALS = new AtomicLong();

    /** Tells this table from every other in the JVM, without holding a reference to it. */
    final long serial = SERIALS.incrementAndGet();

    private final int size;
    private final int[] spis;
    private final byte[] algorithms;
    private final Identity[] owners;
    /** Row {@code r}'s key is {@code keys[keyStart[r] .. keyStart[r + 1])}. */
    private final int[] keyStart;
    private final byte[] keys;
    /** Open addressing, linear probing: row + 1, or 0 for an empty slot. */
    private final int[] index;
    /** The rows of each NAI, built on first use ({@link #rowsOf}); only a durable home agent asks. */
    private volatile Map<String, int[]> rowsByNai;

    private KeyTable(Builder b) {
        this.size = b.size;
        this.spis = Arrays.copyOf(b.spis, size);
        this.algorithms = Arrays.copyOf(b.algorithms, size);
        this.owners = Arrays.copyOf(b.owners, size);
        this.keyStart = Arrays.copyOf(b.keyStart, size + 1);
        this.keys = Arrays.copyOf(b.keys, keyStart[size]);
        this.index = indexOf(spis, size, size * 3 / 2 + 1);
    }

    /** An empty table. */
    static KeyTable empty() {
        return new Builder().build();
    }

    /** A table of one row, for an association that is not read from a table (a mobile node's, or one an AAA server distributed). */
    static KeyTable of(String nai, long spi, Algorithm algorithm, byte[] keyBytes) {
        Builder b = new Builder();
        b.add(nai, spi, algorithm, keyBytes);
        return b.build();
    }

    /** The row of {@code spi}, or {@link #NONE}. Allocates nothing. */
    int row(long spi) {
        if (spi < 0 || spi > 0xFFFF_FFFFL) {
            return NONE;
        }
        return find(index, spis, (int) spi);
    }

    Optional<SecurityAssociation> bySpi(long spi) {
        int r = row(spi);
        return r == NONE ? Optional.empty() : Optional.of(association(r));
    }

    /** A view of row {@code row}. */
    SecurityAssociation association(int row) {
        return new SecurityAssociation(this, row);
    }

    /**
     * The associations of {@code nai}, oldest first (in the order they were listed), in a table
     * of their own: a mobile node keeps no other node's key a shared table may list.
     */
    List<SecurityAssociation> forNai(String nai) {
        Builder own = new Builder();
        for (int r = 0; r < size; r++) {
            if (owners[r].value().equals(nai)) {
                own.copyRow(this, r);
            }
        }
        KeyTable t = own.build();
        List<SecurityAssociation> out = new ArrayList<>(t.size);
        for (int r = 0; r < t.size; r++) {
            out.add(t.association(r));
        }
        return List.copyOf(out);
    }

    int size() {
        return size;
    }

    private static final int[] NO_ROWS = new int[0];

    /**
     * The rows whose owner is {@code nai}, in table order; empty for none. The array is the
     * table's own (asked for every change a durable home agent stores): read it, never write it.
     */
    int[] rowsOf(String nai) {
        Map<String, int[]> byNai = rowsByNai;
        if (byNai == null) {
            Map<String, int[]> built = new HashMap<>();
            for (int r = 0; r < size; r++) {
                int[] had = built.get(owners[r].value());
                int[] rows = had == null ? new int[1] : Arrays.copyOf(had, had.length + 1);
                rows[rows.length - 1] = r;
                built.put(owners[r].value(), rows);
            }
            rowsByNai = byNai = built;
        }
        int[] rows = byNai.get(nai);
        return rows == null ? NO_ROWS : rows;
    }

    long spi(int row) {
        return spis[row] & 0xFFFF_FFFFL;
    }

    Identity owner(int row) {
        return owners[row];
    }

    Algorithm algorithm(int row) {
        return ALGORITHMS[algorithms[row]];
    }

    /** Where row {@code row}'s key starts in {@link #keyMaterial()}. */
    int keyOffset(int row) {
        return keyStart[row];
    }

    int keyLength(int row) {
        return keyStart[row + 1] - keyStart[row];
    }

    /** Every key, back to back; never copied out, logged or shown. */
    byte[] keyMaterial() {
        return keys;
    }

    /**
     * One line saying how {@code after} differs from {@code before}, by SPI: how many rows, which
     * SPIs were added and removed, and how many kept their SPI but changed owner, algorithm or
     * key. Never a key.
     */
    static String describeChange(KeyTable before, KeyTable after) {
        List<Long> added = new ArrayList<>();
        List<Long> removed = new ArrayList<>();
        int changed = 0;
        for (int r = 0; r < after.size; r++) {
            int was = before.row(after.spi(r));
            if (was == NONE) {
                added.add(after.spi(r));
            } else if (!after.sameRow(r, before, was)) {
                changed++;
            }
        }
        for (int r = 0; r < before.size; r++) {
            if (after.row(before.spi(r)) == NONE) {
                removed.add(before.spi(r));
            }
        }
        return "key table: " + after.size + (after.size == 1 ? " association" : " associations") + ", SPIs added "
                + spiList(added) + ", removed " + spiList(removed) + ", " + changed + " re-keyed or reassigned";
    }

    private boolean sameRow(int r, KeyTable other, int o) {
        return owners[r].value().equals(other.owners[o].value()) && algorithms[r] == other.algorithms[o]
                && Arrays.equals(keys, keyStart[r], keyStart[r + 1], other.keys, other.keyStart[o],
                other.keyStart[o + 1]);
    }

    private static String spiList(List<Long> spis) {
        if (spis.isEmpty()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(spis.size(), 8); i++) {
            s.append(i == 0 ? "" : " ").append(spis.get(i));
        }
        return spis.size() > 8 ? s.append(" … (").append(spis.size()).append(")").toString() : s.toString();
    }

    /** This table plus {@code other}'s rows; an SPI in both is an error at {@code config.key}. */
    KeyTable plus(KeyTable other, ConfigSection config, String key) throws ProviderConfigException {
        Builder merged = new Builder();
        for (KeyTable t : List.of(this, other)) {
            for (int r = 0; r < t.size; r++) {
                if (!merged.copyRow(t, r)) {
                    throw config.error(key, "SPI " + t.spi(r) + " is listed twice; an SPI names one security "
                            + "association");
                }
            }
        }
        return merged.build();
    }

    /**
     * What to say when the key table is not there: the command that creates one (a private
     * file with one row and a fresh random key; the same command as in the provider's docs).
     */
    static String missingTable(Path file) {
        return "the key table " + file + " does not exist; create it (one row per mobile node, private to its "
                + "owner), for example: (umask 077; printf 'mn1@example.com 256 hmac-sha1 key=%s\\n' "
                + "\"$(od -An -tx1 -N16 /dev/urandom | tr -d ' \\n')\" > " + file + ") (see "
                + KeyFiles.DOCS.replace("#keys", "#create-a-key-table") + ")";
    }

    /**
     * Reads a key table file (format in the class comment). {@code config.key} is the
     * configuration key that named it; every error names it, the file and the line.
     */
    static KeyTable readFile(Path file, ConfigSection config, String key) throws ProviderConfigException {
        if (java.nio.file.Files.notExists(file)) {
            throw config.error(key, missingTable(file));
        }
        String text = KeyFiles.readPrivate(file, config, key, "key table");
        Builder rows = new Builder();
        int lineNumber = 0;
        for (int start = 0; start <= text.length(); ) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end;
            String line = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            lineNumber++;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "key table " + file + " line " + lineNumber;
            String[] f = fields(line);
            if (f.length != 4) {
                throw config.error(key, where + " has " + f.length + " fields; a row is: NAI SPI ALGORITHM "
                        + "key=HEX | key-file=PATH (see " + KeyFiles.DOCS + ")");
            }
            byte[] keyBytes;
            if (f[3].startsWith("key=")) {
                keyBytes = KeyFiles.parseHexKey(f[3].substring(4), config, key, where);
            } else if (f[3].startsWith("key-file=")) {
                Path keyFile = resolve(file, f[3].substring("key-file=".length()));
                keyBytes = KeyFiles.parseHexKey(KeyFiles.readPrivate(keyFile, config, key, "key file (" + where + ")"),
                        config, key, "the key file " + keyFile + " (" + where + ")");
            } else {
                throw config.error(key, where + ": the fourth field must be key=HEX or key-file=PATH");
            }
            long spi = addRow(rows, f[0], f[1], f[2], keyBytes, config, key, where);
            if (spi != NONE) {
                throw config.error(key, where + ": SPI " + spi + " is listed twice; an SPI names one "
                        + "security association");
            }
        }
        return rows.build();
    }

    /**
     * Reads associations written in the configuration itself, a list of sections with
     * {@link #ROW_KEYS}. A {@code key} written inline makes the configuration file a key file:
     * it must be private too.
     */
    static KeyTable readRows(List<ConfigSection> rows, ConfigSection parent, String listKey)
            throws ProviderConfigException {
        Builder out = new Builder();
        for (ConfigSection row : rows) {
            row.allowOnly(ROW_KEYS);
            String nai = row.text("nai");
            String spi = row.string("spi");
            String algorithm = row.optionalString("algorithm").orElse(Algorithm.HMAC_SHA1.configName());
            byte[] keyBytes = readKey(row);
            long twice = addRow(out, nai, spi, algorithm, keyBytes, row, "spi", "");
            if (twice != NONE) {
                throw row.error("spi", twice + " is listed twice; an SPI names one security association");
            }
        }
        return out.build();
    }

    /** The key from {@code key} (then the configuration file must be private) or {@code key-file}. */
    static byte[] readKey(ConfigSection section) throws ProviderConfigException {
        boolean inline = section.has("key");
        boolean file = section.has("key-file");
        if (inline == file) {
            throw section.error(inline ? "key-file" : "key", inline ? "give key or key-file, not both"
                    : "is required (or key-file): the security association's key in hexadecimal");
        }
        if (inline) {
            if (section.file().isPresent()) {
                KeyFiles.requirePrivate(section.file().get(), section, "key", "configuration file");
            }
            return KeyFiles.parseHexKey(section.text("key"), section, "key", "the key");
        }
        Path keyFile = section.path("key-file");
        return KeyFiles.parseHexKey(KeyFiles.readPrivate(keyFile, section, "key-file", "key file"), section,
                "key-file", "the key file " + keyFile);
    }

    /**
     * Checks one row's fields and adds it to {@code rows}, zeroing {@code keyBytes} in every case.
     * Returns {@link #NONE}, or the SPI when the table already holds it.
     */
    private static long addRow(Builder rows, String nai, String spiText, String algorithmText, byte[] keyBytes,
                               ConfigSection config, String key, String where) throws ProviderConfigException {
        try {
            String prefix = where.isEmpty() ? "" : where + ": ";
            try {
                checkNai(nai);
            } catch (IllegalArgumentException e) {
                throw config.error(key, prefix + "NAI '" + printable(nai) + "' " + e.getMessage());
            }
            long spi = parseSpi(spiText, config, key, prefix);
            Algorithm algorithm = Algorithm.byConfigName(algorithmText).orElseThrow(() -> config.error(key, prefix
                    + "algorithm '" + printable(algorithmText) + "' is not supported; RFC 4285 defines "
                    + Algorithm.HMAC_SHA1.configName()));
            return rows.add(nai, spi, algorithm, keyBytes) ? NONE : spi;
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
    }

    static long parseSpi(String text, ConfigSection config, String key, String prefix) throws ProviderConfigException {
        long spi;
        try {
            String t = text.strip();
            spi = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw config.error(key, prefix + "SPI '" + printable(text) + "' is not a number");
        }
        if (spi < MobilityMessageAuthentication.FIRST_UNRESERVED_SPI || spi > 0xFFFF_FFFFL) {
            throw config.error(key, prefix + "SPI " + spi + " is outside 256..4294967295 (SPIs 0-255 are reserved, "
                    + "RFC 4285 §5.1)");
        }
        return spi;
    }

    /** An NAI fit for the MN-ID option (RFC 4283): an identity of 1..254 octets with no white space. */
    static void checkNai(String nai) {
        Identity.nai(nai);
        if (nai.getBytes(StandardCharsets.UTF_8).length > 254) {
            throw new IllegalArgumentException("is longer than the 254 octets an MN-ID option holds");
        }
        for (int i = 0; i < nai.length(); i++) {
            if (Character.isWhitespace(nai.charAt(i))) {
                throw new IllegalArgumentException("contains white space");
            }
        }
    }

    /** The fields of a row: runs of characters other than white space as a regular expression's {@code \s} knows it. */
    private static String[] fields(String line) {
        List<String> out = new ArrayList<>(4);
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && KeyFiles.isSpace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < line.length() && !KeyFiles.isSpace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    private static Path resolve(Path table, String path) {
        Path p = Path.of(path);
        Path dir = table.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
    }

    private static String printable(String s) {
        String t = s == null ? "" : s;
        return t.length() > 80 ? t.substring(0, 80) + "…" : t;
    }

    // ------------------------------------------------------------------ the SPI index

    /** An index of {@code capacity} slots (more than {@code size}) of the first {@code size} SPIs. */
    private static int[] indexOf(int[] spis, int size, int capacity) {
        int[] index = new int[capacity];
        for (int r = 0; r < size; r++) {
            put(index, spis[r], r);
        }
        return index;
    }

    private static void put(int[] index, int spi, int row) {
        int i = home(index, spi);
        while (index[i] != 0) {
            i = next(index, i);
        }
        index[i] = row + 1;
    }

    /** The row of {@code spi} (as an unsigned int), or {@link #NONE}. */
    private static int find(int[] index, int[] spis, int spi) {
        for (int i = home(index, spi); ; i = next(index, i)) {
            int entry = index[i];
            if (entry == 0) {
                return NONE;
            }
            if (spis[entry - 1] == spi) {
                return entry - 1;
            }
        }
    }

    /** Fibonacci hashing onto {@code 0 .. index.length - 1}, without a power-of-two length. */
    private static int home(int[] index, int spi) {
        return (int) (((spi * 0x9E37_79B9) & 0xFFFF_FFFFL) * index.length >>> 32);
    }

    private static int next(int[] index, int slot) {
        return slot + 1 == index.length ? 0 : slot + 1;
    }

    /** The first rows only: a home agent's table may have a million. Never a key. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("KeyTable[");
        for (int r = 0; r < Math.min(size, 8); r++) {
            s.append(r == 0 ? "" : ", ").append(owners[r].value()).append('/').append(spi(r));
        }
        return s.append(size > 8 ? ", … " + size + " rows]" : "]").toString();
    }

    /**
     * Collects rows while a table is read. One {@link Identity} per NAI; SPIs are checked for
     * uniqueness as rows arrive, so the error can name the line. Arrays that held keys are
     * zeroed when they are replaced or discarded.
     */
    private static final class Builder {
        private static final String KEY_LENGTHS = "a key has " + SecurityAssociation.MIN_KEY_LENGTH + ".."
                + SecurityAssociation.MAX_KEY_LENGTH + " octets";

        private int size;
        private int[] spis = new int[4];
        private byte[] algorithms = new byte[4];
        private Identity[] owners = new Identity[4];
        private int[] keyStart = new int[5];
        private byte[] keys = new byte[4 * 20];
        private int[] index = new int[7];
        private final Map<String, Identity> identities = new HashMap<>();
        private final Set<Algorithm> checked = EnumSet.noneOf(Algorithm.class);

        /** Adds a row unless its SPI is already held; false then. Copies {@code keyBytes}. */
        boolean add(String nai, long spi, Algorithm algorithm, byte[] keyBytes) {
            if (nai == null || nai.isEmpty()) {
                throw new IllegalArgumentException("a security association belongs to an NAI");
            }
            if (keyBytes == null) {
                throw new IllegalArgumentException(KEY_LENGTHS);
            }
            return add(identities.computeIfAbsent(nai, Identity::nai), spi, algorithm, keyBytes, 0, keyBytes.length);
        }

        boolean copyRow(KeyTable t, int r) {
            Identity owner = identities.computeIfAbsent(t.owners[r].value(), n -> t.owners[r]);
            return add(owner, t.spi(r), t.algorithm(r), t.keys, t.keyOffset(r), t.keyLength(r));
        }

        private boolean add(Identity owner, long spi, Algorithm algorithm, byte[] key, int offset, int length) {
            if (spi < 0 || spi > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("the mobility SPI is 32 bits, got " + spi);
            }
            if (length < SecurityAssociation.MIN_KEY_LENGTH || length > SecurityAssociation.MAX_KEY_LENGTH) {
                throw new IllegalArgumentException(KEY_LENGTHS);
            }
            if (checked.add(algorithm)) {
                SecurityAssociation.requireAvailable(algorithm); // fail now, not on the first message
            }
            if (find(index, spis, (int) spi) != NONE) {
                return false;
            }
            if (size == spis.length) {
                int n = size + (size >> 1) + 1;
                spis = Arrays.copyOf(spis, n);
                algorithms = Arrays.copyOf(algorithms, n);
                owners = Arrays.copyOf(owners, n);
                keyStart = Arrays.copyOf(keyStart, n + 1);
            }
            if ((size + 1) * 3 / 2 >= index.length) {
                index = indexOf(spis, size, index.length * 2 + 1);
            }
            int at = keyStart[size];
            if (at + length > keys.length) {
                byte[] grown = Arrays.copyOf(keys, Math.max(at + length, keys.length + (keys.length >> 1)));
                Arrays.fill(keys, (byte) 0);
                keys = grown;
            }
            System.arraycopy(key, offset, keys, at, length);
            spis[size] = (int) spi;
            algorithms[size] = (byte) algorithm.ordinal();
            owners[size] = owner;
            keyStart[size + 1] = at + length;
            put(index, spis[size], size);
            size++;
            return true;
        }

        KeyTable build() {
            KeyTable t = new KeyTable(this);
            Arrays.fill(keys, (byte) 0);
            return t;
        }
    }
}
