package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.ha.HomeAgentConfig;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.ha.HomeAgentDaemon;
import org.mip6kit.inject.SecurityProviders;

/**
 * {@code mip6kit ha status} against a home agent daemon in this JVM: after one registration it
 * prints the binding and the counters (received 1, accepted 1), as lines and as JSON; with no
 * home agent on the socket it exits 1.
 */
@Tag("medium")
class HaStatusCommandTest {

    @TempDir
    Path dir;

    @Test
    void statusPrintsTheBindingAndTheCountersAfterARegistration() throws Exception {
        HomeAgentDaemon daemon = HomeAgentDaemon.start(HomeAgentConfig.load(HaTestRig.config(dir)),
                HomeAgentDaemon.Options.defaults().withProviders(SecurityProviders.of(List.of(new NaiTestProvider()))));
        ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2);
        try (daemon; scheduler; MobileNodeEngine mn = HaTestRig.mobileNode(daemon.udpAddress().orElseThrow(),
                scheduler)) {
            mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            CommandRun run = CommandRun.of("ha", "status", "--socket", daemon.adminSocket().toString());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.out()).contains("home agent:     2001:db8:1::1")
                    .contains("provider:       test-nai")
                    .contains("bindings:       1 ")
                    .containsPattern("(?m)^  received: +1$")
                    .containsPattern("(?m)^  accepted: +1$")
                    .containsPattern("(?m)^  rejected: +0$");

            CommandRun json = CommandRun.of("ha", "status", "--config", dir.resolve("ha.yaml").toString(), "--json");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode answer = new ObjectMapper().readTree(json.out());
            assertThat(answer.path("counters").path("accepted").asLong()).isEqualTo(1);
            assertThat(answer.path("bindings").asLong()).isEqualTo(1);
        }
    }

    @Test
    void statusWithNoHomeAgentOnTheSocketExitsOne() {
        CommandRun run = CommandRun.of("ha", "status", "--socket", dir.resolve("none.sock").toString(),
                "--timeout", "2");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("mip6kit ha status: ");
    }
}
