package org.mip6kit.provider.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A test certification authority for mode {@code dtls} at the provider level, as PEM files: the CA
 * certificate, and ECDSA P-256 end entities it issues with the subjectAltName a test asks for (an
 * rfc822Name NAI, a dNSName, or none). Each end entity is {@code <stem>.pem} (its certificate,
 * then the CA's) and {@code <stem>.key} (PKCS#8, mode 0600). Thread-safe; everything is fresh, made
 * at test time.
 */
final class DtlsTestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffff_ffffL);

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path caFile;
    private final Instant now;

    private DtlsTestPki(Path dir, KeyPair caKeys, X509Certificate ca, Path caFile, Instant now) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.ca = ca;
        this.caFile = caFile;
        this.now = now;
    }

    /**
     * A new CA {@code CN=<name>} written to {@code <dir>/<stem>-ca.pem}. It and what it issues are
     * valid 30 days around {@code now}: the time of the clock that validates them (the kit's
     * virtual time starts at 2024-01-01).
     */
    static DtlsTestPki create(Path dir, String stem, String name, Instant now) {
        try {
            KeyPair keys = ecKeys();
            X500Name subject = new X500Name("CN=" + name);
            JcaX509v3CertificateBuilder b = builder(subject, subject, keys, now);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            X509Certificate ca = sign(b, keys.getPrivate());
            Path file = dir.resolve(stem + "-ca.pem");
            write(file, pem(ca), false);
            return new DtlsTestPki(dir, keys, ca, file, now);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new AssertionError("cannot create the test CA " + name, e);
        }
    }

    /** The CA certificate's PEM file: a trust anchor. */
    Path caFile() {
        return caFile;
    }

    /** An end entity with an rfc822Name (NAI) subjectAltName; subject {@code CN=<stem>}. */
    Issued nai(String stem, String nai) {
        return issue(stem, "CN=" + stem, new GeneralName(GeneralName.rfc822Name, nai));
    }

    /** An end entity with a dNSName (FQDN) subjectAltName; subject {@code CN=<stem>}. */
    Issued fqdn(String stem, String fqdn) {
        return issue(stem, "CN=" + stem, new GeneralName(GeneralName.dNSName, fqdn));
    }

    /**
     * An end entity with the subject {@code subject} (an X.500 name) and exactly {@code altNames}
     * as its subjectAltName (none: no extension at all).
     */
    Issued issue(String stem, String subject, GeneralName... altNames) {
        try {
            KeyPair keys = ecKeys();
            JcaX509v3CertificateBuilder b = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                    new X500Name(subject), keys, now);
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            if (altNames.length > 0) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
            }
            X509Certificate certificate = sign(b, caKeys.getPrivate());
            Path chain = dir.resolve(stem + ".pem");
            Path key = dir.resolve(stem + ".key");
            write(chain, pem(certificate) + pem(ca), false);
            write(key, pkcs8(keys.getPrivate()), true);
            return new Issued(certificate, chain, key);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new AssertionError("cannot issue the test certificate " + stem, e);
        }
    }

    /** A certificate and its files. */
    record Issued(X509Certificate certificate, Path chainFile, Path keyFile) {
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Instant now) {
        Duration validity = Duration.ofDays(30);
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(validity)), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey issuerKey)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static String pem(X509Certificate certificate) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(certificate);
        }
        return text.toString();
    }

    private static String pkcs8(PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
        }
        return text.toString();
    }

    private static void write(Path file, String text, boolean secret) throws IOException {
        if (secret) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } else {
            Files.writeString(file, text);
        }
    }
}
