package org.mip6kit.provider.ipsec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.mip6kit.provider.ipsec.sim.SimulatedCharons;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.Deployment;
import org.mip6kit.tck.ProviderCompatibilityKit;
import org.mip6kit.wire.Ipv6Address;

/**
 * ipsec-ikev2 in mode libipsec passes the whole provider kit on its own evidence: every node's
 * provider loads its secret and connection into its (simulated) charon over VICI and initiates;
 * the home address is what charon's configuration payload gave it; the home agent learns who
 * holds which address from charon's events and judges each Binding Update by the interface it
 * arrived on (the kit's tunnel ends {@code ipsec1..N}, matched by {@code ipsec+}) and the lease
 * of its source. The charons are {@link SimulatedCharons}, which speak charon 5.9.8's VICI
 * messages; the real charon runs in the large tests.
 */
@Tag("small")
class IpsecLibipsecCompatibilityTest extends ProviderCompatibilityKit {

    static final String SECTION = "security." + IpsecIkev2Provider.NAME;
    static final String HOME_AGENT_ID = "ha.tck.example";

    private static Path dir;
    final SimulatedCharons charons = new SimulatedCharons(this::current);

    @BeforeAll
    static void makeDirectory() throws IOException {
        dir = Files.createTempDirectory("ipsec-kit", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    @AfterAll
    static void removeDirectory() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The mode the configurations name. */
    String mode() {
        return "libipsec";
    }

    /** Keys both sides' configurations get besides the kit's. */
    Map<String, Object> extra() {
        return Map.of();
    }

    @Override
    protected SecurityProviderFactory provider() {
        return new IpsecIkev2Provider(charons.connector());
    }

    /** charon leases from the pool's second address on, so node i holds the pool's (i+1)-th. */
    @Override
    protected Ipv6Address homeAddress(int node) {
        Ipv6Address p = homePrefix().prefix();
        return Ipv6Address.of(p.high(), p.low() | 0x1_0000_0000L | (node + 1));
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        StringBuilder table = new StringBuilder("# IKE identity, key\n");
        for (int i = 0; i < nodes; i++) {
            table.append(nodeId(i)).append(' ').append(key("node " + i)).append('\n');
        }
        Ipv6Address p = homePrefix().prefix();
        Map<String, Object> values = new HashMap<>(Map.of(
                "mode", mode(),
                "vici-socket", SimulatedCharons.socketOf(Deployment.HOME_AGENT).toString(),
                "identity", HOME_AGENT_ID,
                "home-prefix", homePrefix().toString(),
                "pool", Ipv6Address.of(p.high(), p.low() | 0x1_0000_0000L) + "/112",
                "psk-table", privateFile("psk-table-" + nodes, table.toString()).toString(),
                "tunnel-interface", "ipsec+"));
        values.putAll(extra());
        return ConfigSection.of(SECTION, null, values);
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return nodeConfig(node, key("node " + node));
    }

    /** The right identity with another key: charon's IKE_AUTH fails, so bootstrap does. */
    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return nodeConfig(node, key("not the key of node " + node));
    }

    private ConfigSection nodeConfig(int node, String key) {
        Map<String, Object> values = new HashMap<>(Map.of(
                "mode", mode(),
                "vici-socket", SimulatedCharons.socketOf("mobile-node-" + node).toString(),
                "identity", nodeId(node),
                "home-agent-identity", HOME_AGENT_ID,
                "ike-peer", homeAgentAddress().toString(),
                "home-prefix", homePrefix().toString(),
                "psk-file", privateFile("psk-" + node + "-" + key.substring(0, 8), key + "\n").toString(),
                "tunnel-interface", Deployment.MOBILE_NODE_TUNNEL));
        values.putAll(extra());
        return ConfigSection.of(SECTION, null, values);
    }

    static String nodeId(int node) {
        return "node-" + node + "@tck.example";
    }

    static String key(String label) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("ipsec-ikev2 test key: " + label).getBytes(StandardCharsets.UTF_8)));
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
