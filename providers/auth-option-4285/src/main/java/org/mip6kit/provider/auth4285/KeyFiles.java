package org.mip6kit.provider.auth4285;

import java.nio.file.Path;
import java.util.HexFormat;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.PrivateFiles;
import org.mip6kit.spi.ProviderConfigException;

/**
 * Reads files that hold keys, refusing any that group or others may read or write, as ssh
 * refuses private keys with permissions that are too open, and any that {@link FileTrust}
 * does not trust (owned by another user, in a directory anybody may write). Key material never
 * appears in an error message.
 */
final class KeyFiles {

    static final String DOCS = "docs/providers/auth-option-4285.md#keys";

    private KeyFiles() {
    }

    /**
     * Fails unless {@code file} exists and only its owner may read or write it.
     *
     * @param config the section whose {@code key} named the file (for the error)
     * @param what how to call the file in the message ("key table", "key file", "configuration file")
     */
    static void requirePrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        PrivateFiles.require(file, config, key, what, DOCS);
    }

    /** The text of a private file. */
    static String readPrivate(Path file, ConfigSection config, String key, String what) throws ProviderConfigException {
        return PrivateFiles.read(file, config, key, what, DOCS);
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
