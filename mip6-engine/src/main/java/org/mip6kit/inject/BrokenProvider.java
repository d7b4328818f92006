package org.mip6kit.inject;

import java.util.Objects;
import java.util.Optional;

/**
 * A {@code META-INF/services} entry that could not become a usable factory. Reported and
 * skipped: it never hides the other providers.
 *
 * @param source the jar or directory of the provider class when the class loaded; otherwise the
 *     {@code META-INF/services/org.mip6kit.spi.SecurityProviderFactory} file that listed it
 * @param className the provider class named in the service file, when known
 * @param reason one line saying what went wrong, e.g.
 *     {@code Provider com.example.Missing not found}
 * @param cause the original error, for a debug log; may be {@code null}
 */
public record BrokenProvider(String source, Optional<String> className, String reason, Throwable cause) {

    /** Where operators read about broken provider jars. */
    public static final String DOCS = "docs/errors.md#broken-provider";

    public BrokenProvider {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code /opt/x/broken.jar: Provider com.example.Missing not found}. */
    public String describe() {
        return source + ": " + reason;
    }

    @Override
    public String toString() {
        return describe();
    }
}
