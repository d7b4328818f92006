package org.mip6kit.provider.tls.control;

/**
 * What the security association protects ({@code mip6-sas}, RFC 6618 §5.6): {@code 0} Mobile
 * IPv6 signalling only, {@code 1} signalling and user data. A closed enum: the field is fixed.
 */
public enum SaScope {
    SIGNALLING(0),
    SIGNALLING_AND_DATA(1);

    private final int code;

    SaScope(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for anything but 0 or 1 */
    public static SaScope of(int code) {
        for (SaScope s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("mip6-sas is 0 or 1, got " + code);
    }
}
