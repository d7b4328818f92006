package org.mip6kit.provider.auth4285;

import org.mip6kit.wire.Alignment;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;

/**
 * The Mobility Message Replay Protection option (RFC 4285 §6, MESG-ID-OPTION-TYPE 10;
 * docs/providers/auth-option-4285.md#what-goes-on-the-wire), alignment 8n+2 so the timestamp sits on an 8-octet boundary.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |  Option Type  |  Length = 8   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Timestamp (NTP seconds)                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Timestamp (NTP fraction)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param timestamp the 64-bit NTP timestamp ({@link NtpTimestamp}), as an unsigned value
 */
public record MobilityMessageReplayProtection(long timestamp) implements MobilityOption {

    /** MESG-ID-OPTION-TYPE. */
    public static final int TYPE = 10;
    /** Option Length. */
    public static final int LENGTH = 8;

    static final Alignment ALIGNMENT = Alignment.of(8, 2);

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public String toString() {
        return "MobilityMessageReplayProtection[" + NtpTimestamp.hex(timestamp) + " = "
                + NtpTimestamp.toInstant(timestamp) + "]";
    }

    /** The codec registered through {@link AuthOption4285Provider#optionCodecs()}. */
    public static final MobilityOptionCodec<MobilityMessageReplayProtection> CODEC = new MobilityOptionCodec<>() {
        @Override
        public int type() {
            return TYPE;
        }

        @Override
        public String name() {
            return "Mobility Message Replay Protection";
        }

        @Override
        public Class<MobilityMessageReplayProtection> optionClass() {
            return MobilityMessageReplayProtection.class;
        }

        @Override
        public Alignment alignment() {
            return ALIGNMENT;
        }

        @Override
        public int dataLength(MobilityMessageReplayProtection o) {
            return LENGTH;
        }

        @Override
        public void write(MobilityMessageReplayProtection o, byte[] out, int offset) {
            for (int i = 0; i < 8; i++) {
                out[offset + i] = (byte) (o.timestamp >>> (56 - 8 * i));
            }
        }

        @Override
        public MobilityMessageReplayProtection read(byte[] mh, int offset, int length)
                throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, LENGTH);
            long t = 0;
            for (int i = 0; i < 8; i++) {
                t = (t << 8) | (mh[offset + i] & 0xFF);
            }
            return new MobilityMessageReplayProtection(t);
        }
    };
}
