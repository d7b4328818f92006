package org.mip6kit.inject;

import java.util.Objects;
import java.util.Optional;

/**
 * Which provider name start-up should use and where that name came from: the configuration's
 * {@value #CONFIG_KEY}, or the system property {@value #OVERRIDE_PROPERTY}, which overrides it.
 * Blank values count as absent; names are stripped of surrounding white space. Immutable.
 *
 * @param configured the configuration's {@code security.provider}
 * @param override the system property's value
 */
public record SecurityProviderChoice(Optional<String> configured, Optional<String> override) {

    /** The configuration key that names the provider. */
    public static final String CONFIG_KEY = "security.provider";
    /** The system property that, when set, wins over {@link #CONFIG_KEY}. */
    public static final String OVERRIDE_PROPERTY = "mip6kit.security.provider";

    public SecurityProviderChoice {
        configured = clean(Objects.requireNonNull(configured, "configured"));
        override = clean(Objects.requireNonNull(override, "override"));
    }

    /** The configured name, overridden by the system property {@value #OVERRIDE_PROPERTY} if it is set now. */
    public static SecurityProviderChoice fromConfiguration(String configuredName) {
        return of(configuredName, System.getProperty(OVERRIDE_PROPERTY));
    }

    /**
     * An explicit choice that reads no system property.
     *
     * @param configuredName the configuration's value, or {@code null}
     * @param overrideName the override's value, or {@code null}
     */
    public static SecurityProviderChoice of(String configuredName, String overrideName) {
        return new SecurityProviderChoice(Optional.ofNullable(configuredName), Optional.ofNullable(overrideName));
    }

    /** The name to select: the override when present, else the configured one. */
    public Optional<String> name() {
        return override.isPresent() ? override : configured;
    }

    public boolean overridden() {
        return override.isPresent();
    }

    /**
     * Where {@link #name()} came from, for log lines and errors, e.g. {@code system property
     * mip6kit.security.provider (overriding security.provider=beta from the configuration)}.
     */
    public String origin() {
        if (override.isPresent()) {
            return "system property " + OVERRIDE_PROPERTY + configured
                    .map(c -> " (overriding " + CONFIG_KEY + "=" + c + " from the configuration)")
                    .orElse(" (" + CONFIG_KEY + " is not set in the configuration)");
        }
        return configured.isPresent() ? "configuration key " + CONFIG_KEY : "nothing";
    }

    private static Optional<String> clean(Optional<String> value) {
        return value.map(String::strip).filter(s -> !s.isEmpty());
    }
}
