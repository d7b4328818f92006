package org.mip6kit.provider.ipsec;

import java.time.Duration;

import org.mip6kit.provider.ipsec.xfrm.XfrmCapabilityProbe;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmNetlinkSocket;
import org.mip6kit.spi.SecurityProviderException;

/**
 * Mode {@code kernel} needs kernel ESP states (RFC 4877 transport mode for BU/BA). Before it
 * touches charon it asks the kernel, through {@link XfrmCapabilityProbe}, whether it can hold an
 * ESP state, and refuses to start naming the missing kernel options otherwise
 * (docs/errors.md#kernel-esp).
 */
final class KernelSupport {

    static final String DOCS = "docs/errors.md#kernel-esp";

    private KernelSupport() {
    }

    /** Why mode kernel cannot run here: the probe's report. Opens the XFRM socket (root, jnr-ffi) only now. */
    static SecurityProviderException unsupported() {
        String report;
        try (XfrmNetlinkSocket socket = XfrmNetlinkSocket.open()) {
            XfrmCapabilityProbe.Result r = XfrmCapabilityProbe.probe(socket, Duration.ofSeconds(2));
            if (r.espStates()) {
                report = "this kernel holds ESP states, but mode kernel's SA and policy handling is not built yet "
                        + "in this release; use mode libipsec";
            } else {
                report = r.report();
            }
        } catch (XfrmException | RuntimeException e) {
            report = "the XFRM netlink socket could not be opened (" + e.getMessage() + ")";
        }
        return new SecurityProviderException("ipsec-ikev2 mode kernel cannot run on this host: " + report
                + "; use mode libipsec (strongSwan's userspace ESP) or a kernel with CONFIG_INET6_ESP, see " + DOCS);
    }
}
