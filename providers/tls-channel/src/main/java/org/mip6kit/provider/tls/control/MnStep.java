package org.mip6kit.provider.tls.control;

import java.util.Objects;
import java.util.OptionalInt;

/** What a {@link MnExchange} does after a message from the controller. */
public sealed interface MnStep permits MnStep.Send, MnStep.Provisioned, MnStep.Failed {

    /** Send {@code message} and wait for its response. */
    record Send(ControlMessage message) implements MnStep {
        public Send {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The controller's authenticated, validated assignment; close the connection (RFC 6618 §5.1).
     */
    record Provisioned(String mnId, Assignment assignment) implements MnStep {
        public Provisioned {
            Objects.requireNonNull(mnId, "mnId");
            Objects.requireNonNull(assignment, "assignment");
        }
    }

    /**
     * The bootstrap failed; close the connection.
     *
     * @param status        the controller's status-code, or the one this node assigns to a
     *                      fault it found itself (401 for a controller {@code auth} that does not
     *                      verify, 400 for a malformed or unexpected response, 500 for an
     *                      assignment that breaks the rules)
     * @param reason        for an operator; never contains keys or {@code auth} values
     * @param authenticated whether the controller's {@code auth} on the failing response verified
     *                      (an unauthenticated failure may come from anyone on the path)
     * @param retryAfterSeconds the controller's {@code retry-after}, if authenticated and present
     */
    record Failed(StatusCode status, String reason, boolean authenticated, OptionalInt retryAfterSeconds)
            implements MnStep {
        public Failed {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
        }
    }
}
