package org.mip6kit.provider.tls.dtls;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

import org.mip6kit.spi.Identity;

/**
 * How a mobile node authenticates to the home agent's DTLS server: a PSK identity and key
 * (ECDHE-PSK suites, RFC 5489), or X.509 (ECDHE-ECDSA suites; the server's chain must validate
 * against the trust anchors — no name in it is checked, so the anchors should be dedicated to
 * the home agents). Immutable; {@link #toString} shows the PSK identity, never the key.
 */
public final class DtlsClientCredentials {

    private final String pskIdentity;
    private final byte[] pskKey;
    private final X509Credentials x509;

    private DtlsClientCredentials(String pskIdentity, byte[] pskKey, X509Credentials x509) {
        this.pskIdentity = pskIdentity;
        this.pskKey = pskKey;
        this.x509 = x509;
    }

    /**
     * @throws IllegalArgumentException if the identity is not 1..128 octets without spaces or
     *         control characters, or the key is not 16..64 octets (the message never shows it)
     */
    public static DtlsClientCredentials psk(String identity, byte[] key) {
        PskTable.checkIdentity(identity);
        PskTable.checkKey(identity, key);
        return new DtlsClientCredentials(identity, key.clone(), null);
    }

    public static DtlsClientCredentials x509(X509Credentials credentials) {
        return new DtlsClientCredentials(null, null, Objects.requireNonNull(credentials, "credentials"));
    }

    /**
     * The identity the home agent will authenticate: the PSK identity, or the NAI (rfc822Name) or
     * FQDN (dNSName) in the end-entity certificate's subjectAltName; empty if the certificate names
     * neither (the server would refuse it).
     */
    public Optional<Identity> presentedIdentity() {
        if (pskIdentity != null) {
            return Optional.of(new Identity(Identity.Kind.PSK_IDENTITY, pskIdentity));
        }
        return PeerCertificates.identityOf(x509.chain().get(0));
    }

    Optional<String> pskIdentity() {
        return Optional.ofNullable(pskIdentity);
    }

    byte[] pskIdentityOctets() {
        return pskIdentity.getBytes(StandardCharsets.UTF_8);
    }

    byte[] pskKey() {
        return pskKey.clone();
    }

    Optional<X509Credentials> certificates() {
        return Optional.ofNullable(x509);
    }

    @Override
    public String toString() {
        return pskIdentity != null ? "DtlsClientCredentials[psk identity " + pskIdentity + "]"
                : "DtlsClientCredentials[" + x509 + "]";
    }
}
