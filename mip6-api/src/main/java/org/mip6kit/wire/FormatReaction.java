package org.mip6kit.wire;

/**
 * What RFC 6275 tells a receiver to do with a malformed packet. Carried by every
 * {@link MobilityHeaderFormatException} so the engine can answer without re-parsing.
 */
public enum FormatReaction {
    /** Drop the packet and send nothing (bad checksum, bad option, bad length: RFC 6275 §9.2). */
    SILENT_DISCARD,
    /**
     * Drop and send ICMPv6 Parameter Problem, code 0, whose pointer is the exception's offset
     * (Payload Proto not 59, Header Len below the type's minimum: RFC 6275 §9.2; a type 2
     * routing header with a wrong length or Segments Left: §6.4).
     */
    ICMP_PARAMETER_PROBLEM,
    /** Drop and send a Binding Error with status 2, unrecognized MH Type (RFC 6275 §9.2). */
    BINDING_ERROR_UNRECOGNIZED_TYPE
}
