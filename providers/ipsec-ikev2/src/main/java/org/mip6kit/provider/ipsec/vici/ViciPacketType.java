package org.mip6kit.provider.ipsec.vici;

/**
 * The VICI packet types (strongSwan {@code vici/README.md}, "Packet layer"): a closed set, the first
 * octet of every transport segment. Named types carry an 8-bit-length ASCII name after the type.
 *
 * <pre>
 *  code  type              name  message
 *   0    CMD_REQUEST       yes   yes
 *   1    CMD_RESPONSE      no    yes
 *   2    CMD_UNKNOWN       no    no
 *   3    EVENT_REGISTER    yes   no
 *   4    EVENT_UNREGISTER  yes   no
 *   5    EVENT_CONFIRM     no    no
 *   6    EVENT_UNKNOWN     no    no
 *   7    EVENT             yes   yes
 * </pre>
 */
public enum ViciPacketType {
    /** A named request message. */
    CMD_REQUEST(0, true, true),
    /** The unnamed response to a request. */
    CMD_RESPONSE(1, false, true),
    /** Unnamed answer: the requested command is unknown. */
    CMD_UNKNOWN(2, false, false),
    /** Named event registration. */
    EVENT_REGISTER(3, true, false),
    /** Named event deregistration. */
    EVENT_UNREGISTER(4, true, false),
    /** Unnamed answer: (de-)registration succeeded. */
    EVENT_CONFIRM(5, false, false),
    /** Unnamed answer: (de-)registration failed, no such event. */
    EVENT_UNKNOWN(6, false, false),
    /** A named event message. */
    EVENT(7, true, true);

    private final int code;
    private final boolean named;
    private final boolean hasMessage;

    ViciPacketType(int code, boolean named, boolean hasMessage) {
        this.code = code;
        this.named = named;
        this.hasMessage = hasMessage;
    }

    /** @return the wire code */
    public int code() {
        return code;
    }

    /** @return whether a name follows the type octet */
    public boolean named() {
        return named;
    }

    /** @return whether a message follows (the type and the name) */
    public boolean hasMessage() {
        return hasMessage;
    }

    /**
     * @param code wire code
     * @return the type, or null if the code is not defined
     */
    static ViciPacketType ofCode(int code) {
        for (ViciPacketType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name() + "(" + code + ")";
    }
}
