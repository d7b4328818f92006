package org.mip6kit.provider.tls.dtls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.mip6kit.spi.FileTrust;
import org.mip6kit.spi.ProviderConfigException;

/**
 * One side's X.509 material for the {@code dtls} mode: its own certificate chain (end entity
 * first) with the ECDSA private key of the end-entity certificate, and the trust anchors that the
 * peer's chain must lead to (RFC 5280 path validation, no revocation checking). Immutable;
 * {@link #toString} names the subject, never the key.
 *
 * <p>Only ECDSA keys are accepted: the {@code dtls} mode negotiates
 * {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256} (RFC 5289) or its ChaCha20-Poly1305 twin
 * (RFC 7905) with certificates.
 */
public final class X509Credentials {

    private final List<X509Certificate> chain;
    private final AsymmetricKeyParameter privateKey;
    private final List<X509Certificate> trustAnchors;

    /**
     * @param chain own chain, end entity first, at least one certificate
     * @param privateKey the end entity's EC private key (Bouncy Castle lightweight form)
     * @param trustAnchors certificates the peer's chain must lead to, at least one
     * @throws IllegalArgumentException if a list is empty or the key is not an EC private key
     */
    public X509Credentials(List<X509Certificate> chain, AsymmetricKeyParameter privateKey,
            List<X509Certificate> trustAnchors) {
        if (chain == null || chain.isEmpty() || trustAnchors == null || trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain and at least one trust anchor are required");
        }
        if (!(privateKey instanceof ECPrivateKeyParameters)) {
            throw new IllegalArgumentException("the private key must be an EC (ECDSA) private key");
        }
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
        this.trustAnchors = List.copyOf(trustAnchors);
    }

    /**
     * Reads PEM files: {@code chainPem} (one or more CERTIFICATE blocks, end entity first),
     * {@code keyPem} (an EC PRIVATE KEY or PRIVATE KEY block; the file must be trusted and
     * readable by its owner only) and {@code trustPem} (one or more CERTIFICATE blocks).
     *
     * @param configKey the configuration key naming these files, for error messages
     * @throws ProviderConfigException naming the file if one cannot be read or trusted or holds no usable block
     */
    public static X509Credentials load(Path chainPem, Path keyPem, Path trustPem, String configKey)
            throws ProviderConfigException {
        List<X509Certificate> chain = readCertificates(chainPem, configKey);
        List<X509Certificate> anchors = readCertificates(trustPem, configKey);
        Optional<String> distrust = FileTrust.problem(keyPem, "DTLS private key");
        if (distrust.isPresent()) {
            throw new ProviderConfigException(configKey, keyPem, distrust.get());
        }
        try {
            for (PosixFilePermission p : Files.getPosixFilePermissions(keyPem)) {
                if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                    throw new ProviderConfigException(configKey, keyPem, "the private key " + keyPem.toAbsolutePath()
                            + " may be read by its group or others: chmod 600 " + keyPem.toAbsolutePath());
                }
            }
        } catch (UnsupportedOperationException e) {
            // not POSIX: nothing to check
        } catch (IOException e) {
            throw new ProviderConfigException(configKey, keyPem, "cannot read " + keyPem.toAbsolutePath() + ": " + e);
        }
        AsymmetricKeyParameter key;
        try (Reader r = Files.newBufferedReader(keyPem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            PrivateKeyInfo info = o instanceof PEMKeyPair kp ? kp.getPrivateKeyInfo()
                    : o instanceof PrivateKeyInfo pki ? pki : null;
            if (info == null) {
                throw new ProviderConfigException(configKey, keyPem, "no unencrypted PRIVATE KEY or EC PRIVATE KEY block in "
                        + keyPem.toAbsolutePath());
            }
            key = PrivateKeyFactory.createKey(info);
        } catch (IOException e) {
            throw new ProviderConfigException(configKey, keyPem, "cannot read the private key " + keyPem.toAbsolutePath()
                    + ": " + e.getClass().getSimpleName());
        }
        try {
            return new X509Credentials(chain, key, anchors);
        } catch (IllegalArgumentException e) {
            throw new ProviderConfigException(configKey, keyPem, e.getMessage());
        }
    }

    private static List<X509Certificate> readCertificates(Path pem, String configKey) throws ProviderConfigException {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(h.getEncoded())));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new ProviderConfigException(configKey, pem, "cannot read certificates from " + pem.toAbsolutePath() + ": " + e);
        }
        if (out.isEmpty()) {
            throw new ProviderConfigException(configKey, pem, "no CERTIFICATE block in " + pem.toAbsolutePath());
        }
        return out;
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    public List<X509Certificate> trustAnchors() {
        return trustAnchors;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "X509Credentials[" + chain.get(0).getSubjectX500Principal() + ", " + trustAnchors.size() + " trust anchors]";
    }
}
