package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;

/** The home agent's {@code data-plane} section: off by default, read in full and strictly. */
@Tag("small")
class HomeAgentDataPlaneConfigTest {

    private static final Path FILE = Path.of("/etc/mip6kit/ha.yaml");
    private static final String MINIMAL = """
            home-agent:
              address: 2001:db8:1::1
              home-prefixes: [2001:db8:1::/64, 2001:db8:7::/64]
            """;

    private static HomeAgentConfig read(String yaml) throws ProviderConfigException {
        return HomeAgentConfig.read(ConfigFile.parse(yaml, FILE), FILE);
    }

    @Test
    void theDataPlaneIsOffByDefaultAndAttractsTheHomePrefixes() throws Exception {
        HomeAgentDataPlaneConfig d = read(MINIMAL).dataPlane();

        assertThat(d.enabled()).isFalse();
        assertThat(d.tunName()).isEqualTo("mip6ha0");
        assertThat(d.mtu()).isEqualTo(1500);
        assertThat(d.prefixes()).containsExactly(HomePrefix.parse("2001:db8:1::/64"), HomePrefix.parse("2001:db8:7::/64"));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        HomeAgentDataPlaneConfig d = read(MINIMAL + """
                data-plane:
                  enabled: true
                  tun-name: ha-tun
                  mtu: 9000
                  prefixes: [2001:db8:1::/64]
                """).dataPlane();

        assertThat(d).isEqualTo(new HomeAgentDataPlaneConfig(true, "ha-tun", 9000,
                java.util.List.of(HomePrefix.parse("2001:db8:1::/64"))));
    }

    @Test
    void anUnknownKeyIsNamed() {
        assertThatThrownBy(() -> read(MINIMAL + "data-plane: { enable: true }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": data-plane.enable: unknown key");
    }

    @Test
    void anMtuThatLeavesLessThan1280AfterTheTunnelHeaderIsRefused() {
        assertThatThrownBy(() -> read(MINIMAL + "data-plane: { mtu: 1319 }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": data-plane.mtu: ");
    }

    @Test
    void anInterfaceNameTheKernelWouldRefuseIsRefused() {
        assertThatThrownBy(() -> read(MINIMAL + "data-plane: { tun-name: \"a/very-long-name-x\" }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": data-plane.tun-name: ");
    }
}
