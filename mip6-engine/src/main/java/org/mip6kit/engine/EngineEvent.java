package org.mip6kit.engine;

import java.util.Optional;

import org.mip6kit.spi.Identity;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * Something the engine did or saw, for listeners and the log: registrations, binding changes,
 * provider verdicts. Every event names the identity and home address when known.
 *
 * @param kind what happened
 * @param identity the authenticated (or claimed, for refusals) identity, if known
 * @param homeAddress the home address concerned, if known
 * @param careOfAddress the care-of address concerned, if any (IPv4 as IPv4-mapped)
 * @param status the Binding Acknowledgement status involved, if any
 * @param sequence the sequence number of the Binding Update or Acknowledgement involved, if any
 * @param detail human-readable detail; never a secret
 */
public record EngineEvent(Kind kind, Optional<Identity> identity, Optional<Ipv6Address> homeAddress,
                          Optional<Ipv6Address> careOfAddress, Optional<BindingAckStatus> status,
                          Optional<SequenceNumber> sequence, String detail) {

    /**
     * What happened. In the log, {@link #isRoutine()} kinds are DEBUG lines, {@link #isFailure()}
     * kinds rate-limited WARN lines, and the rest (state changes) rate-limited INFO lines.
     */
    public enum Kind {
        // mobile node
        BOOTSTRAP_COMPLETED, BOOTSTRAP_FAILED,
        REGISTRATION_SENT, REGISTRATION_ACCEPTED, REGISTRATION_REJECTED, REGISTRATION_GAVE_UP,
        DEREGISTERED, CARE_OF_CHANGED, REFRESH_REQUESTED, REBOOTSTRAP_REQUESTED, PROVIDER_FAILED,
        /** The home agent has left several Binding Updates in a row unanswered (once per outage; a WARN line). */
        HOME_AGENT_SILENT,
        /** The home agent answers again after a {@link #HOME_AGENT_SILENT} outage. */
        HOME_AGENT_ANSWERS,
        // home agent
        BINDING_CREATED, BINDING_MOVED, BINDING_REFRESHED, BINDING_DELETED, BINDING_EXPIRED, BINDING_REVOKED,
        BINDING_UPDATE_REJECTED,
        /** A Home Agent Switch (RFC 5142) went out to a bound node during a drain. */
        HOME_AGENT_SWITCH_SENT,
        /** The mobile node acted on a verified Home Agent Switch: it registers with the next home agent. */
        HOME_AGENT_SWITCHED,
        // either side
        VERDICT_ACCEPTED, VERDICT_REJECTED, VERDICT_DROPPED, MESSAGE_MALFORMED, MESSAGE_IGNORED,
        BINDING_ERROR_SENT, BINDING_ERROR_RECEIVED, SEND_FAILED, PROVIDER_EVENT;

        public boolean isFailure() {
            return switch (this) {
                case BOOTSTRAP_FAILED, PROVIDER_FAILED, REGISTRATION_REJECTED, REGISTRATION_GAVE_UP, HOME_AGENT_SILENT,
                        BINDING_UPDATE_REJECTED,
                        VERDICT_REJECTED, VERDICT_DROPPED, MESSAGE_MALFORMED, MESSAGE_IGNORED,
                        BINDING_ERROR_SENT, BINDING_ERROR_RECEIVED, SEND_FAILED -> true;
                default -> false;
            };
        }

        /**
         * Whether this is the routine success of one message (a binding refreshed, a Binding
         * Update sent, a verdict that accepts): a line per Binding Update under load, so the log
         * has it at DEBUG.
         */
        public boolean isRoutine() {
            return switch (this) {
                case BINDING_REFRESHED, REGISTRATION_SENT, VERDICT_ACCEPTED -> true;
                default -> false;
            };
        }
    }

    public EngineEvent {
        if (kind == null || identity == null || homeAddress == null || careOfAddress == null || status == null
                || sequence == null || detail == null) {
            throw new IllegalArgumentException("every event field is required (use Optional.empty())");
        }
    }

    public static EngineEvent of(Kind kind, Identity identity, Ipv6Address homeAddress, Ipv6Address careOf,
                                 BindingAckStatus status, String detail) {
        return of(kind, identity, homeAddress, careOf, status, null, detail);
    }

    /** An event about one numbered message; {@code null} arguments become empty. */
    public static EngineEvent of(Kind kind, Identity identity, Ipv6Address homeAddress, Ipv6Address careOf,
                                 BindingAckStatus status, SequenceNumber sequence, String detail) {
        return new EngineEvent(kind, Optional.ofNullable(identity), Optional.ofNullable(homeAddress),
                Optional.ofNullable(careOf), Optional.ofNullable(status), Optional.ofNullable(sequence), detail);
    }

    /**
     * One log line: kind, identity, home address, care-of address, status, detail. The identity
     * and the detail may carry a peer's text and are {@linkplain LogText#escape escaped}, so the
     * result is always one line of printable ASCII apart from the {@code —} before the detail.
     */
    public String toLogLine() {
        StringBuilder sb = new StringBuilder(kind.name().toLowerCase().replace('_', '-'));
        sb.append(" identity=").append(identity.map(i -> LogText.escape(i.toString())).orElse("-"));
        sb.append(" hoa=").append(homeAddress.map(Ipv6Address::toString).orElse("-"));
        careOfAddress.ifPresent(c -> sb.append(" coa=").append(c));
        status.ifPresent(s -> sb.append(" status=").append(s));
        if (!detail.isEmpty()) {
            sb.append(" — ").append(LogText.escape(detail));
        }
        return sb.toString();
    }
}
