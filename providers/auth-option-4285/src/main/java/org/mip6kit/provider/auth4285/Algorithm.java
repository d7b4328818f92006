package org.mip6kit.provider.auth4285;

import java.util.Optional;

/**
 * The authentication algorithm of a mobility security association. RFC 4285 §5.1 defines one:
 * HMAC_SHA1, whose first 96 bits are the MN-HA authenticator.
 */
enum Algorithm {

    /** HMAC-SHA1 (RFC 2104), truncated to 96 bits for MN-HA. */
    HMAC_SHA1("hmac-sha1", "HmacSHA1");

    private final String configName;
    private final String jcaName;

    Algorithm(String configName, String jcaName) {
        this.configName = configName;
        this.jcaName = jcaName;
    }

    /** The name written in key tables and configuration files. */
    String configName() {
        return configName;
    }

    /** The {@link javax.crypto.Mac} algorithm name. */
    String jcaName() {
        return jcaName;
    }

    static Optional<Algorithm> byConfigName(String name) {
        for (Algorithm a : values()) {
            if (a.configName.equalsIgnoreCase(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
