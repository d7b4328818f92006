package org.mip6kit.wire;

/**
 * The Pad1 option (RFC 6275 §6.2.2): a single zero octet with no Length field.
 * Inserted by the encoder; never part of a message's option list.
 * <pre>
 *  +-+-+-+-+-+-+-+-+
 *  |   Type = 0    |
 *  +-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Pad1() implements MobilityOption {

    public static final int TYPE = 0;

    @Override
    public int type() {
        return TYPE;
    }
}
