package org.mip6kit.wire;

/**
 * The Mobile Network Prefix option (RFC 3963 §4.3), type 6, alignment 8n+4: a prefix a
 * mobile router registers in explicit mode. May appear several times.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |   Type = 6    |  Length = 18  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Reserved    | Prefix Length |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    Mobile Network Prefix (128)
 * </pre>
 */
public record MobileNetworkPrefix(int prefixLength, Ipv6Address prefix) implements MobilityOption {

    public static final int TYPE = 6;

    public MobileNetworkPrefix {
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0..128");
        }
        if (prefix == null) {
            throw new IllegalArgumentException("prefix is required");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(8, 4);

    public static final MobilityOptionCodec<MobileNetworkPrefix> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "Mobile Network Prefix"; }
        @Override public Class<MobileNetworkPrefix> optionClass() { return MobileNetworkPrefix.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(MobileNetworkPrefix o) { return 18; }

        @Override
        public void write(MobileNetworkPrefix o, byte[] out, int offset) {
            out[offset] = 0;
            out[offset + 1] = (byte) o.prefixLength;
            o.prefix.writeTo(out, offset + 2);
        }

        @Override
        public MobileNetworkPrefix read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 18);
            int prefixLength = NetworkOrder.u8(mh, offset + 1);
            if (prefixLength > 128) {
                throw new MobilityHeaderFormatException("Mobile Network Prefix length", offset + 1,
                        FormatReaction.SILENT_DISCARD, "is " + prefixLength + ", must be at most 128");
            }
            return new MobileNetworkPrefix(prefixLength, Ipv6Address.fromBytes(mh, offset + 2));
        }
    };
}
