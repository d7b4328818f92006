package org.mip6kit.provider.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;

/** The {@code dtls} mode's configuration sections: keys, defaults, secrets only from private files, never echoed. */
@Tag("small")
class DtlsModeConfigTest {

    private static final String KEY = "8f2b9c0d3e4a5b6c7d8e9fa0b1c2d3e4";

    @TempDir
    Path dir;

    private Path file(String name, String content, String permissions) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(permissions));
        return p;
    }

    private Map<String, Object> homeAgent() throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put("mode", "dtls");
        m.put("home-agent-address", "2001:db8:1::1");
        m.put("psk-table", file("table", "mn1@example.org " + KEY + "\n", "rw-------").toString());
        return m;
    }

    private Map<String, Object> mobileNode() throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put("mode", "dtls");
        m.put("home-agent", "[2001:db8:1::1]:54191");
        m.put("identity", "mn1@example.org");
        m.put("psk-file", file("mn1.psk", KEY + "\n", "rw-------").toString());
        return m;
    }

    private static ConfigSection section(Map<String, Object> m) {
        return ConfigSection.of("security.tls-channel", null, m);
    }

    @Test
    void homeAgentDefaultsToPort54191AndReadsStaticHomeAddresses() throws Exception {
        Map<String, Object> m = homeAgent();
        m.put("nodes", java.util.List.of(Map.of("identity", "mn1@example.org", "home-address", "2001:db8:1::10")));

        DtlsHomeAgentConfig c = DtlsHomeAgentConfig.read(section(m));

        assertThat(c.listen().getPort()).isEqualTo(54191);
        assertThat(c.staticHomeAddress(new Identity(Identity.Kind.PSK_IDENTITY, "mn1@example.org")))
                .contains(Ipv6Address.parse("2001:db8:1::10"));
        assertThat(c.toString()).doesNotContain(KEY);
    }

    @Test
    void homeAgentRefusesAnUnknownKey() throws Exception {
        Map<String, Object> m = homeAgent();
        m.put("listne", "[::]:1");

        assertThat(assertThrows(ProviderConfigException.class, () -> DtlsHomeAgentConfig.read(section(m))))
                .hasMessageContaining("listne");
    }

    @Test
    void homeAgentRefusesAPskTableOthersMayRead() throws Exception {
        Map<String, Object> m = homeAgent();
        m.put("psk-table", file("open", "mn1@example.org " + KEY + "\n", "rw-r--r--").toString());

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsHomeAgentConfig.read(section(m)));

        assertThat(e).hasMessageContaining("chmod 600");
        assertThat(e.getMessage()).doesNotContain(KEY);
    }

    @Test
    void homeAgentNeedsExactlyOneKindOfCredentials() throws Exception {
        Map<String, Object> m = homeAgent();
        m.put("certificate-chain", "chain.pem");

        assertThat(assertThrows(ProviderConfigException.class, () -> DtlsHomeAgentConfig.read(section(m))))
                .hasMessageContaining("either psk-table or certificate-chain");
    }

    @Test
    void homeAgentRefusesAStaticNodeWithoutAKey() throws Exception {
        Map<String, Object> m = homeAgent();
        m.put("nodes", java.util.List.of(Map.of("identity", "mn2@example.org", "home-address", "2001:db8:1::10")));

        assertThat(assertThrows(ProviderConfigException.class, () -> DtlsHomeAgentConfig.read(section(m))))
                .hasMessageContaining("mn2@example.org has no key");
    }

    @Test
    void mobileNodeNamesThePskIdentityItWillPresent() throws Exception {
        DtlsMobileNodeConfig c = DtlsMobileNodeConfig.read(section(mobileNode()));

        assertThat(c.credentials().presentedIdentity())
                .contains(new Identity(Identity.Kind.PSK_IDENTITY, "mn1@example.org"));
        assertThat(c.homeAgent().getPort()).isEqualTo(54191);
        assertThat(c.toString()).doesNotContain(KEY);
    }

    @Test
    void mobileNodeRefusesAShortKeyWithoutShowingIt() throws Exception {
        Map<String, Object> m = mobileNode();
        m.put("psk-file", file("short.psk", "00112233\n", "rw-------").toString());

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsMobileNodeConfig.read(section(m)));

        assertThat(e).hasMessageContaining("4-octet key");
        assertThat(e.getMessage()).doesNotContain("00112233");
    }

    @Test
    void mobileNodeNeedsTheHomeAgentsPort() throws Exception {
        Map<String, Object> m = mobileNode();
        m.put("home-agent", "[2001:db8:1::1]:0");

        assertThat(assertThrows(ProviderConfigException.class, () -> DtlsMobileNodeConfig.read(section(m))))
                .hasMessageContaining("needs a port");
    }

    // ------------------------------------------------------------------ certificates

    private DtlsTestPki pki() {
        return DtlsTestPki.create(dir, "config", "config test CA", java.time.Instant.now());
    }

    private static Map<String, Object> certificateHomeAgent(DtlsTestPki pki, DtlsTestPki.Issued own) {
        Map<String, Object> m = new HashMap<>();
        m.put("mode", "dtls");
        m.put("home-agent-address", "2001:db8:1::1");
        m.put("certificate-chain", own.chainFile().toString());
        m.put("private-key", own.keyFile().toString());
        m.put("client-trust-anchors", pki.caFile().toString());
        return m;
    }

    private static Map<String, Object> certificateMobileNode(DtlsTestPki pki, DtlsTestPki.Issued own) {
        Map<String, Object> m = new HashMap<>();
        m.put("mode", "dtls");
        m.put("home-agent", "[2001:db8:1::1]:54191");
        m.put("certificate-chain", own.chainFile().toString());
        m.put("private-key", own.keyFile().toString());
        m.put("trust-anchors", pki.caFile().toString());
        return m;
    }

    @Test
    void mobileNodeWithACertificateReportsItsNaiAndHomeAgentReadsItsCertificateFiles() throws Exception {
        DtlsTestPki pki = pki();
        DtlsMobileNodeConfig mn = DtlsMobileNodeConfig.read(section(certificateMobileNode(pki,
                pki.issue("mn1", "CN=mn1, O=mip6kit", new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.rfc822Name, "mn1@example.org")))));
        DtlsHomeAgentConfig ha = DtlsHomeAgentConfig.read(section(certificateHomeAgent(pki,
                pki.fqdn("ha", "ha.example.org"))));

        assertThat(mn.credentials().presentedIdentity()).contains(Identity.nai("mn1@example.org"));
        assertThat(ha.toString()).contains("CN=ha");
    }

    @Test
    void homeAgentWithoutClientTrustAnchorsNamesTheMissingKey() throws Exception {
        DtlsTestPki pki = pki();
        Map<String, Object> m = certificateHomeAgent(pki, pki.fqdn("ha", "ha.example.org"));
        m.remove("client-trust-anchors");

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsHomeAgentConfig.read(section(m)));

        assertThat(e.key()).isEqualTo("security.tls-channel.client-trust-anchors");
    }

    @Test
    void homeAgentWhoseTrustAnchorFileIsAbsentNamesTheKeyAndTheFile() throws Exception {
        DtlsTestPki pki = pki();
        Map<String, Object> m = certificateHomeAgent(pki, pki.fqdn("ha", "ha.example.org"));
        Path absent = dir.resolve("no-such-ca.pem");
        m.put("client-trust-anchors", absent.toString());

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsHomeAgentConfig.read(section(m)));

        assertThat(e.key()).isEqualTo("security.tls-channel.client-trust-anchors");
        assertThat(e).hasMessageContaining(absent.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void mobileNodeWhoseTrustAnchorFileHoldsNoCertificateNamesTheKeyAndTheFile() throws Exception {
        DtlsTestPki pki = pki();
        Map<String, Object> m = certificateMobileNode(pki, pki.nai("mn1", "mn1@example.org"));
        Path empty = file("empty.pem", "not a certificate\n", "rw-r--r--");
        m.put("trust-anchors", empty.toString());

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsMobileNodeConfig.read(section(m)));

        assertThat(e.key()).isEqualTo("security.tls-channel.trust-anchors");
        assertThat(e).hasMessageContaining(empty.toString()).hasMessageContaining("no CERTIFICATE");
    }

    @Test
    void homeAgentWhosePrivateKeyIsNotTheCertificatesNamesTheKeyAndBothFiles() throws Exception {
        DtlsTestPki pki = pki();
        DtlsTestPki.Issued ha = pki.fqdn("ha", "ha.example.org");
        DtlsTestPki.Issued other = pki.fqdn("other", "other.example.org");
        Map<String, Object> m = certificateHomeAgent(pki, ha);
        m.put("private-key", other.keyFile().toString());

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsHomeAgentConfig.read(section(m)));

        assertThat(e.key()).isEqualTo("security.tls-channel.private-key");
        assertThat(e).hasMessageContaining(other.keyFile().toString()).hasMessageContaining(ha.chainFile().toString())
                .hasMessageContaining("does not belong");
        assertThat(e.getMessage()).doesNotContain(java.nio.file.Files.readString(other.keyFile()).lines()
                .filter(l -> !l.startsWith("-----")).findFirst().orElseThrow());
    }

    @Test
    void mobileNodeWhosePrivateKeyIsNotTheCertificatesNamesTheKeyAndTheFile() throws Exception {
        DtlsTestPki pki = pki();
        Map<String, Object> m = certificateMobileNode(pki, pki.nai("mn1", "mn1@example.org"));
        Path foreign = pki.nai("mn2", "mn2@example.org").keyFile();
        m.put("private-key", foreign.toString());

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsMobileNodeConfig.read(section(m)));

        assertThat(e.key()).isEqualTo("security.tls-channel.private-key");
        assertThat(e).hasMessageContaining(foreign.toString()).hasMessageContaining("does not belong");
    }

    @Test
    void worldReadablePrivateKeyIsRefusedNamingTheKeyAndTheFile() throws Exception {
        DtlsTestPki pki = pki();
        DtlsTestPki.Issued ha = pki.fqdn("ha", "ha.example.org");
        Files.setPosixFilePermissions(ha.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        DtlsTestPki.Issued mn = pki.nai("mn1", "mn1@example.org");
        Files.setPosixFilePermissions(mn.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));

        ProviderConfigException atHa = assertThrows(ProviderConfigException.class,
                () -> DtlsHomeAgentConfig.read(section(certificateHomeAgent(pki, ha))));
        ProviderConfigException atMn = assertThrows(ProviderConfigException.class,
                () -> DtlsMobileNodeConfig.read(section(certificateMobileNode(pki, mn))));

        for (ProviderConfigException e : java.util.List.of(atHa, atMn)) {
            assertThat(e.key()).isEqualTo("security.tls-channel.private-key");
            assertThat(e).hasMessageContaining("chmod 600");
        }
        assertThat(atHa).hasMessageContaining(ha.keyFile().toString());
        assertThat(atMn).hasMessageContaining(mn.keyFile().toString());
    }

    @Test
    void mobileNodeCertificateNamingItOnlyInTheSubjectDnIsRefusedNamingTheKeyAndTheFile() throws Exception {
        DtlsTestPki pki = pki();
        DtlsTestPki.Issued dnOnly = pki.issue("dn-only", "CN=mn9@example.org, O=mip6kit");

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> DtlsMobileNodeConfig.read(section(certificateMobileNode(pki, dnOnly))));

        assertThat(e.key()).isEqualTo("security.tls-channel.certificate-chain");
        assertThat(e).hasMessageContaining(dnOnly.chainFile().toString()).hasMessageContaining("subjectAltName");
    }
}
