package org.mip6kit.provider.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.FileTrust;
import org.mip6kit.spi.ProviderConfigException;

/**
 * Reads the provider's secrets (pre-shared keys, private keys) from files that only their owner may
 * read, never from the YAML itself. Errors name the key, the file and the fix, never the secret.
 */
final class SecretFiles {

    static final String DOCS = "docs/providers/tls-channel.md#secrets";
    private static final String UNTRUSTED_DOCS = "docs/errors.md#untrusted-file";
    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    /** PSKs shorter than this are refused (RFC 6618 §5.8 leaves the length to the operator; 128 bits is our floor). */
    static final int MIN_PSK_OCTETS = 16;
    static final int MAX_PSK_OCTETS = 64;

    private SecretFiles() {
    }

    /** Fails unless {@code file} is a regular file that only its owner may read or write, and is trusted. */
    static void requirePrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        if (!Files.isRegularFile(file)) {
            throw config.error(key, "the " + what + " " + file + " does not exist or is not a regular file");
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            throw config.error(key, "cannot check who may read the " + what + " " + file
                    + " (no POSIX permissions); secrets are only read from files private to their owner, see " + DOCS);
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            throw config.error(key, "cannot read the permissions of the " + what + " " + file + ": " + e.getMessage());
        }
        if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
            throw config.error(key, "the " + what + " " + file + " is accessible to group or others (permissions "
                    + PosixFilePermissions.toString(permissions) + "); a file holding secrets must be private to its "
                    + "owner: chmod 600 " + file + " (see " + DOCS + ")");
        }
        Optional<String> untrusted = FileTrust.problem(file, what);
        if (untrusted.isPresent()) {
            throw config.error(key, untrusted.get() + " (see " + UNTRUSTED_DOCS + ")");
        }
    }

    static String readPrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        requirePrivate(file, config, key, what);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw config.error(key, "cannot read the " + what + " " + file + ": " + e.getMessage());
        }
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
