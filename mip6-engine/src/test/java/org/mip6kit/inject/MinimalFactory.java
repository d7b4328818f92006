package org.mip6kit.inject;

import java.util.Set;

import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * The least a test factory needs: a descriptor. Selection never asks for the security objects.
 * Lives outside the {@code fixture} package so the isolated test class loaders see it through
 * their parent while each fixture class comes from the jar a test built.
 */
public abstract class MinimalFactory implements SecurityProviderFactory {

    private final ProviderDescriptor descriptor;

    protected MinimalFactory(String name, String version, int spiMajorVersion) {
        this.descriptor = new ProviderDescriptor(name, version, spiMajorVersion, Placement.IN_MESSAGE,
                Set.of(Capability.INTEGRITY));
    }

    @Override
    public ProviderDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
        throw new UnsupportedOperationException("test factory " + descriptor.name());
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
        throw new UnsupportedOperationException("test factory " + descriptor.name());
    }
}
