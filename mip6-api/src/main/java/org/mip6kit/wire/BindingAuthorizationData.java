package org.mip6kit.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Binding Authorization Data option (RFC 6275 §6.2.7), type 5, alignment 8n+2, the last
 * option of a Binding Update or Acknowledgement exchanged with a correspondent node. The
 * authenticator is 96 bits, so Option Length is 12 (scapy's default of 16 is wrong).
 * <pre>
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Type = 5    | Length = 12   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Authenticator (96)                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class BindingAuthorizationData implements MobilityOption {

    public static final int TYPE = 5;
    public static final int AUTHENTICATOR_LENGTH = 12;

    private final byte[] authenticator;

    public BindingAuthorizationData(byte[] authenticator) {
        if (authenticator == null || authenticator.length != AUTHENTICATOR_LENGTH) {
            throw new IllegalArgumentException("the authenticator is 12 octets");
        }
        this.authenticator = authenticator.clone();
    }

    /** A copy of the 12-octet authenticator. */
    public byte[] authenticator() {
        return authenticator.clone();
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BindingAuthorizationData b && Arrays.equals(b.authenticator, authenticator);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(authenticator);
    }

    @Override
    public String toString() {
        return "BindingAuthorizationData[authenticator=" + HexFormat.of().formatHex(authenticator) + "]";
    }

    private static final Alignment ALIGNMENT = Alignment.of(8, 2);

    public static final MobilityOptionCodec<BindingAuthorizationData> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "Binding Authorization Data"; }
        @Override public Class<BindingAuthorizationData> optionClass() { return BindingAuthorizationData.class; }
        @Override public Alignment alignment() { return ALIGNMENT; }
        @Override public int dataLength(BindingAuthorizationData o) { return AUTHENTICATOR_LENGTH; }

        @Override
        public void write(BindingAuthorizationData o, byte[] out, int offset) {
            System.arraycopy(o.authenticator, 0, out, offset, AUTHENTICATOR_LENGTH);
        }

        @Override
        public BindingAuthorizationData read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, AUTHENTICATOR_LENGTH);
            return new BindingAuthorizationData(Arrays.copyOfRange(mh, offset, offset + AUTHENTICATOR_LENGTH));
        }
    };
}
