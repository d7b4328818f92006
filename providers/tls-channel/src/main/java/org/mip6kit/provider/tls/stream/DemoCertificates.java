package org.mip6kit.provider.tls.stream;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.mip6kit.spi.SecurityProviderException;

/**
 * Throwaway certificates for a demonstration or a laboratory: a fresh certification authority
 * and a Home Agent Controller certificate it issued for one DNS name, both with new P-256 keys.
 * Never for production: the CA's key is discarded, so nothing else can ever be issued under it,
 * and anyone holding the files can impersonate the HAC.
 *
 * <p>{@link #write} puts three files in a directory:
 * <pre>
 *  ca.pem    the CA certificate: the mobile node's trust anchor
 *  hac.pem   the HAC's chain: its certificate (subjectAltName dNSName = the name), then the CA's
 *  hac.key   the HAC's private key, PKCS#8 PEM, file mode 0600
 * </pre>
 * The HAC certificate is what RFC 6618 §9.2 asks of one: the name in a subjectAltName dNSName
 * (the common name repeats it, and is not used), keyUsage digitalSignature, extendedKeyUsage
 * serverAuth.
 */
public final class DemoCertificates {

    /** How long the demo certificates are valid from now. */
    public static final Duration VALIDITY = Duration.ofDays(90);

    /** How far before now they start, for peers whose clocks lag. */
    static final Duration BACKDATE = Duration.ofHours(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The three files {@link #write} wrote. */
    public record Written(Path caCertificate, Path hacChain, Path hacKey) {
    }

    private DemoCertificates() {
    }

    /** As {@link #write(Path, String, Clock)} at the system clock. */
    public static Written write(Path dir, String dnsName) {
        return write(dir, dnsName, Clock.systemUTC());
    }

    /**
     * Writes ca.pem, hac.pem and hac.key (see the class description) into {@code dir}, creating
     * it if needed; valid from an hour before {@code clock}'s instant for {@link #VALIDITY}.
     *
     * @throws IllegalArgumentException  if {@code dnsName} is not a DNS host name
     * @throws SecurityProviderException if a file exists already or cannot be written
     */
    public static Written write(Path dir, String dnsName, Clock clock) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(clock, "clock");
        ClientTrust.requireHostName(Objects.requireNonNull(dnsName, "dnsName"));
        Instant now = clock.instant();
        try {
            java.nio.file.Files.createDirectories(dir);
            KeyPair caKeys = ecKeyPair();
            X509Certificate ca = certificationAuthority("CN=mip6kit demo CA " + dnsName, caKeys,
                    now.minus(BACKDATE), now.plus(VALIDITY));
            KeyPair hacKeys = ecKeyPair();
            X509Certificate hac = server(ca, caKeys.getPrivate(), "CN=" + dnsName, List.of(dnsName),
                    hacKeys, now.minus(BACKDATE), now.plus(VALIDITY));
            Written files = new Written(dir.resolve("ca.pem"), dir.resolve("hac.pem"), dir.resolve("hac.key"));
            writeNew(files.caCertificate(), pem(List.of(ca)), false);
            writeNew(files.hacChain(), pem(List.of(hac, ca)), false);
            writeNew(files.hacKey(), pkcs8(hacKeys.getPrivate()), true);
            return files;
        } catch (FileAlreadyExistsException e) {
            throw new SecurityProviderException(e.getFile() + " exists already; the demo certificates are written"
                    + " into a fresh directory only");
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new SecurityProviderException("cannot write demo certificates into " + dir + ": " + e, e);
        }
    }

    // ---- building blocks, shared with the tests' PKI ----

    static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    static KeyPair rsaKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        return generator.generateKeyPair();
    }

    static X509Certificate certificationAuthority(String subject, KeyPair keys, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500Name(subject);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
                Date.from(notAfter), name, keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, keys.getPrivate());
    }

    /** A server certificate: the given dNSNames (none: no subjectAltName), digitalSignature, serverAuth. */
    static X509Certificate server(X509Certificate issuer, PrivateKey issuerKey, String subject, List<String> dnsNames,
                                  KeyPair keys, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore),
                Date.from(notAfter), new X500Name(subject), keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
        if (!dnsNames.isEmpty()) {
            GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return sign(builder, issuerKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(key)));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).setBit(63);
    }

    static String pem(List<X509Certificate> certificates) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate c : certificates) {
                writer.writeObject(c);
            }
        }
        return text.toString();
    }

    /** PKCS#8 {@code PRIVATE KEY}. */
    static String pkcs8(PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
        }
        return text.toString();
    }

    /** Writes a new file; a secret one is created with mode 0600 before anything is written to it. */
    static void writeNew(Path file, String text, boolean secret) throws IOException {
        if (secret) {
            java.nio.file.Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            try (Writer w = java.nio.file.Files.newBufferedWriter(file, StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                w.write(text);
            }
        } else {
            java.nio.file.Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        }
    }
}
