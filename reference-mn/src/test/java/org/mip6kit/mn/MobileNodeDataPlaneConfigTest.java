package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.spi.ProviderConfigException;

/** The mobile node's {@code data-plane} section: off by default, read in full and strictly. */
@Tag("small")
class MobileNodeDataPlaneConfigTest {

    private static final Path FILE = Path.of("/etc/mip6kit/mn.yaml");
    private static final String MINIMAL = """
            mobile-node:
              home-address: 2001:db8:1::100
              home-agent: 2001:db8:1::1
              home-agent-endpoint: "[::1]:4191"
              care-of:
                address: 2001:db8:2::100
            security:
              provider: test-nai
            """;

    private static MobileNodeConfig read(String yaml) throws ProviderConfigException {
        return MobileNodeConfig.read(ConfigFile.parse(yaml, FILE), FILE);
    }

    @Test
    void theDataPlaneIsOffByDefault() throws Exception {
        assertThat(read(MINIMAL).dataPlane()).isEqualTo(new MobileNodeDataPlaneConfig(false, "mip6mn0", 1500, 191,
                1000));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        MobileNodeDataPlaneConfig d = read(MINIMAL + """
                data-plane: { enabled: true, tun-name: mn-tun, mtu: 1400, routing-table: 42, rule-priority: 77 }
                """).dataPlane();

        assertThat(d).isEqualTo(new MobileNodeDataPlaneConfig(true, "mn-tun", 1400, 42, 77));
    }

    @Test
    void theMainAndLocalTablesCannotBeTheTunnelsTable() {
        assertThatThrownBy(() -> read(MINIMAL + "data-plane: { routing-table: 254 }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": data-plane.routing-table: ");
    }

    @Test
    void theDataPlaneNeedsAConfiguredHomeAddress() {
        assertThatThrownBy(() -> read(MINIMAL.replace("  home-address: 2001:db8:1::100\n", "")
                + "data-plane: { enabled: true }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("data-plane.enabled")
                .hasMessageContaining("mobile-node.home-address");
    }
}
