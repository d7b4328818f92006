package org.mip6kit.tck;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.reference.ReferenceHmacProvider;

/** The reference provider passes the whole kit. */
@Tag("small")
class ReferenceHmacProviderCompatibilityTest extends ProviderCompatibilityKit {

    @Override
    protected SecurityProviderFactory provider() {
        return new ReferenceHmacProvider();
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        List<Map<String, Object>> list = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            list.add(credentials(i, key("node " + i)));
        }
        return ConfigSection.of("security." + ReferenceHmacProvider.NAME, null, Map.of("nodes", list));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return ConfigSection.of("security." + ReferenceHmacProvider.NAME, null, credentials(node, key("node " + node)));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return ConfigSection.of("security." + ReferenceHmacProvider.NAME, null,
                credentials(node, key("not the key of node " + node)));
    }

    private static Map<String, Object> credentials(int node, String key) {
        return Map.of("nai", "node-" + node + "@tck.example", "key-id", node + 1, "key", key);
    }

    /** A 32-octet key derived from a label (test keys only). */
    static String key(String label) {
        try {
            byte[] k = MessageDigest.getInstance("SHA-256")
                    .digest(("reference-hmac test key: " + label).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(k);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
