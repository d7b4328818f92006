package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.reference.ReferenceChannelProvider;

/**
 * The kit adapts to an OWNS_CHANNEL provider: the provider opens its channel through the kit's
 * hooks ({@link #homeAgentChannel()}, {@link #mobileNodeChannel(int)}) and tells the kit which
 * of its records carry Binding Updates.
 */
@Tag("small")
class ReferenceChannelProviderCompatibilityTest extends ProviderCompatibilityKit {

    private static final String HOME_AGENT_CHANNEL = "home-agent";
    private static final String NODE_CHANNEL = "node-";

    @Override
    protected SecurityProviderFactory provider() {
        return new ReferenceChannelProvider(name -> name.equals(HOME_AGENT_CHANNEL) ? homeAgentChannel()
                : mobileNodeChannel(Integer.parseInt(name.substring(NODE_CHANNEL.length()))));
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        List<Map<String, Object>> list = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            list.add(Map.of("nai", "node-" + i + "@tck.example", "key-id", i + 1,
                    "key", ReferenceHmacProviderCompatibilityTest.key("node " + i)));
        }
        return ConfigSection.of("security." + ReferenceChannelProvider.NAME, null,
                Map.of("channel", HOME_AGENT_CHANNEL, "nodes", list));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return nodeConfig(node, ReferenceHmacProviderCompatibilityTest.key("node " + node));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return nodeConfig(node, ReferenceHmacProviderCompatibilityTest.key("not the key of node " + node));
    }

    private static ConfigSection nodeConfig(int node, String key) {
        return ConfigSection.of("security." + ReferenceChannelProvider.NAME, null, Map.of("channel",
                NODE_CHANNEL + node, "nai", "node-" + node + "@tck.example", "key-id", node + 1, "key", key));
    }

    @Override
    protected boolean carriesBindingUpdate(Packet packet) {
        return ReferenceChannelProvider.mobilityHeaderOf(packet.octets())
                .filter(mh -> mh.length >= 8 && (mh[2] & 0xFF) == 5).isPresent();
    }
}
