package org.mip6kit.wire;

/**
 * The IPv4 Home Address option (RFC 5555 §3.1.1), type 29, alignment 4n, sent in a Binding
 * Update. {@link Ipv4Address#ANY} asks the home agent to allocate an address; P asks for a
 * mobile network prefix; Prefix-len is 32 for a single address.
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 29   |   Length = 6  | Prefix-len|P|    Reserved     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       IPv4 home address                       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Ipv4HomeAddressRequest(int prefixLength, boolean mobileNetworkPrefixRequested, Ipv4Address address)
        implements MobilityOption {

    public static final int TYPE = 29;

    public Ipv4HomeAddressRequest {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length " + prefixLength + " outside 0..32");
        }
        if (address == null) {
            throw new IllegalArgumentException("address is required (0.0.0.0 asks for allocation)");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(4, 0);

    public static final MobilityOptionCodec<Ipv4HomeAddressRequest> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "IPv4 Home Address"; }
        @Override public Class<Ipv4HomeAddressRequest> optionClass() { return Ipv4HomeAddressRequest.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(Ipv4HomeAddressRequest o) { return 6; }

        @Override
        public void write(Ipv4HomeAddressRequest o, byte[] out, int offset) {
            NetworkOrder.put16(out, offset, (o.prefixLength << 10) | (o.mobileNetworkPrefixRequested ? 0x0200 : 0));
            o.address.writeTo(out, offset + 2);
        }

        @Override
        public Ipv4HomeAddressRequest read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 6);
            int bits = NetworkOrder.u16(mh, offset);
            int prefixLength = bits >>> 10;
            if (prefixLength > 32) {
                throw new MobilityHeaderFormatException("IPv4 Home Address prefix length", offset,
                        FormatReaction.SILENT_DISCARD, "is " + prefixLength + ", must be at most 32");
            }
            return new Ipv4HomeAddressRequest(prefixLength, (bits & 0x0200) != 0, Ipv4Address.fromBytes(mh, offset + 2));
        }
    };
}
