package org.mip6kit.wire;

/**
 * The PadN option (RFC 6275 §6.2.3): {@code totalLength} octets of padding, Type 1, Length
 * {@code totalLength - 2}, then zeros (a receiver ignores their value). Inserted by the
 * encoder; never part of a message's option list.
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 *  |   Type = 1    | Option Length | Option Data
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 * </pre>
 */
public record PadN(int totalLength) implements MobilityOption {

    public static final int TYPE = 1;

    public PadN {
        if (totalLength < 2 || totalLength > 257) {
            throw new IllegalArgumentException("PadN covers 2..257 octets, got " + totalLength);
        }
    }

    @Override
    public int type() {
        return TYPE;
    }
}
