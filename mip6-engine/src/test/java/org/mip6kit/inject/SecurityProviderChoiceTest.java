package org.mip6kit.inject;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class SecurityProviderChoiceTest {

    @Test
    void overrideWinsOverTheConfiguredName() {
        SecurityProviderChoice choice = SecurityProviderChoice.of("beta", "alpha");

        assertThat(choice.name()).contains("alpha");
        assertThat(choice.overridden()).isTrue();
        assertThat(choice.origin()).isEqualTo("system property mip6kit.security.provider "
                + "(overriding security.provider=beta from the configuration)");
    }

    @Test
    void configuredNameIsUsedWhenThereIsNoOverride() {
        SecurityProviderChoice choice = SecurityProviderChoice.of("beta", null);

        assertThat(choice.name()).contains("beta");
        assertThat(choice.overridden()).isFalse();
        assertThat(choice.origin()).isEqualTo("configuration key security.provider");
    }

    @Test
    void blankValuesCountAsAbsentAndNamesAreStripped() {
        assertThat(SecurityProviderChoice.of("  ", "").name()).isEmpty();
        assertThat(SecurityProviderChoice.of(" alpha\n", "  ").name()).contains("alpha");
        assertThat(SecurityProviderChoice.of(null, " beta ").override()).contains("beta");
    }

    @Test
    void overrideWithoutConfigurationSaysTheKeyIsUnset() {
        assertThat(SecurityProviderChoice.of(null, "alpha").origin()).isEqualTo(
                "system property mip6kit.security.provider (security.provider is not set in the configuration)");
    }

    @Test
    void fromConfigurationReadsTheSystemPropertyAtCallTime() {
        String saved = System.getProperty(SecurityProviderChoice.OVERRIDE_PROPERTY);
        try {
            System.clearProperty(SecurityProviderChoice.OVERRIDE_PROPERTY);
            assertThat(SecurityProviderChoice.fromConfiguration("beta").name()).contains("beta");
            System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, "alpha");
            assertThat(SecurityProviderChoice.fromConfiguration("beta").name()).contains("alpha");
        } finally {
            if (saved == null) {
                System.clearProperty(SecurityProviderChoice.OVERRIDE_PROPERTY);
            } else {
                System.setProperty(SecurityProviderChoice.OVERRIDE_PROPERTY, saved);
            }
        }
    }
}
