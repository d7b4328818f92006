package org.mip6kit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;

/**
 * The demo's RFC 4285 security association, written as an operator would write it for the
 * {@code auth-option-4285} provider (docs/providers/auth-option-4285.md), into a fresh private
 * directory that {@link #close()} removes:
 * <pre>
 * mip6kit-demo-XXXX/     0700
 *   mn1.key              0600  the key: 20 octets from SecureRandom, in hexadecimal
 *   ha-keys.txt          0600  the home agent's key table: mn1@example.com SPI hmac-sha1 key-file=mn1.key
 *   ha.yaml              0600  the home agent's security section (key-table: ha-keys.txt)
 *   mn.yaml              0600  the mobile node's security section (nai, spi, key-file: mn1.key, ...)
 * </pre>
 * Both sides' sections are read back with {@link ConfigFile}, the daemons' own reader, so the
 * provider sees exactly what it would see from {@code ./mip6kit ha run} and {@code mn run},
 * including its check that files holding keys are private. The key itself is never printed.
 */
final class DemoKeys implements AutoCloseable {

    /** The provider these files are written for. */
    static final String PROVIDER = "auth-option-4285";
    /** The mobile node's identity (RFC 4283 MN-ID), a documentation realm. */
    static final String NAI = "mn1@example.com";
    /** HMAC-SHA1's output size, the key length RFC 2104 recommends for it. */
    static final int KEY_OCTETS = 20;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PRIVATE_FILE = "rw-------";
    private static final String PRIVATE_DIRECTORY = "rwx------";

    private final Path directory;
    private final long spi;

    private DemoKeys(Path directory, long spi) {
        this.directory = directory;
        this.spi = spi;
    }

    /**
     * Generates a key and an SPI and writes the four files into a new temporary directory.
     *
     * @param homeAgentEndpoint the home agent's UDP endpoint, for the mobile node's section
     * @throws IOException if the directory or a file cannot be created (the directory is removed)
     */
    static DemoKeys create(Ipv6Address homeAgent, Ipv6Address homeAddress, InetSocketAddress homeAgentEndpoint)
            throws IOException {
        Path dir = Files.createTempDirectory("mip6kit-demo-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(PRIVATE_DIRECTORY)));
        // SPIs 0..255 are reserved (RFC 4285 section 5.1); any other 32-bit value will do.
        long spi = 256 + (RANDOM.nextLong() & 0xFFFF_FFFFL) % (0x1_0000_0000L - 256);
        DemoKeys keys = new DemoKeys(dir, spi);
        byte[] key = new byte[KEY_OCTETS];
        try {
            RANDOM.nextBytes(key);
            keys.writePrivate("mn1.key", HexFormat.of().formatHex(key) + "\n");
            keys.writePrivate("ha-keys.txt", String.join("\n",
                    "# The home agent's key table, written by ./mip6kit demo and removed when it ends.",
                    "# NAI              SPI         algorithm  key",
                    NAI + "    " + spi + "  hmac-sha1  key-file=mn1.key", ""));
            keys.writePrivate("ha.yaml", String.join("\n",
                    "# The home agent's security section (as in docs/examples/ha.yaml).",
                    "security:",
                    "  provider: " + PROVIDER,
                    "  " + PROVIDER + ":",
                    "    key-table: ha-keys.txt",
                    "    replay-window: 7s",
                    "    require-replay-protection: true", ""));
            keys.writePrivate("mn.yaml", String.join("\n",
                    "# The mobile node's security section (as in docs/examples/mn.yaml).",
                    "security:",
                    "  provider: " + PROVIDER,
                    "  " + PROVIDER + ":",
                    "    nai: " + NAI,
                    "    spi: " + spi,
                    "    key-file: mn1.key",
                    "    home-address: " + homeAddress,
                    "    home-agent: " + homeAgent,
                    "    home-agent-endpoint: \"" + DemoConsole.describe(homeAgentEndpoint) + "\"", ""));
            return keys;
        } catch (IOException | RuntimeException e) {
            keys.close();
            throw e;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private void writePrivate(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(PRIVATE_FILE)));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    Path directory() {
        return directory;
    }

    long spi() {
        return spi;
    }

    /** The files written, by name, in the order listed in the class comment. */
    List<String> files() {
        return List.of("mn1.key", "ha-keys.txt", "ha.yaml", "mn.yaml");
    }

    /** {@code security.auth-option-4285} of {@code ha.yaml}. */
    ConfigSection homeAgentSection() throws ProviderConfigException {
        return ConfigFile.load(directory.resolve("ha.yaml")).section("security").section(PROVIDER);
    }

    /** {@code security.auth-option-4285} of {@code mn.yaml}. */
    ConfigSection mobileNodeSection() throws ProviderConfigException {
        return ConfigFile.load(directory.resolve("mn.yaml")).section("security").section(PROVIDER);
    }

    /** Removes the directory and everything in it. Never throws. */
    @Override
    public void close() {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Left behind in the temporary directory, owner-only; nothing else can be done.
        }
    }
}
