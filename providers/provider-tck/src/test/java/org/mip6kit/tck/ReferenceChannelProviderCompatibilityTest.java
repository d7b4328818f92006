package org.mip6kit.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.reference.ReferenceChannelProvider;

/**
 * An OWNS_CHANNEL provider passes the kit on its own behaviour: it binds its own UDP endpoints
 * on the kit's network, sets up its associations, and the kit finds the records that carry
 * Binding Updates by watching its path. Nothing is handed to it but its configuration.
 */
@Tag("small")
class ReferenceChannelProviderCompatibilityTest extends ProviderCompatibilityKit {

    static final int PORT = 7000;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

    @Override
    protected SecurityProviderFactory provider() {
        return new ReferenceChannelProvider();
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        List<Map<String, Object>> list = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            list.add(Map.of("nai", "node-" + i + "@tck.example", "key-id", i + 1,
                    "key", ReferenceHmacProviderCompatibilityTest.key("node " + i)));
        }
        return ConfigSection.of("security." + ReferenceChannelProvider.NAME, null,
                Map.of("port", PORT, "idle-timeout", IDLE_TIMEOUT.toSeconds() + "s", "nodes", list));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return nodeConfig(node, ReferenceHmacProviderCompatibilityTest.key("node " + node));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return nodeConfig(node, ReferenceHmacProviderCompatibilityTest.key("not the key of node " + node));
    }

    /** An association without a binding is kept this long after its last record. */
    @Override
    protected Duration replayWindow() {
        return IDLE_TIMEOUT;
    }

    private static ConfigSection nodeConfig(int node, String key) {
        return ConfigSection.of("security." + ReferenceChannelProvider.NAME, null, Map.of("home-agent-port", PORT,
                "nai", "node-" + node + "@tck.example", "key-id", node + 1, "key", key));
    }
}
