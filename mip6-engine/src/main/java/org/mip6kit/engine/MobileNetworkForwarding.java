package org.mip6kit.engine;

import org.mip6kit.spi.BindingChange;

/**
 * Where the home agent's forwarding for mobile network prefixes (RFC 3963 §6.3, §6.4: packets
 * for a registered prefix go through the bidirectional tunnel to the mobile router's care-of
 * address) plugs into the {@link HomeAgentEngine}. The engine does the signalling; a data plane
 * implements this to install and remove the routes. The default, {@link #NONE}, forwards
 * nothing and never fails: the home agent then answers R=1 registrations from the signalling
 * alone.
 *
 * <p>All methods are called from the engine's per-home-address serialisation, one change of a
 * home address at a time, and must not block for long (they run before the Binding
 * Acknowledgement leaves). They are called only for a mobile router's binding that has at least
 * one prefix.
 */
public interface MobileNetworkForwarding {

    /** Forwards nothing; every {@link #prepare} succeeds. */
    MobileNetworkForwarding NONE = change -> { };

    /**
     * Sets up forwarding for {@code change.mobileNetworkPrefixes()} towards
     * {@code change.careOf()}, before the Binding Acknowledgement is sent, for a CREATED, MOVED
     * or REFRESHED change. The set replaces whatever the same home address had before (a refresh
     * may add or drop prefixes). Called after the protocol checks and before the security
     * provider's {@code beforeAck}.
     *
     * @throws ForwardingSetupException if forwarding cannot be set up; the mobile router gets
     *         status 143 (Forwarding Setup failed, RFC 3963 §6.2) and the binding is not changed.
     *         Any other runtime exception is treated the same way.
     */
    void prepare(BindingChange change) throws ForwardingSetupException;

    /**
     * A change {@link #prepare}d successfully did not happen after all (the security provider
     * failed or timed out, or the cache filled): undo it, restoring the previous prefixes' routes
     * if the home address had any.
     */
    default void abandoned(BindingChange change) {
    }

    /**
     * The binding ended (DELETED, EXPIRED or REVOKED): remove the routes of
     * {@code change.mobileNetworkPrefixes()} (RFC 3963 §6.6).
     */
    default void removed(BindingChange change) {
    }

    /** Forwarding for mobile network prefixes could not be set up; the mobile router gets 143. */
    final class ForwardingSetupException extends Exception {
        private static final long serialVersionUID = 1L;

        public ForwardingSetupException(String message) {
            super(message);
        }

        public ForwardingSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
