package org.mip6kit.spi;

import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * The engine refused a Binding Update that the provider had accepted
 * ({@link HomeAgentSecurity#refused}): one of RFC 6275 §9.5.1 / §10.3.1's own checks failed
 * (129 ownership or prefix policy, 132, 133, 135, 139, 140, 174, 130 for a full cache). A
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
