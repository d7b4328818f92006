package org.mip6kit.spi;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.wire.Ipv6Address;

/**
 * A provider's home-agent side, created by {@link SecurityProviderFactory#homeAgent}.
 *
 * <p>The engine calls, in order: {@link #capabilities} and {@link #attach} once; {@link #path}
 * once; then, for each Binding Update the path's {@link SignallingPath#verify} accepted,
 * exactly one of:
 * <ul>
 * <li>{@link #refused} — the engine's own protocol checks refused it;</li>
 * <li>{@link #beforeAck}, then {@link #abandoned} — the provider could not prepare in time
 *     or failed, or the commit failed (binding cache full);</li>
 * <li>{@link #beforeAck} (not for a deregistration), commit, Binding Acknowledgement, then
 *     {@link #afterChange} once the acknowledgement has been handed to the network (or its
 *     send failed).</li>
 * </ul>
 * and {@link #afterChange} for each expiry and each {@link HomeAgentHandle#revoke revocation};
 * finally {@link #close}. Calls for one home address never overlap and follow the order of
 * processing (the one exception: {@link #abandoned} after a timed-out {@link #beforeAck}, which
 * waits for the late stage); calls for different home addresses may run concurrently. Optional
 * hooks have no-op defaults.
 */
public interface HomeAgentSecurity extends AutoCloseable {

    /**
     * What this instance, as configured, can do: a subset of the descriptor's capabilities
     * (e.g. {@link Capability#IKE_SURVIVES_MOVE} only in a mode whose IKE SA follows the
     * care-of address; {@link Capability#CONFIDENTIALITY} only with an encrypting suite). The
     * engine reads it once at start, refuses to start when it is not a subset of the
     * descriptor's, and decides the K flag from it.
     */
    Set<Capability> capabilities();

    /**
     * Hands the provider the engine's handle (revocation). Called once, before {@link #path}.
     * Default: the provider needs none.
     */
    default void attach(HomeAgentHandle engine) {
    }

    /**
     * The signalling path the home agent receives Binding Updates on and sends Binding
     * Acknowledgements through. Called once. Must not do I/O yet (that is
     * {@link SignallingPath#start}).
     */
    SignallingPath path(TransportFactory engineTransports);

    /**
     * Prepares for a binding change before the Binding Acknowledgement is sent: install or
     * migrate IPsec policies for the home address (draft §6.6/§6.7, RFC 4877 §4.4), move a
     * tunnel endpoint. Called for {@link BindingChange.Kind#CREATED}, {@code MOVED} and
     * {@code REFRESHED}; never for a deregistration (nothing is prepared for a binding that is
     * going away: its teardown belongs in {@link #afterChange}, after the acknowledgement left).
     * The Binding Acknowledgement waits for the stage, up to the engine's configured bound. A
     * stage that times out turns the answer into status 130 (insufficient resources), one that
     * fails into 128 (reason unspecified; the failure's message goes to the log, so it must not
     * carry secrets); either way the change is not committed and {@link #abandoned} follows.
     * Must not block the caller. Default: nothing to prepare, a completed stage.
     */
    default CompletionStage<Void> beforeAck(BindingChange change) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * A change {@link #beforeAck} was asked to prepare will not happen: the stage failed, or
     * timed out, or the commit failed. Undo what was prepared. After a timeout this call comes
     * only once the late stage has completed, so what it installed can be removed — and so it
     * may come after hooks for later messages of the same home address (the engine does not
     * hold the home address for a provider that stays silent): undo exactly what
     * {@code change} prepared, not whatever the home address has now. Non-blocking; never
     * throws. Default: nothing to undo.
     */
    default void abandoned(BindingChange change, String reason) {
    }

    /**
     * A change was committed (created, moved, refreshed) and its Binding Acknowledgement has
     * been handed to the network (or its send failed, or did not complete within the engine's
     * bound), or a binding was deleted (after the acknowledgement left),
     * expired or revoked. Remove policies for a binding that is gone; release per-node state
     * that is no longer needed — but keep replay-protection state as long as a captured message
     * could still be replayed (the engine accepts any sequence number once a binding has
     * ended, RFC 6275 §9.5.1). Non-blocking; never throws. Default: nothing to do.
     */
    default void afterChange(BindingChange change) {
    }

    /**
     * The most octets a {@link #bindingRecord} may hold. The engine does not store a longer
     * record (it reports it as a provider event and stores none).
     */
    int MAX_BINDING_RECORD_OCTETS = 1024;

    /**
     * A small opaque record the home agent's durable store keeps with the binding after
     * {@code change}, handed back to {@link #restoreBinding} when a restarted home agent restores
     * that binding (or the replay hold after it). For state that must survive a restart with
     * the binding: what refuses a Binding Update captured before the restart and replayed after
     * it (RFC 4285: the newest accepted timestamps of the node's security association). Never a
     * key or any other secret: the store is a plain file an operator backs up.
     *
     * <p>Called for every change the engine stores: CREATED, MOVED and REFRESHED after
     * {@link #beforeAck} succeeded (so the record reflects the Binding Update being
     * acknowledged), DELETED before its acknowledgement, EXPIRED and REVOKED as they happen; in
     * the per-home-address order, never concurrently for one home address. Only when the home
     * agent runs with a durable store. Must not block or throw (a throw is reported and the
     * binding is stored without a record).
     *
     * <p>Version the format: start the record with a version octet of the provider's own, and
     * let {@link #restoreBinding} ignore a version it does not know (a record written by a newer
     * release, after a downgrade), which costs only what the record protected.
     *
     * @param change the change being stored
     * @return at most {@link #MAX_BINDING_RECORD_OCTETS} octets, or {@code null} (the default)
     *         for nothing to keep
     */
    default byte[] bindingRecord(BindingChange change) {
        return null;
    }

    /**
     * A restarted home agent restores a binding, or the replay hold after one, for which
     * {@link #bindingRecord} returned {@code record}: take back what it holds. Called while the
     * engine is built, before {@link #attach}, {@link #path} and the first Binding Update, on
     * the building thread, once per stored home address that has a record (also for bindings
     * that ran out while the home agent was down: their replay state may still matter). A record
     * the provider cannot read (unknown version, damaged, an association no longer configured) is
     * ignored. Must not throw. Default: nothing to restore.
     *
     * @param identity the binding's owner, as this provider named it before the restart
     * @param homeAddress the binding's home address
     * @param record the octets {@link #bindingRecord} returned, never empty
     */
    default void restoreBinding(Identity identity, Ipv6Address homeAddress, byte[] record) {
    }

    /**
     * The engine refused a Binding Update this provider accepted ({@link Refusal}). Default:
     * nothing to do.
     */
    default void refused(Refusal refusal) {
    }

    /**
     * Named counters the provider keeps, for operators: the daemon shows them in its status and in
     * its stop line. E.g. packets its own path dropped before the engine saw them, by reason;
     * handshakes; bootstraps. Names are stable, lower case with hyphens; values never decrease
     * (except gauges whose name says so). Thread-safe, cheap, never throws, never a secret; may be
     * called after {@link #close}. Default: none.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /**
     * Applies a new version of this provider's configuration section while the home agent runs
     * (the daemon calls it on SIGHUP and on {@code mip6kit ha reload}), e.g. a key table with a
     * new security association for a key roll-over.
     *
     * <p>All or nothing: the provider reads and checks {@code config} and every file it names
     * <em>in full</em> before it replaces anything. When anything is wrong it throws and the
     * running configuration stays exactly as it was. When it succeeds the new configuration
     * applies to every Binding Update verified from then on; bindings, replay-protection state
     * and verifications already under way are not disturbed (a verification sees the old or the
     * new configuration, never a mix of both). A setting the provider cannot change while it
     * runs is refused with an exception naming it, not silently ignored.
     *
     * <p>Threading: may be called on any thread, concurrently with every other call except
     * {@link #close}; calls to {@code reload} do not overlap (the engine serialises them). It may
     * block for file I/O, never on the network.
     *
     * @param config the provider's section ({@code security.<name>}), freshly read from the same
     *        file as at start
     * @return what changed, or {@link ReloadOutcome#notSupported} when this provider cannot
     *         reload (the default; the daemon reports it and keeps running unchanged)
     * @throws ProviderConfigException if the section or a file it names is wrong: names the file,
     *         the key and the problem (and the line of a key table), never a secret
     */
    default ReloadOutcome reload(ConfigSection config) throws ProviderConfigException {
        return ReloadOutcome.notSupported(ReloadOutcome.CANNOT_RELOAD);
    }

    /** Releases everything. Idempotent; never throws. */
    @Override
    void close();

    /**
     * How many peers the provider currently keeps state for (keys in use, replay windows,
     * associations). The provider kit checks it falls back once bindings and replay windows are
     * gone, so per-node state cannot leak. Default: 0, for a provider that keeps none.
     */
    default int perNodeStateCount() {
        return 0;
    }
}
