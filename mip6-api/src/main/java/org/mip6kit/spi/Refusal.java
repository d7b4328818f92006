package org.mip6kit.spi;

import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * The engine refused a Binding Update that the provider had accepted
 * ({@link HomeAgentSecurity#refused}): one of RFC 6275 §9.5.1 / §10.3.1's own checks failed
 * (129 ownership or prefix policy, 132, 133, 135, 139, 140, 174, 130 for a full cache), or
 * discarded it silently as §9.5.1 asks (no usable home address: 132; a home registration with
 * Nonce Indices, or a Binding Update without H and no home binding: 128), with no Binding
 * Acknowledgement and a reason that starts {@code silently discarded}. A
 * provider that created state in {@code verify} (an accepted timestamp, an adopted lease) may
 * release or keep it; it must not keep it forever.
 *
 * @param identity the identity the provider's verdict named
 * @param homeAddress the home address of the Binding Update
 * @param sequence the Binding Update's sequence number
 * @param status the status the engine chose (the Binding Acknowledgement carries it when one is sent)
 * @param reply the provider's reply context from its verdict
 * @param reason for logs
 */
public record Refusal(Identity identity, Ipv6Address homeAddress, SequenceNumber sequence, BindingAckStatus status,
                      ReplyContext reply, String reason) {

    public Refusal {
        if (identity == null || homeAddress == null || sequence == null || status == null || reply == null
                || reason == null) {
            throw new IllegalArgumentException("every refusal field is required");
        }
    }
}
