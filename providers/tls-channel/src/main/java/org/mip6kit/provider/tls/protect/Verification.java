package org.mip6kit.provider.tls.protect;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of {@link PacketProtection#verify}: either {@link #accepted()} with the
 * {@link Verified} packet, or refused with a {@link VerifyFailure}. Refusals are shared constants,
 * so the refusal path allocates nothing and throws nothing. Immutable.
 */
public final class Verification {

    private static final Map<VerifyFailure, Verification> REFUSALS = new EnumMap<>(VerifyFailure.class);

    static {
        for (VerifyFailure f : VerifyFailure.values()) {
            REFUSALS.put(f, new Verification(null, f));
        }
    }

    private final Verified packet;
    private final VerifyFailure failure;

    private Verification(Verified packet, VerifyFailure failure) {
        this.packet = packet;
        this.failure = failure;
    }

    static Verification accepted(Verified packet) {
        return new Verification(Objects.requireNonNull(packet), null);
    }

    static Verification refused(VerifyFailure failure) {
        return REFUSALS.get(failure);
    }

    /** Whether the datagram was accepted. */
    public boolean accepted() {
        return packet != null;
    }

    /**
     * The accepted packet.
     *
     * @throws IllegalStateException if the datagram was refused; the message names the reason
     */
    public Verified packet() {
        if (packet == null) {
            throw new IllegalStateException("datagram was refused: " + failure);
        }
        return packet;
    }

    /** Why the datagram was refused, or {@code null} if it was accepted. */
    public VerifyFailure failure() {
        return failure;
    }

    @Override
    public String toString() {
        return packet != null ? "Verification[accepted " + packet + "]" : "Verification[refused " + failure + "]";
    }
}
