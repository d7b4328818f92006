package org.mip6kit.provider.tls;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SpiVersion;

/**
 * The {@code tls-channel} security provider ({@link Placement#OWNS_CHANNEL}); the mode is chosen
 * by {@code security.tls-channel.mode}:
 * <ul>
 * <li>{@code rfc6618} — RFC 6618 (Experimental): a TLS 1.2 exchange with a Home Agent
 *     Controller assigns the home agent, the home address and a security association; Binding
 *     Updates and Acknowledgements then travel in UDP (port 7872) protected by it.</li>
 * <li>{@code dtls} — mip6kit's own, <em>not an IETF standard</em>: Mobility Header octets inside a
 *     DTLS 1.2 association with a connection ID.</li>
 * </ul>
 * The descriptor states what some mode can do; each instance states what its mode, as configured,
 * can ({@link HomeAgentSecurity#capabilities()}): confidentiality only with encrypting suites.
 * Both modes need the Alternate Care-of Address option (the channel carries no IPv6 header, so
 * it cannot vouch for a source address). Configuration: docs/providers/tls-channel.md.
 *
 * <p>Found by {@link java.util.ServiceLoader}; constructing it loads nothing and opens nothing.
 */
public final class TlsChannelProvider implements SecurityProviderFactory {

    public static final String NAME = "tls-channel";
    public static final String VERSION = "1.0";
    static final String DOCS = "docs/providers/tls-channel.md";

    static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, VERSION, SpiVersion.MAJOR,
            Placement.OWNS_CHANNEL, EnumSet.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY,
                    Capability.CHANNEL_SURVIVES_COA_CHANGE, Capability.ASSIGNS_HOME_ADDRESS,
                    Capability.NEEDS_ALTERNATE_COA));

    /** The modes, as written in the configuration. */
    enum Mode {
        RFC6618("rfc6618"),
        DTLS("dtls");

        final String text;

        Mode(String text) {
            this.text = text;
        }

        static Mode read(ConfigSection c) throws ProviderConfigException {
            String s = c.string("mode");
            for (Mode m : values()) {
                if (m.text.equals(s)) {
                    return m;
                }
            }
            throw c.error("mode", "unknown mode '" + s + "'; known: " + List.of(RFC6618.text, DTLS.text)
                    + " (see " + DOCS + ")");
        }
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        return switch (Mode.read(config)) {
            case RFC6618 -> new Rfc6618HomeAgent(context, Rfc6618HomeAgentConfig.read(config));
            case DTLS -> new DtlsHomeAgent(context, DtlsHomeAgentConfig.read(config));
        };
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        return switch (Mode.read(config)) {
            case RFC6618 -> new Rfc6618MobileNode(context, Rfc6618MobileNodeConfig.read(config, context.clock()));
            case DTLS -> new DtlsMobileNode(context, DtlsMobileNodeConfig.read(config));
        };
    }

    @Override
    public DemoConfiguration demoConfiguration(Path privateDirectory) throws ProviderConfigException {
        return demoConfiguration(privateDirectory, Map.of());
    }

    /** One demo option: {@code mode=rfc6618} (the default) or {@code mode=dtls}. */
    @Override
    public DemoConfiguration demoConfiguration(Path privateDirectory, Map<String, String> options)
            throws ProviderConfigException {
        for (String key : options.keySet()) {
            if (!key.equals("mode")) {
                return DemoConfiguration.unsupported("unknown demo option '" + key + "'; it takes mode=rfc6618 or "
                        + "mode=dtls");
            }
        }
        String mode = options.getOrDefault("mode", Mode.RFC6618.text);
        if (mode.equals(Mode.RFC6618.text)) {
            return DemoSetup.write(privateDirectory);
        }
        if (mode.equals(Mode.DTLS.text)) {
            return DemoSetup.writeDtls(privateDirectory);
        }
        return DemoConfiguration.unsupported("unknown mode '" + mode + "'; it takes mode=rfc6618 or mode=dtls");
    }

    @Override
    public String toString() {
        return NAME + " " + VERSION;
    }
}
