package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.testing.LoopbackHomeAgent;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.mn.MobileNodeConfig;
import org.mip6kit.mn.MobileNodeDaemon;
import org.mip6kit.wire.Ipv6Address;

/**
 * {@code mip6kit mn status} and {@code mip6kit mn move} against a mobile node daemon running in
 * this JVM, registered with a home agent engine over UDP on loopback.
 */
@Tag("medium")
class MnAdminCommandsTest {

    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");

    @TempDir
    Path dir;

    private LoopbackHomeAgent ha;
    private MobileNodeDaemon mn;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        ha = new LoopbackHomeAgent();
        config = dir.resolve("mn.yaml");
        Files.writeString(config, """
                mobile-node:
                  home-address: 2001:db8:1::100
                  home-agent: 2001:db8:1::1
                  home-agent-endpoint: "[::1]:%d"
                  care-of: { address: 2001:db8:2::100 }
                  initial-sequence: 7
                transport: { udp: { bind: "::1" } }
                admin: { socket: mn.sock }
                security:
                  provider: %s
                  %s: { nai: %s }
                """.formatted(ha.port(), NaiTestProvider.NAME, NaiTestProvider.NAME, LoopbackHomeAgent.NAI));
        mn = MobileNodeDaemon.start(MobileNodeConfig.load(config), MobileNodeDaemon.Options.defaults()
                .withProviders(SecurityProviders.of(List.of(new NaiTestProvider()))));
        mn.firstRegistration().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        mn.close();
        ha.close();
    }

    @Test
    void statusPrintsTheRegistrationForAPerson() {
        CommandRun run = CommandRun.of("mn", "status", "--config", config.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("registered:      yes")
                .contains("identity:        nai:mn1@example.org")
                .contains("home address:    2001:db8:1::100")
                .contains("care-of address: 2001:db8:2::100 (IPv6)")
                .contains("home agent:      2001:db8:1::1")
                .contains("sequence:        7")
                .contains("lifetime:        600 s granted")
                .contains("provider:        " + NaiTestProvider.NAME);
    }

    @Test
    void statusJsonCarriesTheDocumentedFields() throws Exception {
        CommandRun run = CommandRun.of("mn", "status", "--json", "--socket", dir.resolve("mn.sock").toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("registered").booleanValue()).isTrue();
        assertThat(json.get("careOfAddress").textValue()).isEqualTo("2001:db8:2::100");
        assertThat(json.get("careOfPath").textValue()).isEqualTo("ipv6");
        assertThat(json.get("sequence").intValue()).isEqualTo(7);
        assertThat(json.get("lifetimeSeconds").intValue()).isEqualTo(600);
        assertThat(json.get("expiresInSeconds").intValue()).isBetween(590, 600);
        assertThat(json.has("ok")).isFalse();
    }

    @Test
    void moveToAnIpv4CareOfAddressIsAcknowledgedAndReachesTheHomeAgent() {
        CommandRun run = CommandRun.of("mn", "move", "--coa", "192.0.2.10", "--config", config.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("moved to 192.0.2.10: the home agent acknowledged it")
                .contains("care-of address: 192.0.2.10 (IPv4, RFC 5555 IPv4 Care-of Address option)");
        BindingRecord b = ha.binding(HOA).orElseThrow();
        assertThat(b.careOfAddress()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));
        assertThat(b.sequence().value()).isEqualTo(8);

        CommandRun back = CommandRun.of("mn", "move", "--coa", "2001:db8:3::1", "--json",
                "--socket", dir.resolve("mn.sock").toString());
        assertThat(back.exitCode()).as(back.toString()).isZero();
        assertThat(back.out()).contains("\"acknowledged\" : true").contains("\"careOfPath\" : \"ipv6\"");
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(Ipv6Address.parse("2001:db8:3::1"));
    }

    @Test
    void moveToTheHomeAddressIsRefusedByTheDaemonAndExits1() {
        CommandRun run = CommandRun.of("mn", "move", "--coa", "2001:db8:1::100", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("home address");
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(Ipv6Address.parse("2001:db8:2::100"));
    }

    @Test
    void homeDeregistersKeepsTheNodeRunningAndAMoveRegistersAgain() {
        CommandRun home = CommandRun.of("mn", "home", "--config", config.toString());
        assertThat(home.exitCode()).as(home.toString()).isZero();
        assertThat(home.out()).contains("the home agent acknowledged the deregistration")
                .contains("registered:      no");
        assertThat(ha.binding(HOA)).as("the binding after mn home").isEmpty();
        assertThat(mn.isClosed()).isFalse();

        CommandRun away = CommandRun.of("mn", "move", "--coa", "192.0.2.10", "--config", config.toString());
        assertThat(away.exitCode()).as(away.toString()).isZero();
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));
    }

    @Test
    void moveToTheHomeAddressPointsToMnHome() {
        CommandRun run = CommandRun.of("mn", "move", "--coa", "2001:db8:1::100", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("mip6kit mn home");
    }
}
