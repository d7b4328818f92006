package org.mip6kit.provider.ipsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/** The provider's sections: every bad value names its key, secrets never appear, defaults are as documented. */
@Tag("small")
class IpsecConfigurationTest {

    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir Path dir;

    private Path privateFile(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private Map<String, Object> mobileNode() throws IOException {
        Map<String, Object> m = new HashMap<>(Map.of("identity", "mn1@example.org", "home-agent-identity",
                "ha.example.org", "ike-peer", "2001:db8:ff::1", "home-prefix", "2001:db8:1::/64", "psk-file",
                privateFile("mn.psk", KEY + "\n").toString()));
        return m;
    }

    private Map<String, Object> homeAgent() throws IOException {
        return new HashMap<>(Map.of("identity", "ha.example.org", "home-prefix", "2001:db8:1::/64", "pool",
                "2001:db8:1::1:0:0/112", "psk-table", privateFile("table", "# id key\nmn1@example.org " + KEY
                        + "\n").toString()));
    }

    private static ConfigSection section(Map<String, Object> values) {
        return ConfigSection.of("security.ipsec-ikev2", Path.of("/etc/mip6kit/x.yaml"), values);
    }

    @Test
    void mobileNodeDefaultsAreLibipsecOnCharonsDefaultSocketAndTheTunnelIpsec0() throws Exception {
        MobileNodeConfig c = MobileNodeConfig.read(section(mobileNode()));
        assertThat(c.ike().mode()).isEqualTo(IpsecMode.LIBIPSEC);
        assertThat(c.ike().viciSocket()).isEqualTo(Path.of("/var/run/charon.vici"));
        assertThat(c.ike().tunnelInterface().pattern()).isEqualTo("ipsec0");
        assertThat(c.ikePeers()).containsExactly("2001:db8:ff::1");
        assertThat(c.initiateTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.toString()).doesNotContain(KEY).doesNotContain("0011");
    }

    @Test
    void unknownModeIsRefusedNamingTheKnownModes() throws Exception {
        Map<String, Object> v = mobileNode();
        v.put("mode", "transport");
        assertThatThrownBy(() -> MobileNodeConfig.read(section(v))).isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("security.ipsec-ikev2.mode").hasMessageContaining("libipsec")
                .hasMessageContaining("kernel").hasMessageContaining("/etc/mip6kit/x.yaml");
    }

    @Test
    void pskFileOthersMayReadIsRefusedWithoutShowingTheKey() throws Exception {
        Map<String, Object> v = mobileNode();
        Path open = dir.resolve("open.psk");
        Files.writeString(open, KEY);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        v.put("psk-file", open.toString());
        assertThatThrownBy(() -> MobileNodeConfig.read(section(v))).isInstanceOf(ProviderConfigException.class)
                .hasMessageContaining("psk-file").hasMessageContaining("chmod 600").hasMessageNotContaining(KEY);
    }

    @Test
    void shortKeyIsRefused() throws Exception {
        Map<String, Object> v = mobileNode();
        v.put("psk-file", privateFile("short.psk", "0011223344").toString());
        assertThatThrownBy(() -> MobileNodeConfig.read(section(v))).hasMessageContaining("5 octets");
    }

    @Test
    void missingPeerAndBadAddressesNameTheirKeys() throws Exception {
        Map<String, Object> v = mobileNode();
        v.remove("ike-peer");
        assertThatThrownBy(() -> MobileNodeConfig.read(section(v))).hasMessageContaining("ike-peer");
        v.put("ike-peer", "home-agent.example.org");
        assertThatThrownBy(() -> MobileNodeConfig.read(section(v))).hasMessageContaining("ike-peer")
                .hasMessageContaining("not an IPv6 or IPv4 address");
    }

    @Test
    void unknownKeyIsRefused() throws Exception {
        Map<String, Object> v = mobileNode();
        v.put("psk", KEY);
        assertThatThrownBy(() -> MobileNodeConfig.read(section(v))).hasMessageContaining("psk")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void homeAgentPoolOutsideTheHomePrefixIsRefused() throws Exception {
        Map<String, Object> v = homeAgent();
        v.put("pool", "2001:db8:9::/112");
        assertThatThrownBy(() -> HomeAgentConfig.read(section(v))).hasMessageContaining("pool")
                .hasMessageContaining("does not lie inside the home prefix 2001:db8:1::/64");
    }

    @Test
    void homeAgentTableWithARepeatedIdentityIsRefused() throws Exception {
        Map<String, Object> v = homeAgent();
        v.put("psk-table", privateFile("dup", "a@example.org " + KEY + "\na@example.org " + KEY + "\n").toString());
        assertThatThrownBy(() -> HomeAgentConfig.read(section(v))).hasMessageContaining("line 2")
                .hasMessageContaining("repeats").hasMessageNotContaining(KEY);
    }

    @Test
    void tunnelInterfaceTakesANameOrAPrefixWithPlus() throws Exception {
        Map<String, Object> v = homeAgent();
        v.put("tunnel-interface", "ipsec+");
        HomeAgentConfig c = HomeAgentConfig.read(section(v));
        assertThat(c.ike().tunnelInterface().matches(java.util.Optional.of("ipsec7"))).isTrue();
        assertThat(c.ike().tunnelInterface().matches(java.util.Optional.of("eth0"))).isFalse();
        assertThat(c.ike().tunnelInterface().matches(java.util.Optional.empty())).isFalse();
        v.put("tunnel-interface", "a b");
        assertThatThrownBy(() -> HomeAgentConfig.read(section(v))).hasMessageContaining("tunnel-interface");
    }

    @Test
    void descriptorIsBelowTheStackAndEachModeDeclaresASubset() {
        var d = new IpsecIkev2Provider().descriptor();
        assertThat(d.placement()).isEqualTo(org.mip6kit.spi.Placement.BELOW_STACK);
        for (IpsecMode m : IpsecMode.values()) {
            assertThat(d.capabilities()).containsAll(m.capabilities());
        }
        assertThat(IpsecMode.LIBIPSEC.capabilities()).doesNotContain(org.mip6kit.spi.Capability.IKE_SURVIVES_MOVE)
                .contains(org.mip6kit.spi.Capability.NEEDS_ALTERNATE_COA);
        assertThat(IpsecMode.KERNEL.capabilities()).contains(org.mip6kit.spi.Capability.IKE_SURVIVES_MOVE);
    }
}
