package org.mip6kit.provider.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.mip6kit.provider.tls.stream.DemoCertificates;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.ProviderCompatibilityKit;

/**
 * tls-channel in mode rfc6618 passes the whole provider kit: every node bootstraps over TLS 1.2
 * with the Home Agent Controller the home agent runs (on the kit's in-memory network, on virtual
 * time), and its signalling then travels in RFC 6618 UDP packets.
 */
@Tag("small")
class TlsChannelRfc6618CompatibilityTest extends ProviderCompatibilityKit {

    static final String SECTION = "security." + TlsChannelProvider.NAME;
    static final String HAC_NAME = "hac.tck.example";
    static final int HAC_PORT = 6618;
    /** The kit's virtual clock starts at 2024-01-01; the certificates must be valid then. */
    static final Clock KIT_EPOCH = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final Duration SA_LIFETIME = Duration.ofSeconds(90);
    static final Duration SA_GRACE = Duration.ofSeconds(10);

    private static Path dir;
    private static DemoCertificates.Written certificates;

    @BeforeAll
    static void writeCredentials() throws IOException {
        dir = Files.createTempDirectory("tls-channel-kit", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        certificates = DemoCertificates.write(dir.resolve("pki"), HAC_NAME, KIT_EPOCH);
    }

    @AfterAll
    static void removeCredentials() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected SecurityProviderFactory provider() {
        return new TlsChannelProvider();
    }

    @Override
    protected Duration replayWindow() {
        // An association lives until its validity end and grace at most; replays die with it.
        return SA_LIFETIME.plus(SA_GRACE);
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        StringBuilder table = new StringBuilder("# mn-id key\n");
        List<Map<String, Object>> assignments = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            table.append(mnId(i)).append(' ').append(key("node " + i)).append('\n');
            assignments.add(Map.of("mn-id", mnId(i), "home-address", homeAddress(i).toString()));
        }
        Path psks = privateFile("psk-table-" + nodes, table.toString());
        Map<String, Object> values = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("mode", "rfc6618"),
                Map.entry("home-agent-address", homeAgentAddress().toString()),
                Map.entry("hac-listen", "[::]:" + HAC_PORT),
                Map.entry("certificate-chain", certificates.hacChain().toString()),
                Map.entry("private-key", certificates.hacKey().toString()),
                Map.entry("psk-table", psks.toString()),
                Map.entry("nodes", assignments),
                Map.entry("sa-lifetime", SA_LIFETIME.toSeconds() + "s"),
                Map.entry("sa-grace", SA_GRACE.toSeconds() + "s")));
        values.putAll(homeAgentExtras());
        return ConfigSection.of(SECTION, null, values);
    }

    /** Keys a provider-level test adds to (or replaces in) the home agent's section; none for the kit. */
    protected Map<String, Object> homeAgentExtras() {
        return Map.of();
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return nodeConfig(node, key("node " + node));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return nodeConfig(node, key("not the key of node " + node));
    }

    ConfigSection nodeConfig(int node, String key) {
        return nodeConfig(node, key, Map.of());
    }

    /** Node {@code node}'s section with {@code key} as its PSK and {@code extras} added or replaced. */
    ConfigSection nodeConfig(int node, String key, Map<String, Object> extras) {
        Path psk = privateFile("psk-" + node + "-" + key.substring(0, 8), key + "\n");
        Map<String, Object> values = new java.util.HashMap<>(Map.of(
                "mode", "rfc6618",
                "mn-id", mnId(node),
                "psk-file", psk.toString(),
                "hac", "[" + homeAgentAddress() + "]:" + HAC_PORT,
                "hac-name", HAC_NAME,
                "trust-anchors", certificates.caCertificate().toString(),
                "rebootstrap-before", "30s"));
        values.putAll(extras);
        return ConfigSection.of(SECTION, null, values);
    }

    static String mnId(int node) {
        return "node-" + node + "@tck.example";
    }

    /** A 32-octet test key derived from a label (test keys only). */
    static String key(String label) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("tls-channel test key: " + label).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path privateFile(String name, String content) {
        Path p = dir.resolve(name);
        if (Files.exists(p)) {
            return p;
        }
        try {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(p, content, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
