package org.mip6kit.provider.tls.dtls;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The home agent's table of DTLS pre-shared keys: PSK identity (RFC 4279 §5.1 {@code psk_identity},
 * 1..128 octets of UTF-8 here) to key (16..64 octets). Immutable; {@link #toString} names the
 * identities' count, never a key.
 *
 * <p>The home agent reads it from the same private {@code <identity> <hex key>} file as mode
 * rfc6618's (the provider's {@code SecretFiles}), then builds it with {@link #of}.
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
