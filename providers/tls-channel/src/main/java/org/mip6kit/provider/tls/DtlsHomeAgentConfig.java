package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.provider.tls.dtls.DtlsServerCredentials;
import org.mip6kit.provider.tls.dtls.DtlsServerSettings;
import org.mip6kit.provider.tls.dtls.PskTable;
import org.mip6kit.provider.tls.dtls.X509Credentials;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's {@code security.tls-channel} section in mode {@code dtls}. Keys:
 * <pre>
 *   mode: dtls
 *   home-agent-address: 2001:db8:1::1        the home agent's own (inner) address; required
 *   listen: "[::]:54191"                      the DTLS server's UDP endpoint (default [::]:54191)
 *   psk-table: /etc/mip6kit/dtls-psk          "identity hex-key" lines, mode 0600 (PskTable); or
 *   certificate-chain: ha-chain.pem           the server's chain (end entity first), with
 *   private-key: ha-key.pem                   its EC private key (mode 0600) and
 *   client-trust-anchors: mn-ca.pem           the CAs mobile node certificates must chain to
 *   nodes:                                    optional static home addresses
 *     - identity: mn1@example.org             the PSK identity, or the certificate's NAI/dNSName
 *       home-address: 2001:db8:1::10
 *   handshake-threads: 4                      1..64
 *   max-handshakes: 64                        in progress or waiting, 1..4096
 *   handshake-timeout: 30s                    one handshake's limit, 1s..10min (real time)
 *   idle-timeout: 2h                          an association silent this long is closed, 1s..30d
 *   unbound-timeout: 30s                      an association with no binding this long after its
 *                                             assignment is closed, 1s..1h
 * </pre>
 * Exactly one of {@code psk-table} or the three certificate keys. Secrets come only from files
 * private to their owner. Relative paths are resolved against the configuration file.
 *
 * <p><b>Why port 54191.</b> Not 4191: that is RFC 5555's DSMIPv6 port, which the engine's own UDP
 * transport binds on the same home agent. Not 7872: that is RFC 6618's {@code mip6} port, with
 * RFC 6618's packet format, which mode {@code rfc6618} serves and a home agent may serve beside
 * this mode. This mode is not registered with IANA, so its default lies in the Dynamic and/or
 * Private range (49152..65535, never assigned, RFC 6335 §6) rather than squatting a registered
 * User Port; "54191" recalls 4191.
 */
record DtlsHomeAgentConfig(Ipv6Address homeAgentAddress, InetSocketAddress listen, DtlsServerCredentials credentials,
                           Map<Identity, Ipv6Address> staticHomeAddresses, DtlsServerSettings settings,
                           Duration unboundTimeout) {

    static final int DEFAULT_PORT = 54191;
    static final Set<String> KEYS = Set.of("mode", "home-agent-address", "listen", "psk-table", "certificate-chain",
            "private-key", "client-trust-anchors", "nodes", "handshake-threads", "max-handshakes", "handshake-timeout",
            "idle-timeout", "unbound-timeout");

    static DtlsHomeAgentConfig read(ConfigSection c) throws ProviderConfigException {
        c.allowOnly(KEYS);
        Ipv6Address ha = Rfc6618HomeAgentConfig.address(c, "home-agent-address");
        InetSocketAddress listen = Endpoints.parse(c.optionalString("listen").orElse("[::]:" + DEFAULT_PORT), c,
                "listen");
        boolean psk = c.has("psk-table");
        boolean x509 = c.has("certificate-chain") || c.has("private-key") || c.has("client-trust-anchors");
        if (psk == x509) {
            throw c.error(psk ? "certificate-chain" : "psk-table", "give either psk-table or certificate-chain, "
                    + "private-key and client-trust-anchors (see " + TlsChannelProvider.DOCS + ")");
        }
        DtlsServerCredentials credentials;
        Optional<PskTable> table = Optional.empty();
        if (psk) {
            // The same private "<identity> <hex key>" table file as mode rfc6618's (SecretFiles).
            Map<String, byte[]> keys = SecretFiles.readPskTable(c.path("psk-table"), c, "psk-table");
            try {
                table = Optional.of(PskTable.of(keys));
            } catch (IllegalArgumentException e) {
                throw c.error("psk-table", e.getMessage());
            } finally {
                keys.values().forEach(k -> java.util.Arrays.fill(k, (byte) 0));
            }
            credentials = DtlsServerCredentials.psk(table.get());
        } else {
            Path key = c.path("private-key");
            SecretFiles.requirePrivate(key, c, "private-key", "private key of the DTLS server");
            credentials = DtlsServerCredentials.x509(X509Credentials.load(c, "certificate-chain", "private-key",
                    "client-trust-anchors"));
        }
        Map<Identity, Ipv6Address> hoas = new LinkedHashMap<>();
        java.util.Set<Ipv6Address> given = new java.util.HashSet<>();
        for (ConfigSection n : c.sections("nodes")) {
            n.allowOnly(Set.of("identity", "home-address"));
            String id = n.text("identity");
            Identity identity;
            if (table.isPresent()) {
                if (table.get().key(id).isEmpty()) {
                    throw n.error("identity", id + " has no key in the DTLS pre-shared key table");
                }
                identity = new Identity(Identity.Kind.PSK_IDENTITY, id);
            } else {
                identity = new Identity(id.indexOf('@') > 0 ? Identity.Kind.NAI : Identity.Kind.FQDN, id);
            }
            Ipv6Address hoa = Rfc6618HomeAgentConfig.address(n, "home-address");
            if (!given.add(hoa)) {
                throw n.error("home-address", hoa + " is given to two nodes");
            }
            if (hoas.put(identity, hoa) != null) {
                throw n.error("identity", id + " appears twice");
            }
        }
        DtlsServerSettings settings;
        try {
            settings = DtlsServerSettings.builder()
                    .handshakeThreads((int) c.integer("handshake-threads", 1, 64, 4))
                    .maxHandshakes((int) c.integer("max-handshakes", 1, 4096, 64))
                    .handshakeTimeout(c.duration("handshake-timeout", Duration.ofSeconds(1), Duration.ofMinutes(10),
                            Duration.ofSeconds(30)))
                    .idleTimeout(c.duration("idle-timeout", Duration.ofSeconds(1), Duration.ofDays(30),
                            Duration.ofHours(2)))
                    .build();
        } catch (IllegalArgumentException e) {
            throw c.error("handshake-threads", e.getMessage());
        }
        return new DtlsHomeAgentConfig(ha, listen, credentials, Map.copyOf(hoas), settings,
                c.duration("unbound-timeout", Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(30)));
    }

    /** The home address configured for {@code identity}, if any. */
    Optional<Ipv6Address> staticHomeAddress(Identity identity) {
        return Optional.ofNullable(staticHomeAddresses.get(identity));
    }

    /** Whether {@code address} is configured for an identity other than {@code identity}. */
    boolean configuredForAnother(Identity identity, Ipv6Address address) {
        return staticHomeAddresses.entrySet().stream()
                .anyMatch(e -> e.getValue().equals(address) && !e.getKey().equals(identity));
    }

    @Override
    public String toString() {
        return "DtlsHomeAgentConfig[" + homeAgentAddress + ", listen " + Endpoints.format(listen) + ", " + credentials
                + ", " + staticHomeAddresses.size() + " static home addresses]";
    }
}
