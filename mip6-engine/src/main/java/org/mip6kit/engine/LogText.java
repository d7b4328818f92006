package org.mip6kit.engine;

/**
 * Makes text that a peer chose safe to put in a log line or a terminal. Identities, reasons
 * quoting wire text and provider event details are written through {@link #escape}, so that a
 * peer cannot end a log line early, forge a line after it, or send escape sequences to the
 * terminal of the operator reading the log.
 */
public final class LogText {

    /** At most this many characters of one value reach the log; the rest is counted, not shown. */
    public static final int MAX_LENGTH = 512;

    private LogText() {
    }

    /**
     * {@code text} with every character outside printable ASCII (U+0020..U+007E) written as
     * {@code \}{@code uXXXX} and a backslash written as two, so the result is one line of
     * printable ASCII that reads back unambiguously. Longer than {@link #MAX_LENGTH} characters,
     * it is cut there and ends with {@code ...(+N chars)}.
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), MAX_LENGTH);
        StringBuilder out = null;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean plain = c >= 0x20 && c <= 0x7E && c != '\\';
            if (plain) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n + 16).append(text, 0, i);
            }
            if (c == '\\') {
                out.append("\\\\");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (text.length() > n) {
            out = out != null ? out : new StringBuilder(text.substring(0, n));
            out.append("...(+").append(text.length() - n).append(" chars)");
        }
        return out == null ? text : out.toString();
    }
}
