package org.mip6kit.spi;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;

/**
 * A provider's mobile-node side, created by {@link SecurityProviderFactory#mobileNode}.
 *
 * <p>The engine calls, in order: {@link #capabilities} and {@link #attach} once;
 * {@link #bootstrap}; {@link #path}; then, as the node moves, {@link #careOfChanging} before
 * each Binding Update from a new care-of address; {@link #onRejected} after a verified
 * rejection; {@link #registrationChanged} as the registration comes and goes; finally
 * {@link #close} (after the deregistration was sent on a clean shutdown). After a re-bootstrap
 * ({@link RejectAction.BootstrapAgain}, {@link MobileNodeHandle#rebootstrap}) the engine closes
 * the current path, calls {@link #bootstrap} again and then {@link #path} again. Calls never
 * overlap. Optional hooks have no-op defaults.
 */
public interface MobileNodeSecurity extends AutoCloseable {

    /**
     * What this instance, as configured, can do: a subset of the descriptor's capabilities.
     * The engine reads it once and sets K in Binding Updates only with
     * {@link Capability#IKE_SURVIVES_MOVE}, and adds the Alternate Care-of Address option only
     * with {@link Capability#NEEDS_ALTERNATE_COA}.
     */
    Set<Capability> capabilities();

    /**
     * Hands the provider the engine's handle (re-bootstrap, refresh now, fatal failure). Called
     * once, before the first {@link #bootstrap}. Default: the provider needs none.
     */
    default void attach(MobileNodeHandle engine) {
    }

    /**
     * Establishes what the first Binding Update needs (draft §6.1, §6.2, §6.5): the identity,
     * the home address or prefix, the home agent and where to reach it. May run key management
     * (IKEv2 with a configuration payload, an RFC 6618 TLS exchange) before any SPD entry for
     * the home address exists. Non-blocking; the stage fails with a
     * {@link SecurityProviderException} whose message says why (unreachable, authentication
     * failed, no address offered).
     */
    CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want);

    /**
     * The signalling path to the home agent described by the latest {@link BootstrapResult}.
     * Called after each bootstrap (the previous path is closed first).
     */
    SignallingPath path(TransportFactory engineTransports);

    /**
     * The care-of address is about to change from {@code from} to {@code to} (an IPv4 care-of
     * address is IPv4-mapped). Completes when the provider is ready for a Binding Update from
     * {@code to}: XFRM MIGRATE or MOBIKE for IPsec, a DTLS connection-ID update, rebinding a
     * UDP endpoint of its own, nothing for RFC 4285 or RFC 6618. The engine sends the Binding
     * Update only after the stage completes (draft §6.8); a failed stage is reported and the
     * engine retries later. Non-blocking. Default: ready at once.
     */
    default CompletionStage<Void> careOfChanging(Ipv6Address from, Ipv6Address to) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * A Binding Acknowledgement that passed {@link SignallingPath#verify} rejected the Binding
     * Update with {@code status} (never 135, which the engine handles). Decide what to do, e.g.
     * 144 → note the home agent's clock from the verified message and {@link RejectAction.Retry};
     * 176 → {@link RejectAction.BootstrapAgain}. Never called for an unverified message.
     * Non-blocking. Default: give up, naming the status.
     */
    default RejectAction onRejected(BindingAckStatus status, Inbound verifiedAcknowledgement) {
        return new RejectAction.GiveUp("the home agent refused the registration: " + status);
    }

    /**
     * The registration changed ({@link RegistrationChange}); e.g. an IPsec provider removes its
     * policies once deregistered. Non-blocking; never throws. Default: nothing to do.
     */
    default void registrationChanged(RegistrationChange change) {
    }

    /** Releases everything. Idempotent; never throws. */
    @Override
    void close();

    /**
     * How many peers or associations the provider keeps state for (the provider kit checks it
     * does not grow with re-bootstraps and moves). Default: 0.
     */
    default int perNodeStateCount() {
        return 0;
    }
}
