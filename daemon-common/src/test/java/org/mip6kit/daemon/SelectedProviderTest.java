package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/** The security section selects a provider fail-closed and hands it its own section. */
@Tag("small")
class SelectedProviderTest {

    private static final Path FILE = Path.of("/etc/mip6kit/ha.yaml");
    private static final DiscoveryReport FOUND = SecurityProviders.of(List.of(
            StubProviders.named("alpha"), StubProviders.named("beta")));

    private static SelectedProvider select(String yaml) throws Exception {
        return SelectedProvider.select(ConfigFile.parse(yaml, FILE), FOUND);
    }

    @Test
    void configuredProviderIsSelectedWithItsOwnSection() throws Exception {
        SelectedProvider p = select("""
                security:
                  provider: beta
                  beta: { key-file: keys.txt }
                """);

        assertThat(p.name()).isEqualTo("beta");
        assertThat(p.factory()).isSameAs(FOUND.named("beta").get(0).factory());
        ConfigSection section = p.section();
        assertThat(section.path()).isEqualTo("security.beta");
        assertThat(section.file()).contains(FILE);
        assertThat(section.path("key-file")).isEqualTo(Path.of("/etc/mip6kit/keys.txt"));
    }

    @Test
    void providerWithoutASectionGetsAnEmptyOne() throws Exception {
        assertThat(select("security: { provider: alpha }\n").section().keys()).isEmpty();
    }

    @Test
    void unknownProviderFailsClosedListingTheNamesFound() {
        assertThatThrownBy(() -> select("security: { provider: gamma }\n"))
                .isInstanceOf(ProviderSelectionException.class)
                .satisfies(e -> {
                    ProviderSelectionException s = (ProviderSelectionException) e;
                    assertThat(s.reason()).isEqualTo(ProviderSelectionException.Reason.UNKNOWN_PROVIDER);
                    assertThat(s.namesFound()).containsExactly("alpha", "beta");
                })
                .hasMessageContaining("gamma")
                .hasMessageContaining("docs/errors.md#unknown-provider");
    }

    @Test
    void missingSecuritySectionFailsClosed() {
        assertThatThrownBy(() -> select("home-agent: {}\n"))
                .isInstanceOf(ProviderSelectionException.class)
                .extracting(e -> ((ProviderSelectionException) e).reason())
                .isEqualTo(ProviderSelectionException.Reason.NO_PROVIDER_CONFIGURED);
    }

    @Test
    void securitySectionAllowsOnlyProviderAndTheSelectedSection() {
        assertThatThrownBy(() -> select("""
                security:
                  provider: alpha
                  alpha: {}
                  beta: {}
                """))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessage(FILE + ": security.beta: unknown key; allowed here: alpha, provider");
    }

    @Test
    void providerMustBeASingleName() {
        assertThatThrownBy(() -> select("security: { provider: [alpha, beta] }\n"))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessage(FILE + ": security.provider: must be a single value, not a list");
    }
}
