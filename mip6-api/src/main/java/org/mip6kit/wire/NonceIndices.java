package org.mip6kit.wire;

/**
 * The Nonce Indices option (RFC 6275 §6.2.6), type 4, alignment 2n, used in Binding
 * Updates to a correspondent node after return routability. Option Length is 4 (scapy's
 * default of 16 is wrong and is rejected here).
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 4    |   Length = 4  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |       Home Nonce Index        |     Care-of Nonce Index       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record NonceIndices(int homeNonceIndex, int careOfNonceIndex) implements MobilityOption {

    public static final int TYPE = 4;

    public NonceIndices {
        if (homeNonceIndex < 0 || homeNonceIndex > 0xFFFF || careOfNonceIndex < 0 || careOfNonceIndex > 0xFFFF) {
            throw new IllegalArgumentException("nonce indices are 16-bit: " + homeNonceIndex + ", " + careOfNonceIndex);
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(2, 0);

    public static final MobilityOptionCodec<NonceIndices> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "Nonce Indices"; }
        @Override public Class<NonceIndices> optionClass() { return NonceIndices.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(NonceIndices o) { return 4; }

        @Override
        public void write(NonceIndices o, byte[] out, int offset) {
            NetworkOrder.put16(out, offset, o.homeNonceIndex);
            NetworkOrder.put16(out, offset + 2, o.careOfNonceIndex);
        }

        @Override
        public NonceIndices read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 4);
            return new NonceIndices(NetworkOrder.u16(mh, offset), NetworkOrder.u16(mh, offset + 2));
        }
    };
}
