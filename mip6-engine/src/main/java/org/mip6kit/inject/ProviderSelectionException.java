package org.mip6kit.inject;

import java.util.List;
import java.util.Objects;

/**
 * Start-up cannot choose a security provider. The message is for the operator: what was wrong,
 * what was found, what to do, and a link to the section of docs/errors.md to read more. The daemon
 * prints it and stops; there is never a fallback to another provider or to no security.
 */
public final class ProviderSelectionException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why selection failed; each has its own section in {@code docs/errors.md}. */
    public enum Reason {
        /** Neither the configuration nor the system property names a provider. */
        NO_PROVIDER_CONFIGURED("no-provider-configured"),
        /** No discovered provider carries the chosen name. */
        UNKNOWN_PROVIDER("unknown-provider"),
        /** Several discovered providers carry the chosen name. */
        DUPLICATE_PROVIDER("duplicate-provider"),
        /** The chosen provider was built for another SPI major version. */
        SPI_VERSION_MISMATCH("spi-version-mismatch");

        private final String anchor;

        Reason(String anchor) {
            this.anchor = anchor;
        }

        public String anchor() {
            return anchor;
        }

        /** {@code docs/errors.md#<anchor>}. */
        public String docs() {
            return "docs/errors.md#" + anchor;
        }
    }

    private final Reason reason;
    private final List<String> namesFound;

    ProviderSelectionException(Reason reason, String message, List<String> namesFound) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.namesFound = List.copyOf(namesFound);
    }

    public Reason reason() {
        return reason;
    }

    /** Every provider name discovery found, sorted (the list the message shows). */
    public List<String> namesFound() {
        return namesFound;
    }
}
