package org.mip6kit.provider.tls;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mip6kit.provider.tls.stream.DemoCertificates;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The throwaway configuration of {@code ./mip6kit demo --provider tls-channel} (mode rfc6618; mode dtls
 * with {@code --provider-option mode=dtls}, see {@link #writeDtls}): a
 * demo CA and a Home Agent Controller certificate for {@value #HAC_NAME}, one pre-shared key for
 * {@value #MN_ID}, all written into the demo's private directory. The controller listens on
 * {@code [::1]}, the home agent's RFC 6618 UDP socket on the dual-stack wildcard, and the
 * controller tells the node to send to {@code [::1]} and {@code 127.0.0.1} on that port (the
 * addresses inside the messages stay the demo's documentation addresses).
 */
final class DemoSetup {

    static final String HAC_NAME = "hac.demo.example";
    static final String MN_ID = "mn1@example.com";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoSetup() {
    }

    static DemoConfiguration write(Path dir) throws ProviderConfigException {
        try {
            DemoCertificates.Written pki = DemoCertificates.write(dir.resolve("pki"), HAC_NAME);
            byte[] psk = new byte[32];
            RANDOM.nextBytes(psk);
            String hex = HexFormat.of().formatHex(psk);
            Path table = privateFile(dir.resolve("psk-table"), "# mn-id pre-shared-key\n" + MN_ID + " " + hex + "\n");
            Path nodeKey = privateFile(dir.resolve("mn1.psk"), hex + "\n");
            int hacPort = freeTcpPort();
            int udpPort = freeUdpPort();
            Map<String, Object> ha = new LinkedHashMap<>();
            ha.put("mode", "rfc6618");
            ha.put("home-agent-address", DemoConfiguration.HOME_AGENT.toString());
            ha.put("hac-listen", "[::1]:" + hacPort);
            ha.put("certificate-chain", pki.hacChain().toString());
            ha.put("private-key", pki.hacKey().toString());
            ha.put("psk-table", table.toString());
            ha.put("nodes", List.of(Map.of("mn-id", MN_ID, "home-address", DemoConfiguration.HOME_ADDRESS.toString())));
            ha.put("udp-listen", "[::]:" + udpPort);
            ha.put("advertise", List.of("[::1]:" + udpPort, "127.0.0.1:" + udpPort));
            Map<String, Object> mn = new LinkedHashMap<>();
            mn.put("mode", "rfc6618");
            mn.put("mn-id", MN_ID);
            mn.put("psk-file", nodeKey.toString());
            mn.put("hac", "[::1]:" + hacPort);
            mn.put("hac-name", HAC_NAME);
            mn.put("trust-anchors", pki.caCertificate().toString());
            return DemoConfiguration.of(ha, mn);
        } catch (IOException | RuntimeException e) {
            throw new ProviderConfigException("security." + TlsChannelProvider.NAME, null,
                    "cannot write the demo credentials into " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Mode dtls: one pre-shared key for {@value #MN_ID} (ECDHE-PSK suites); the home agent's DTLS
     * server on the dual-stack wildcard, the node sending to {@code [::1]} on that port.
     */
    static DemoConfiguration writeDtls(Path dir) throws ProviderConfigException {
        try {
            byte[] psk = new byte[32];
            RANDOM.nextBytes(psk);
            String hex = HexFormat.of().formatHex(psk);
            Path table = privateFile(dir.resolve("dtls-psk-table"), "# identity pre-shared-key\n" + MN_ID + " " + hex
                    + "\n");
            Path nodeKey = privateFile(dir.resolve("mn1.psk"), hex + "\n");
            int port = freeUdpPort();
            Map<String, Object> ha = new LinkedHashMap<>();
            ha.put("mode", "dtls");
            ha.put("home-agent-address", DemoConfiguration.HOME_AGENT.toString());
            ha.put("listen", "[::]:" + port);
            ha.put("psk-table", table.toString());
            ha.put("nodes", List.of(Map.of("identity", MN_ID, "home-address", DemoConfiguration.HOME_ADDRESS.toString())));
            Map<String, Object> mn = new LinkedHashMap<>();
            mn.put("mode", "dtls");
            mn.put("home-agent", "[::1]:" + port);
            mn.put("identity", MN_ID);
            mn.put("psk-file", nodeKey.toString());
            return DemoConfiguration.of(ha, mn);
        } catch (IOException | RuntimeException e) {
            throw new ProviderConfigException("security." + TlsChannelProvider.NAME, null,
                    "cannot write the demo credentials into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path privateFile(Path p, String content) throws IOException {
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::"), 0))) {
            return s.getLocalPort();
        }
    }
}
