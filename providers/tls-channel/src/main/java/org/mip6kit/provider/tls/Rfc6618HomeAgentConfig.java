package org.mip6kit.provider.tls;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.provider.tls.stream.ServerCredentials;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's {@code security.tls-channel} section in mode {@code rfc6618}; every key is
 * described in docs/providers/tls-channel.md#home-agent-rfc6618.
 */
record Rfc6618HomeAgentConfig(Ipv6Address homeAgentAddress, InetSocketAddress hacListen,
                              ServerCredentials credentials, Map<String, byte[]> psks, Map<String, Ipv6Address> homeAddresses,
                              InetSocketAddress udpListen, List<InetSocketAddress> advertise, List<String> suites,
                              Duration saLifetime, Duration saGrace, int replayWindow, int maxHacConnections,
                              Duration hacTimeout, int unknownSpiAnswersPerSecond) {

    static final int RFC6618_PORT = 7872;
    static final Set<String> KEYS = Set.of("mode", "home-agent-address", "hac-listen", "certificate-chain",
            "private-key", "psk-table", "nodes", "udp-listen", "advertise", "suites", "sa-lifetime", "sa-grace",
            "replay-window", "max-hac-connections", "hac-timeout", "unknown-spi-answers-per-second");

    static Rfc6618HomeAgentConfig read(ConfigSection c) throws ProviderConfigException {
        c.allowOnly(KEYS);
        Ipv6Address ha = address(c, "home-agent-address");
        InetSocketAddress hac = Endpoints.parse(c.string("hac-listen"), c, "hac-listen");
        Path chain = c.path("certificate-chain");
        Path key = c.path("private-key");
        SecretFiles.requirePrivate(key, c, "private-key", "private key of the Home Agent Controller");
        ServerCredentials credentials;
        try {
            credentials = ServerCredentials.fromPem(chain, key);
        } catch (RuntimeException e) {
            throw c.error("certificate-chain", "cannot use the Home Agent Controller's certificate chain " + chain
                    + " with the private key " + key + ": " + e.getMessage());
        }
        Map<String, byte[]> psks = SecretFiles.readPskTable(c.path("psk-table"), c, "psk-table");
        Map<String, Ipv6Address> hoas = new HashMap<>();
        java.util.Set<Ipv6Address> given = new java.util.HashSet<>();
        for (ConfigSection n : c.sections("nodes")) {
            n.allowOnly(Set.of("mn-id", "home-address"));
            String id = n.text("mn-id");
            if (!psks.containsKey(id)) {
                throw n.error("mn-id", id + " has no key in the pre-shared key table");
            }
            Ipv6Address hoa = address(n, "home-address");
            if (!given.add(hoa)) {
                throw n.error("home-address", hoa + " is given to two nodes");
            }
            if (hoas.put(id, hoa) != null) {
                throw n.error("mn-id", id + " appears twice");
            }
        }
        InetSocketAddress udp = Endpoints.parse(c.optionalString("udp-listen").orElse("[::]:" + RFC6618_PORT), c,
                "udp-listen");
        List<InetSocketAddress> advertise = new ArrayList<>();
        for (String s : c.strings("advertise")) {
            advertise.add(Endpoints.parse(s, c, "advertise"));
        }
        long v4 = advertise.stream().filter(a -> a.getAddress() instanceof Inet4Address).count();
        if (v4 > 1 || advertise.size() - v4 > 1) {
            throw c.error("advertise", "at most one IPv4 and one IPv6 endpoint (RFC 6618 mip6-haa-ip4 and "
                    + "mip6-haa-ip6), got " + advertise.size());
        }
        if (!advertise.isEmpty() && advertise.stream().noneMatch(a -> !(a.getAddress() instanceof Inet4Address))) {
            throw c.error("advertise", "an IPv6 endpoint is required (RFC 6618 mip6-haa-ip6)");
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
        return new Rfc6618HomeAgentConfig(ha, hac, credentials, Map.copyOf(psks), Map.copyOf(hoas), udp,
                List.copyOf(advertise), List.copyOf(suites),
                c.duration("sa-lifetime", Duration.ofSeconds(30), Duration.ofDays(7), Duration.ofHours(1)),
                c.duration("sa-grace", Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(60)),
                (int) c.integer("replay-window", 32, 1024, 64),
                (int) c.integer("max-hac-connections", 1, 100_000, 256),
                c.duration("hac-timeout", Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(10)),
                (int) c.integer("unknown-spi-answers-per-second", 0, 10_000, 10));
    }

    /** The endpoints the HAC gives nodes: the configured ones, else the home agent's address and the bound port. */
    List<InetSocketAddress> advertisedEndpoints(int boundPort) {
        if (!advertise.isEmpty()) {
            return advertise;
        }
        return List.of(new InetSocketAddress(homeAgentAddress.toInetAddress(), boundPort));
    }

    Optional<Ipv6Address> homeAddressOf(String mnId) {
        return Optional.ofNullable(homeAddresses.get(mnId));
    }

    static Ipv6Address address(ConfigSection c, String key) throws ProviderConfigException {
        String s = c.string(key);
        try {
            return Ipv6Address.parse(s);
        } catch (IllegalArgumentException e) {
            throw c.error(key, "'" + s + "' is not an IPv6 address");
        }
    }

    @Override
    public String toString() {
        return "Rfc6618HomeAgentConfig[" + homeAgentAddress + ", hac " + hacListen + ", " + psks.size() + " keys]";
    }
}
