package org.mip6kit.provider.auth4285;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.FileTrust;
import org.mip6kit.spi.ProviderConfigException;

/**
 * Reads files that hold keys, refusing any that group or others may read or write, as ssh
 * refuses private keys with permissions that are too open, and any that {@link FileTrust}
 * does not trust (owned by another user, in a directory anybody may write). Key material never
 * appears in an error message.
 */
final class KeyFiles {

    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    static final String DOCS = "docs/providers/auth-option-4285.md#keys";
    static final String UNTRUSTED_DOCS = "docs/errors.md#untrusted-file";

    private KeyFiles() {
    }

    /**
     * Fails unless {@code file} exists and only its owner may read or write it.
     *
     * @param config the section whose {@code key} named the file (for the error)
     * @param what how to call the file in the message ("key table", "key file", "configuration file")
     */
    static void requirePrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        if (!Files.isRegularFile(file)) {
            throw config.error(key, "the " + what + " " + file + " does not exist or is not a regular file");
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            throw config.error(key, "cannot check who may read the " + what + " " + file
                    + " (the file system has no POSIX permissions); keys are only read from files private to "
                    + "their owner, see " + DOCS);
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            throw config.error(key, "cannot read the permissions of the " + what + " " + file + ": " + e.getMessage());
        }
        if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
            throw config.error(key, "the " + what + " " + file + " is accessible to group or others (permissions "
                    + PosixFilePermissions.toString(permissions) + "); a file holding keys must be private to its "
                    + "owner: chmod 600 " + file + " (see " + DOCS + ")");
        }
        Optional<String> untrusted = FileTrust.problem(file, what);
        if (untrusted.isPresent()) {
            throw config.error(key, untrusted.get() + " (see " + UNTRUSTED_DOCS + ")");
        }
    }

    /** The text of a private file. */
    static String readPrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        requirePrivate(file, config, key, what);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw config.error(key, "cannot read the " + what + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * Parses a key written in hexadecimal (whitespace and a {@code 0x} prefix allowed).
     *
     * @param where names the value in an error ("the key file /etc/x.key"); the value itself never appears
     */
    static byte[] parseHexKey(String text, ConfigSection config, String key, String where)
            throws ProviderConfigException {
        String hex = withoutSpaces(text);
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        if (hex.isEmpty() || hex.length() % 2 != 0 || !isHex(hex)) {
            throw config.error(key, where + " must hold the key as an even number of hexadecimal digits "
                    + "(the value is not shown)");
        }
        byte[] bytes = HexFormat.of().parseHex(hex);
        if (bytes.length < SecurityAssociation.MIN_KEY_LENGTH || bytes.length > SecurityAssociation.MAX_KEY_LENGTH) {
            int n = bytes.length;
            java.util.Arrays.fill(bytes, (byte) 0);
            throw config.error(key, where + " holds a " + n + "-octet key; keys must have "
                    + SecurityAssociation.MIN_KEY_LENGTH + " to " + SecurityAssociation.MAX_KEY_LENGTH
                    + " octets (32 to 128 hexadecimal digits), e.g. from: openssl rand -hex 20");
        }
        return bytes;
    }

    /** White space as a regular expression's {@code \s} knows it: space, tab, line feed, VT, form feed, CR. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static String withoutSpaces(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                out = out != null ? out : new StringBuilder(s.length()).append(s, 0, i);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
