package org.mip6kit.wire;

/**
 * The Alternate Care-of Address option (RFC 6275 §6.2.5), type 3, alignment 8n+6. Carries
 * the care-of address in the Binding Update itself, where IPsec ESP can protect it; when
 * present it overrides the packet's source address.
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 3    |  Length = 16  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Alternate Care-of Address (128)              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record AlternateCareOfAddress(Ipv6Address address) implements MobilityOption {

    public static final int TYPE = 3;

    public AlternateCareOfAddress {
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(8, 6);

    public static final MobilityOptionCodec<AlternateCareOfAddress> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "Alternate Care-of Address"; }
        @Override public Class<AlternateCareOfAddress> optionClass() { return AlternateCareOfAddress.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(AlternateCareOfAddress o) { return 16; }

        @Override
        public void write(AlternateCareOfAddress o, byte[] out, int offset) {
            o.address.writeTo(out, offset);
        }

        @Override
        public AlternateCareOfAddress read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 16);
            return new AlternateCareOfAddress(Ipv6Address.fromBytes(mh, offset));
        }
    };
}
