package org.mip6kit.provider.tls.control;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * The {@code tls-server-end-point} channel binding of RFC 5929 §4.1: the hash of the TLS
 * server's certificate (DER), with the hash function of the certificate's signature algorithm —
 * except that MD5 and SHA-1 are replaced by SHA-256. Both sides compute it from the certificate
 * the controller presented, and it enters every PSK {@code auth} (RFC 6618 §5.8, {@link PskAuth}).
 * No I/O.
 */
public final class ChannelBinding {

    private ChannelBinding() {
    }

    /**
     * The channel binding octets for {@code serverCertificate}.
     *
     * @throws IllegalArgumentException if the signature algorithm names no single hash function
     *         (for example Ed25519 or RSASSA-PSS, for which RFC 5929 defines nothing)
     */
    public static byte[] tlsServerEndPoint(X509Certificate serverCertificate) {
        String hash = hashOf(serverCertificate.getSigAlgName());
        try {
            return MessageDigest.getInstance(hash).digest(serverCertificate.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot hash the certificate with " + hash, e);
        }
    }

    /** The RFC 5929 §4.1 hash for a JCA signature algorithm name such as {@code SHA384withECDSA}. */
    static String hashOf(String sigAlgName) {
        String s = sigAlgName.toUpperCase(Locale.ROOT);
        int with = s.indexOf("WITH");
        String h = with > 0 ? s.substring(0, with) : "";
        switch (h) {
            case "MD5":
            case "SHA1":
            case "SHA256":
                return "SHA-256";
            case "SHA224":
                return "SHA-224";
            case "SHA384":
                return "SHA-384";
            case "SHA512":
                return "SHA-512";
            default:
                throw new IllegalArgumentException("RFC 5929 defines no tls-server-end-point hash for " + sigAlgName);
        }
    }
}
