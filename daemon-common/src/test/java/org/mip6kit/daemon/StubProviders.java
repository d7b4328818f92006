package org.mip6kit.daemon;

import java.util.EnumSet;

import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;

/** Factories that only describe themselves: enough for selection, never for running. */
final class StubProviders {

    private StubProviders() {
    }

    static SecurityProviderFactory named(String name) {
        return new SecurityProviderFactory() {
            private final ProviderDescriptor descriptor = new ProviderDescriptor(name, "1.0", SpiVersion.MAJOR,
                    Placement.IN_MESSAGE, EnumSet.of(Capability.INTEGRITY));

            @Override
            public ProviderDescriptor descriptor() {
                return descriptor;
            }

            @Override
            public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
                throw new UnsupportedOperationException("a stub");
            }

            @Override
            public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
                throw new UnsupportedOperationException("a stub");
            }
        };
    }
}
