package org.mip6kit.provider.auth4285;

import org.mip6kit.wire.MobilityHeaderCodec;

/**
 * Finds the Mobility Message Authentication option in Mobility Header octets, which the
 * authenticator is computed over: "MH Data" runs from Payload Proto up to and including the
 * option's 4-octet mobility SPI (RFC 4285 §5.1), so the sender and the receiver need the
 * option's offset, which a decoded message does not keep.
 */
final class AuthenticatorLocation {

    /** Returned when the octets hold no usable authentication option. */
    static final int NONE = -1;

    private AuthenticatorLocation() {
    }

    /**
     * The offset of the Type octet of the Mobility Message Authentication option, provided it is
     * the only one in the message and the last option (padding after it aside); otherwise
     * {@link #NONE}. Bounds are checked on every step, so any octets are safe.
     */
    static int find(byte[] mh) {
        return mh == null ? NONE : find(mh, mh.length);
    }

    /** {@link #find(byte[])} for a message in the first {@code length} octets of {@code mh}. */
    static int find(byte[] mh, int length) {
        if (mh == null || length < 8 || length > mh.length) {
            return NONE;
        }
        // Options start after the fixed part, which for a Home Agent Switch (RFC 5142 §4) grows
        // with its address count.
        int start = MobilityHeaderCodec.optionsOffset(mh);
        if (start < 0) {
            return NONE;
        }
        int found = NONE;
        int count = 0;
        boolean lastIsAuth = false;
        int i = start;
        while (i < length) {
            int type = mh[i] & 0xFF;
            if (type == 0) {
                i++;
                continue;
            }
            if (i + 1 >= length) {
                return NONE;
            }
            int optionLength = mh[i + 1] & 0xFF;
            if (i + 2 + optionLength > length) {
                return NONE;
            }
            if (type != 1) {
                lastIsAuth = type == MobilityMessageAuthentication.TYPE;
                if (lastIsAuth) {
                    count++;
                    found = optionLength >= 5 ? i : NONE;
                }
            }
            i += 2 + optionLength;
        }
        return count == 1 && lastIsAuth ? found : NONE;
    }
}
