package org.mip6kit.engine;

import java.util.concurrent.CompletionStage;

import org.mip6kit.wire.Ipv6Address;

/**
 * Where a home agent makes its binding cache durable, so a restarted home agent serves the
 * bindings it acknowledged before (set with {@link HomeAgentEngine.Builder#store}, read back
 * with {@link HomeAgentEngine.Builder#restore}). The engine has none by default: its bindings
 * live in memory only.
 *
 * <p>The engine calls {@link #write} for every accepted change (created, moved, refreshed,
 * deleted, expired, revoked) with the entry the home address has after it, in the
 * per-home-address order, so for one home address the last write is the current state. For a
 * change a Binding Acknowledgement confirms, the acknowledgement waits for the returned stage
 * ({@link Durability#BEFORE_ACK}), bounded by {@link HomeAgentSettings#beforeAckTimeout()}; a
 * stage that fails or times out turns the answer into status 130 (insufficient resources) and
 * the change is not made (the provider hears {@code abandoned}, or {@code refused} for a
 * deregistration). A refresh that only extends the lifetime at the same care-of address, and
 * the expiries and revocations no acknowledgement confirms, are written with
 * {@link Durability#LATER}: the engine goes on at once (docs/operator-guide.md, "Durable
 * state", says what a crash can lose and why that is safe) — the refresh only if the store
 * allows it ({@link #refreshesMayLag}).
 *
 * <p>Threading: called from the engine's threads, concurrently for different home addresses;
 * must not block (queue the write, complete the stage later). The engine continues on the
 * thread that completes the stage (it commits the change and sends the acknowledgement there),
 * so a store that batches its syncs should complete stages from a thread other than the one
 * that writes, or the next sync waits for the engine. A store that has failed
 * once should fail every later write rather than acknowledge changes it may not keep.
 */
public interface BindingStore {

    /** How soon a written change must be durable. */
    enum Durability {
        /** A Binding Acknowledgement waits for it: complete the stage once the change is on disk. */
        BEFORE_ACK,
        /**
         * Nothing waits: the store may batch it with later changes, within a bound it documents.
         */
        LATER
    }

    /**
     * Records {@code binding} as the current entry of its home address.
     *
     * @return completes normally once the entry is durable; exceptionally if it cannot be
     *         (the message names the cause, never a secret)
     */
    CompletionStage<Void> write(StoredBinding binding, Durability durability);

    /**
     * Whether a refresh that only extends the lifetime at the same care-of address may be
     * acknowledged before it is durable ({@link Durability#LATER}). True by default: a disk store
     * shares one sync among many changes, and what a crash can lose is documented. A store with
     * nothing to batch, where a write is one round trip anyway (a data grid), answers false: then
     * the acknowledgement of a refresh waits for its write ({@link Durability#BEFORE_ACK}) as any
     * other does, and no acknowledged refresh is lost with the member that sent it.
     */
    default boolean refreshesMayLag() {
        return true;
    }

    /**
     * Forgets the entry of {@code homeAddress}: a change that was written but could not be
     * committed (the binding cache filled up meanwhile) and had no entry before. Not waited for.
     */
    CompletionStage<Void> remove(Ipv6Address homeAddress);
}
