package org.mip6kit.provider.tls.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.SecurityProviderException;

/** Reading a TLS server's chain and key from PEM files: the formats taken, and the refusals. */
@Tag("small")
class ServerCredentialsTest {

    static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");

    @TempDir
    Path dir;

    TestPki.Issued issue(String stem, ServerCredentials.KeyKind kind, TestPki.KeyFormat format) {
        return TestPki.create(dir, "CA " + stem, NOW).server(stem, "CN=hac.example.org", List.of("hac.example.org"),
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)), kind, format);
    }

    @Test
    void readsPkcs8Sec1AndPkcs1KeysWithTheChainLeafFirst() {
        for (ServerCredentials.KeyKind kind : ServerCredentials.KeyKind.values()) {
            for (TestPki.KeyFormat format : TestPki.KeyFormat.values()) {
                TestPki.Issued issued = issue(kind + "-" + format, kind, format);
                ServerCredentials credentials = issued.credentials();
                assertThat(credentials.keyKind()).isEqualTo(kind);
                assertThat(credentials.certificate()).isEqualTo(issued.certificate());
                assertThat(credentials.chain()).hasSize(2);
            }
        }
    }

    @Test
    void ecParametersBlockBeforeASec1KeyIsSkipped() throws Exception {
        TestPki.Issued issued = issue("sec1", ServerCredentials.KeyKind.EC, TestPki.KeyFormat.TRADITIONAL);
        Path withParameters = dir.resolve("with-parameters.key");
        // openssl ecparam -genkey writes the named curve (P-256 OID 1.2.840.10045.3.1.7) first.
        Files.writeString(withParameters, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(issued.keyFile()), StandardCharsets.US_ASCII);

        assertThat(ServerCredentials.fromPem(issued.chainFile(), withParameters).keyKind())
                .isEqualTo(ServerCredentials.KeyKind.EC);
    }

    @Test
    void keyOfAnotherCertificateIsRefusedNamingTheLeaf() {
        TestPki.Issued one = issue("one", ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);
        TestPki.Issued two = issue("two", ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);

        assertThatThrownBy(() -> ServerCredentials.fromPem(one.chainFile(), two.keyFile()))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("does not belong to 'CN=hac.example.org'");
    }

    @Test
    void rsaKeyForAnEcCertificateIsRefused() {
        TestPki.Issued ec = issue("ec", ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);
        TestPki.Issued rsa = issue("rsa", ServerCredentials.KeyKind.RSA, TestPki.KeyFormat.PKCS8);

        assertThatThrownBy(() -> ServerCredentials.fromPem(ec.chainFile(), rsa.keyFile()))
                .hasMessageContaining("does not belong");
    }

    @Test
    void encryptedKeyIsRefusedNamingTheFile() throws Exception {
        TestPki.Issued issued = issue("enc", ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);
        Path encrypted = dir.resolve("encrypted.key");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + "MIGjMF8GCSqGSIb3DQEFDTBSMDEGCSqGSIb3DQEFDDAkBBAAAAAAAAAAAAAAAAAAAAAAAgIIADAMBggqhkiG9w0CCQUA"
                + "MB0GCWCGSAFlAwQBKgQQAAAAAAAAAAAAAAAAAAAAAARAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        assertThatThrownBy(() -> ServerCredentials.fromPem(issued.chainFile(), encrypted))
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining(encrypted.toString())
                .hasMessageContaining("encrypted");
    }

    @Test
    void certificateFileInPlaceOfTheKeyIsRefused() {
        TestPki.Issued issued = issue("swap", ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);

        assertThatThrownBy(() -> ServerCredentials.fromPem(issued.chainFile(), issued.chainFile()))
                .hasMessageContaining("holds no PEM private key");
        assertThatThrownBy(() -> ServerCredentials.fromPem(issued.keyFile(), issued.keyFile()))
                .hasMessageContaining("only CERTIFICATE blocks");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> ServerCredentials.fromPem(missing, missing))
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void toStringNamesTheSubjectAndNeverTheKey() throws Exception {
        TestPki.Issued issued = issue("print", ServerCredentials.KeyKind.EC, TestPki.KeyFormat.PKCS8);
        ServerCredentials credentials = issued.credentials();
        String keyBody = Files.readString(issued.keyFile()).lines().filter(l -> !l.startsWith("-----"))
                .findFirst().orElseThrow();

        assertThat(credentials.toString()).contains("CN=hac.example.org", "EC").doesNotContain(keyBody.substring(0, 16));
    }
}
