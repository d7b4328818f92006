package org.mip6kit.provider.tls;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.PrivateFiles;
import org.mip6kit.spi.ProviderConfigException;

/**
 * Reads the provider's secrets (pre-shared keys, private keys) from files that only their owner may
 * read, never from the YAML itself. Errors name the key, the file and the fix, never the secret.
 */
final class SecretFiles {

    static final String DOCS = "docs/providers/tls-channel.md#secrets";
    /** PSKs shorter than this are refused (RFC 6618 §5.8 leaves the length to the operator; 128 bits is our floor). */
    static final int MIN_PSK_OCTETS = 16;
    static final int MAX_PSK_OCTETS = 64;

    private SecretFiles() {
    }

    /** Fails unless {@code file} is a regular file that only its owner may read or write, and is trusted. */
    static void requirePrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        PrivateFiles.require(file, config, key, what, DOCS);
    }

    static String readPrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        return PrivateFiles.read(file, config, key, what, DOCS);
    }

    /** A file holding one PSK in hexadecimal (white space allowed). */
    static byte[] readPsk(Path file, ConfigSection config, String key) throws ProviderConfigException {
        String text = readPrivate(file, config, key, "pre-shared key file").strip();
        return parsePsk(text, config, key, "the pre-shared key file " + file);
    }

    /**
     * A PSK table: one {@code <identity> <hex key>} per line; blank lines and lines starting with
     * {@code #} are ignored. Identities are unique.
     */
    static Map<String, byte[]> readPskTable(Path file, ConfigSection config, String key) throws ProviderConfigException {
        String text = readPrivate(file, config, key, "pre-shared key table");
        Map<String, byte[]> table = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = "line " + (i + 1) + " of the pre-shared key table " + file;
            if (parts.length != 2) {
                throw config.error(key, where + " must be '<identity> <hexadecimal key>' (the line is not shown)");
            }
            if (table.put(parts[0], parsePsk(parts[1], config, key, where)) != null) {
                throw config.error(key, where + ": the identity " + parts[0] + " appears twice");
            }
        }
        if (table.isEmpty()) {
            throw config.error(key, "the pre-shared key table " + file + " holds no keys");
        }
        return table;
    }

    private static byte[] parsePsk(String hex, ConfigSection config, String key, String where)
            throws ProviderConfigException {
        String h = hex.replaceAll("\\s", "");
        if (h.isEmpty() || h.length() % 2 != 0 || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw config.error(key, where + " must hold the key as an even number of hexadecimal digits "
                    + "(the value is not shown)");
        }
        byte[] b = HexFormat.of().parseHex(h);
        if (b.length < MIN_PSK_OCTETS || b.length > MAX_PSK_OCTETS) {
            int n = b.length;
            java.util.Arrays.fill(b, (byte) 0);
            throw config.error(key, where + " holds a " + n + "-octet key; pre-shared keys must have "
                    + MIN_PSK_OCTETS + " to " + MAX_PSK_OCTETS + " octets, e.g. from: openssl rand -hex 32");
        }
        return b;
    }
}
