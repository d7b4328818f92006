package org.mip6kit.provider.ipsec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.mip6kit.provider.ipsec.kernel.KernelEspCheck;
import org.mip6kit.provider.ipsec.kernel.PolicyInstaller;
import org.mip6kit.provider.ipsec.kernel.XfrmChannel;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmSelector;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.wire.Ipv6Address;

/**
 * Mode {@code kernel}'s hold on the kernel: started when a path starts (home agent) or the first
 * bootstrap runs (mobile node), never in the factory. It first asks {@link KernelAccess#check()}
 * whether the kernel can hold ESP and route optimisation states and refuses to start, naming the
 * missing kernel options, when it cannot (docs/errors.md#kernel-esp); then it opens the XFRM
 * channel through which the provider installs, reads back, migrates and removes the
 * {@link org.mip6kit.provider.ipsec.kernel.MobilityPolicySet} of each binding (charon negotiates
 * the SAs with {@code policies = no}: the MIPv6 daemon owns the SPD, RFC 4877 §4).
 *
 * <p>Each XFRM request is one netlink round trip to the local kernel, bounded by
 * {@link #XFRM_TIMEOUT}; the provider makes them on the calling thread.
 */
final class KernelSupport implements AutoCloseable {

    /** How long one XFRM request may wait for the kernel. */
    static final Duration XFRM_TIMEOUT = Duration.ofSeconds(2);

    private final XfrmChannel channel;
    private final PolicyInstaller installer;

    private KernelSupport(XfrmChannel channel) {
        this.channel = channel;
        this.installer = new PolicyInstaller(channel, XFRM_TIMEOUT);
    }

    /**
     * Probes and opens.
     *
     * @throws SecurityProviderException the kernel lacks what the mode needs (the probe's text:
     *         the missing options, the errno, the documentation), or the XFRM socket would not open
     */
    static KernelSupport start(KernelAccess access) {
        KernelEspCheck.Verdict v = access.check();
        if (!v.ok()) {
            throw new SecurityProviderException("ipsec-ikev2 mode kernel cannot run on this host: " + v.text()
                    + "; use mode libipsec (strongSwan's userspace ESP)");
        }
        try {
            return new KernelSupport(access.open());
        } catch (XfrmException e) {
            throw new SecurityProviderException("ipsec-ikev2 mode kernel: the kernel holds ESP states, but the XFRM "
                    + "netlink socket would not open: " + e.getMessage() + " (see " + KernelEspCheck.DOCS + ")", e);
        }
    }

    PolicyInstaller installer() {
        return installer;
    }

    XfrmChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        if (channel instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a netlink socket does not fail in a way anyone could act on
            }
        }
    }

    static InetAddress inet(Ipv6Address a) {
        byte[] b = new byte[16];
        a.writeTo(b, 0);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** KMADDRESS of the key manager's endpoints {@code local} and {@code remote} (IPv6). */
    static XfrmUserKmaddress kmaddress(Ipv6Address local, Ipv6Address remote) {
        return new XfrmUserKmaddress(inet(local), inet(remote), XfrmSelector.AF_INET6);
    }

    /** An exception's message with the XFRM operation that failed, for a stage that fails. */
    static SecurityProviderException failure(String what, XfrmException e) {
        return new SecurityProviderException(what + ": " + e.getMessage(), e);
    }
}
