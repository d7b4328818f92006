package org.mip6kit.daemon;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import org.mip6kit.inject.DiscoveryReport;
import org.mip6kit.inject.ProviderSelection;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.SecurityProviderChoice;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * The {@code security} section of a daemon's file turned into a provider: the name in
 * {@code security.provider} (or the system property {@value SecurityProviderChoice#OVERRIDE_PROPERTY},
 * which overrides it) is selected from what discovery found, failing closed
 * ({@link DiscoveryReport#select}), and {@code security.<name>} is handed to the provider,
 * which validates it.
 * <pre>
 * security:
 *   provider: auth-option-4285
 *   auth-option-4285: { ... }     # the provider's own section
 * </pre>
 * The section allows only {@code provider} and the selected provider's section (plus the
 * configured provider's section when the system property overrides the choice, so the same
 * file still loads); anything else is an unknown key.
 *
 * @param selection the provider and where its name came from
 * @param section the provider's own section ({@code security.<name>}), empty if absent
 */
public record SelectedProvider(ProviderSelection selection, ConfigSection section) {

    public SelectedProvider {
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(section, "section");
    }

    /**
     * Selects the provider the file's root section names.
     *
     * @throws ProviderSelectionException if no provider is named, or the name is unknown,
     *         ambiguous or built for another SPI; its message is for the operator, verbatim
     * @throws ProviderConfigException if the {@code security} section has other keys
     */
    public static SelectedProvider select(ConfigSection root, DiscoveryReport providers)
            throws ProviderSelectionException, ProviderConfigException {
        ConfigSection security = root.section("security");
        String configured = security.optionalString("provider").orElse(null);
        ProviderSelection selection = providers.select(SecurityProviderChoice.fromConfiguration(configured));
        String name = selection.descriptor().name();
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add("provider");
        allowed.add(name);
        if (configured != null && !configured.isBlank()) {
            allowed.add(configured.strip());
        }
        security.allowOnly(allowed);
        return new SelectedProvider(selection, security.section(name));
    }

    public SecurityProviderFactory factory() {
        return selection.factory();
    }

    public String name() {
        return selection.descriptor().name();
    }

    /** For the start-up log line: name, version, where the jar is and how the name was chosen. */
    public String describe() {
        return name() + " " + selection.descriptor().version() + " (" + selection.descriptor().placement()
                + ", from " + selection.source() + ", chosen by " + selection.choice().origin() + ")";
    }
}
