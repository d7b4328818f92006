package org.mip6kit.provider.auth4285;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 */
final class KeyTable {

    static final Set<String> ROW_KEYS = Set.of("nai", "spi", "algorithm", "key", "key-file");

    private final Map<Long, SecurityAssociation> bySpi;

    private KeyTable(Map<Long, SecurityAssociation> bySpi) {
        this.bySpi = Collections.unmodifiableMap(bySpi);
    }

    /** An empty table. */
    static KeyTable empty() {
        return new KeyTable(new LinkedHashMap<>());
    }

    Optional<SecurityAssociation> bySpi(long spi) {
        return Optional.ofNullable(bySpi.get(spi));
    }

    /** The associations of {@code nai}, oldest first (in the order they were listed). */
    List<SecurityAssociation> forNai(String nai) {
        return bySpi.values().stream().filter(sa -> sa.nai().equals(nai)).toList();
    }

    List<SecurityAssociation> all() {
        return List.copyOf(bySpi.values());
    }

    int size() {
        return bySpi.size();
    }

    /** This table plus {@code other}'s rows; an SPI in both is an error at {@code config.key}. */
    KeyTable plus(KeyTable other, ConfigSection config, String key) throws ProviderConfigException {
        Map<Long, SecurityAssociation> merged = new LinkedHashMap<>(bySpi);
        for (SecurityAssociation sa : other.bySpi.values()) {
            if (merged.putIfAbsent(sa.spi(), sa) != null) {
                throw config.error(key, "SPI " + sa.spi() + " is listed twice; an SPI names one security association");
            }
        }
        return new KeyTable(merged);
    }

    /**
     * Reads a key table file (format in the class comment). {@code config.key} is the
     * configuration key that named it; every error names it, the file and the line.
     */
    static KeyTable readFile(Path file, ConfigSection config, String key) throws ProviderConfigException {
        String text = KeyFiles.readPrivate(file, config, key, "key table");
        Map<Long, SecurityAssociation> rows = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "key table " + file + " line " + (i + 1);
            String[] f = line.split("\\s+");
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
            SecurityAssociation sa = association(f[0], f[1], f[2], keyBytes, config, key, where);
            if (rows.putIfAbsent(sa.spi(), sa) != null) {
                throw config.error(key, where + ": SPI " + sa.spi() + " is listed twice; an SPI names one "
                        + "security association");
            }
        }
        return new KeyTable(rows);
    }

    /**
     * Reads associations written in the configuration itself, a list of sections with
     * {@link #ROW_KEYS}. A {@code key} written inline makes the configuration file a key file:
     * it must be private too.
     */
    static KeyTable readRows(List<ConfigSection> rows, ConfigSection parent, String listKey)
            throws ProviderConfigException {
        Map<Long, SecurityAssociation> out = new LinkedHashMap<>();
        for (ConfigSection row : rows) {
            row.allowOnly(ROW_KEYS);
            SecurityAssociation sa = readRow(row);
            if (out.putIfAbsent(sa.spi(), sa) != null) {
                throw row.error("spi", sa.spi() + " is listed twice; an SPI names one security association");
            }
        }
        return new KeyTable(out);
    }

    /** One association from a section with {@code nai}, {@code spi}, {@code algorithm}, {@code key} or {@code key-file}. */
    static SecurityAssociation readRow(ConfigSection row) throws ProviderConfigException {
        String nai = row.string("nai");
        String spi = row.string("spi");
        String algorithm = row.optionalString("algorithm").orElse(Algorithm.HMAC_SHA1.configName());
        byte[] keyBytes = readKey(row);
        return association(nai, spi, algorithm, keyBytes, row, "spi", "");
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
            return KeyFiles.parseHexKey(section.string("key"), section, "key", "the key");
        }
        Path keyFile = section.path("key-file");
        return KeyFiles.parseHexKey(KeyFiles.readPrivate(keyFile, section, "key-file", "key file"), section,
                "key-file", "the key file " + keyFile);
    }

    private static SecurityAssociation association(String nai, String spiText, String algorithmText, byte[] keyBytes,
                                                   ConfigSection config, String key, String where)
            throws ProviderConfigException {
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
        try {
            return new SecurityAssociation(nai, spi, algorithm, keyBytes);
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
        if (nai.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("contains white space");
        }
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

    @Override
    public String toString() {
        List<String> rows = new ArrayList<>();
        bySpi.values().forEach(sa -> rows.add(sa.nai() + "/" + sa.spi()));
        return "KeyTable" + rows;
    }
}
