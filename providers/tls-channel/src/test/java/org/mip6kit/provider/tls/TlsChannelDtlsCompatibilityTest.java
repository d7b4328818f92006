package org.mip6kit.provider.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.ProviderCompatibilityKit;

/**
 * The whole provider compatibility kit against {@code tls-channel} in mode {@code dtls}, with
 * pre-shared keys: each node {@code i} is {@code mn<i>@example.org} with a fresh random key in an
 * owner-only file; the home agent's table holds the keys of the nodes it knows. Wrong credentials
 * are the right identity with another key. Handshakes run on real threads while virtual time
 * stands still ({@link org.mip6kit.spi.Scheduler#runBlocking}), hence {@code medium}.
 */
@Tag("medium")
class TlsChannelDtlsCompatibilityTest extends ProviderCompatibilityKit {

    @TempDir
    static Path secrets;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<Integer, String> KEYS = new ConcurrentHashMap<>();
    private static final Map<Integer, Path> TABLES = new ConcurrentHashMap<>();

    @Override
    protected SecurityProviderFactory provider() {
        return new TlsChannelProvider();
    }

    private static String key(int node) {
        return KEYS.computeIfAbsent(node, n -> freshKey());
    }

    private static String freshKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return HexFormat.of().formatHex(k);
    }

    private static String identity(int node) {
        return "mn" + node + "@example.org";
    }

    private static Path privateFile(String name, String content) {
        try {
            Path p = secrets.resolve(name);
            if (!Files.exists(p)) {
                Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(p, content);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String homeAgentEndpoint() {
        return "[" + homeAgentAddress() + "]:" + DtlsHomeAgentConfig.DEFAULT_PORT;
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        Path table = TABLES.computeIfAbsent(nodes, n -> {
            StringBuilder sb = new StringBuilder("# identity key\n");
            for (int i = 0; i < n; i++) {
                sb.append(identity(i)).append(' ').append(key(i)).append('\n');
            }
            return privateFile("ha-" + n + ".psk", sb.toString());
        });
        return ConfigSection.of("security.tls-channel", null, Map.of(
                "mode", "dtls",
                "home-agent-address", homeAgentAddress().toString(),
                "psk-table", table.toString(),
                "handshake-threads", 2,
                "max-handshakes", 256,
                "handshake-timeout", "12s"));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return ConfigSection.of("security.tls-channel", null, Map.of(
                "mode", "dtls",
                "home-agent", homeAgentEndpoint(),
                "identity", identity(node),
                "psk-file", privateFile("mn" + node + ".psk", key(node) + "\n").toString(),
                "handshake-timeout", "12s"));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return ConfigSection.of("security.tls-channel", null, Map.of(
                "mode", "dtls",
                "home-agent", homeAgentEndpoint(),
                "identity", identity(node),
                "psk-file", privateFile("mn" + node + "-wrong.psk", freshKey() + "\n").toString(),
                "handshake-timeout", "12s"));
    }

}
