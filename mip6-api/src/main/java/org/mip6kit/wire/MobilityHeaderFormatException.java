package org.mip6kit.wire;

/**
 * A received octet string is not a well-formed Mobility Header message (or packet carrying one).
 *
 * <p>Names the field that is wrong, the octet offset where it starts (from the start of the
 * Mobility Header, or of the packet for packet-level errors), and the reaction RFC 6275
 * prescribes. Decoders throw this and nothing else for bad input, whatever the bytes.
 */
public final class MobilityHeaderFormatException extends Exception {

    private final String field;
    private final int offset;
    private final FormatReaction reaction;

    public MobilityHeaderFormatException(String field, int offset, FormatReaction reaction, String problem) {
        super(field + " at offset " + offset + ": " + problem + " (" + describe(reaction) + ")");
        this.field = field;
        this.offset = offset;
        this.reaction = reaction;
    }

    /** The field that is wrong, e.g. {@code "Header Len"} or {@code "Nonce Indices option length"}. */
    public String field() {
        return field;
    }

    /** Octet offset of that field; for {@link FormatReaction#ICMP_PARAMETER_PROBLEM} the pointer. */
    public int offset() {
        return offset;
    }

    public FormatReaction reaction() {
        return reaction;
    }

    private static String describe(FormatReaction r) {
        return switch (r) {
            case SILENT_DISCARD -> "discard silently";
            case ICMP_PARAMETER_PROBLEM -> "discard and send ICMPv6 Parameter Problem";
            case BINDING_ERROR_UNRECOGNIZED_TYPE -> "discard and send Binding Error status 2";
        };
    }
}
