package org.mip6kit.inject;

import java.util.Objects;

import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * The outcome of a successful selection: the provider and how its name was chosen.
 *
 * @param provider the selected provider
 * @param choice the names that led to it
 */
public record ProviderSelection(FoundProvider provider, SecurityProviderChoice choice) {

    public ProviderSelection {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(choice, "choice");
    }

    public SecurityProviderFactory factory() {
        return provider.factory();
    }

    public ProviderDescriptor descriptor() {
        return provider.descriptor();
    }

    public String source() {
        return provider.source();
    }
}
