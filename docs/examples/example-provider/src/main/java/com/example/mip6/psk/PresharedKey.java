package com.example.mip6.psk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SecurityProviderException;

/**
 * One node's pre-shared key and the HMAC-SHA256 computed with it. The key octets never leave
 * this class: not in {@link #toString()}, not in exception messages, not in events. Reading a
 * key names the configuration key and file on failure but never echoes the value.
 *
 * <p>Thread-safe: every {@link #hmac} call uses its own {@link Mac}.
 */
final class PresharedKey {

    static final int MIN_OCTETS = 16;
    static final int MAX_OCTETS = 64;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final byte[] octets;
    private volatile boolean destroyed;

    private PresharedKey(byte[] octets) {
        this.octets = octets;
    }

    /** For tests and embedders that hold the key already; copies it. */
    static PresharedKey of(byte[] octets) {
        if (octets == null || octets.length < MIN_OCTETS || octets.length > MAX_OCTETS) {
            throw new IllegalArgumentException("a pre-shared key has " + MIN_OCTETS + ".." + MAX_OCTETS + " octets");
        }
        return new PresharedKey(octets.clone());
    }

    /**
     * Reads the key of one node from {@code section}: either {@code key} (hex, written in
     * quotes in YAML so that a key of only digits is not read as a number) or {@code key-file}
     * (a file holding the hex, readable by its owner only).
     */
    static PresharedKey read(ConfigSection section) throws ProviderConfigException {
        boolean inline = section.has("key");
        boolean file = section.has("key-file");
        if (inline && file) {
            throw section.error("key", "give either key or key-file, not both");
        }
        if (!inline && !file) {
            throw section.error("key", "is required (hex, at least " + MIN_OCTETS + " octets), or key-file");
        }
        return inline ? parse(section, "key", section.text("key")) : fromFile(section);
    }

    private static PresharedKey fromFile(ConfigSection section) throws ProviderConfigException {
        Path path = section.path("key-file");
        if (!Files.isRegularFile(path)) {
            throw section.error("key-file", "'" + path + "' is not a regular file");
        }
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (posix != null) {
                Set<PosixFilePermission> perms = posix.readAttributes().permissions();
                if (!Collections.disjoint(perms, GROUP_OR_OTHERS)) {
                    throw section.error("key-file", "'" + path + "' has mode " + PosixFilePermissions.toString(perms)
                            + "; a key file must be accessible by its owner only (chmod 600)");
                }
            }
            return parse(section, "key-file", Files.readString(path, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw section.error("key-file", "'" + path + "' does not exist");
        } catch (IOException e) {
            // The message of an IOException names the file and the reason, never its content.
            throw section.error("key-file", "'" + path + "' cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private static PresharedKey parse(ConfigSection section, String key, String text) throws ProviderConfigException {
        String hex = text.strip();
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw section.error(key, "must be an even number of hexadecimal digits (the value is not shown)");
        }
        int octets = hex.length() / 2;
        if (octets < MIN_OCTETS || octets > MAX_OCTETS) {
            throw section.error(key, "must be " + MIN_OCTETS + ".." + MAX_OCTETS + " octets, got " + octets);
        }
        byte[] out = new byte[octets];
        for (int i = 0; i < octets; i++) {
            out[i] = (byte) Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return new PresharedKey(out);
    }

    /** HMAC-SHA256 over the concatenation of {@code parts}. */
    byte[] hmac(byte[]... parts) {
        if (destroyed) {
            throw new SecurityProviderException("example-psk: the provider was closed; its keys are gone");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(octets, ALGORITHM));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("example-psk: this JVM cannot compute " + ALGORITHM, e);
        }
    }

    int length() {
        return octets.length;
    }

    /** Overwrites the key octets; later {@link #hmac} calls fail. */
    void destroy() {
        destroyed = true;
        Arrays.fill(octets, (byte) 0);
    }

    @Override
    public String toString() {
        return "PresharedKey[" + octets.length + " octets, not shown]";
    }
}
