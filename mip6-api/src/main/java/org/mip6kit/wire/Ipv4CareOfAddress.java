package org.mip6kit.wire;

/**
 * The IPv4 Care-of Address option (RFC 5555 §3.1.2), type 32, alignment 4n, sent in a
 * Binding Update from a mobile node whose care-of address is IPv4. The home agent compares
 * it with the outer IPv4 source address to detect a NAT.
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 32   |   Length = 6  |           Reserved            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      IPv4 care-of address                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Ipv4CareOfAddress(Ipv4Address address) implements MobilityOption {

    public static final int TYPE = 32;

    public Ipv4CareOfAddress {
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(4, 0);

    public static final MobilityOptionCodec<Ipv4CareOfAddress> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "IPv4 Care-of Address"; }
        @Override public Class<Ipv4CareOfAddress> optionClass() { return Ipv4CareOfAddress.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(Ipv4CareOfAddress o) { return 6; }

        @Override
        public void write(Ipv4CareOfAddress o, byte[] out, int offset) {
            NetworkOrder.put16(out, offset, 0);
            o.address.writeTo(out, offset + 2);
        }

        @Override
        public Ipv4CareOfAddress read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 6);
            return new Ipv4CareOfAddress(Ipv4Address.fromBytes(mh, offset + 2));
        }
    };
}
