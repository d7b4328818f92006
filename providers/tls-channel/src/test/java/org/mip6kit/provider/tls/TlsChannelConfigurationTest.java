package org.mip6kit.provider.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.provider.tls.stream.DemoCertificates;
import org.mip6kit.provider.tls.stream.TestPki;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.StandardProviderContext;

/** The provider's configuration: every mistake stops start-up naming the key, never a secret. */
@Tag("small")
class TlsChannelConfigurationTest {

    private static final String PSK_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    private final TlsChannelProvider provider = new TlsChannelProvider();
    private final VirtualTime time = new VirtualTime();
    private DemoCertificates.Written pki;
    private Path pskTable;
    private Path pskFile;

    @BeforeEach
    void credentials() throws IOException {
        pki = DemoCertificates.write(dir.resolve("pki"), "hac.example.net", time.clock());
        pskTable = privateFile("psk-table", "# comment\nmn1@example.com " + PSK_HEX + "\n");
        pskFile = privateFile("mn1.psk", PSK_HEX + "\n");
    }

    private Path privateFile(String name, String content) throws IOException {
        Path p = Files.createFile(dir.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private ProviderContext context(ProviderContext.Role role) {
        return StandardProviderContext.builder(role).clock(time.clock()).scheduler(time).build();
    }

    private Map<String, Object> homeAgent() {
        Map<String, Object> m = new HashMap<>();
        m.put("mode", "rfc6618");
        m.put("home-agent-address", "2001:db8:1::1");
        m.put("hac-listen", "[::]:6618");
        m.put("certificate-chain", pki.hacChain().toString());
        m.put("private-key", pki.hacKey().toString());
        m.put("psk-table", pskTable.toString());
        return m;
    }

    private Map<String, Object> mobileNode() {
        Map<String, Object> m = new HashMap<>();
        m.put("mode", "rfc6618");
        m.put("mn-id", "mn1@example.com");
        m.put("psk-file", pskFile.toString());
        m.put("hac", "[2001:db8:1::1]:6618");
        m.put("hac-name", "hac.example.net");
        m.put("trust-anchors", pki.caCertificate().toString());
        return m;
    }

    private HomeAgentSecurity homeAgent(Map<String, Object> m) throws ProviderConfigException {
        return provider.homeAgent(context(ProviderContext.Role.HOME_AGENT), ConfigSection.of("security.tls-channel",
                dir.resolve("ha.yaml"), m));
    }

    private MobileNodeSecurity mobileNode(Map<String, Object> m) throws ProviderConfigException {
        return provider.mobileNode(context(ProviderContext.Role.MOBILE_NODE), ConfigSection.of("security.tls-channel",
                dir.resolve("mn.yaml"), m));
    }

    @Test
    void validSectionsAreAcceptedAndDeclareConfidentialityOnlyForEncryptingSuites() throws Exception {
        try (HomeAgentSecurity ha = homeAgent(homeAgent()); MobileNodeSecurity mn = mobileNode(mobileNode())) {
            assertThat(ha.capabilities()).contains(Capability.CONFIDENTIALITY, Capability.NEEDS_ALTERNATE_COA,
                    Capability.CHANNEL_SURVIVES_COA_CHANGE).doesNotContain(Capability.IKE_SURVIVES_MOVE);
            assertThat(mn.capabilities()).contains(Capability.CONFIDENTIALITY);
            assertThat(provider.descriptor().capabilities()).containsAll(ha.capabilities()).containsAll(
                    mn.capabilities());
        }
        Map<String, Object> nullToo = homeAgent();
        nullToo.put("suites", List.of("AES_128_CBC_SHA", "NULL_SHA"));
        try (HomeAgentSecurity ha = homeAgent(nullToo)) {
            assertThat(ha.capabilities()).doesNotContain(Capability.CONFIDENTIALITY);
        }
    }

    @Test
    void unknownModeIsRefusedListingTheKnownOnes() {
        Map<String, Object> m = homeAgent();
        m.put("mode", "tls13");
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> homeAgent(m));
        assertThat(e.getMessage()).contains("security.tls-channel.mode").contains("rfc6618").contains("dtls")
                .contains("ha.yaml");
    }

    @Test
    void unknownKeyIsRefusedByName() {
        Map<String, Object> m = mobileNode();
        m.put("home-agent-endpoint", "[::1]:7872");
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> mobileNode(m));
        assertThat(e.getMessage()).contains("home-agent-endpoint");
    }

    @Test
    void pskTableReadableByOthersIsRefusedWithTheFixAndWithoutTheKey() throws Exception {
        Files.setPosixFilePermissions(pskTable, PosixFilePermissions.fromString("rw-r--r--"));
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> homeAgent(homeAgent()));
        assertThat(e.getMessage()).contains("psk-table").contains("chmod 600").doesNotContain(PSK_HEX);
    }

    @Test
    void shortOrNonHexKeysAreRefusedWithoutShowingThem() throws Exception {
        Files.writeString(pskFile, "abcdef0123\n");
        ProviderConfigException shortKey = assertThrows(ProviderConfigException.class, () -> mobileNode(mobileNode()));
        assertThat(shortKey.getMessage()).contains("psk-file").contains("5-octet").doesNotContain("abcdef0123");
        Files.writeString(pskTable, "mn1@example.com " + PSK_HEX.replace('a', 'z') + "\n");
        ProviderConfigException notHex = assertThrows(ProviderConfigException.class, () -> homeAgent(homeAgent()));
        assertThat(notHex.getMessage()).contains("line 1").doesNotContain(PSK_HEX.replace('a', 'z'));
    }

    @Test
    void wildcardHacNameIsRefused() {
        Map<String, Object> m = mobileNode();
        m.put("hac-name", "*.example.net");
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> mobileNode(m));
        assertThat(e.getMessage()).contains("hac-name").contains("wildcard");
    }

    @Test
    void privateKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
        TestPki other = TestPki.create(Files.createDirectory(dir.resolve("other")), "other", time.clock().instant());
        TestPki.Issued stranger = other.server("stranger", "hac.example.net");
        Map<String, Object> m = homeAgent();
        m.put("private-key", stranger.keyFile().toString());
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> homeAgent(m));
        assertThat(e.getMessage()).contains("certificate-chain").contains(stranger.keyFile().toString());
    }

    @Test
    void unknownSuiteIsRefusedListingTheKnownOnes() {
        Map<String, Object> m = mobileNode();
        m.put("suites", List.of("AES_256_GCM_SHA384"));
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> mobileNode(m));
        assertThat(e.getMessage()).contains("AES_256_GCM_SHA384").contains("AES_128_CBC_SHA").contains("NULL_SHA");
    }

    @Test
    void nodeWithoutAKeyInTheTableIsRefused() {
        Map<String, Object> m = homeAgent();
        m.put("nodes", List.of(Map.of("mn-id", "mn2@example.com", "home-address", "2001:db8:1::200")));
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> homeAgent(m));
        assertThat(e.getMessage()).contains("mn2@example.com").contains("pre-shared key table");
    }

    @Test
    void demoConfigurationWritesPrivateCredentialsThatBothSidesAccept() throws Exception {
        Path demo = Files.createDirectory(dir.resolve("demo"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        DemoConfiguration c = provider.demoConfiguration(demo);
        assertThat(c.supported()).isTrue();
        for (String secret : List.of("psk-table", "mn1.psk", "pki/hac.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(demo.resolve(secret))))
                    .as(secret).isEqualTo("rw-------");
        }
        String hex = Files.readString(demo.resolve("mn1.psk")).strip();
        assertThat(HexFormat.of().parseHex(hex)).hasSize(32);
        assertThat(c.homeAgentSection().toString() + c.mobileNodeSection()).doesNotContain(hex);
        // The demo runs on the system clock: its certificates are valid now, not at virtual time.
        ProviderContext ha = StandardProviderContext.builder(ProviderContext.Role.HOME_AGENT)
                .clock(java.time.Clock.systemUTC()).scheduler(time).build();
        ProviderContext mn = StandardProviderContext.builder(ProviderContext.Role.MOBILE_NODE)
                .clock(java.time.Clock.systemUTC()).scheduler(time).build();
        provider.homeAgent(ha, ConfigSection.of("security.tls-channel", null, c.homeAgentSection())).close();
        provider.mobileNode(mn, ConfigSection.of("security.tls-channel", null, c.mobileNodeSection())).close();
    }
}
