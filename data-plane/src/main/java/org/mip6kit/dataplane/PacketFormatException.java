package org.mip6kit.dataplane;

/**
 * A packet the data plane cannot forward because it is not a well-formed IPv6 packet: names the
 * field and the offset. The data plane drops such a packet and counts it
 * ({@link DropReason#MALFORMED}); nothing answers it. Carries no stack trace (it is thrown per
 * packet).
 */
public final class PacketFormatException extends Exception {

    private final int offset;

    /**
     * @param field the field found wrong
     * @param offset its offset in the packet
     * @param problem what is wrong with it
     */
    public PacketFormatException(String field, int offset, String problem) {
        super(field + " at offset " + offset + ": " + problem, null, false, false);
        this.offset = offset;
    }

    /** The offset of the field found wrong. */
    public int offset() {
        return offset;
    }
}
