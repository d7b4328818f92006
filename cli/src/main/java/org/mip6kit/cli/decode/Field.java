package org.mip6kit.cli.decode;

import java.util.Objects;

/**
 * One decoded field, ready for both outputs: a lower-camel-case JSON key with its JSON value
 * (a {@link String}, {@link Number}, {@link Boolean}, {@code null}, or a {@link java.util.Map}
 * or {@link java.util.List} of those), and a label with the text a person reads.
 *
 * @param key   the JSON key, lower camel case, e.g. {@code "homeNonceIndex"}
 * @param label the human label, e.g. {@code "home nonce index"}
 * @param json  the JSON value
 * @param text  the human rendering of the value
 */
public record Field(String key, String label, Object json, String text) {

    public Field {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(text, "text");
    }

    /** A field whose text is the JSON value's {@code toString()}. */
    public static Field of(String key, String label, Object json) {
        return new Field(key, label, json, String.valueOf(json));
    }
}
