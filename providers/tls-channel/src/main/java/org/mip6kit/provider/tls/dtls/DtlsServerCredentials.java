package org.mip6kit.provider.tls.dtls;

import java.util.Objects;
import java.util.Optional;

/**
 * How the home agent's DTLS server authenticates mobile nodes: a PSK table (ECDHE-PSK suites,
 * RFC 5489) or X.509 (ECDHE-ECDSA suites, a client certificate required and validated against the
 * trust anchors). Immutable; never prints a key.
 */
public final class DtlsServerCredentials {

    private final PskTable psk;
    private final X509Credentials x509;

    private DtlsServerCredentials(PskTable psk, X509Credentials x509) {
        this.psk = psk;
        this.x509 = x509;
    }

    /** Mobile nodes authenticate with a PSK identity and key from {@code table}. */
    public static DtlsServerCredentials psk(PskTable table) {
        return new DtlsServerCredentials(Objects.requireNonNull(table, "table"), null);
    }

    /**
     * The server presents {@code credentials}' chain; mobile nodes must present a certificate
     * chaining to its trust anchors whose subjectAltName names them (rfc822Name NAI or dNSName).
     */
    public static DtlsServerCredentials x509(X509Credentials credentials) {
        return new DtlsServerCredentials(null, Objects.requireNonNull(credentials, "credentials"));
    }

    Optional<PskTable> pskTable() {
        return Optional.ofNullable(psk);
    }

    Optional<X509Credentials> certificates() {
        return Optional.ofNullable(x509);
    }

    @Override
    public String toString() {
        return psk != null ? "DtlsServerCredentials[" + psk + "]" : "DtlsServerCredentials[" + x509 + "]";
    }
}
