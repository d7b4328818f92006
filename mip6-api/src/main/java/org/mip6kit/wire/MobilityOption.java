package org.mip6kit.wire;

/**
 * A mobility option carried in the options area of a Mobility Header message
 * (RFC 6275 §6.2). Implementations are immutable values. Each option type is encoded and
 * decoded by a {@link MobilityOptionCodec} found in a {@link MobilityOptionRegistry}; an
 * option type no registry entry knows decodes to {@link UnknownOption}.
 *
 * <p>Padding ({@link Pad1}, {@link PadN}) is inserted by the encoder and dropped by the
 * decoder: it never appears in a message's option list.
 */
public interface MobilityOption {

    /** The Option Type octet. */
    int type();
}
