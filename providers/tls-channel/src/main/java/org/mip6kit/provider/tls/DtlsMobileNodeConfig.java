package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.mip6kit.provider.tls.dtls.DtlsClientCredentials;
import org.mip6kit.provider.tls.dtls.X509Credentials;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The mobile node's {@code security.tls-channel} section in mode {@code dtls}. Keys:
 * <pre>
 *   mode: dtls
 *   home-agent: "[2001:db8:1::1]:54191"   the home agent's DTLS server; required
 *   identity: mn1@example.org             the PSK identity (PSK only; a certificate names its own)
 *   psk-file: /etc/mip6kit/mn1.psk        the key in hexadecimal, 16..64 octets, mode 0600; or
 *   certificate-chain: mn1-chain.pem      the node's chain (end entity first; its subjectAltName
 *   private-key: mn1-key.pem              NAI or dNSName is its identity), EC key (mode 0600), and
 *   trust-anchors: ha-ca.pem              the CAs the home agent's certificate must chain to
 *   handshake-timeout: 30s                1s..10min, real time (Bouncy Castle's own timer)
 *   assignment-timeout: 10s               how long to wait for the home address assignment, 1s..5min
 * </pre>
 * Either {@code identity} and {@code psk-file}, or the three certificate keys.
 */
record DtlsMobileNodeConfig(InetSocketAddress homeAgent, DtlsClientCredentials credentials, Duration handshakeTimeout,
                            Duration assignmentTimeout) {

    static final Set<String> KEYS = Set.of("mode", "home-agent", "identity", "psk-file", "certificate-chain",
            "private-key", "trust-anchors", "handshake-timeout", "assignment-timeout");

    static DtlsMobileNodeConfig read(ConfigSection c) throws ProviderConfigException {
        c.allowOnly(KEYS);
        InetSocketAddress ha = Endpoints.parse(c.string("home-agent"), c, "home-agent");
        if (ha.getPort() == 0) {
            throw c.error("home-agent", "the home agent's DTLS endpoint needs a port (default on the home agent: "
                    + DtlsHomeAgentConfig.DEFAULT_PORT + ")");
        }
        boolean psk = c.has("psk-file") || c.has("identity");
        boolean x509 = c.has("certificate-chain") || c.has("private-key") || c.has("trust-anchors");
        if (psk == x509) {
            throw c.error(psk ? "certificate-chain" : "psk-file", "give either identity and psk-file, or "
                    + "certificate-chain, private-key and trust-anchors (see " + TlsChannelProvider.DOCS + ")");
        }
        DtlsClientCredentials credentials;
        if (psk) {
            String identity = c.text("identity");
            byte[] key = SecretFiles.readPsk(c.path("psk-file"), c, "psk-file");
            try {
                credentials = DtlsClientCredentials.psk(identity, key);
            } catch (IllegalArgumentException e) {
                throw c.error("identity", e.getMessage());
            } finally {
                java.util.Arrays.fill(key, (byte) 0);
            }
        } else {
            Path key = c.path("private-key");
            SecretFiles.requirePrivate(key, c, "private-key", "private key of the mobile node");
            X509Credentials x = X509Credentials.load(c, "certificate-chain", "private-key", "trust-anchors");
            credentials = DtlsClientCredentials.x509(x);
            if (credentials.presentedIdentity().isEmpty()) {
                throw c.error("certificate-chain", "the end-entity certificate in "
                        + c.path("certificate-chain").toAbsolutePath() + " (subject " + x.chain().get(0)
                        .getSubjectX500Principal() + ") names no rfc822Name (NAI) or dNSName in its subjectAltName; "
                        + "the home agent identifies nodes by that name, never by the subject, and would refuse it");
            }
        }
        return new DtlsMobileNodeConfig(ha, credentials,
                c.duration("handshake-timeout", Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(30)),
                c.duration("assignment-timeout", Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(10)));
    }

    @Override
    public String toString() {
        return "DtlsMobileNodeConfig[" + credentials + ", home agent " + Endpoints.format(homeAgent) + "]";
    }
}
