package org.mip6kit.spi;

import java.util.concurrent.CompletionStage;

import org.mip6kit.wire.Ipv6Address;

/**
 * What a home-agent provider may ask of the engine, handed to {@link HomeAgentSecurity#attach}
 * before the path starts. Thread-safe and non-blocking.
 */
public interface HomeAgentHandle {

    /**
     * Removes the binding of {@code homeAddress} because what authorised it is gone: the IKE SA
     * was deleted, the RFC 6618 security association or the address lease ended. Runs in the
     * per-home-address order with Binding Updates. Only a binding owned by {@code owner} is
     * removed; the engine then calls {@link HomeAgentSecurity#afterChange} with
     * {@link BindingChange.Kind#REVOKED}, keeps the entry's sequence number as it does after a
     * deregistration, and reports the revocation. No message is sent to the mobile node
     * (RFC 5846 Binding Revocation is not implemented): its next Binding Update is judged
     * afresh.
     *
     * @param reason for the log; never a secret
     * @return completes with {@code true} when a binding was removed, {@code false} when there
     *         was none for that owner
     */
    CompletionStage<Boolean> revoke(Ipv6Address homeAddress, Identity owner, String reason);
}
