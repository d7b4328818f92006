package org.mip6kit.provider.tls.control;

import java.util.Objects;
import java.util.OptionalInt;

/** What a {@link Provisioner} decided: an {@link Assignment} or a {@link Refusal}. */
public sealed interface ProvisioningOutcome permits Assignment, ProvisioningOutcome.Refusal {

    /**
     * No assignment.
     *
     * @param status            a 4xx or 5xx status for the node's MHAuth-Done-resp
     * @param retryAfterSeconds the {@code retry-after} to send, if any
     */
    record Refusal(StatusCode status, OptionalInt retryAfterSeconds) implements ProvisioningOutcome {
        public Refusal {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
            if (status.code() < 400) {
                throw new IllegalArgumentException("a refusal has a 4xx or 5xx status, got " + status);
            }
            if (retryAfterSeconds.isPresent() && retryAfterSeconds.getAsInt() < 0) {
                throw new IllegalArgumentException("retry-after is not negative");
            }
        }

        public static Refusal of(StatusCode status) {
            return new Refusal(status, OptionalInt.empty());
        }
    }
}
