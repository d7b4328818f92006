package org.mip6kit.provider.tls.protect;

import java.util.Arrays;

/**
 * The keys of one direction of an RFC 6618 security association: an integrity key and an
 * encryption key (empty for a suite without encryption), as the Home Agent Controller sent them
 * in {@code mip6-mn-to-ha-ikey}/{@code -ekey} or {@code mip6-ha-to-mn-ikey}/{@code -ekey}
 * (RFC 6618 §5.6.5). Their lengths are checked against the suite by {@link SecurityAssociation}.
 *
 * <p>Immutable: the arrays are copied in and out. {@link #toString()} shows lengths only, never
 * key octets.
 */
public final class DirectionKeys {

    private final byte[] integrityKey;
    private final byte[] encryptionKey;

    /**
     * @param integrityKey  the HMAC key (copied)
     * @param encryptionKey the cipher key (copied); empty, or {@code null} meaning empty, for NULL encryption
     * @throws IllegalArgumentException if the integrity key is missing or empty
     */
    public DirectionKeys(byte[] integrityKey, byte[] encryptionKey) {
        if (integrityKey == null || integrityKey.length == 0) {
            throw new IllegalArgumentException("integrity key missing");
        }
        this.integrityKey = integrityKey.clone();
        this.encryptionKey = encryptionKey == null ? new byte[0] : encryptionKey.clone();
    }

    /** A copy of the integrity key. */
    public byte[] integrityKey() {
        return integrityKey.clone();
    }

    /** A copy of the encryption key (empty for NULL encryption). */
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    int integrityKeyLength() {
        return integrityKey.length;
    }

    int encryptionKeyLength() {
        return encryptionKey.length;
    }

    byte[] integrityKeyShared() {
        return integrityKey;
    }

    byte[] encryptionKeyShared() {
        return encryptionKey;
    }

    /** Equal when both keys are equal (compared in constant time). */
    @Override
    public boolean equals(Object o) {
        return o instanceof DirectionKeys other
                && java.security.MessageDigest.isEqual(integrityKey, other.integrityKey)
                && java.security.MessageDigest.isEqual(encryptionKey, other.encryptionKey);
    }

    @Override
    public int hashCode() {
        // Lengths only: a hash of the key octets would leak information about them.
        return 31 * integrityKey.length + encryptionKey.length;
    }

    /** Lengths only, e.g. {@code DirectionKeys[integrity=20 octets, encryption=16 octets]}. */
    @Override
    public String toString() {
        return "DirectionKeys[integrity=" + integrityKey.length + " octets, encryption=" + encryptionKey.length
                + " octets]";
    }

    /** Overwrites the held keys with zeros; for an association that is being discarded. */
    void wipe() {
        Arrays.fill(integrityKey, (byte) 0);
        Arrays.fill(encryptionKey, (byte) 0);
    }
}
