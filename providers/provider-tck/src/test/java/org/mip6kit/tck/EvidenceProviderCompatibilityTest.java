package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.belowstack.EvidenceProvider;

/**
 * A BELOW_STACK provider passes the kit on its own behaviour: it opens the raw Mobility Header
 * socket on the kit's network and concludes who sent a message from the interface it arrived
 * on. Its configuration names the tunnel interfaces as an operator's would (a real provider
 * learns them from its IKE daemon); the kit's network puts node {@code i}'s tunnel on the home
 * agent's {@code ipsec<i+1>} and the node's {@code tun0}, and gives none to a node with wrong
 * credentials.
 */
@Tag("small")
class EvidenceProviderCompatibilityTest extends ProviderCompatibilityKit {

    private static final String HOME_AGENT_ID = "ha@tck.example";

    @Override
    protected SecurityProviderFactory provider() {
        return new EvidenceProvider();
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        List<Map<String, Object>> list = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            list.add(Map.of("identity", nodeId(i), "home-address", homeAddress(i).toString(),
                    "tunnel", Deployment.homeAgentTunnel(i)));
        }
        return ConfigSection.of("security." + EvidenceProvider.NAME, null, Map.of("nodes", list));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return ConfigSection.of("security." + EvidenceProvider.NAME, null, Map.of("identity", nodeId(node),
                "home-agent-identity", HOME_AGENT_ID, "tunnel", Deployment.MOBILE_NODE_TUNNEL));
    }

    /** Below the stack the wrong credentials are IKE's: the kit gives such a node no tunnel. */
    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return mobileNodeConfig(node);
    }

    private static String nodeId(int node) {
        return "node-" + node + "@tck.example";
    }
}
