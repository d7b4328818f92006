package org.mip6kit.provider.tls.dtls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.FileTrust;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The home agent's table of DTLS pre-shared keys: PSK identity (RFC 4279 §5.1 {@code psk_identity},
 * 1..128 octets of UTF-8 here) to key (16..64 octets). Immutable; {@link #toString} names the
 * identities' count, never a key.
 *
 * <p>File format ({@link #load}): one entry a line, {@code identity hex-key}, separated by spaces
 * or tabs; blank lines and lines starting with {@code #} are ignored; an identity may appear once.
 * <pre>
 *   # identity                 key (hex, 16..64 octets)
 *   mn1@example.org            00112233445566778899aabbccddeeff
 * </pre>
 * The file must be trusted ({@link FileTrust}) and readable by its owner only (no group or
 * world permission bits at all), as ssh requires of private keys.
 */
public final class PskTable {

    /** Shortest key accepted: 128 bits. */
    public static final int MIN_KEY_OCTETS = 16;
    /** Longest key accepted. */
    public static final int MAX_KEY_OCTETS = 64;
    /** Longest identity accepted, in UTF-8 octets. */
    public static final int MAX_IDENTITY_OCTETS = 128;

    private final Map<String, byte[]> keys;

    private PskTable(Map<String, byte[]> keys) {
        this.keys = keys;
    }

    /**
     * A table of the given entries (keys copied).
     *
     * @throws IllegalArgumentException if an identity is empty, too long or has control characters,
     *         or a key is outside 16..64 octets (the message never shows the key)
     */
    public static PskTable of(Map<String, byte[]> entries) {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        entries.forEach((identity, key) -> {
            checkIdentity(identity);
            checkKey(identity, key);
            copy.put(identity, key.clone());
        });
        return new PskTable(copy);
    }

    /**
     * Reads a table file (format in the class comment).
     *
     * @param configKey the configuration key that named the file (for the error message)
     * @throws ProviderConfigException naming the file and line (never the key) if the file cannot
     *         be read, is readable by group or others, cannot be trusted, or a line is malformed
     */
    public static PskTable load(Path file, String configKey) throws ProviderConfigException {
        Optional<String> distrust = FileTrust.problem(file, "DTLS PSK table");
        if (distrust.isPresent()) {
            throw new ProviderConfigException(configKey, file, distrust.get());
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                    throw new ProviderConfigException(configKey, file, "the DTLS PSK table " + file.toAbsolutePath()
                            + " may be read by its group or others (" + perms + "): chmod 600 " + file.toAbsolutePath());
                }
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new ProviderConfigException(configKey, file, "cannot read the DTLS PSK table " + file.toAbsolutePath() + ": " + e);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProviderConfigException(configKey, file, "cannot read the DTLS PSK table " + file.toAbsolutePath() + ": " + e);
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file.toAbsolutePath() + " line " + (i + 1);
            String[] fields = line.split("[ \t]+");
            if (fields.length != 2) {
                throw new ProviderConfigException(configKey, file, where + ": expected 'identity hex-key' (2 fields), found "
                        + fields.length + " fields");
            }
            byte[] key;
            try {
                key = HexFormat.of().parseHex(fields[1]);
            } catch (IllegalArgumentException e) {
                throw new ProviderConfigException(configKey, file, where + ": the key of '" + fields[0] + "' is not hexadecimal");
            }
            if (entries.containsKey(fields[0])) {
                throw new ProviderConfigException(configKey, file, where + ": identity '" + fields[0] + "' appears twice");
            }
            try {
                checkIdentity(fields[0]);
                checkKey(fields[0], key);
            } catch (IllegalArgumentException e) {
                throw new ProviderConfigException(configKey, file, where + ": " + e.getMessage());
            }
            entries.put(fields[0], key);
        }
        return new PskTable(entries);
    }

    /** A copy of the key of {@code identity}, if the table has it. */
    public Optional<byte[]> key(String identity) {
        byte[] k = keys.get(identity);
        return k == null ? Optional.empty() : Optional.of(k.clone());
    }

    public int size() {
        return keys.size();
    }

    @Override
    public String toString() {
        return "PskTable[" + keys.size() + " identities]";
    }

    static void checkIdentity(String identity) {
        if (identity == null || identity.isEmpty()
                || identity.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTITY_OCTETS) {
            throw new IllegalArgumentException("a PSK identity must be 1.." + MAX_IDENTITY_OCTETS + " octets of UTF-8");
        }
        for (int i = 0; i < identity.length(); i++) {
            if (Character.isISOControl(identity.charAt(i)) || Character.isWhitespace(identity.charAt(i))) {
                throw new IllegalArgumentException("a PSK identity must not contain control characters or spaces");
            }
        }
    }

    static void checkKey(String identity, byte[] key) {
        if (key == null || key.length < MIN_KEY_OCTETS || key.length > MAX_KEY_OCTETS) {
            throw new IllegalArgumentException("the key of PSK identity '" + identity + "' must be "
                    + MIN_KEY_OCTETS + ".." + MAX_KEY_OCTETS + " octets (" + (key == null ? 0 : key.length)
                    + " given)");
        }
    }

    /** Wipes the given copy of a key; keys handed out by {@link #key} are copies. */
    static void wipe(byte[] key) {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
    }
}
