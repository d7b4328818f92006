package org.mip6kit.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.IngressEvidence;
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
            list.add(Map.of("identity", nodeId(i), "home-address", homeAddress(i).toString()));
        }
        return ConfigSection.of("security." + EvidenceProvider.NAME, null, Map.of("nodes", list));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return ConfigSection.of("security." + EvidenceProvider.NAME, null,
                Map.of("identity", nodeId(node), "home-agent-identity", HOME_AGENT_ID));
    }

    /** Below the stack the wrong credentials are IKE's: such a node gets no SA (see {@link #ingressEvidence}). */
    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return mobileNodeConfig(node);
    }

    @Override
    protected IngressEvidence ingressEvidence(PacketOrigin origin, Addressing addressing) {
        return switch (origin.kind()) {
            case MOBILE_NODE -> sa("sa-node-" + origin.node(), nodeId(origin.node()));
            case HOME_AGENT -> sa("sa-home-agent", HOME_AGENT_ID);
            default -> IngressEvidence.NONE;
        };
    }

    private static IngressEvidence sa(String sa, String ikeId) {
        return new IngressEvidence(Optional.of("eth0"), Optional.of(sa),
                Optional.of(new Identity(Identity.Kind.IKE_ID, ikeId)), Map.of());
    }

    private static String nodeId(int node) {
        return "node-" + node + "@tck.example";
    }
}
