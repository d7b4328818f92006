package org.mip6kit.wire;

/**
 * Encodes and decodes the data of one mobility option type: the octets after the Type and
 * Length octets (RFC 6275 §6.2.1). Registered in a {@link MobilityOptionRegistry}; another
 * module (such as the RFC 4285 provider) adds its own option types this way without
 * changing this package.
 *
 * <p>Implementations are stateless and thread-safe. {@link #read} must check the length it is
 * given before reading and must throw nothing but {@link MobilityHeaderFormatException}.
 *
 * @param <T> the option value type
 */
public interface MobilityOptionCodec<T extends MobilityOption> {

    /** The Option Type octet, 2..255 (0 and 1 are Pad1 and PadN, handled by the codec itself). */
    int type();

    /** A human-readable name, e.g. {@code "Alternate Care-of Address"}. */
    String name();

    /** The option value class this codec writes. */
    Class<T> optionClass();

    /** Where the Type octet must sit (RFC 6275 §6.2: {@code xn+y}). */
    Alignment alignment();

    /** Octets of option data (after Type and Length) for {@code option}, 0..255. */
    int dataLength(T option);

    /** Writes {@link #dataLength} octets of option data at {@code offset}. */
    void write(T option, byte[] out, int offset);

    /**
     * Reads option data of {@code length} octets at {@code offset} of the Mobility Header
     * {@code mh}. Offsets are from the start of the Mobility Header, so the exception can
     * name where the problem is. {@code mh} may be the received message's own octets (see
     * {@code Inbound#decode}): read it, never write to it, and copy what the option keeps.
     *
     * @throws MobilityHeaderFormatException if the data is malformed (normally with
     *         {@link FormatReaction#SILENT_DISCARD})
     */
    T read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException;

    /**
     * Checks a fixed option length; a convenience for implementations.
     *
     * @throws MobilityHeaderFormatException naming {@code name}'s Option Length field, one
     *         octet before {@code dataOffset}
     */
    static void requireLength(String name, int dataOffset, int length, int expected)
            throws MobilityHeaderFormatException {
        if (length != expected) {
            throw new MobilityHeaderFormatException(name + " option length", dataOffset - 1,
                    FormatReaction.SILENT_DISCARD, "is " + length + ", must be " + expected);
        }
    }
}
