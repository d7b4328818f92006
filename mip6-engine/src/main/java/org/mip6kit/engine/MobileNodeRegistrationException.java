package org.mip6kit.engine;

import java.util.Optional;

import org.mip6kit.wire.BindingAckStatus;

/**
 * Why a {@link MobileNodeEngine} registration or deregistration stage failed: the home agent
 * never answered, it refused, bootstrap failed, a newer request replaced this one, or the
 * engine was closed. Completes the stages returned by {@link MobileNodeEngine#start()},
 * {@link MobileNodeEngine#moveTo} and {@link MobileNodeEngine#returnHome()} exceptionally.
 */
public final class MobileNodeRegistrationException extends RuntimeException {

    /** What ended the attempt. */
    public enum Reason {
        /** No Binding Acknowledgement after the configured number of retransmissions. */
        GAVE_UP,
        /** A verified Binding Acknowledgement refused it and the provider chose to give up. */
        REJECTED,
        /** Bootstrap (or the signalling path) failed. */
        BOOTSTRAP_FAILED,
        /** The provider could not prepare for the care-of change. */
        CARE_OF_CHANGE_FAILED,
        /** A later request (a move, return home) replaced this one before it was acknowledged. */
        SUPERSEDED,
        /** The provider reported that it cannot protect signalling any more ({@link org.mip6kit.spi.MobileNodeHandle#failed}). */
        PROVIDER_FAILED,
        /** The engine was closed. */
        CLOSED
    }

    private final Reason reason;
    private final transient BindingAckStatus status;

    public MobileNodeRegistrationException(Reason reason, BindingAckStatus status, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.status = status;
    }

    public MobileNodeRegistrationException(Reason reason, BindingAckStatus status, String message) {
        this(reason, status, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The home agent's status when it refused, if it did. */
    public Optional<BindingAckStatus> status() {
        return Optional.ofNullable(status);
    }
}
