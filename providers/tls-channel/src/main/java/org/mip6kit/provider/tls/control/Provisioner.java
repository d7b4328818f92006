package org.mip6kit.provider.tls.control;

/**
 * The Home Agent Controller's policy and resources: given an authenticated node's request, it
 * chooses the home agent, the home address or prefix, and creates the security association —
 * SPI, suite (one of the node's), the four keys from a strong random source (RFC 6618 §4.3:
 * the keys are the controller's, not derived from TLS) — and shares it with the home agent
 * before returning. Called at most once per {@link HacExchange}, only after the node's
 * {@code auth} verified, on the thread that drives the exchange.
 */
@FunctionalInterface
public interface Provisioner {

    /**
     * @return an {@link Assignment}, or a {@link ProvisioningOutcome.Refusal} with the status the
     *         node receives (e.g. 403, or 503 with a retry-after)
     */
    ProvisioningOutcome provision(ProvisioningRequest request);
}
