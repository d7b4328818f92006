package org.mip6kit.provider.ipsec.vici;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One VICI value: a raw blob of at most 65535 octets (the 16-bit length of KEY_VALUE and LIST_ITEM,
 * strongSwan {@code vici/README.md}, "Message format"). charon sends text, numbers in decimal;
 * {@link #text()} is the UTF-8 view. A value may be marked secret (a PSK in {@code load-shared}'s
 * {@code data}); a secret value prints as {@code <secret>}. Secrecy is local: it is not on the wire,
 * so decoded values are never secret. Immutable.
 */
public final class ViciValue {
    /** Largest value: the 16-bit length field. */
    public static final int MAX_LENGTH = 0xFFFF;

    private final byte[] octets;
    private final boolean secret;

    private ViciValue(byte[] octets, boolean secret) {
        if (octets.length > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "VICI value of " + octets.length + " octets exceeds " + MAX_LENGTH);
        }
        this.octets = octets;
        this.secret = secret;
    }

    /** @param octets the blob (copied) @return a value */
    public static ViciValue of(byte[] octets) {
        return new ViciValue(octets.clone(), false);
    }

    /** @param text text, encoded as UTF-8 @return a value */
    public static ViciValue of(String text) {
        return new ViciValue(text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** @param octets the secret blob (copied) @return a value that never prints */
    public static ViciValue secret(byte[] octets) {
        return new ViciValue(octets.clone(), true);
    }

    /** @param text the secret text @return a value that never prints */
    public static ViciValue secret(String text) {
        return new ViciValue(text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** @return a copy of the octets */
    public byte[] octets() {
        return octets.clone();
    }

    int length() {
        return octets.length;
    }

    byte[] octetsUnsafe() {
        return octets;
    }

    /** @return the octets decoded as UTF-8 */
    public String text() {
        return new String(octets, StandardCharsets.UTF_8);
    }

    /** @return whether the value is marked secret */
    public boolean isSecret() {
        return secret;
    }

    /** Equality is by octets and secrecy; comparison time depends on the length only. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ViciValue v && v.secret == secret
                && java.security.MessageDigest.isEqual(v.octets, octets);
    }

    @Override
    public int hashCode() {
        return secret ? 1 : Arrays.hashCode(octets);
    }

    @Override
    public String toString() {
        return secret ? "<secret>" : text();
    }
}
