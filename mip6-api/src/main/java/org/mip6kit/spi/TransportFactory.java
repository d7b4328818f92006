package org.mip6kit.spi;

/**
 * Opens the engine's configured {@link SignallingTransport}. Handed to
 * {@link HomeAgentSecurity#path} and {@link MobileNodeSecurity#path}; a provider that owns its
 * channel never calls it, so the engine's port is then never bound.
 */
@FunctionalInterface
public interface TransportFactory {

    /**
     * Opens the transport (binding its socket). Call at most once per path.
     *
     * @throws SecurityProviderException if it cannot be opened (address in use, permission)
     */
    SignallingTransport open();
}
