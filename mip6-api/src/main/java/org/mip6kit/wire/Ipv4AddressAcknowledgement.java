package org.mip6kit.wire;

/**
 * The IPv4 Address Acknowledgement option (RFC 5555 §3.2.1), type 30, alignment 4n, sent in
 * a Binding Acknowledgement: the result of an IPv4 home address request and the address
 * allocated (or copied from the request). Pref-len is meaningful only on success.
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 30   |   Length = 6  |    Status     |Pref-len   |Res|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       IPv4 home address                       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Ipv4AddressAcknowledgement(Ipv4AddressAckStatus status, int prefixLength, Ipv4Address address)
        implements MobilityOption {

    public static final int TYPE = 30;

    public Ipv4AddressAcknowledgement {
        if (status == null || address == null) {
            throw new IllegalArgumentException("status and address are required");
        }
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length " + prefixLength + " outside 0..32");
        }
    }

    @Override
    public int type() {
        return TYPE;
    }

    private static final Alignment ALIGNMENT = Alignment.of(4, 0);

    public static final MobilityOptionCodec<Ipv4AddressAcknowledgement> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "IPv4 Address Acknowledgement"; }
        @Override public Class<Ipv4AddressAcknowledgement> optionClass() { return Ipv4AddressAcknowledgement.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(Ipv4AddressAcknowledgement o) { return 6; }

        @Override
        public void write(Ipv4AddressAcknowledgement o, byte[] out, int offset) {
            out[offset] = (byte) o.status.code();
            out[offset + 1] = (byte) (o.prefixLength << 2);
            o.address.writeTo(out, offset + 2);
        }

        @Override
        public Ipv4AddressAcknowledgement read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, 6);
            int prefixLength = NetworkOrder.u8(mh, offset + 1) >>> 2;
            if (prefixLength > 32) {
                throw new MobilityHeaderFormatException("IPv4 Address Acknowledgement prefix length", offset + 1,
                        FormatReaction.SILENT_DISCARD, "is " + prefixLength + ", must be at most 32");
            }
            return new Ipv4AddressAcknowledgement(Ipv4AddressAckStatus.of(NetworkOrder.u8(mh, offset)), prefixLength,
                    Ipv4Address.fromBytes(mh, offset + 2));
        }
    };
}
