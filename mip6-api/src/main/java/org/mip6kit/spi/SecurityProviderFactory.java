package org.mip6kit.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.mip6kit.wire.MobilityOptionCodec;

/**
 * The entry point of a security provider jar, found by {@link java.util.ServiceLoader} under
 * {@code META-INF/services/org.mip6kit.spi.SecurityProviderFactory}. No Guice, no logging
 * backend: a provider depends on {@code mip6-api} alone.
 *
 * <p>Implementations need a public no-argument constructor, must be cheap to construct (no
 * I/O, no native code, no threads: discovery instantiates every factory on the class path,
 * including those not selected), and are thread-safe.
 */
public interface SecurityProviderFactory {

    /** The provider's immutable description; the same instance every call. */
    ProviderDescriptor descriptor();

    /**
     * Mobility option codecs this provider adds to the wire registry (RFC 4285 registers its
     * authentication and replay-protection options here). The engine builds its
     * {@link org.mip6kit.wire.MobilityHeaderCodec} with them before it creates the provider's
     * security objects. Default: none.
     */
    default List<MobilityOptionCodec<?>> optionCodecs() {
        return List.of();
    }

    /**
     * Creates the mobile-node side from the provider's configuration section
     * ({@code security.<name>} of the daemon's file). Validates the whole section: unknown keys
     * and bad values are errors that name the key and the file. May read key files. Must not
     * open sockets or start threads yet: that happens in {@link SignallingPath#start}.
     *
     * @throws ProviderConfigException if the configuration is invalid or a key file is unusable
     */
    MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException;

    /**
     * Creates the home-agent side. Same rules as {@link #mobileNode}.
     *
     * @throws ProviderConfigException if the configuration is invalid or a key file is unusable
     */
    HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException;

    /**
     * A throwaway configuration for {@code ./mip6kit demo --provider NAME}: the home agent's and
     * the mobile node's {@code security.<name>} sections, with fresh credentials written into
     * {@code privateDirectory} (a new directory readable by the owner only, deleted after the
     * demo). The demo runs a home agent serving {@link DemoConfiguration#HOME_PREFIX} with the
     * home agent address {@link DemoConfiguration#HOME_AGENT}, and a mobile node with the home
     * address {@link DemoConfiguration#HOME_ADDRESS}, on loopback. The sections are read with no
     * configuration file behind them, so every path in them must be absolute. Default: the
     * provider offers none, and the demo says so and exits 2.
     *
     * @throws ProviderConfigException if the credentials cannot be made
     */
    default DemoConfiguration demoConfiguration(Path privateDirectory) throws ProviderConfigException {
        return DemoConfiguration.unsupported("it offers no demo configuration");
    }

    /**
     * {@link #demoConfiguration(Path)} with the options the user gave on the demo's command line
     * ({@code ./mip6kit demo --provider NAME --provider-option KEY=VALUE}), e.g. which mode of a
     * provider with several to show. Override it to accept options; an option the provider does not
     * know should make it {@linkplain DemoConfiguration#unsupported unsupported}, naming the options
     * it knows. Default: without options, {@link #demoConfiguration(Path)}; with any, unsupported.
     *
     * @param options the options, in the order given; never null
     * @throws ProviderConfigException if the credentials cannot be made
     */
    default DemoConfiguration demoConfiguration(Path privateDirectory, Map<String, String> options)
            throws ProviderConfigException {
        if (options.isEmpty()) {
            return demoConfiguration(privateDirectory);
        }
        return DemoConfiguration.unsupported("it takes no demo options (got " + String.join(", ", options.keySet())
                + ")");
    }
}
