package org.mip6kit.spi;

import java.util.concurrent.CompletionStage;

/**
 * A provider's home-agent side, created by {@link SecurityProviderFactory#homeAgent}.
 *
 * <p>The engine calls, in order: {@link #path} once; for each accepted Binding Update
 * {@link #beforeAck} and, once committed, {@link #afterChange}; for each deletion or expiry
 * {@link #afterChange}; finally {@link #close}. Calls for one home address never overlap.
 */
public interface HomeAgentSecurity extends AutoCloseable {

    /**
     * The signalling path the home agent receives Binding Updates on and sends Binding
     * Acknowledgements through. Called once. Must not do I/O yet (that is
     * {@link SignallingPath#start}).
     */
    SignallingPath path(TransportFactory engineTransports);

    /**
     * Prepares for a binding change before the Binding Acknowledgement is sent: install or
     * migrate IPsec policies for the home address (draft §6.6/§6.7, RFC 4877 §4.4), move a
     * tunnel endpoint. The Binding Acknowledgement waits for the stage, up to the engine's
     * configured bound. A stage that times out turns the answer into status 130 (insufficient
     * resources), one that fails into 128 (reason unspecified; the failure's message goes to the
     * log, so it must not carry secrets); either way the change is not committed. Must not
     * block the caller.
     * Providers with nothing to prepare return a completed stage.
     */
    CompletionStage<Void> beforeAck(BindingChange change);

    /**
     * A change was committed (created, moved, refreshed) or a binding was deleted or expired.
     * Remove policies for a deleted binding; release per-node state that is no longer needed —
     * but keep replay-protection state as long as a captured message could still be replayed
     * (DESIGN: replay state outlives the binding). Non-blocking; never throws.
     */
    void afterChange(BindingChange change);

    /** Releases everything. Idempotent; never throws. */
    @Override
    void close();

    /**
     * How many peers the provider currently keeps state for (keys in use, replay windows,
     * associations). The TCK checks it falls back once bindings and replay windows are gone,
     * so per-node state cannot leak.
     */
    int perNodeStateCount();
}
