package org.mip6kit.provider.ipsec;

import java.util.EnumSet;
import java.util.Set;

import org.mip6kit.spi.Capability;

/**
 * How the provider protects signalling, chosen by {@code security.ipsec-ikev2.mode}.
 */
public enum IpsecMode {
    /**
     * strongSwan's userspace ESP (kernel-libipsec) in tunnel mode, ESP-in-UDP: runs on kernels
     * without ESP. Binding Updates and Acknowledgements travel inside the tunnel from and to the
     * home address. This is NOT RFC 4877's transport-mode protection of BU/BA; the home agent
     * judges a message by the interface it arrived on (charon's TUN device) and the lease of its
     * source. K = 0: the tunnel moves with MOBIKE, not with XFRM MIGRATE. The same tunnel carries
     * the node's data traffic (CARRIES_TRAFFIC), so a data plane stays out of its way.
     */
    LIBIPSEC("libipsec", EnumSet.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY, Capability.PROTECTS_DATA,
            Capability.ASSIGNS_HOME_ADDRESS, Capability.NEEDS_ALTERNATE_COA, Capability.CHANNEL_SURVIVES_COA_CHANGE,
            Capability.NEEDS_ROOT, Capability.CARRIES_TRAFFIC)),
    /**
     * Kernel ESP SAs negotiated by charon, transport mode for signalling (RFC 4877), K = 1 with
     * XFRM MIGRATE + KMADDRESS. Needs a kernel with ESP (CONFIG_INET6_ESP); refused at start-up
     * otherwise, naming what is missing.
     */
    KERNEL("kernel", EnumSet.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY, Capability.PROTECTS_DATA,
            Capability.ASSIGNS_HOME_ADDRESS, Capability.IKE_SURVIVES_MOVE, Capability.NEEDS_ROOT));

    private final String configName;
    private final Set<Capability> capabilities;

    IpsecMode(String configName, Set<Capability> capabilities) {
        this.configName = configName;
        this.capabilities = Set.copyOf(capabilities);
    }

    /** The name written in the configuration. */
    public String configName() {
        return configName;
    }

    /** What an instance in this mode can do. */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    static IpsecMode parse(String text) {
        for (IpsecMode m : values()) {
            if (m.configName.equals(text)) {
                return m;
            }
        }
        return null;
    }
}
