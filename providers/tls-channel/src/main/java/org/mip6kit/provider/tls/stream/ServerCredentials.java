package org.mip6kit.provider.tls.stream;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.mip6kit.spi.SecurityProviderException;

/**
 * A TLS server's certificate chain (leaf first) and the private key of its leaf, EC (any named
 * curve the TLS crypto supports, in practice P-256 or P-384) or RSA. The key kind decides the
 * cipher suites the server offers: ECDHE_ECDSA for EC, ECDHE_RSA for RSA. Immutable; the key
 * never appears in {@link #toString()} or any message.
 */
public final class ServerCredentials {

    /** The kind of the leaf's key. */
    public enum KeyKind { EC, RSA }

    private final List<X509Certificate> chain;
    private final PrivateKeyInfo privateKey;
    private final KeyKind keyKind;

    /**
     * @param chain      the server's certificate first, then the intermediates (the root may follow)
     * @param privateKey the leaf's private key as PKCS#8
     * @throws SecurityProviderException if the chain is empty, the key is neither EC nor RSA, or
     *                                   the key does not belong to the leaf certificate
     */
    public ServerCredentials(List<X509Certificate> chain, PrivateKeyInfo privateKey) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (chain.isEmpty()) {
            throw new SecurityProviderException("a TLS server needs at least its own certificate");
        }
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
        ASN1ObjectIdentifier algorithm = privateKey.getPrivateKeyAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            keyKind = KeyKind.EC;
        } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
            keyKind = KeyKind.RSA;
        } else {
            throw new SecurityProviderException("the private key of " + subject() + " is of algorithm " + algorithm
                    + "; a TLS server here takes an EC or RSA key");
        }
        checkKeyMatchesLeaf();
    }

    /**
     * Reads the chain from a PEM file of {@code CERTIFICATE} blocks (leaf first) and the key from
     * a PEM file holding an unencrypted {@code PRIVATE KEY} (PKCS#8), {@code EC PRIVATE KEY}
     * (SEC1; an {@code EC PARAMETERS} block before it is skipped) or {@code RSA PRIVATE KEY}
     * (PKCS#1).
     *
     * @throws SecurityProviderException naming the file that cannot be read, holds no key, holds
     *                                   an encrypted key, or whose key does not match the leaf
     */
    public static ServerCredentials fromPem(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = ClientTrust.Pem.certificates(certificateChain);
        return new ServerCredentials(chain, readKey(privateKey));
    }

    private static PrivateKeyInfo readKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) {
                    return info;
                }
                if (o instanceof PEMKeyPair pair) {
                    return pair.getPrivateKeyInfo();
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new SecurityProviderException(file + " holds an encrypted private key; give the"
                            + " server an unencrypted one (file mode 0600)");
                }
                // EC PARAMETERS and anything else that is not a key: skipped
            }
        } catch (IOException e) {
            throw new SecurityProviderException("cannot read the private key file " + file + ": "
                    + e.getClass().getSimpleName(), null);
        }
        throw new SecurityProviderException(file + " holds no PEM private key (PRIVATE KEY, EC PRIVATE KEY or RSA"
                + " PRIVATE KEY)");
    }

    /** Signs a random challenge with the key and verifies it with the leaf's public key. */
    private void checkKeyMatchesLeaf() {
        String algorithm = keyKind == KeyKind.EC ? "SHA256withECDSA" : "SHA256withRSA";
        Exception unusable = null;
        try {
            PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(privateKey);
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate().getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (IOException | GeneralSecurityException e) {
            unusable = e;
        }
        throw new SecurityProviderException("the private key does not belong to " + subject()
                + " (the first certificate of the chain)", unusable);
    }

    /** The server's own certificate (the leaf). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Leaf first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public KeyKind keyKind() {
        return keyKind;
    }

    /** For the TLS server only. */
    PrivateKeyInfo privateKey() {
        return privateKey;
    }

    private String subject() {
        return "'" + certificate().getSubjectX500Principal().getName() + "'";
    }

    @Override
    public String toString() {
        return "ServerCredentials[" + subject() + ", " + keyKind + " key, chain of " + chain.size() + "]";
    }
}
