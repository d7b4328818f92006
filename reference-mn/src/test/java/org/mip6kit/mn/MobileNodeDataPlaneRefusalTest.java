package org.mip6kit.mn;

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
 * The mobile node refuses the data plane next to a provider that carries the traffic itself
 * (CARRIES_TRAFFIC), before it creates a TUN device or a rule.
 */
@Tag("medium")
class MobileNodeDataPlaneRefusalTest {

    @TempDir
    Path dir;

    @Test
    void refusesTheDataPlaneNextToAProviderThatCarriesTheTrafficItself() throws Exception {
        String tun = "dpmnref" + ProcessHandle.current().pid() % 100000;
        Path file = Files.writeString(dir.resolve("mn.yaml"), """
                mobile-node:
                  home-address: 2001:db8:1::100
                  home-agent: 2001:db8:1::1
                  home-agent-endpoint: "[::1]:4191"
                  care-of:
                    address: 2001:db8:2::100
                admin:
                  socket: mn.sock
                security:
                  provider: test-carrier
                  test-carrier: { nai: mn1@example.org }
                data-plane:
                  enabled: true
                  tun-name: %s
                """.formatted(tun));
        MobileNodeDaemon.Options options = MobileNodeDaemon.Options.defaults()
                .withProviders(SecurityProviders.of(List.of(new TrafficCarryingTestProvider())));

        assertThatThrownBy(() -> MobileNodeDaemon.start(MobileNodeConfig.load(file), options).close())
                .isInstanceOf(DaemonStartException.class)
                .hasMessageContaining("CARRIES_TRAFFIC")
                .hasMessageContaining("docs/errors.md#data-plane-start");
        assertThat(Path.of("/sys/class/net", tun)).as("no TUN device was created").doesNotExist();
    }
}
