package org.mip6kit.inject;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;

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

    /**
     * The selection failure inside a Guice {@link CreationException} or {@link ProvisionException}
     * (or any cause chain), so a daemon can print this message instead of Guice's.
     */
    public static Optional<ProviderSelectionException> findIn(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(failure);
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (t == null || !seen.add(t)) {
                continue;
            }
            if (t instanceof ProviderSelectionException selection) {
                return Optional.of(selection);
            }
            if (t instanceof CreationException creation) {
                creation.getErrorMessages().stream().map(Message::getCause).forEach(pending::add);
            } else if (t instanceof ProvisionException provision) {
                provision.getErrorMessages().stream().map(Message::getCause).forEach(pending::add);
            }
            pending.add(t.getCause());
        }
        return Optional.empty();
    }
}
