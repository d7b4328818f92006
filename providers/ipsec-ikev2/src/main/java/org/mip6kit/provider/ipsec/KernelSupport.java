package org.mip6kit.provider.ipsec;

import java.time.Duration;

import org.mip6kit.provider.ipsec.kernel.KernelEspCheck;
import org.mip6kit.spi.SecurityProviderException;

/**
 * Mode {@code kernel} needs kernel ESP states (RFC 4877 transport mode for BU/BA). Before it
 * touches charon it asks the kernel, through {@link KernelEspCheck}, whether it can hold ESP and
 * route-optimisation states, and refuses to start naming the missing kernel options otherwise
 * (docs/errors.md#kernel-esp). The policy sets and MIGRATE it would install are built and tested
 * ({@link org.mip6kit.provider.ipsec.kernel}); joining them to charon's kernel SAs is not, so on a
 * kernel that passes the check the mode still refuses, saying so.
 */
final class KernelSupport {

    private KernelSupport() {
    }

    /** Why mode kernel cannot run here. Opens the XFRM socket (root, jnr-ffi) only now. */
    static SecurityProviderException unsupported() {
        KernelEspCheck.Verdict v = KernelEspCheck.check(null, Duration.ofSeconds(2));
        if (!v.ok()) {
            return new SecurityProviderException("ipsec-ikev2 mode kernel cannot run on this host: " + v.text()
                    + "; use mode libipsec (strongSwan's userspace ESP)");
        }
        return new SecurityProviderException("ipsec-ikev2 mode kernel: this kernel holds ESP states, but joining "
                + "charon's kernel SAs to the mobility policies is not built in this release; use mode libipsec (see "
                + KernelEspCheck.DOCS + ")");
    }
}
