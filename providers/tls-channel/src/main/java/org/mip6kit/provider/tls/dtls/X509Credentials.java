package org.mip6kit.provider.tls.dtls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.FileTrust;
import org.mip6kit.spi.ProviderConfigException;

/**
 * One side's X.509 material for the {@code dtls} mode: its own certificate chain (end entity
 * first) with the ECDSA private key of the end-entity certificate, and the trust anchors that the
 * peer's chain must lead to (RFC 5280 path validation, no revocation checking). Immutable;
 * {@link #toString} names the subject, never the key.
 *
 * <p>Only ECDSA keys are accepted, and the key must be the end-entity certificate's: the
 * {@code dtls} mode negotiates {@code TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256} (RFC 7905),
 * else {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256} (RFC 5289), with certificates.
 */
public final class X509Credentials {

    private final List<X509Certificate> chain;
    private final AsymmetricKeyParameter privateKey;
    private final List<X509Certificate> trustAnchors;

    /**
     * @param chain own chain, end entity first, at least one certificate
     * @param privateKey the end entity's EC private key (Bouncy Castle lightweight form)
     * @param trustAnchors certificates the peer's chain must lead to, at least one
     * @throws IllegalArgumentException if a list is empty, the key is not an EC private key, or it is
     *         not the key of the end-entity certificate
     */
    public X509Credentials(List<X509Certificate> chain, AsymmetricKeyParameter privateKey,
            List<X509Certificate> trustAnchors) {
        if (chain == null || chain.isEmpty() || trustAnchors == null || trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain and at least one trust anchor are required");
        }
        if (!(privateKey instanceof ECPrivateKeyParameters)) {
            throw new IllegalArgumentException("the private key must be an EC (ECDSA) private key");
        }
        if (!matches((ECPrivateKeyParameters) privateKey, chain.get(0))) {
            throw new IllegalArgumentException("the private key does not belong to the end-entity certificate "
                    + chain.get(0).getSubjectX500Principal());
        }
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
        this.trustAnchors = List.copyOf(trustAnchors);
    }

    /**
     * Reads the PEM files that three keys of {@code section} name: {@code chainKey} (one or more
     * CERTIFICATE blocks, end entity first), {@code privateKeyKey} (an EC PRIVATE KEY or PRIVATE KEY
     * block matching the end-entity certificate; the file must be trusted and readable by its owner
     * only) and {@code trustKey} (one or more CERTIFICATE blocks). Relative paths are resolved as
     * {@link ConfigSection#path} does.
     *
     * @throws ProviderConfigException naming the key and the file if a key is missing, a file
     *         cannot be read or trusted, holds no usable block, or the private key does not belong
     *         to the end-entity certificate (the key itself is never shown)
     */
    public static X509Credentials load(ConfigSection section, String chainKey, String privateKeyKey, String trustKey)
            throws ProviderConfigException {
        Path chainPem = section.path(chainKey);
        Path keyPem = section.path(privateKeyKey);
        Path trustPem = section.path(trustKey);
        List<X509Certificate> chain = readCertificates(chainPem, section, chainKey, "certificate chain");
        List<X509Certificate> anchors = readCertificates(trustPem, section, trustKey, "trust anchors");
        Optional<String> distrust = FileTrust.problem(keyPem, "DTLS private key");
        if (distrust.isPresent()) {
            throw section.error(privateKeyKey, distrust.get());
        }
        try {
            for (PosixFilePermission p : Files.getPosixFilePermissions(keyPem)) {
                if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                    throw section.error(privateKeyKey, "the private key " + keyPem.toAbsolutePath()
                            + " may be read by its group or others: chmod 600 " + keyPem.toAbsolutePath());
                }
            }
        } catch (UnsupportedOperationException e) {
            // not POSIX: nothing to check
        } catch (IOException e) {
            throw section.error(privateKeyKey, "cannot read " + keyPem.toAbsolutePath() + ": "
                    + e.getClass().getSimpleName());
        }
        AsymmetricKeyParameter key;
        try (Reader r = Files.newBufferedReader(keyPem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            PrivateKeyInfo info = o instanceof PEMKeyPair kp ? kp.getPrivateKeyInfo()
                    : o instanceof PrivateKeyInfo pki ? pki : null;
            if (info == null) {
                throw section.error(privateKeyKey, "no unencrypted PRIVATE KEY or EC PRIVATE KEY block in "
                        + keyPem.toAbsolutePath());
            }
            key = PrivateKeyFactory.createKey(info);
        } catch (IOException | RuntimeException e) {
            throw section.error(privateKeyKey, "cannot read the private key " + keyPem.toAbsolutePath() + ": "
                    + e.getClass().getSimpleName());
        }
        if (!(key instanceof ECPrivateKeyParameters)) {
            throw section.error(privateKeyKey, "the private key " + keyPem.toAbsolutePath()
                    + " is not an EC (ECDSA) key; the dtls mode signs with ECDSA only");
        }
        if (!matches((ECPrivateKeyParameters) key, chain.get(0))) {
            throw section.error(privateKeyKey, "the private key " + keyPem.toAbsolutePath() + " does not belong to "
                    + "the first certificate of " + chainPem.toAbsolutePath() + " (" + section.path() + "."
                    + chainKey + ", subject " + chain.get(0).getSubjectX500Principal() + "); give the key the "
                    + "certificate was issued for, end-entity certificate first in the chain");
        }
        return new X509Credentials(chain, key, anchors);
    }

    /** Whether the EC private key's public point is the certificate's public key. */
    private static boolean matches(ECPrivateKeyParameters key, X509Certificate certificate) {
        try {
            AsymmetricKeyParameter pub = PublicKeyFactory.createKey(certificate.getPublicKey().getEncoded());
            if (!(pub instanceof ECPublicKeyParameters ec)) {
                return false;
            }
            ECPoint derived = new FixedPointCombMultiplier().multiply(key.getParameters().getG(), key.getD()).normalize();
            return ec.getParameters().getCurve().equals(key.getParameters().getCurve())
                    && derived.equals(ec.getQ().normalize());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static List<X509Certificate> readCertificates(Path pem, ConfigSection section, String key, String what)
            throws ProviderConfigException {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(h.getEncoded())));
                }
            }
        } catch (NoSuchFileException e) {
            throw section.error(key, "the " + what + " file " + pem.toAbsolutePath() + " does not exist");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw section.error(key, "cannot read the " + what + " from " + pem.toAbsolutePath() + ": " + e);
        }
        if (out.isEmpty()) {
            throw section.error(key, "no CERTIFICATE block in the " + what + " file " + pem.toAbsolutePath());
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
