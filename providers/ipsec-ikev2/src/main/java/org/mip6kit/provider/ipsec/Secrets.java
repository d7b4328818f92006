package org.mip6kit.provider.ipsec;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.PrivateFiles;
import org.mip6kit.spi.ProviderConfigException;

/**
 * Reads IKEv2 pre-shared keys from files only their owner may read: a node's key file (one
 * key in hexadecimal) and the home agent's table ({@code <IKE identity> <hex key>} per line,
 * {@code #} comments). Errors name the key, the file and the fix, never the secret.
 */
final class Secrets {

    static final String DOCS = "docs/providers/ipsec-ikev2.md#secrets";
    static final int MIN_PSK_OCTETS = 16;
    static final int MAX_PSK_OCTETS = 64;

    private Secrets() {
    }

    private static String readPrivate(Path file, ConfigSection config, String key, String what)
            throws ProviderConfigException {
        return PrivateFiles.read(file, config, key, what, DOCS);
    }

    /** One key in hexadecimal (white space allowed), 16..64 octets. */
    static byte[] readPsk(Path file, ConfigSection config, String key) throws ProviderConfigException {
        return parse(readPrivate(file, config, key, "pre-shared key file").strip(), config, key,
                "the pre-shared key file " + file);
    }

    /** {@code <identity> <hex key>} lines; identities unique. */
    static Map<String, byte[]> readTable(Path file, ConfigSection config, String key) throws ProviderConfigException {
        Map<String, byte[]> table = new LinkedHashMap<>();
        String[] lines = readPrivate(file, config, key, "pre-shared key table").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            String where = "line " + (i + 1) + " of the pre-shared key table " + file;
            if (parts.length != 2) {
                throw config.error(key, where + " is not '<IKE identity> <hex key>'");
            }
            if (table.putIfAbsent(parts[0], parse(parts[1], config, key, where)) != null) {
                throw config.error(key, where + " repeats the identity " + parts[0]);
            }
        }
        if (table.isEmpty()) {
            throw config.error(key, "the pre-shared key table " + file + " names no identity");
        }
        return table;
    }

    private static byte[] parse(String hex, ConfigSection config, String key, String where)
            throws ProviderConfigException {
        byte[] psk;
        try {
            psk = HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw config.error(key, where + " does not hold a key in hexadecimal");
        }
        if (psk.length < MIN_PSK_OCTETS || psk.length > MAX_PSK_OCTETS) {
            throw config.error(key, where + " holds a key of " + psk.length + " octets; IKEv2 keys here are "
                    + MIN_PSK_OCTETS + ".." + MAX_PSK_OCTETS + " octets (e.g. openssl rand -hex 32)");
        }
        return psk;
    }
}
