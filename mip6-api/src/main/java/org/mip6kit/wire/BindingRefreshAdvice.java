package org.mip6kit.wire;

/**
 * The Binding Refresh Advice option (RFC 6275 §6.2.4), type 2, alignment 2n. Sent only by a
 * home agent in a Binding Acknowledgement: the interval after which the mobile node should
 * refresh, smaller than the granted lifetime.
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 2    |   Length = 2  |       Refresh Interval        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record BindingRefreshAdvice(Lifetime refreshInterval) implements MobilityOption {

    public static final int TYPE = 2;

    public BindingRefreshAdvice {
        if (refreshInterval == null) {
            throw new IllegalArgumentException("refreshInterval is required");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(2, 0);

    public static final MobilityOptionCodec<BindingRefreshAdvice> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "Binding Refresh Advice"; }
        @Override public Class<BindingRefreshAdvice> optionClass() { return BindingRefreshAdvice.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(BindingRefreshAdvice o) { return 2; }

        @Override
        public void write(BindingRefreshAdvice o, byte[] out, int offset) {
            NetworkOrder.put16(out, offset, o.refreshInterval.units());
        }

        @Override
        public BindingRefreshAdvice read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 2);
            return new BindingRefreshAdvice(Lifetime.ofUnits(NetworkOrder.u16(mh, offset)));
        }
    };
}
