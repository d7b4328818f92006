package org.mip6kit.spi;

import java.util.Map;
import java.util.Optional;

/**
 * How a packet arrived, as far as the layer that received it can tell: the interface, the
 * security association that protected it, the key-management identity behind that SA.
 * A {@link Placement#BELOW_STACK} provider's verdict depends on it (a Binding Update that did
 * not arrive through an SA whose selectors match its home address must not be accepted,
 * RFC 3776 §5); other placements carry {@link #NONE}.
 *
 * @param ingressInterface the network interface name, if known
 * @param securityAssociation an identifier of the SA (e.g. an SPI or a CHILD_SA name), if any
 * @param keyManagementIdentity the authenticated peer identity of the SA's IKE SA, if any
 * @param details further facts for logs and the TCK; never secrets
 */
public record IngressEvidence(Optional<String> ingressInterface, Optional<String> securityAssociation,
                              Optional<Identity> keyManagementIdentity, Map<String, String> details) {

    /** Nothing is known beyond the addresses. */
    public static final IngressEvidence NONE =
            new IngressEvidence(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());

    public IngressEvidence {
        if (ingressInterface == null || securityAssociation == null || keyManagementIdentity == null
                || details == null) {
            throw new IllegalArgumentException("every evidence field is required (use Optional.empty(), Map.of())");
        }
        details = Map.copyOf(details);
    }
}
