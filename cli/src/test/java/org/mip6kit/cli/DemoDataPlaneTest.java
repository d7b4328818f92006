package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.testing.HostRequirements;

/**
 * {@code ./mip6kit demo --data-plane} for real, in process as a user runs it: four namespaces,
 * the reference daemons as child JVMs with the data plane. The narration must show the
 * registration, echoes through the tunnel, a move with at most three echoes lost, the traffic
 * counters, both daemons exiting 0 with nothing left; afterwards no namespace of this run
 * remains. A provider other than auth-option-4285 is refused with exit 2.
 */
@Tag("large")
class DemoDataPlaneTest {

    @Test
    void demoPingsTheHomeAddressAcrossAMoveAndLeavesNothingBehind() throws Exception {
        HostRequirements.root("network namespaces, TUN devices, raw sockets");
        HostRequirements.command("ip", "iproute2");
        HostRequirements.command("ping", "iputils-ping");

        CommandRun run = CommandRun.of("demo", "--data-plane");

        String out = run.out();
        assertThat(run.exitCode()).as("%s", run).isZero();
        Matcher lab = Pattern.compile("lab\\s+mip6dp-cn-([0-9a-f]{8}) ").matcher(out);
        assertThat(lab.find()).as("the lab line in%n%s", out).isTrue();
        assertThat(out)
                .containsPattern("MN\\s+mn run: PID \\d+, registered \\d+ ms after its start .*home address "
                        + "2001:db8:1::100 on TUN device mip6mn0")
                .containsPattern("CN\\s+ping 2001:db8:1::100: 3 packets transmitted, 3 received")
                .containsPattern("MN\\s+left link 1, 2001:db8:3::100 on link 2, mn move: acknowledged")
                .containsPattern("HA\\s+binding 2001:db8:1::100 -> 2001:db8:3::100: to the node [1-9]\\d* packets")
                .containsPattern("MN\\s+SIGTERM to PID \\d+: exited with 0; rule and TUN device removed: true")
                .containsPattern("HA\\s+SIGTERM to PID \\d+: exited with 0; TUN device removed: true");
        Matcher lost = Pattern.compile("ping -i 0.1 across the move: (\\d+) answered, (\\d+) lost").matcher(out);
        assertThat(lost.find()).as("the lost-echo line in%n%s", out).isTrue();
        assertThat(Integer.parseInt(lost.group(1))).isGreaterThan(20);
        assertThat(Integer.parseInt(lost.group(2))).as("echoes lost across the move").isLessThanOrEqualTo(3);
        Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String namespaces = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        list.waitFor();
        assertThat(namespaces).as("no namespace of this run is left").doesNotContain(lab.group(1));
    }

    @Test
    void anotherProviderIsRefusedWithExitStatusTwo() {
        CommandRun run = CommandRun.of("demo", "--data-plane", "--provider", "tls-channel");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("the data-plane demo runs provider auth-option-4285 only, not tls-channel");
    }
}
