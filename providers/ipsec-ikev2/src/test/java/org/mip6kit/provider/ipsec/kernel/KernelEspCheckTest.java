package org.mip6kit.provider.ipsec.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.provider.ipsec.xfrm.XfrmCapabilityProbe;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.spi.SecurityProviderException;

@Tag("small")
class KernelEspCheckTest {
    static XfrmCapabilityProbe.Result refused(int errno) {
        return new XfrmCapabilityProbe.Result(false, errno, "refused " + errno);
    }

    static final XfrmCapabilityProbe.Result ESP_OK = new XfrmCapabilityProbe.Result(true, 0, "ok");

    @Test
    void espEprotonosupportNamesInet6EspAndPointsToTheDocs() {
        KernelEspCheck.Verdict v = KernelEspCheck.evaluate(refused(93), 93);
        assertThat(v.ok()).isFalse();
        assertThat(v.errno()).isEqualTo(93);
        assertThat(v.missingOptions()).containsExactly("CONFIG_INET6_ESP", "CONFIG_IPV6_MIP6");
        assertThat(v.text()).contains("EPROTONOSUPPORT").contains("CONFIG_INET_ESP")
                .contains("docs/errors.md#kernel-esp");
        SecurityProviderException e = assertThrows(SecurityProviderException.class, v::requireOk);
        assertThat(e.getMessage()).isEqualTo(v.text());
    }

    @Test
    void routeOptimisationNotProbedIsNamedAsCheckToo() {
        KernelEspCheck.Verdict v = KernelEspCheck.evaluate(refused(93), null);
        assertThat(v.missingOptions()).containsExactly("CONFIG_INET6_ESP");
        assertThat(v.text()).contains("Not probed, check too: CONFIG_INET_ESP").contains("CONFIG_IPV6_MIP6");
    }

    @Test
    void espWorkingButRouteOptimisationRefusedNamesIpv6Mip6() {
        KernelEspCheck.Verdict v = KernelEspCheck.evaluate(ESP_OK, 93);
        assertThat(v.ok()).isFalse();
        assertThat(v.missingOptions()).containsExactly("CONFIG_IPV6_MIP6");
    }

    @Test
    void bothAcceptedIsOk() {
        KernelEspCheck.Verdict v = KernelEspCheck.evaluate(ESP_OK, 0);
        assertThat(v.ok()).isTrue();
        assertThat(v.missingOptions()).isEmpty();
        v.requireOk();
    }

    @Test
    void enoentMeansTheNullCipherIsMissing() {
        KernelEspCheck.Verdict v = KernelEspCheck.evaluate(refused(2), 0);
        assertThat(v.missingOptions()).containsExactly("CONFIG_CRYPTO_NULL");
        assertThat(v.text()).contains("ENOENT");
    }

    @Test
    void epermNamesACapabilityNotAKernelOption() {
        KernelEspCheck.Verdict v = KernelEspCheck.evaluate(refused(1), 1);
        assertThat(v.missingOptions()).isEmpty();
        assertThat(v.text()).contains("CAP_NET_ADMIN");
    }

    @Test
    void socketEprotonosupportNamesXfrmUser() {
        KernelEspCheck.Verdict v = KernelEspCheck.ofSocketFailure(
                new XfrmException("socket(AF_NETLINK, SOCK_RAW, NETLINK_XFRM)", 93));
        assertThat(v.missingOptions()).containsExactly("CONFIG_XFRM_USER");
        assertThat(v.text()).contains("docs/errors.md#kernel-esp");
    }

    @Test
    void setnsFailureIsNotBlamedOnXfrmUser() {
        KernelEspCheck.Verdict v = KernelEspCheck.ofSocketFailure(
                new XfrmException("open(/var/run/netns/x)", 2));
        assertThat(v.missingOptions()).isEmpty();
        assertThat(v.text()).contains("ENOENT");
    }

    @Test
    void routeOptimisationProbeCarriesRoutingHeaderModeAndCareOfAddress() throws Exception {
        var d = MobilityPolicySetTest.addr("2001:db8:ffff::2");
        var s = MobilityPolicySetTest.addr("2001:db8:ffff::1");
        var c = MobilityPolicySetTest.addr("2001:db8:ffff::3");
        byte[] m = KernelEspCheck.newRouteOptimisationState(d, s, c, 1, ByteOrder.LITTLE_ENDIAN)
                .encode(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(4)).as("NEWSA").isEqualTo((short) 16);
        assertThat(m.length).isEqualTo(16 + 224 + 4 + 16);
        assertThat(m[16 + 76]).as("id.proto IPPROTO_ROUTING").isEqualTo((byte) 43);
        assertThat(b.getShort(16 + 212)).as("family").isEqualTo((short) 10);
        assertThat(m[16 + 214]).as("mode ROUTEOPTIMIZATION").isEqualTo((byte) 2);
        assertThat(b.getShort(16 + 224 + 2)).as("XFRMA_COADDR").isEqualTo((short) 14);
        assertThat(java.util.Arrays.copyOfRange(m, 16 + 224 + 4, m.length)).isEqualTo(c.getAddress());
    }
}
