package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.Ipv6Address;

/**
 * {@code docs/examples/mn.yaml} is a valid file, and it pairs with {@code docs/examples/ha.yaml}:
 * same home agent address, an endpoint that is where the home agent listens, a home address in
 * its prefix, the same provider, and an NAI the home agent's example knows.
 */
@Tag("small")
class ExampleMobileNodeConfigTest {

    private static Path examples() {
        String root = System.getenv("MIP6KIT_ROOT");
        for (Path dir = root != null ? Path.of(root) : Path.of("").toAbsolutePath(); dir != null;
             dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/examples/mn.yaml"))) {
                return dir.resolve("docs/examples");
            }
        }
        throw new IllegalStateException("docs/examples/mn.yaml not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theExampleLoadsAndPairsWithTheHomeAgentExample() throws Exception {
        Path mnFile = examples().resolve("mn.yaml");
        MobileNodeConfig mn = MobileNodeConfig.load(mnFile);
        ConfigSection ha = ConfigFile.load(examples().resolve("ha.yaml"));

        Ipv6Address haAddress = Ipv6Address.parse(ha.section("home-agent").string("address"));
        assertThat(mn.mobileNode().settings().homeAgent()).contains(haAddress);
        HomePrefix prefix = HomePrefix.parse(ha.section("home-agent").strings("home-prefixes").get(0));
        Ipv6Address hoa = mn.mobileNode().settings().homeAddress().orElseThrow();
        assertThat(prefix.contains(hoa)).isTrue();

        ConfigSection udp = ha.section("transport").section("udp");
        assertThat(mn.mobileNode().settings().homeAgentEndpoints()).hasSize(1);
        InetSocketAddress endpoint = mn.mobileNode().settings().homeAgentEndpoints().get(0);
        assertThat(endpoint.getPort()).isEqualTo(Integer.parseInt(udp.string("port")));
        assertThat(Ipv6Address.fromBytes(endpoint.getAddress().getAddress()))
                .isEqualTo(Ipv6Address.parse(udp.string("bind")));

        String provider = mn.root().section("security").string("provider");
        assertThat(provider).isEqualTo(ha.section("security").string("provider"));
        assertThat(mn.mobileNode().careOf().address()).isPresent();
        assertThat(mn.daemon().adminSocket()).isEqualTo(examples().resolve("mn.sock").toAbsolutePath().normalize());
        assertThat(mn.daemon().adminSocket()).isNotEqualTo(examples().resolve("ha.sock").toAbsolutePath().normalize());
    }

    @Test
    void theExamplesNaiIsTheOneTheHomeAgentExampleKeysFor() throws Exception {
        MobileNodeConfig mn = MobileNodeConfig.load(examples().resolve("mn.yaml"));
        String nai = mn.root().section("security").section("auth-option-4285").string("nai");
        assertThat(Files.readString(examples().resolve("ha.yaml"))).contains(nai);
    }
}
