package org.mip6kit.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.spi.BindingChange;

/**
 * The home agent's data plane as its engine sees it: told of every binding change so that
 * packets for a home address (and, for a mobile router, its prefixes) follow the binding
 * (RFC 6275 §10.4.1, §10.4.5). The engine knows nothing of how packets move; an implementation
 * (a user-space tunnel over TUN, a kernel tunnel) lives outside it and is handed to
 * {@link HomeAgentEngine.Builder#forwarding}.
 *
 * <p>Order for one Binding Update that creates, moves or refreshes a binding: the provider's
 * {@code beforeAck} succeeds, then {@link #prepare}; the Binding Acknowledgement waits for the
 * stage (within the engine's before-ack bound), so the first packet after the acknowledgement
 * already takes the new path. When the change does not happen after all (the provider or this
 * stage failed or timed out, the cache filled up) {@link #abandoned} follows. After a
 * deletion, expiry or revocation, {@link #removed} is called once the acknowledgement (if any)
 * has left. Calls for one home address never overlap and come in processing order; calls for
 * different home addresses may run concurrently.
 */
public interface BindingForwarding {

    /** Forwards nothing and never fails; the engine's default. */
    BindingForwarding NONE = new BindingForwarding() {
    };

    /**
     * Points the home address's tunnel at the change's care-of address (or, for an IPv4
     * care-of address, at {@link BindingChange#outerPeer()}). Must not block the caller. A
     * stage that fails or times out turns the Binding Acknowledgement into status 130
     * (insufficient resources); its message goes to the log, so it must not carry secrets.
     *
     * @param change a change of kind {@code CREATED}, {@code MOVED} or {@code REFRESHED}
     * @return completes once packets take the new path
     */
    default CompletionStage<Void> prepare(BindingChange change) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * A change {@link #prepare} may have been asked for will not be committed: undo exactly what
     * {@code change} prepared (for a move, point the tunnel back at
     * {@link BindingChange#previousCareOf()}), or nothing when nothing was prepared for it.
     * Non-blocking; never throws.
     */
    default void abandoned(BindingChange change) {
    }

    /**
     * The binding is gone ({@code DELETED}, {@code EXPIRED}, {@code REVOKED}): stop forwarding
     * for its home address and prefixes. Non-blocking; never throws.
     */
    default void removed(BindingChange change) {
    }
}
