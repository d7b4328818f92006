package org.mip6kit.inject;

import java.util.Objects;

import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * A provider that {@link ProviderDiscovery} could instantiate and describe.
 *
 * @param descriptor what the factory said about itself (checked non-null at discovery)
 * @param factory the instance, created once at discovery
 * @param source where its class came from: a jar or directory path (from the class's
 *     {@link java.security.CodeSource}), or a URL when it is not a local file
 */
public record FoundProvider(ProviderDescriptor descriptor, SecurityProviderFactory factory, String source) {

    public FoundProvider {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(source, "source");
    }

    public String name() {
        return descriptor.name();
    }

    public String factoryClass() {
        return factory.getClass().getName();
    }

    /** {@code 'alpha' 1.0 (SPI 1, IN_MESSAGE) from /opt/mip6kit/lib/alpha.jar}. */
    public String describe() {
        return "'" + descriptor.name() + "' " + descriptor.version() + " (SPI " + descriptor.spiMajorVersion()
                + ", " + descriptor.placement() + ", " + factoryClass() + ") from " + source;
    }

    @Override
    public String toString() {
        return describe();
    }
}
