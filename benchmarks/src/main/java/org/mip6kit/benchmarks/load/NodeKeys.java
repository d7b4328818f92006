package org.mip6kit.benchmarks.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.spec.SecretKeySpec;

import org.mip6kit.wire.Ipv6Address;

/**
 * The simulated mobile nodes' identities and keys: node {@code i} has NAI
 * {@code mn<i>@bench.example}, mobility SPI {@code 256 + i}, a random 20-octet HMAC-SHA1 key,
 * home address {@code 2001:db8:1::1:0:0 + i} and care-of addresses {@code 2001:db8:2::<gen>:<i>}.
 * The keys exist only in this process's memory and in the key table file it writes (0600, in a
 * 0700 temporary directory) for the home agent.
 */
final class NodeKeys {

    static final int KEY_LENGTH = 20;
    /** The JCA name of the keys' algorithm (the key table's {@code hmac-sha1}). */
    static final String MAC_ALGORITHM = "HmacSHA1";
    static final long FIRST_SPI = 256;
    static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    static final String HOME_PREFIX = "2001:db8:1::/64";
    private static final long HOME_HIGH = Ipv6Address.parse("2001:db8:1::").high();
    private static final long CARE_OF_HIGH = Ipv6Address.parse("2001:db8:2::").high();
    private static final long HOME_LOW_BASE = 0x1_0000_0000L;

    private final int count;
    private final byte[] keys;

    NodeKeys(int count, SecureRandom random) {
        if (count < 1 || count > 16_000_000) {
            throw new IllegalArgumentException("1..16000000 nodes, got " + count);
        }
        this.count = count;
        this.keys = new byte[count * KEY_LENGTH];
        random.nextBytes(keys);
    }

    int count() {
        return count;
    }

    static String nai(int i) {
        return "mn" + i + "@bench.example";
    }

    static long spi(int i) {
        return FIRST_SPI + i;
    }

    static Ipv6Address homeAddress(int i) {
        return Ipv6Address.of(HOME_HIGH, HOME_LOW_BASE + i);
    }

    /** The node index of a home address, or -1 if it is not one of ours. */
    int indexOf(Ipv6Address homeAddress) {
        if (homeAddress == null || homeAddress.high() != HOME_HIGH) {
            return -1;
        }
        long i = homeAddress.low() - HOME_LOW_BASE;
        return i >= 0 && i < count ? (int) i : -1;
    }

    static Ipv6Address careOf(int i, int generation) {
        return Ipv6Address.of(CARE_OF_HIGH, ((long) (generation & 0xFFFF) << 32) | (i & 0xFFFF_FFFFL));
    }

    String keyHex(int i) {
        return HexFormat.of().formatHex(keys, i * KEY_LENGTH, (i + 1) * KEY_LENGTH);
    }

    /** Node {@code i}'s key for a {@link javax.crypto.Mac}: a new copy each call, so no spec is kept per node. */
    SecretKeySpec macKey(int i) {
        return new SecretKeySpec(keys, i * KEY_LENGTH, KEY_LENGTH, MAC_ALGORITHM);
    }

    /** Writes the home agent's key table into a new owner-only directory; the file is 0600. */
    Path writeKeyTable() throws IOException {
        Path dir = Files.createTempDirectory("mip6kit-bench-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("ha.keys");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        HexFormat hex = HexFormat.of();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write("# mip6kit load generator: " + count + " simulated mobile nodes (deleted on exit)\n");
            StringBuilder line = new StringBuilder(96);
            for (int i = 0; i < count; i++) {
                line.setLength(0);
                line.append(nai(i)).append(' ').append(spi(i)).append(" hmac-sha1 key=");
                line.append(hex.formatHex(keys, i * KEY_LENGTH, (i + 1) * KEY_LENGTH)).append('\n');
                w.append(line);
            }
        }
        return file;
    }

    static void deleteKeyTable(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + file + ": " + e.getMessage());
        }
    }
}
