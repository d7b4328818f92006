package org.mip6kit.provider.tls.control;

import java.util.Map;

/**
 * The type of a control message (RFC 6618 §5.2–§5.3), carried in its first line,
 * {@code message-type: MHAuth-Init}. The mobile node sends only requests
 * ({@code MHAuth-Init}, {@code MHAuth-Mid}, {@code MHAuth-Done}); the Home Agent Controller
 * answers each with the matching response ({@code MHAuth-Init-resp}, {@code MHAuth-Mid-resp},
 * {@code MHAuth-Done-resp}). {@code MHAuth-Mid} carries EAP rounds (§5.9), which this package
 * does not implement yet.
 *
 * <p>An open registry: an unknown name decodes to an unknown type (kept, never a crash), which
 * the state machines refuse. Names compare exactly (case-sensitive).
 */
public final class ControlMessageType {

    public static final ControlMessageType INIT = new ControlMessageType("MHAuth-Init", true);
    public static final ControlMessageType INIT_RESP = new ControlMessageType("MHAuth-Init-resp", false);
    public static final ControlMessageType MID = new ControlMessageType("MHAuth-Mid", true);
    public static final ControlMessageType MID_RESP = new ControlMessageType("MHAuth-Mid-resp", false);
    public static final ControlMessageType DONE = new ControlMessageType("MHAuth-Done", true);
    public static final ControlMessageType DONE_RESP = new ControlMessageType("MHAuth-Done-resp", false);

    private static final Map<String, ControlMessageType> KNOWN = Map.of(
            INIT.name, INIT, INIT_RESP.name, INIT_RESP, MID.name, MID, MID_RESP.name, MID_RESP,
            DONE.name, DONE, DONE_RESP.name, DONE_RESP);

    private final String name;
    private final boolean request;
    private final boolean known;

    private ControlMessageType(String name, boolean request) {
        this(name, request, true);
    }

    private ControlMessageType(String name, boolean request, boolean known) {
        this.name = name;
        this.request = request;
        this.known = known;
    }

    /**
     * The type named {@code name}: a known constant or an unknown type.
     *
     * @throws IllegalArgumentException if {@code name} is not a token of 1..64 visible ASCII
     *         characters
     */
    public static ControlMessageType of(String name) {
        ControlMessageType k = KNOWN.get(name);
        if (k != null) {
            return k;
        }
        if (!ControlFields.isToken(name, 64)) {
            throw new IllegalArgumentException("a message type is a token of 1..64 visible characters");
        }
        return new ControlMessageType(name, false, false);
    }

    public String name() {
        return name;
    }

    /** A known request type (sent by the mobile node). */
    public boolean isRequest() {
        return request;
    }

    /** A known response type (sent by the Home Agent Controller). */
    public boolean isResponse() {
        return known && !request;
    }

    public boolean isKnown() {
        return known;
    }

    /** The response that answers this request; {@link #DONE_RESP} for anything else. */
    public ControlMessageType response() {
        if (this == INIT) {
            return INIT_RESP;
        }
        if (this == MID) {
            return MID_RESP;
        }
        return DONE_RESP;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlMessageType other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
