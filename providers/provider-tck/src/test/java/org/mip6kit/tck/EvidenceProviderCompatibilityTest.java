package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.belowstack.EvidenceProvider;

/**
 * The kit adapts to a BELOW_STACK provider: the evidence hook plays the kernel and the IKE
 * daemon (a node's packets arrive through its SA; the attacker's, and those of a node whose IKE
 * authentication failed, through none).
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
                    "tunnel", EvidenceProvider.tunnelOf(i)));
        }
        return ConfigSection.of("security." + EvidenceProvider.NAME, null, Map.of("nodes", list));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return ConfigSection.of("security." + EvidenceProvider.NAME, null,
                Map.of("identity", nodeId(node), "home-agent-identity", HOME_AGENT_ID));
    }

    /** Below the stack the wrong credentials are IKE's: such a node gets no SA (see {@link #arrival}). */
    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return mobileNodeConfig(node);
    }

    /**
     * The network: a node's own packets come out of its tunnel's interface ({@code ipsec<i>} on
     * the home agent, {@code ipsec0} on the node for the home agent's); everything else — a
     * forger's, a node's that holds no SA — arrives on {@code eth0}.
     */
    @Override
    protected Observed arrival(PacketOrigin origin, Addressing addressing) {
        return switch (origin.kind()) {
            case MOBILE_NODE -> Observed.on(EvidenceProvider.tunnelOf(origin.node()), null);
            case HOME_AGENT -> Observed.on(EvidenceProvider.HOME_AGENT_TUNNEL, null);
            default -> Observed.on("eth0", null);
        };
    }

    private static String nodeId(int node) {
        return "node-" + node + "@tck.example";
    }
}
