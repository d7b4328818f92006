package org.mip6kit.wire;

/**
 * The NAT Detection option (RFC 5555 §3.2.2), type 31, alignment 4n, sent in a Binding
 * Acknowledgement when the home agent sees a NAT (or forces UDP with F). Refresh time is in
 * seconds: 0 means ignore, {@link #NO_KEEPALIVE} means no keepalives are needed, and
 * {@link #RECOMMENDED_REFRESH_SECONDS} is the recommended value.
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 31   |   Length = 6  |F|          Reserved           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Refresh time                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record NatDetection(boolean forceUdpEncapsulation, long refreshTimeSeconds) implements MobilityOption {

    public static final int TYPE = 31;
    public static final long NO_KEEPALIVE = 0xFFFF_FFFFL;
    public static final long RECOMMENDED_REFRESH_SECONDS = 110;

    public NatDetection {
        if (refreshTimeSeconds < 0 || refreshTimeSeconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("refresh time " + refreshTimeSeconds + " outside 0..2^32-1");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(4, 0);

    public static final MobilityOptionCodec<NatDetection> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "NAT Detection"; }
        @Override public Class<NatDetection> optionClass() { return NatDetection.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(NatDetection o) { return 6; }

        @Override
        public void write(NatDetection o, byte[] out, int offset) {
            NetworkOrder.put16(out, offset, o.forceUdpEncapsulation ? 0x8000 : 0);
            NetworkOrder.put32(out, offset + 2, o.refreshTimeSeconds);
        }

        @Override
        public NatDetection read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 6);
            return new NatDetection((NetworkOrder.u8(mh, offset) & 0x80) != 0, NetworkOrder.u32(mh, offset + 2));
        }
    };
}
