package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.cli.DaemonsEndToEndTshark.Packet;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeRegistrationException;
import org.mip6kit.ha.HomeAgentConfig;
import org.mip6kit.ha.HomeAgentDaemon;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.mn.MobileNodeConfig;
import org.mip6kit.mn.MobileNodeDaemon;
import org.mip6kit.testing.HostRequirements;
import org.mip6kit.wire.BindingAckStatus;

/**
 * NEMO basic support (RFC 3963) through the reference daemons on loopback UDP: a mobile router
 * configured in explicit mode registers two prefixes, {@code ha bindings --json} lists them and
 * {@code mn status --json} shows them; a second router claiming a prefix outside its entry of
 * {@code home-agent.mobile-routers} gets 142; after the first router's deregistration nothing is
 * bound. The home agent's capture, read by {@code tshark}, shows the Binding Update's R flag and
 * its two Mobile Network Prefix options, and the acknowledgement's R flag (wire interoperability:
 * Wireshark's own NEMO dissector). Large: it runs the external {@code tshark}.
 */
@Tag("large")
class MobileRouterDaemonsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BINDING_UPDATE = 5;
    private static final int BINDING_ACK = 6;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private Path haConfig() throws Exception {
        return Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                  max-lifetime: 10m
                  shutdown-timeout: 2s
                  mobile-routers:
                    - identity: nai:mr1@example.org
                      prefixes: [2001:db8:100::/48, 2001:db8:200::/48]
                    - identity: mr2@example.org
                      prefixes: [2001:db8:300::/48]
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: test-nai
                  test-nai: { realm: example.org }
                """);
    }

    private Path mnConfig(String name, String nai, String homeAddress, String prefixes, int haPort)
            throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), """
                mobile-node:
                  home-address: %s
                  home-agent: 2001:db8:1::1
                  home-agent-endpoint: "[::1]:%d"
                  care-of:
                    address: 2001:db8:2::100
                  lifetime: 600s
                  shutdown-timeout: 2s
                  retransmission: { give-up-after: 2 }
                  mobile-router:
                    enabled: true
                    mode: explicit
                    prefixes: %s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: %s.sock
                security:
                  provider: test-nai
                  test-nai: { nai: %s }
                """.formatted(homeAddress, haPort, prefixes, name, nai));
    }

    private MobileNodeDaemon startMobileRouter(Path config) throws Exception {
        return MobileNodeDaemon.start(MobileNodeConfig.load(config), MobileNodeDaemon.Options.defaults()
                .withProviders(SecurityProviders.of(List.of(new NaiTestProvider()))));
    }

    @Test
    void mobileRouterRegistersTwoPrefixesExplicitlyAndAnUnauthorisedPrefixGets142() throws Exception {
        Path tshark = HostRequirements.command("tshark", "tshark");
        Path pcap = dir.resolve("ha.pcap");
        int haPort;
        try (HomeAgentDaemon ha = HomeAgentDaemon.start(HomeAgentConfig.load(haConfig()),
                HomeAgentDaemon.Options.defaults().withPcap(pcap)
                        .withProviders(SecurityProviders.of(List.of(new NaiTestProvider()))))) {
            haPort = ha.udpAddress().orElseThrow().getPort();

            try (MobileNodeDaemon mr1 = startMobileRouter(mnConfig("mr1", "mr1@example.org", "2001:db8:1::100",
                    "[2001:db8:100::/48, 2001:db8:200:1::/64]", haPort))) {
                MobileNodeEngine.Registration r = mr1.firstRegistration().get(10, TimeUnit.SECONDS);
                assertThat(r.homeAddress().toString()).isEqualTo("2001:db8:1::100");

                CommandRun bindings = CommandRun.of("ha", "bindings", "--socket", ha.adminSocket().toString(),
                        "--json");
                assertThat(bindings.exitCode()).as(bindings.toString()).isZero();
                JsonNode listed = JSON.readTree(bindings.out());
                assertThat(listed.get("count").asInt()).isEqualTo(1);
                JsonNode b = listed.get("bindings").get(0);
                assertThat(b.get("identity").asText()).isEqualTo("nai:mr1@example.org");
                assertThat(b.get("mobileRouter").asBoolean()).isTrue();
                assertThat(b.get("mobileNetworkPrefixes").toString())
                        .isEqualTo("[\"2001:db8:100::/48\",\"2001:db8:200:1::/64\"]");

                CommandRun table = CommandRun.of("ha", "bindings", "--socket", ha.adminSocket().toString());
                assertThat(table.out()).contains("2001:db8:100::/48,2001:db8:200:1::/64");

                CommandRun status = CommandRun.of("mn", "status", "--socket", mr1.adminSocket().toString(),
                        "--json");
                assertThat(status.exitCode()).as(status.toString()).isZero();
                JsonNode s = JSON.readTree(status.out());
                assertThat(s.get("mobileRouter").asText()).isEqualTo("explicit");
                assertThat(s.get("mobileNetworkPrefixes").toString())
                        .isEqualTo("[\"2001:db8:100::/48\",\"2001:db8:200:1::/64\"]");

                // mr2 is a mobile router, but 2001:db8:400::/48 is not in its entry: 142.
                try (MobileNodeDaemon mr2 = startMobileRouter(mnConfig("mr2", "mr2@example.org", "2001:db8:1::200",
                        "[2001:db8:400::/48]", haPort))) {
                    assertThatThrownBy(() -> mr2.firstRegistration().get(10, TimeUnit.SECONDS))
                            .as("mr2's registration is refused")
                            .isInstanceOf(ExecutionException.class)
                            .cause().isInstanceOfSatisfying(MobileNodeRegistrationException.class,
                                    x -> assertThat(x.status()).contains(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX));
                }
                assertThat(ha.engine().binding(org.mip6kit.wire.Ipv6Address.parse("2001:db8:1::200"))).isEmpty();
            }
            // mr1 closed: it deregistered, its prefixes went with the binding.
            JsonNode after = JSON.readTree(CommandRun.of("ha", "bindings", "--socket", ha.adminSocket().toString(),
                    "--json").out());
            assertThat(after.get("count").asInt()).isZero();
        }

        List<Packet> packets = DaemonsEndToEndTshark.parse(run(tshark, pcap, haPort));
        assertThat(packets).isNotEmpty();
        for (Packet p : packets) {
            assertThat(p.problems()).as("%s", p).isEmpty();
        }
        List<Packet> updates = packets.stream().filter(p -> p.mhType().orElse(-1) == BINDING_UPDATE).toList();
        List<Packet> acks = packets.stream().filter(p -> p.mhType().orElse(-1) == BINDING_ACK).toList();

        Packet registration = updates.stream()
                .filter(u -> u.values("mip6.nemo.mnp.mnp").contains("2001:db8:100::")).findFirst().orElseThrow();
        assertThat(registration.values("mip6.nemo.bu.r_flag")).as("%s", registration).containsExactly("1");
        assertThat(registration.values("mip6.nemo.mnp.mnp")).containsExactly("2001:db8:100::", "2001:db8:200:1::");
        assertThat(registration.values("mip6.nemo.mnp.pfl")).containsExactly("48", "64");
        int seq = registration.number("mip6.bu.seqnr");
        Packet accepted = acks.stream().filter(a -> a.number("mip6.ba.seqnr") == seq).findFirst().orElseThrow();
        assertThat(accepted.number("mip6.ba.status")).isZero();
        assertThat(accepted.values("mip6.nemo.ba.r_flag")).as("%s", accepted).containsExactly("1");

        Packet claim = updates.stream()
                .filter(u -> u.values("mip6.nemo.mnp.mnp").contains("2001:db8:400::")).findFirst().orElseThrow();
        int claimSeq = claim.number("mip6.bu.seqnr");
        assertThat(acks).as("the unauthorised claim's answer")
                .anySatisfy(a -> {
                    assertThat(a.number("mip6.ba.seqnr")).isEqualTo(claimSeq);
                    assertThat(a.number("mip6.ba.status")).isEqualTo(142);
                });

        List<Packet> deregistrations = updates.stream().filter(u -> u.number("mip6.bu.lifetime") == 0).toList();
        assertThat(deregistrations).as("mr1's deregistration").isNotEmpty();
        assertThat(deregistrations.get(0).values("mip6.nemo.bu.r_flag")).containsExactly("1");
        assertThat(deregistrations.get(0).has("mip6.nemo.mnp.mnp")).isFalse();
    }

    private String run(Path tshark, Path pcap, int port) throws Exception {
        List<String> command = new ArrayList<>(List.of(tshark.toString(), "-r", pcap.toString(),
                "-d", "udp.port==" + port + ",ipv6", "-T", "json"));
        Path out = dir.resolve("tshark.json");
        Path err = dir.resolve("tshark.err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
            assertThat(p.exitValue()).as("tshark exit; stderr: %s", Files.readString(err)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
