package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.daemon.testing.TrafficCarryingTestProvider;
import org.mip6kit.inject.SecurityProviders;

/**
 * A provider that carries the nodes' traffic itself (CARRIES_TRAFFIC, ipsec-ikev2's libipsec)
 * and the data plane would fight over the home addresses' packets: the home agent refuses to
 * start with both, before it creates anything, and says what to change.
 */
@Tag("medium")
class HomeAgentDataPlaneRefusalTest {

    @TempDir
    Path dir;

    @Test
    void refusesTheDataPlaneNextToAProviderThatCarriesTheTrafficItself() throws Exception {
        String tun = "dpref" + ProcessHandle.current().pid() % 100000;
        Path file = Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: test-carrier
                  test-carrier: { realm: example.org }
                data-plane:
                  enabled: true
                  tun-name: %s
                """.formatted(tun));
        HomeAgentDaemon.Options options = HomeAgentDaemon.Options.defaults()
                .withProviders(SecurityProviders.of(List.of(new TrafficCarryingTestProvider())));

        assertThatThrownBy(() -> HomeAgentDaemon.start(HomeAgentConfig.load(file), options).close())
                .isInstanceOf(DaemonStartException.class)
                .hasMessageContaining("test-carrier")
                .hasMessageContaining("CARRIES_TRAFFIC")
                .hasMessageContaining("data-plane.enabled: false")
                .hasMessageContaining("docs/errors.md#data-plane-start");
        assertThat(Path.of("/sys/class/net", tun)).as("no TUN device was created").doesNotExist();
        assertThat(dir.resolve("ha.sock")).as("the admin socket is not left behind").doesNotExist();
    }
}
