package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.MobileRouterAuthorization;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;

/**
 * {@code home-agent.mobile-routers}, the prefix table of RFC 3963 §6.1.2: read in full, and
 * every bad entry refused at start-up as {@code <file>: <key>: <problem>}.
 */
@Tag("small")
class MobileRoutersConfigTest {

    @TempDir
    Path dir;

    private HomeAgentConfig load(String routers) throws Exception {
        String yaml = """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                  mobile-routers:
                """ + routers.indent(4);
        return HomeAgentConfig.load(Files.writeString(dir.resolve("ha.yaml"), yaml));
    }

    private void assertError(String routers, String key, String problem) {
        assertThatThrownBy(() -> load(routers))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(dir.resolve("ha.yaml").toAbsolutePath() + ": " + key + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void twoRoutersWithTheirPrefixesAreRead() throws Exception {
        HomeAgentConfig c = load("""
                - identity: nai:mr1@example.org
                  prefixes: [2001:db8:100::/48, 2001:db8:101::/48]
                - identity: mr2@example.org
                  prefixes: [2001:db8:200::/56]
                """);

        assertThat(c.homeAgent().mobileRouters()).containsExactly(
                new MobileRouterAuthorization("nai:mr1@example.org", List.of(HomePrefix.parse("2001:db8:100::/48"),
                        HomePrefix.parse("2001:db8:101::/48"))),
                new MobileRouterAuthorization("mr2@example.org", List.of(HomePrefix.parse("2001:db8:200::/56"))));
    }

    @Test
    void noSectionMeansNoMobileRouters() throws Exception {
        HomeAgentConfig c = HomeAgentConfig.load(Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                """));
        assertThat(c.homeAgent().mobileRouters()).isEmpty();
    }

    @Test
    void badPrefixIsRefusedWithItsKey() {
        assertError("- identity: nai:mr1@example.org\n  prefixes: [\"::/0\"]\n",
                "home-agent.mobile-routers[0].prefixes[0]", "prefix length must be 1..128");
    }

    @Test
    void prefixThatIsNotAPrefixIsRefused() {
        assertError("- identity: nai:mr1@example.org\n  prefixes: [mobile]\n",
                "home-agent.mobile-routers[0].prefixes[0]", "is not an IPv6 prefix");
    }

    @Test
    void prefixesOverlappingBetweenRoutersAreRefused() {
        assertError("""
                - identity: nai:mr1@example.org
                  prefixes: [2001:db8:100::/48]
                - identity: nai:mr2@example.org
                  prefixes: [2001:db8:100:8000::/64]
                """, "home-agent.mobile-routers[1].prefixes[0]", "overlaps 2001:db8:100::/48 of mobile router "
                + "nai:mr1@example.org");
    }

    @Test
    void prefixInsideTheHomePrefixIsRefused() {
        assertError("- identity: nai:mr1@example.org\n  prefixes: [2001:db8:1::/96]\n",
                "home-agent.mobile-routers[0].prefixes[0]", "overlaps the home prefix 2001:db8:1::/64");
    }

    @Test
    void multicastPrefixIsRefused() {
        assertError("- identity: nai:mr1@example.org\n  prefixes: [ff0e::/16]\n",
                "home-agent.mobile-routers[0].prefixes[0]", "not a global unicast prefix");
    }

    @Test
    void identityListedTwiceIsRefused() {
        assertError("""
                - identity: nai:mr1@example.org
                  prefixes: [2001:db8:100::/48]
                - identity: nai:mr1@example.org
                  prefixes: [2001:db8:200::/48]
                """, "home-agent.mobile-routers[1].identity", "listed twice");
    }

    @Test
    void entryWithoutIdentityIsRefused() {
        assertError("- prefixes: [2001:db8:100::/48]\n", "home-agent.mobile-routers[0].identity", "is required");
    }

    @Test
    void entryWithoutPrefixesIsRefused() {
        assertError("- identity: nai:mr1@example.org\n", "home-agent.mobile-routers[0].prefixes", "is required");
    }

    @Test
    void unknownKeyInAnEntryIsRefused() {
        assertThatThrownBy(() -> load("- identity: nai:mr1@example.org\n  prefixes: [2001:db8:100::/48]\n"
                + "  mode: implicit\n"))
                .isInstanceOf(ProviderConfigException.class).hasMessageContaining("mode");
    }
}
