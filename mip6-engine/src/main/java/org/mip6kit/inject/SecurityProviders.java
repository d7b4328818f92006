package org.mip6kit.inject;

import java.util.Collection;

import org.mip6kit.spi.SecurityProviderFactory;

/**
 * Provider discovery and selection for embedders without Guice. The rules are those of
 * {@code org.mip6kit.guice.SecurityProviderModule} (artifact {@code mip6kit-guice}), from the same code ({@link ProviderSelector}):
 *
 * <pre>{@code
 * DiscoveryReport report = SecurityProviders.discover(MyApp.class.getClassLoader());
 * SecurityProviderFactory factory = report.select(config.get("security.provider"));
 * }</pre>
 */
public final class SecurityProviders {

    private SecurityProviders() {
    }

    /** Discovers the providers visible to {@code loader}; see {@link ProviderDiscovery#discover}. */
    public static DiscoveryReport discover(ClassLoader loader) {
        return ProviderDiscovery.discover(loader);
    }

    /** A report over factories the embedder created itself; see {@link ProviderDiscovery#of}. */
    public static DiscoveryReport of(Collection<? extends SecurityProviderFactory> factories) {
        return ProviderDiscovery.of(factories);
    }

    /**
     * Discovers on {@code loader} and selects {@code configuredName}, overridden by the system
     * property {@value SecurityProviderChoice#OVERRIDE_PROPERTY} when set.
     *
     * @throws ProviderSelectionException as {@link DiscoveryReport#select(String)}
     */
    public static SecurityProviderFactory select(ClassLoader loader, String configuredName)
            throws ProviderSelectionException {
        return discover(loader).select(configuredName);
    }
}
