package org.mip6kit.provider.tls.stream;

import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Test certificates as PEM files in a directory: a certification authority, and server
 * certificates it issues with the names, validity and key kind a test asks for. Each CA and
 * key is fresh. For tests anywhere in the module:
 * <pre>
 *  TestPki pki = TestPki.create(tempDir, "test CA", time.now());
 *  TestPki.Issued hac = pki.server("hac", "hac.example.org");   // valid a day around now, EC key
 *  ServerCredentials credentials = hac.credentials();
 *  ClientTrust trust = ClientTrust.fromPem(pki.caFile(), "hac.example.org", time.clock());
 * </pre>
 */
public final class TestPki {

    /** How a server key is written. */
    public enum KeyFormat {
        /** {@code PRIVATE KEY} */
        PKCS8,
        /** {@code EC PRIVATE KEY} (SEC1) or {@code RSA PRIVATE KEY} (PKCS#1) */
        TRADITIONAL
    }

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path caFile;
    private final Instant now;

    private TestPki(Path dir, String name, KeyPair caKeys, X509Certificate ca, Path caFile, Instant now) {
        this.dir = dir;
        this.name = name;
        this.caKeys = caKeys;
        this.ca = ca;
        this.caFile = caFile;
        this.now = now;
    }

    /** A new CA named {@code CN=<name>}, valid 10 days around {@code now}, written to {@code <dir>/<name>.pem}. */
    public static TestPki create(Path dir, String name, Instant now) {
        try {
            KeyPair keys = DemoCertificates.ecKeyPair();
            X509Certificate ca = DemoCertificates.certificationAuthority("CN=" + name, keys,
                    now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(10)));
            Path file = dir.resolve(fileName(name) + ".pem");
            DemoCertificates.writeNew(file, DemoCertificates.pem(List.of(ca)), false);
            return new TestPki(dir, name, keys, ca, file, now);
        } catch (Exception e) {
            throw new AssertionError("cannot create test CA " + name, e);
        }
    }

    /** The CA certificate's PEM file: a client's trust anchor. */
    public Path caFile() {
        return caFile;
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    /** A server certificate for {@code dnsNames} (subject {@code CN=<first name>}), valid a day around now, EC. */
    public Issued server(String stem, String... dnsNames) {
        return server(stem, "CN=" + (dnsNames.length == 0 ? stem : dnsNames[0]), List.of(dnsNames),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), ServerCredentials.KeyKind.EC,
                KeyFormat.PKCS8);
    }

    /**
     * A server certificate with everything chosen: {@code subject} (an X.500 name), the dNSName
     * entries (empty: no subjectAltName at all), validity, key kind and key file format. Writes
     * {@code <stem>.pem} (the certificate, then this CA's) and {@code <stem>.key}.
     */
    public Issued server(String stem, String subject, List<String> dnsNames, Instant notBefore, Instant notAfter,
                         ServerCredentials.KeyKind kind, KeyFormat format) {
        Objects.requireNonNull(stem, "stem");
        try {
            KeyPair keys = kind == ServerCredentials.KeyKind.EC ? DemoCertificates.ecKeyPair()
                    : DemoCertificates.rsaKeyPair();
            X509Certificate certificate = DemoCertificates.server(ca, caKeys.getPrivate(), subject, dnsNames, keys,
                    notBefore, notAfter);
            Path chain = dir.resolve(stem + ".pem");
            Path key = dir.resolve(stem + ".key");
            DemoCertificates.writeNew(chain, DemoCertificates.pem(List.of(certificate, ca)), false);
            String keyText;
            if (format == KeyFormat.PKCS8) {
                keyText = DemoCertificates.pkcs8(keys.getPrivate());
            } else {
                StringWriter text = new StringWriter();
                try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                    if (kind == ServerCredentials.KeyKind.EC) {
                        // SEC1 as openssl writes it: the named curve inside the ECPrivateKey.
                        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
                        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                        ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                                info.getPrivateKeyAlgorithm().getParameters());
                        writer.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
                    } else {
                        writer.writeObject(keys);
                    }
                }
                keyText = text.toString();
            }
            DemoCertificates.writeNew(key, keyText, true);
            return new Issued(certificate, chain, key);
        } catch (Exception e) {
            throw new AssertionError("cannot issue test certificate " + stem + " under " + name, e);
        }
    }

    /** A server certificate and its files. */
    public record Issued(X509Certificate certificate, Path chainFile, Path keyFile) {
        public ServerCredentials credentials() {
            return ServerCredentials.fromPem(chainFile, keyFile);
        }
    }

    private static String fileName(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) ? c : '-');
        }
        return b.toString();
    }
}
