package org.mip6kit.provider.auth4285;

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
import org.mip6kit.tck.ProviderCompatibilityKit;

/** auth-option-4285 passes the whole provider compatibility kit. */
@Tag("small")
class AuthOption4285CompatibilityTest extends ProviderCompatibilityKit {

    private static final String SECTION = "security." + AuthOption4285Provider.NAME;

    @Override
    protected SecurityProviderFactory provider() {
        return new AuthOption4285Provider();
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        List<Map<String, Object>> rows = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            rows.add(Map.of("nai", nai(i), "spi", spi(i), "algorithm", "hmac-sha1", "key", key("node " + i)));
        }
        return ConfigSection.of(SECTION, null, Map.of("keys", rows));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return ConfigSection.of(SECTION, null, Map.of("nai", nai(node), "spi", spi(node), "key", key("node " + node)));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return ConfigSection.of(SECTION, null, Map.of("nai", nai(node), "spi", spi(node),
                "key", key("not the key of node " + node)));
    }

    static String nai(int node) {
        return "node-" + node + "@tck.example";
    }

    static long spi(int node) {
        return 0x1000 + node;
    }

    /** A 20-octet test key derived from a label (test keys only). */
    static String key(String label) {
        try {
            byte[] k = MessageDigest.getInstance("SHA-1").digest(("auth-option-4285 test key: " + label)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(k);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
