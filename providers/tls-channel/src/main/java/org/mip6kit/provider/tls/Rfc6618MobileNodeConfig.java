package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.mip6kit.provider.tls.stream.ClientTrust;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The mobile node's {@code security.tls-channel} section in mode {@code rfc6618}; every key is
 * described in docs/providers/tls-channel.md#mobile-node-rfc6618. There is no home agent
 * endpoint here: the Home Agent Controller assigns it.
 */
record Rfc6618MobileNodeConfig(String mnId, byte[] psk, InetSocketAddress hac, String hacName, ClientTrust trust,
                               List<String> suites, Duration hacTimeout, Duration rebootstrapBefore) {

    static final Set<String> KEYS = Set.of("mode", "mn-id", "psk-file", "hac", "hac-name", "trust-anchors", "suites",
            "hac-timeout", "rebootstrap-before");

    static Rfc6618MobileNodeConfig read(ConfigSection c, Clock clock) throws ProviderConfigException {
        c.allowOnly(KEYS);
        String mnId = c.text("mn-id");
        byte[] psk = SecretFiles.readPsk(c.path("psk-file"), c, "psk-file");
        InetSocketAddress hac = Endpoints.parse(c.string("hac"), c, "hac");
        String name = c.text("hac-name");
        if (name.contains("*") || !name.matches("[A-Za-z0-9.-]+")) {
            throw c.error("hac-name", "'" + name + "' is not a DNS name (no wildcards; RFC 6618 §9.2 matches the "
                    + "HAC certificate's dNSName exactly)");
        }
        List<String> suites = c.strings("suites");
        if (suites.isEmpty()) {
            suites = Suites.DEFAULT;
        }
        for (String s : suites) {
            if (!Suites.known(s)) {
                throw c.error("suites", "unknown suite '" + s + "'; known: " + Suites.KNOWN);
            }
        }
        Path anchors = c.path("trust-anchors");
        ClientTrust trust;
        try {
            trust = ClientTrust.fromPem(anchors, name, clock);
        } catch (RuntimeException e) {
            throw c.error("trust-anchors", "cannot use " + anchors + " as the trust anchors for the Home Agent "
                    + "Controller: " + e.getMessage());
        }
        return new Rfc6618MobileNodeConfig(mnId, psk, hac, name, trust, List.copyOf(suites),
                c.duration("hac-timeout", Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(10)),
                c.duration("rebootstrap-before", Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofSeconds(60)));
    }

    @Override
    public String toString() {
        return "Rfc6618MobileNodeConfig[" + mnId + ", hac " + Endpoints.format(hac) + " (" + hacName + ")]";
    }
}
