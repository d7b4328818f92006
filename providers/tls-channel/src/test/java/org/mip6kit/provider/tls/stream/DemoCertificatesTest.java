package org.mip6kit.provider.tls.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.SecurityProviderException;

/** The demo's throwaway CA and HAC certificate: files, modes, and that they satisfy a client. */
@Tag("small")
class DemoCertificatesTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void writesCaChainAndAnOwnerOnlyKeyThatAClientTrustingTheCaAccepts() throws Exception {
        DemoCertificates.Written written = DemoCertificates.write(dir.resolve("demo"), "hac.example.org", CLOCK);

        assertThat(written.caCertificate()).hasFileName("ca.pem");
        assertThat(written.hacChain()).hasFileName("hac.pem");
        assertThat(written.hacKey()).hasFileName("hac.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written.hacKey())))
                .isEqualTo("rw-------");
        ServerCredentials credentials = ServerCredentials.fromPem(written.hacChain(), written.hacKey());
        assertThat(credentials.chain()).hasSize(2);
        ClientTrust trust = ClientTrust.fromPem(written.caCertificate(), "hac.example.org", CLOCK);
        trust.verify(credentials.chain());
        assertThat(credentials.certificate().getNotAfter().toInstant())
                .isEqualTo(CLOCK.instant().plus(DemoCertificates.VALIDITY));
    }

    @Test
    void refusesToOverwriteAndToTakeAWildcardName() {
        DemoCertificates.write(dir, "hac.example.org", CLOCK);

        assertThatThrownBy(() -> DemoCertificates.write(dir, "hac.example.org", CLOCK))
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining("exists already");
        assertThatThrownBy(() -> DemoCertificates.write(dir.resolve("x"), "*.example.org", CLOCK))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(dir.resolve("x").toFile().exists())).containsExactly(false);
    }
}
