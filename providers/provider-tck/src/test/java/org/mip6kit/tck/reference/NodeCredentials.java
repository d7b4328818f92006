package org.mip6kit.tck.reference;

import java.util.HexFormat;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderConfigException;

/**
 * One mobile node's credentials: its NAI (RFC 4283 MN-ID), the key id naming its key, and the
 * 32-octet key. {@link #toString()} never shows the key.
 */
final class NodeCredentials {

    static final Set<String> KEYS = Set.of("nai", "key-id", "key");

    private final String nai;
    private final long keyId;
    private final byte[] key;

    NodeCredentials(String nai, long keyId, byte[] key) {
        this.nai = nai;
        this.keyId = keyId;
        this.key = key.clone();
    }

    /** Reads {@code nai}, {@code key-id} (1..2^32-1) and {@code key} (64 hexadecimal digits) from {@code s}. */
    static NodeCredentials read(ConfigSection s) throws ProviderConfigException {
        String nai = s.string("nai");
        try {
            Identity.nai(nai);
        } catch (IllegalArgumentException e) {
            throw s.error("nai", "is not a usable identity: " + e.getMessage());
        }
        if (nai.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 254) {
            throw s.error("nai", "is longer than the 254 octets an MN-ID option holds");
        }
        long keyId = s.integer("key-id", 1, 0xFFFF_FFFFL);
        String hex = s.text("key").trim();
        if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            // Never echo the value: it is (or is meant to be) a secret.
            throw s.error("key", "must be 64 hexadecimal digits (a 32-octet key)");
        }
        return new NodeCredentials(nai, keyId, HexFormat.of().parseHex(hex));
    }

    String nai() {
        return nai;
    }

    Identity identity() {
        return Identity.nai(nai);
    }

    long keyId() {
        return keyId;
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "NodeCredentials[" + nai + ", key-id=" + keyId + "]";
    }
}
