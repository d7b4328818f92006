package org.mip6kit.provider.tls.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.bouncycastle.tls.AlertDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server certificate rules of RFC 6618 §9.2 as {@link ClientTrust} applies them, without a
 * handshake (the handshake's refusals are in {@link TlsSessionTest}).
 */
@Tag("small")
class ClientTrustTest {

    static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void expectedNameMustBeAHostNameWithoutWildcardOrAddress() {
        TestPki pki = TestPki.create(dir, "CA", NOW);
        for (String bad : List.of("*.example.org", "192.0.2.1", "2001:db8::1", "hac.example.org.", "", "a..b",
                "-hac.example.org")) {
            assertThatThrownBy(() -> ClientTrust.fromPem(pki.caFile(), bad, CLOCK)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a DNS host name");
        }
        assertThatCode(() -> ClientTrust.fromPem(pki.caFile(), "hac-1.example.org", CLOCK)).doesNotThrowAnyException();
    }

    @Test
    void oneOfSeveralDnsNamesMayMatch() {
        TestPki pki = TestPki.create(dir, "CA", NOW);
        TestPki.Issued issued = pki.server("multi", "a.example.org", "hac.example.org");

        assertThatCode(() -> ClientTrust.fromPem(pki.caFile(), "hac.example.org", CLOCK)
                .verify(List.of(issued.certificate(), pki.caCertificate()))).doesNotThrowAnyException();
    }

    @Test
    void aWildcardNeverMatchesEvenTheNameItCovers() {
        TestPki pki = TestPki.create(dir, "CA", NOW);
        TestPki.Issued issued = pki.server("wild", "*.example.org");

        assertThatThrownBy(() -> ClientTrust.fromPem(pki.caFile(), "hac.example.org", CLOCK)
                .verify(List.of(issued.certificate())))
                .isInstanceOfSatisfying(ServerCertificateException.class,
                        e -> assertThat(e.alertDescription()).isEqualTo(AlertDescription.certificate_unknown));
    }

    @Test
    void notYetValidCertificateIsRefusedAsExpired() {
        TestPki pki = TestPki.create(dir, "CA", NOW);
        TestPki.Issued future = pki.server("future", "CN=hac.example.org", List.of("hac.example.org"),
                NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(1)), ServerCredentials.KeyKind.EC,
                TestPki.KeyFormat.PKCS8);

        assertThatThrownBy(() -> ClientTrust.fromPem(pki.caFile(), "hac.example.org", CLOCK)
                .verify(List.of(future.certificate())))
                .isInstanceOfSatisfying(ServerCertificateException.class,
                        e -> assertThat(e.alertDescription()).isEqualTo(AlertDescription.certificate_expired));
    }

    @Test
    void emptyChainIsABadCertificate() {
        TestPki pki = TestPki.create(dir, "CA", NOW);

        assertThatThrownBy(() -> ClientTrust.fromPem(pki.caFile(), "hac.example.org", CLOCK).verify(List.of()))
                .isInstanceOfSatisfying(ServerCertificateException.class,
                        e -> assertThat(e.alertDescription()).isEqualTo(AlertDescription.bad_certificate));
    }
}
