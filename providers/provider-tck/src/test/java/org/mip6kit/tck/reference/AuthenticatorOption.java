package org.mip6kit.tck.reference;

import java.util.Arrays;

import org.mip6kit.wire.Alignment;
import org.mip6kit.wire.MobilityHeaderFormatException;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.MobilityOptionCodec;

/**
 * The reference provider's authenticator, carried in the Experimental Mobility Option (type
 * 18, RFC 5096 §3: "for experimental use", so never on a production network). It must be the
 * last option of the message.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |   Type = 18   |  Length = 28  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                             Key ID                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Timestamp (64 bits, NTP format)             |
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |       Authenticator: first 128 bits of HMAC-SHA256 (16 octets) |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Alignment 4n+2, so the Key ID starts on a 4-octet boundary.
 */
public final class AuthenticatorOption implements MobilityOption {

    public static final int TYPE = 18;
    public static final int MAC_LENGTH = 16;
    /** Key ID (4) + Timestamp (8) + Authenticator (16). */
    public static final int DATA_LENGTH = 4 + 8 + MAC_LENGTH;
    /** Octets from the start of the option data to the authenticator value. */
    static final int MAC_OFFSET_IN_DATA = 12;

    private final long keyId;
    private final long timestamp;
    private final byte[] mac;

    public AuthenticatorOption(long keyId, long timestamp, byte[] mac) {
        if (keyId < 0 || keyId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("key id is 32 bits, got " + keyId);
        }
        if (mac == null || mac.length != MAC_LENGTH) {
            throw new IllegalArgumentException("the authenticator is " + MAC_LENGTH + " octets");
        }
        this.keyId = keyId;
        this.timestamp = timestamp;
        this.mac = mac.clone();
    }

    /** A placeholder whose authenticator the path fills in after encoding. */
    static AuthenticatorOption unsigned(long keyId, long timestamp) {
        return new AuthenticatorOption(keyId, timestamp, new byte[MAC_LENGTH]);
    }

    public long keyId() {
        return keyId;
    }

    /** NTP format: seconds since 1900 in the high 32 bits, fraction in the low 32. */
    public long timestamp() {
        return timestamp;
    }

    public byte[] mac() {
        return mac.clone();
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthenticatorOption a && a.keyId == keyId && a.timestamp == timestamp
                && Arrays.equals(a.mac, mac);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(keyId) * 31 + Long.hashCode(timestamp)) * 31 + Arrays.hashCode(mac);
    }

    @Override
    public String toString() {
        return "AuthenticatorOption[keyId=" + keyId + ", timestamp=0x" + Long.toHexString(timestamp) + "]";
    }

    public static final MobilityOptionCodec<AuthenticatorOption> CODEC = new MobilityOptionCodec<>() {
        @Override public int type() { return TYPE; }
        @Override public String name() { return "Experimental (reference-hmac authenticator)"; }
        @Override public Class<AuthenticatorOption> optionClass() { return AuthenticatorOption.class; }
        @Override public Alignment alignment() { return Alignment.of(4, 2); }
        @Override public int dataLength(AuthenticatorOption o) { return DATA_LENGTH; }

        @Override
        public void write(AuthenticatorOption o, byte[] out, int offset) {
            for (int i = 0; i < 4; i++) {
                out[offset + i] = (byte) (o.keyId >>> (24 - 8 * i));
            }
            for (int i = 0; i < 8; i++) {
                out[offset + 4 + i] = (byte) (o.timestamp >>> (56 - 8 * i));
            }
            System.arraycopy(o.mac, 0, out, offset + MAC_OFFSET_IN_DATA, MAC_LENGTH);
        }

        @Override
        public AuthenticatorOption read(byte[] mh, int offset, int length) throws MobilityHeaderFormatException {
            MobilityOptionCodec.requireLength(name(), offset, length, DATA_LENGTH);
            long keyId = 0;
            for (int i = 0; i < 4; i++) {
                keyId = (keyId << 8) | (mh[offset + i] & 0xFF);
            }
            long ts = 0;
            for (int i = 0; i < 8; i++) {
                ts = (ts << 8) | (mh[offset + 4 + i] & 0xFF);
            }
            return new AuthenticatorOption(keyId, ts,
                    Arrays.copyOfRange(mh, offset + MAC_OFFSET_IN_DATA, offset + MAC_OFFSET_IN_DATA + MAC_LENGTH));
        }
    };
}
