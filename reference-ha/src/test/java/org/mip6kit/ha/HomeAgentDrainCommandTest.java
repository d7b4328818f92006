package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;

/**
 * The {@code drain} admin command of the home agent daemon in this JVM, with a provider that
 * cannot protect a Home Agent Switch ({@code test-nai}): the command is refused with the reason
 * and the place to read more, nothing changes (new registrations are not refused, status says
 * not draining); malformed requests are refused before the engine is asked. The drain itself,
 * with a provider that protects the message, is {@code HaDrainEndToEndTest} in the cli module.
 */
@Tag("medium")
class HomeAgentDrainCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private HomeAgentDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private HomeAgentDaemon start() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                  shutdown-timeout: 2s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: test-nai
                  test-nai: { realm: example.org }
                """);
        daemon = HomeAgentDaemon.start(HomeAgentConfig.load(file), HomeAgentDaemon.Options.defaults());
        return daemon;
    }

    private static ObjectNode drain(String... to) {
        ObjectNode request = AdminClient.request("drain");
        var list = request.putArray("to");
        for (String a : to) {
            list.add(a);
        }
        return request;
    }

    @Test
    void drainWithAProviderThatCannotProtectTheSwitchIsRefusedAndChangesNothing() throws Exception {
        HomeAgentDaemon ha = start();
        ObjectNode before = AdminClient.send(ha.adminSocket(), "status", WAIT);
        assertThat(before.path("drain").path("supported").asBoolean()).isFalse();

        assertThatThrownBy(() -> AdminClient.send(ha.adminSocket(), drain("2001:db8:1::2"), WAIT))
                .isInstanceOf(AdminException.class)
                .hasMessageContaining("test-nai cannot protect a Home Agent Switch")
                .hasMessageContaining("PROTECTS_HOME_AGENT_SWITCH")
                .hasMessageContaining("docs/operator-guide.md#drain");

        ObjectNode after = AdminClient.send(ha.adminSocket(), "status", WAIT);
        assertThat(after.path("drain").path("draining").asBoolean()).isFalse();
        assertThat(after.path("drain").path("to").size()).isZero();
    }

    @Test
    void drainNamingNoIpv6AddressOrTheHomeAgentItselfIsRefused() throws Exception {
        HomeAgentDaemon ha = start();
        assertThatThrownBy(() -> AdminClient.send(ha.adminSocket(), drain("ha2.example.org"), WAIT))
                .isInstanceOf(AdminException.class).hasMessageContaining("'ha2.example.org' is not an IPv6 address");
        assertThatThrownBy(() -> AdminClient.send(ha.adminSocket(), drain("2001:db8:1::1"), WAIT))
                .isInstanceOf(AdminException.class).hasMessageContaining("this home agent's own address");
        ObjectNode notAList = AdminClient.request("drain");
        notAList.put("to", "2001:db8:1::2");
        assertThatThrownBy(() -> AdminClient.send(ha.adminSocket(), notAList, WAIT))
                .isInstanceOf(AdminException.class).hasMessageContaining("'to' must be a list");
        assertThat(AdminClient.send(ha.adminSocket(), "status", WAIT).path("drain").path("draining").asBoolean())
                .isFalse();
    }
}
