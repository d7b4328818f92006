package org.mip6kit.cli.decode;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Octets written as hexadecimal text, the way packets are pasted from dumps and the test
 * vectors of docs/protocol-notes.md#test-vectors: {@code 3b0305005f7d...}, {@code 3b 03 05 00 ...} or
 * {@code 3b:03:05:00}. Whitespace, colons and a {@code 0x} in front of a group are ignored;
 * each octet is two hex digits and may not be split by a separator.
 */
public final class HexText {

    private static final HexFormat LOWER = HexFormat.of();

    private HexText() {
    }

    /**
     * The octets written in {@code text}.
     *
     * @throws IllegalArgumentException naming the first character that is not a hex digit or a
     *         separator (with its 1-based column), a digit left alone between separators, or text
     *         with no digits at all
     */
    public static byte[] parse(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() / 2);
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (isSeparator(c)) {
                i++;
                continue;
            }
            if (c == '0' && i + 1 < n && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                    && (i == 0 || isSeparator(text.charAt(i - 1)))) {
                i += 2;
                continue;
            }
            int high = Character.digit(c, 16);
            if (high < 0) {
                throw notHex(text, i);
            }
            if (i + 1 >= n || isSeparator(text.charAt(i + 1))) {
                throw new IllegalArgumentException("odd hex digit '" + c + "' at column " + (i + 1)
                        + ": every octet is two hex digits");
            }
            int low = Character.digit(text.charAt(i + 1), 16);
            if (low < 0) {
                throw notHex(text, i + 1);
            }
            out.write(high << 4 | low);
            i += 2;
        }
        if (out.size() == 0) {
            throw new IllegalArgumentException("no hex digits found");
        }
        return out.toByteArray();
    }

    /** Lower-case hex with no separators. */
    public static String format(byte[] octets) {
        return LOWER.formatHex(octets);
    }

    private static boolean isSeparator(char c) {
        return Character.isWhitespace(c) || c == ':';
    }

    private static IllegalArgumentException notHex(String text, int index) {
        char c = text.charAt(index);
        String shown = Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        return new IllegalArgumentException("'" + shown + "' at column " + (index + 1)
                + " is not a hex digit (allowed: 0-9 a-f A-F, spaces, colons, a 0x prefix)");
    }
}
