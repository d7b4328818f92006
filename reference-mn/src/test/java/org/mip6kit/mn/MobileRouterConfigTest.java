package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.engine.MobileRouterSettings;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;

/** {@code mobile-node.mobile-router} (RFC 3963): read in full, strictly, and shown by {@code mn status}. */
@Tag("small")
class MobileRouterConfigTest {

    private static final Path FILE = Path.of("/etc/mip6kit/mn.yaml");

    private static final String MINIMAL = """
            mobile-node:
              home-address: 2001:db8:1::100
              home-agent: 2001:db8:1::1
              care-of:
                address: 2001:db8:2::100
            security:
              provider: test-nai
            """;

    private static MobileNodeConfig read(String section) throws ProviderConfigException {
        String yaml = MINIMAL.replace("mobile-node:\n", "mobile-node:\n  mobile-router:\n" + section.indent(4));
        return MobileNodeConfig.read(ConfigFile.parse(yaml, FILE), FILE);
    }

    private static void assertError(String section, String key, String problem) {
        assertThatThrownBy(() -> read(section))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": " + key + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void withoutTheSectionTheNodeIsAMobileHost() throws Exception {
        MobileNodeConfig c = MobileNodeConfig.read(ConfigFile.parse(MINIMAL, FILE), FILE);
        assertThat(c.mobileNode().settings().mobileRouter()).isEmpty();
    }

    @Test
    void explicitModeWithTwoPrefixesIsRead() throws Exception {
        MobileNodeConfig c = read("""
                enabled: true
                mode: explicit
                prefixes: [2001:db8:100::/48, 2001:db8:200:1::/64]
                """);
        assertThat(c.mobileNode().settings().mobileRouter()).contains(MobileRouterSettings.explicit(List.of(
                HomePrefix.parse("2001:db8:100::/48"), HomePrefix.parse("2001:db8:200:1::/64"))));
    }

    @Test
    void modeDefaultsToExplicit() throws Exception {
        MobileNodeConfig c = read("enabled: true\nprefixes: [2001:db8:100::/48]\n");
        assertThat(c.mobileNode().settings().mobileRouter().orElseThrow().mode())
                .isEqualTo(MobileRouterSettings.Mode.EXPLICIT);
    }

    @Test
    void implicitModeNeedsNoPrefixes() throws Exception {
        MobileNodeConfig c = read("enabled: true\nmode: implicit\n");
        assertThat(c.mobileNode().settings().mobileRouter()).contains(MobileRouterSettings.implicit(List.of()));
    }

    @Test
    void explicitModeWithoutPrefixesIsRefused() {
        assertError("enabled: true\nmode: explicit\n", "mobile-node.mobile-router.prefixes", "required in explicit");
    }

    @Test
    void unknownModeIsRefused() {
        assertError("enabled: true\nmode: sometimes\n", "mobile-node.mobile-router.mode", "explicit");
    }

    @Test
    void prefixWithHostBitsIsRefused() {
        assertError("enabled: true\nprefixes: [2001:db8:100::1/48]\n", "mobile-node.mobile-router.prefixes[0]",
                "bits set beyond");
    }

    @Test
    void overlappingPrefixesAreRefused() {
        assertError("enabled: true\nprefixes: [2001:db8:100::/48, 2001:db8:100:1::/64]\n",
                "mobile-node.mobile-router.prefixes[1]", "overlaps 2001:db8:100::/48");
    }

    @Test
    void linkLocalPrefixIsRefused() {
        assertError("enabled: true\nprefixes: [fe80::/64]\n", "mobile-node.mobile-router.prefixes[0]",
                "not a global unicast prefix");
    }

    @Test
    void prefixesWithoutEnabledAreRefused() {
        assertError("prefixes: [2001:db8:100::/48]\n", "mobile-node.mobile-router.enabled", "enabled: true");
    }

    @Test
    void unknownKeyIsRefused() {
        assertThatThrownBy(() -> read("enabled: true\nmode: implicit\nroutes: []\n"))
                .isInstanceOf(ProviderConfigException.class).hasMessageContaining("routes");
    }

    @Test
    void statusShowsTheModeAndPrefixesAndSurvivesTheAdminSocketsJson() {
        MobileNodeStatus status = MobileNodeStatus.of(Optional.empty(), Optional.empty(),
                Ipv6Address.parse("2001:db8:2::100"), java.time.Instant.EPOCH, "test-nai", Optional.empty(),
                Optional.empty(), Optional.of(MobileRouterSettings.explicit(List.of(
                        HomePrefix.parse("2001:db8:100::/48"), HomePrefix.parse("2001:db8:200:1::/64")))));
        com.fasterxml.jackson.databind.node.ObjectNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        status.writeTo(json);

        assertThat(json.get("mobileRouter").asText()).isEqualTo("explicit");
        assertThat(json.get("mobileNetworkPrefixes").toString())
                .isEqualTo("[\"2001:db8:100::/48\",\"2001:db8:200:1::/64\"]");
        MobileNodeStatus back = MobileNodeStatus.fromJson(json);
        assertThat(back).isEqualTo(status);
        assertThat(back.describe()).contains("mobile router:   explicit mode, prefixes 2001:db8:100::/48, "
                + "2001:db8:200:1::/64");
    }

    @Test
    void hostStatusHasNoMobileRouterFields() {
        MobileNodeStatus status = MobileNodeStatus.of(Optional.empty(), Optional.empty(),
                Ipv6Address.parse("2001:db8:2::100"), java.time.Instant.EPOCH, "test-nai", Optional.empty(),
                Optional.empty(), Optional.empty());
        com.fasterxml.jackson.databind.node.ObjectNode json =
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        status.writeTo(json);

        assertThat(json.has("mobileRouter")).isFalse();
        assertThat(json.has("mobileNetworkPrefixes")).isFalse();
        assertThat(status.describe()).noneMatch(l -> l.startsWith("mobile router"));
    }
}
