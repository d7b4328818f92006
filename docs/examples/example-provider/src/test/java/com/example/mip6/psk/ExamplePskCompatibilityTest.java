package com.example.mip6.psk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.ProviderCompatibilityKit;

/**
 * example-psk against the provider compatibility kit: every test of
 * {@link ProviderCompatibilityKit} runs here with this provider. All this class does is say
 * which provider to test and hand out credentials.
 */
@Tag("small")
class ExamplePskCompatibilityTest extends ProviderCompatibilityKit {

    /** Short, so the kit's leak check does not wait long; still more than twice the skew. */
    private static final Duration REPLAY_WINDOW = Duration.ofSeconds(30);
    private static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(5);

    @Override
    protected SecurityProviderFactory provider() {
        return new ExamplePskProviderFactory();
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            list.add(Map.of("nai", nai(i), "key", key(i, "right"), "home-address", homeAddress(i).toString()));
        }
        return ConfigSection.of("security.example-psk", null, Map.of(
                "replay-window", REPLAY_WINDOW.toSeconds() + "s",
                "max-clock-skew", MAX_CLOCK_SKEW.toSeconds() + "s",
                "nodes", list));
    }

    /** The kit tells the engine the home address and home agent; the section holds only the credentials. */
    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return ConfigSection.of("security.example-psk", null, Map.of("nai", nai(node), "key", key(node, "right")));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return ConfigSection.of("security.example-psk", null, Map.of("nai", nai(node), "key", key(node, "wrong")));
    }

    /** A node's counter is kept this long after its last message once it has no binding. */
    @Override
    protected Duration replayWindow() {
        return REPLAY_WINDOW;
    }

    static String nai(int node) {
        return "mn" + node + "@example.com";
    }

    /** A distinct 32-octet test key per node and variant (never do this with real keys). */
    static String key(int node, String variant) {
        try {
            byte[] k = MessageDigest.getInstance("SHA-256")
                    .digest(("example-psk test key " + variant + " " + node).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(k);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
