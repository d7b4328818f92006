package org.mip6kit.provider.tls;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.tck.ProviderCompatibilityKit;

/**
 * The whole provider compatibility kit against {@code tls-channel} in mode {@code dtls}, with X.509
 * certificates: a test CA issues the home agent a certificate (dNSName {@code ha.example.org}) and
 * each node {@code i} its own, whose subjectAltName is the rfc822Name {@code mn<i>@example.org}
 * (the NAI the home agent binds). Wrong credentials are a certificate with the right NAI from
 * another CA. Certificates are valid around the kit's virtual epoch (the clock that checks them),
 * made once per class on first use and kept: the thousand-node case issues a thousand (the whole
 * class takes about 31 s on 2 cores, 20 s of it that case). Handshakes run on real threads while
 * virtual time stands still, hence {@code medium}.
 */
@Tag("medium")
class TlsChannelDtlsCertificateCompatibilityTest extends ProviderCompatibilityKit {

    @TempDir
    static Path pkiDir;

    private static DtlsTestPki pki;
    private static DtlsTestPki rogue;
    private static DtlsTestPki.Issued homeAgentCertificate;
    private static final Map<Integer, DtlsTestPki.Issued> NODES = new ConcurrentHashMap<>();
    private static final Map<Integer, DtlsTestPki.Issued> ROGUE_NODES = new ConcurrentHashMap<>();

    @BeforeAll
    static void createAuthorities() {
        createAuthorities(pkiDir);
    }

    /** A new test CA, rogue CA and home agent certificate in {@code dir}, for this class and its harnesses. */
    static void createAuthorities(Path dir) {
        NODES.clear();
        ROGUE_NODES.clear();
        Instant kitEpoch = TlsChannelRfc6618CompatibilityTest.KIT_EPOCH.instant();
        pki = DtlsTestPki.create(dir, "test", "mip6kit dtls test CA", kitEpoch);
        rogue = DtlsTestPki.create(dir, "rogue", "rogue CA", kitEpoch);
        homeAgentCertificate = pki.fqdn("ha", "ha.example.org");
    }

    @Override
    protected SecurityProviderFactory provider() {
        return new TlsChannelProvider();
    }

    static String identity(int node) {
        return "mn" + node + "@example.org";
    }

    /** Node {@code node}'s certificate from the test CA, issued on first use. */
    static DtlsTestPki.Issued certificate(int node) {
        return NODES.computeIfAbsent(node, n -> pki.nai("mn" + n, identity(n)));
    }

    static DtlsTestPki pki() {
        return pki;
    }

    private String homeAgentEndpoint() {
        return "[" + homeAgentAddress() + "]:" + DtlsHomeAgentConfig.DEFAULT_PORT;
    }

    @Override
    protected ConfigSection homeAgentConfig(int nodes) {
        return ConfigSection.of("security.tls-channel", null, Map.of(
                "mode", "dtls",
                "home-agent-address", homeAgentAddress().toString(),
                "certificate-chain", homeAgentCertificate.chainFile().toString(),
                "private-key", homeAgentCertificate.keyFile().toString(),
                "client-trust-anchors", pki.caFile().toString(),
                "handshake-threads", 2,
                "max-handshakes", 256,
                "handshake-timeout", "12s"));
    }

    /** A mobile node section presenting {@code certificate} and trusting the test CA for the home agent. */
    ConfigSection mobileNodeConfig(DtlsTestPki.Issued certificate) {
        return ConfigSection.of("security.tls-channel", null, Map.of(
                "mode", "dtls",
                "home-agent", homeAgentEndpoint(),
                "certificate-chain", certificate.chainFile().toString(),
                "private-key", certificate.keyFile().toString(),
                "trust-anchors", pki.caFile().toString(),
                "handshake-timeout", "12s"));
    }

    @Override
    protected ConfigSection mobileNodeConfig(int node) {
        return mobileNodeConfig(certificate(node));
    }

    @Override
    protected ConfigSection mobileNodeConfigWithWrongCredentials(int node) {
        return mobileNodeConfig(ROGUE_NODES.computeIfAbsent(node, n -> rogue.nai("rogue-mn" + n, identity(n))));
    }
}
