package org.mip6kit.provider.ipsec;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * ipsec-ikev2 in mode kernel passes the whole provider kit: every node's provider loads a
 * transport-mode (proxy) signalling child with {@code policies = no} and a pinned reqid into its
 * simulated charon, installs its policy set in a fake SPD before its first Binding Update, and
 * sends signalling as the engine addresses it (care-of source with a Home Address option, type 2
 * routing header back); the home agent accepts a Binding Update whose home address is leased to
 * an IKE SA with a covering transport-mode CHILD SA (first BU) or whose inbound BU policy is in
 * its SPD, and installs, migrates and removes the sets. The kit's tunnels stand for the ESP SAs
 * (what the kernel's inbound policy check would let through); {@link FakeKernel} says ESP is
 * there and keeps an in-memory SPD per side. Nothing here touches a real kernel.
 */
@Tag("small")
class IpsecKernelCompatibilityTest extends IpsecLibipsecCompatibilityTest {

    /** Every kernel a provider of this test was given, newest last. */
    final List<FakeKernel> kernels = new ArrayList<>();

    @Override
    String mode() {
        return "kernel";
    }

    @Override
    protected SecurityProviderFactory provider() {
        FakeKernel k = new FakeKernel();
        synchronized (kernels) {
            kernels.add(k);
        }
        return new IpsecIkev2Provider(charons.connector(), k);
    }
}
