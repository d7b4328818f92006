package org.mip6kit.daemon.testing;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;

/**
 * {@link NaiTestProvider} under the name {@value #NAME}, declaring that it carries the nodes'
 * data traffic itself ({@link Capability#CARRIES_TRAFFIC}), as ipsec-ikev2 does in mode
 * libipsec: what the daemons must refuse to run a data plane next to. Not registered as a
 * service; tests hand it over in their options.
 */
public final class TrafficCarryingTestProvider implements SecurityProviderFactory {

    public static final String NAME = "test-carrier";
    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.INTEGRITY,
            Capability.CARRIES_TRAFFIC));

    private final NaiTestProvider inner = new NaiTestProvider();

    @Override
    public ProviderDescriptor descriptor() {
        return new ProviderDescriptor(NAME, "test", SpiVersion.MAJOR, inner.descriptor().placement(), CAPABILITIES);
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        MobileNodeSecurity s = inner.mobileNode(context, config);
        return new MobileNodeSecurity() {
            @Override
            public Set<Capability> capabilities() {
                return CAPABILITIES;
            }

            @Override
            public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
                return s.bootstrap(want);
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return s.path(engineTransports);
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        HomeAgentSecurity s = inner.homeAgent(context, config);
        return new HomeAgentSecurity() {
            @Override
            public Set<Capability> capabilities() {
                return CAPABILITIES;
            }

            @Override
            public SignallingPath path(TransportFactory engineTransports) {
                return s.path(engineTransports);
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }
}
