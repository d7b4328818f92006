package org.mip6kit.spi;

import java.util.concurrent.CompletionStage;

import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;

/**
 * A provider's mobile-node side, created by {@link SecurityProviderFactory#mobileNode}.
 *
 * <p>The engine calls, in order: {@link #bootstrap}; {@link #path} once; then, as the node
 * moves, {@link #careOfChanging} before each Binding Update from a new care-of address;
 * {@link #onRejected} after a verified rejection; finally {@link #close} (after the
 * deregistration was sent on a clean shutdown).
 */
public interface MobileNodeSecurity extends AutoCloseable {

    /**
     * Establishes what the first Binding Update needs (draft §6.1, §6.2, §6.5): the identity,
     * the home address or prefix, the home agent. May run key management (IKEv2 with a
     * configuration payload, an RFC 6618 TLS exchange) before any SPD entry for the home
     * address exists. Non-blocking; the stage fails with a {@link SecurityProviderException}
     * whose message says why (unreachable, authentication failed, no address offered). Called
     * again after {@link RejectAction.BootstrapAgain}.
     */
    CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want);

    /** The signalling path to the home agent. Called once, after the first bootstrap. */
    SignallingPath path(TransportFactory engineTransports);

    /**
     * The care-of address is about to change from {@code from} to {@code to} (an IPv4 care-of
     * address is IPv4-mapped). Completes when the provider is ready for a Binding Update from
     * {@code to}: XFRM MIGRATE or MOBIKE for IPsec, a DTLS connection-ID update, nothing for
     * RFC 4285 or RFC 6618. The engine sends the Binding Update only after the stage completes
     * (draft §6.8); a failed stage is reported and the engine retries later. Non-blocking.
     */
    CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to);

    /**
     * A Binding Acknowledgement that passed {@link SignallingPath#verify} rejected the Binding
     * Update with {@code status} (never 135, which the engine handles). Decide what to do, e.g.
     * 144 → note the home agent's clock from the verified message and {@link RejectAction.Retry};
     * 176 → {@link RejectAction.BootstrapAgain}. Never called for an unverified message.
     * Non-blocking.
     */
    RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement);

    /** Releases everything. Idempotent; never throws. */
    @Override
    void close();
}
