package org.mip6kit.provider.ipsec;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.mip6kit.provider.ipsec.charon.ViciConnector;
import org.mip6kit.provider.ipsec.lab.CharonLab;
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
 * {@code ipsec-ikev2}: Mobile IPv6 signalling protected by IPsec keyed by IKEv2, with
 * strongSwan's charon driven over VICI. {@link Placement#BELOW_STACK}: the provider never changes
 * a Mobility Header octet; it runs key management, learns from charon which IKE identity holds
 * which home address, and judges each message by where it arrived. Modes: {@code libipsec}
 * (userspace ESP in tunnel mode, runs anywhere charon runs) and {@code kernel} (kernel ESP,
 * RFC 4877 transport mode for BU/BA, the provider owning the SPD; refused at start-up on kernels
 * without ESP). See docs/providers/ipsec-ikev2.md.
 *
 * <p>Cheap to construct: nothing connects to charon and no native code loads before a path
 * starts or a bootstrap runs.
 */
public final class IpsecIkev2Provider implements SecurityProviderFactory {

    public static final String NAME = "ipsec-ikev2";

    private static final ProviderDescriptor DESCRIPTOR = new ProviderDescriptor(NAME, "0.1.0", SpiVersion.MAJOR,
            Placement.BELOW_STACK, EnumSet.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY,
            Capability.PROTECTS_DATA, Capability.IKE_SURVIVES_MOVE, Capability.ASSIGNS_HOME_ADDRESS,
            Capability.NEEDS_ALTERNATE_COA, Capability.CHANNEL_SURVIVES_COA_CHANGE, Capability.NEEDS_ROOT,
            Capability.CARRIES_TRAFFIC));

    private final ViciConnector connector;
    private final KernelAccess kernel;

    /** The provider ServiceLoader finds: charon over its real unix-domain socket, the host's kernel. */
    public IpsecIkev2Provider() {
        this(ViciConnector.UNIX_SOCKET);
    }

    /** A provider that reaches charon through {@code connector} (a simulated charon in tests) and the host's kernel. */
    public IpsecIkev2Provider(ViciConnector connector) {
        this(connector, KernelAccess.REAL);
    }

    /** Tests: charon through {@code connector}, mode kernel's probe and SPD through {@code kernel}. */
    IpsecIkev2Provider(ViciConnector connector, KernelAccess kernel) {
        this.connector = connector;
        this.kernel = kernel;
    }

    @Override
    public ProviderDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        return new IpsecMobileNode(context, MobileNodeConfig.read(config), connector, kernel);
    }

    @Override
    public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) throws ProviderConfigException {
        return new IpsecHomeAgent(context, HomeAgentConfig.read(config), connector, kernel);
    }

    /**
     * No in-process demo: the loopback demo runs both engines in one process, and charon cannot
     * build a tunnel to itself; ipsec-ikev2 needs a charon per side, in two network namespaces,
     * which {@code ./mip6kit demo --provider ipsec-ikev2} builds itself (with
     * {@link org.mip6kit.provider.ipsec.lab.CharonLab}) on a host that has what it needs. The
     * reason is {@link #demoUnsupportedReason(List)} of what this host lacks.
     */
    @Override
    public DemoConfiguration demoConfiguration(Path privateDirectory) {
        return DemoConfiguration.unsupported(demoUnsupportedReason(CharonLab.requirements()));
    }

    /**
     * Why the demo cannot run ipsec-ikev2 here: the one-process loopback demo cannot give each
     * side its own charon, and, when {@code missing} is not empty, what the host lacks for the
     * two-namespace demo.
     *
     * @param missing what {@link CharonLab#requirements()} (or a stand-in) reports
     * @return the reason, one sentence
     */
    public static String demoUnsupportedReason(List<String> missing) {
        String base = "it needs a charon on each side, in two network namespaces, which the one-process loopback "
                + "demo cannot give";
        if (missing.isEmpty()) {
            return base + "; ./mip6kit demo --provider ipsec-ikev2 builds them itself (see "
                    + "docs/providers/ipsec-ikev2.md#try-it)";
        }
        return base + "; the demo builds them itself as root with strongSwan (apt-get install "
                + CharonLab.PACKAGES + "), and this host lacks: " + String.join(", ", missing);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
