package org.mip6kit.provider.tls.control;

import java.util.Arrays;

/**
 * A mobile node's pre-shared key for the PSK method of RFC 6618 §5.8: 16..256 octets (the
 * lower bound is this package's, so an {@code auth} is never keyed with a guessable value).
 * The octets are copied in and out; {@link #toString()} shows only the length; {@link #destroy()}
 * zeroes them.
 */
public final class PreSharedKey {

    public static final int MIN_OCTETS = 16;
    public static final int MAX_OCTETS = 256;

    private final byte[] octets;

    /** @throws IllegalArgumentException if the length is outside 16..256 octets */
    public PreSharedKey(byte[] octets) {
        if (octets == null || octets.length < MIN_OCTETS || octets.length > MAX_OCTETS) {
            throw new IllegalArgumentException("a pre-shared key has " + MIN_OCTETS + ".." + MAX_OCTETS + " octets");
        }
        this.octets = octets.clone();
    }

    /** A copy of the key octets. */
    public byte[] octets() {
        return octets.clone();
    }

    /** The key octets without copying, for this package's MAC computations. */
    byte[] raw() {
        return octets;
    }

    public int length() {
        return octets.length;
    }

    /** Overwrites the octets with zeros; the key is unusable afterwards. */
    public void destroy() {
        Arrays.fill(octets, (byte) 0);
    }

    @Override
    public String toString() {
        return "PreSharedKey[" + octets.length + " octets]";
    }
}
