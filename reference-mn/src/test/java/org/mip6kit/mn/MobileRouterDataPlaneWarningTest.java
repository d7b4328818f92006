package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.dataplane.RoutedPrefix;
import org.mip6kit.engine.MobileRouterSettings;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;

/** A mobile router's data plane: which prefixes it carries, and the warning when the host does not forward. */
@Tag("small")
class MobileRouterDataPlaneWarningTest {

    @Test
    void warnsWhenIpv6ForwardingIsOff() {
        assertThat(MobileNodeDataPlane.forwardingWarning("0\n")).hasValueSatisfying(w -> assertThat(w)
                .contains("net.ipv6.conf.all.forwarding is 0").contains("docs/data-plane.md#mobile-routers"));
    }

    @Test
    void warnsWhenTheForwardingSettingCannotBeRead() {
        assertThat(MobileNodeDataPlane.forwardingWarning(null)).hasValueSatisfying(w -> assertThat(w)
                .contains("unreadable"));
    }

    @Test
    void staysQuietWhenIpv6ForwardingIsOn() {
        assertThat(MobileNodeDataPlane.forwardingWarning("1\n")).isEmpty();
    }

    @Test
    void carriesTheConfiguredPrefixesInImplicitModeToo() {
        HomePrefix p = HomePrefix.parse("2001:db8:100::/48");

        assertThat(MobileNodeDataPlane.routedPrefixes(MobileRouterSettings.implicit(List.of(p))))
                .containsExactly(new RoutedPrefix(Ipv6Address.parse("2001:db8:100::"), 48));
        assertThat(MobileNodeDataPlane.routedPrefixes(MobileRouterSettings.implicit(List.of()))).isEmpty();
    }
}
