package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.wire.pcap.PcapReader;

/**
 * {@code mip6kit ha run} as its own operating-system process: it serves a mobile node, and on
 * SIGTERM ({@link Process#destroy()}) or SIGINT it stops cleanly — exit status 0, admin socket
 * removed, pcap complete.
 *
 * <p>The process runs the launcher's main class ({@code org.mip6kit.cli.Mip6kitCommand}, what
 * {@code ./mip6kit} execs) on this test's class path plus a directory holding a
 * {@code META-INF/services} entry for {@link NaiTestProvider}, so no test provider ever reaches
 * the shipped command line.
 */
@Tag("large")
class HaRunSignalTest {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void sigtermStopsTheHomeAgentWithExitZeroAndRemovesTheSocket() throws Exception {
        runAndStop(Process::destroy, "SIGTERM");
    }

    @Test
    void sigintStopsTheHomeAgentWithExitZeroAndRemovesTheSocket() throws Exception {
        runAndStop(p -> {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();
        }, "SIGINT");
    }

    @Test
    void stackOverflowOnTheReceivePathMakesHaRunExitOneWithAnErrorLine() throws Exception {
        Path config = HaTestRig.config(dir);
        Path socket = dir.resolve("ha.sock");
        Path err = dir.resolve("ha.stderr");
        Process process = new ProcessBuilder(command(config, dir.resolve("ha.pcap")))
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("ha.stdout").toFile())
                .redirectError(err.toFile())
                .start();
        try (ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2)) {
            process.getOutputStream().close();
            ObjectNode status = HaTestRig.awaitReady(process, socket, err);
            int port = Integer.parseInt(status.get("udp").asText().replaceAll(".*:", ""));
            MobileNodeEngine mn = HaTestRig.mobileNode(new InetSocketAddress(InetAddress.getByName("::1"), port),
                    scheduler, NaiTestProvider.STACK_OVERFLOW_USER + "@example.org");

            mn.start();

            assertThat(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("stopped within %s; stderr:%n%s", STOP_TIMEOUT, Files.readString(err)).isTrue();
            String log = Files.readString(err);
            assertThat(process.exitValue()).as("exit status; stderr:%n%s", log).isEqualTo(1);
            assertThat(log).contains("ERROR org.mip6kit.ha home agent 2001:db8:1::1 stopping on a fatal error: "
                    + "java.lang.StackOverflowError")
                    .contains("mip6kit ha run: stopped on a fatal error: java.lang.StackOverflowError");
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("admin socket removed").isFalse();
            mn.close();
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void haRunWithPrometheusEnabledServesTheCountersOfARegistrationOnLoopback() throws Exception {
        Path config = HaTestRig.config(dir);
        Files.writeString(config, Files.readString(config) + "metrics:\n  prometheus: { enabled: true, port: 0 }\n");
        Path socket = dir.resolve("ha.sock");
        Path err = dir.resolve("ha.stderr");
        Process process = new ProcessBuilder(command(config, dir.resolve("ha.pcap")))
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("ha.stdout").toFile())
                .redirectError(err.toFile())
                .start();
        try (ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2)) {
            process.getOutputStream().close();
            ObjectNode status = HaTestRig.awaitReady(process, socket, err);
            URI metrics = URI.create(status.get("prometheus").asText());
            assertThat(metrics.getHost()).isEqualTo("[::1]");
            int port = Integer.parseInt(status.get("udp").asText().replaceAll(".*:", ""));
            MobileNodeEngine mn = HaTestRig.mobileNode(
                    new InetSocketAddress(InetAddress.getByName("::1"), port), scheduler);
            mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).containsPattern("(?m)^mip6_ha_binding_updates_accepted_total 1\\.0$")
                    .containsPattern("(?m)^mip6_ha_bindings 1\\.0$");
            assertThat(Files.readString(err)).contains("; Prometheus metrics on " + metrics);
            mn.close();
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private interface Signal {
        void send(Process p) throws Exception;
    }

    private void runAndStop(Signal signal, String name) throws Exception {
        Path config = HaTestRig.config(dir);
        Path socket = dir.resolve("ha.sock");
        Path pcap = dir.resolve("ha.pcap");
        Path out = dir.resolve("ha.stdout");
        Path err = dir.resolve("ha.stderr");
        Process process = new ProcessBuilder(command(config, pcap))
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try (ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2)) {
            process.getOutputStream().close();
            ObjectNode status = HaTestRig.awaitReady(process, socket, err);
            int port = Integer.parseInt(status.get("udp").asText().replaceAll(".*:", ""));
            MobileNodeEngine mn = HaTestRig.mobileNode(
                    new InetSocketAddress(InetAddress.getByName("::1"), port), scheduler);
            mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(AdminClient.send(socket, "bindings", Duration.ofSeconds(5)).get("count").asInt()).isEqualTo(1);

            signal.send(process);

            assertThat(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("stopped within %s; stderr:%n%s", STOP_TIMEOUT, Files.readString(err)).isTrue();
            String log = Files.readString(err);
            assertThat(process.exitValue()).as("exit status; stderr:%n%s", log).isZero();
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("admin socket removed").isFalse();
            assertThat(log).contains(name + " received, shutting down")
                    .contains("home agent 2001:db8:1::1 stopping")
                    .contains("home agent 2001:db8:1::1 stopped: 1 Binding Updates received, 1 accepted");
            try (PcapReader reader = new PcapReader(pcap)) {
                assertThat(reader.readAll()).as("the BU and its BA, flushed before exit").hasSize(2);
            }
            mn.close(); // the home agent is gone: gives up after its short shutdown timeout
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code java -cp <test class path>:<services dir> org.mip6kit.cli.Mip6kitCommand ha run ...}. */
    private List<String> command(Path config, Path pcap) throws Exception {
        List<String> command = new ArrayList<>(HaTestRig.javaWithTestProvider(dir, Mip6kitCommand.class));
        command.addAll(List.of("ha", "run", "--config", config.toString(), "--pcap", pcap.toString()));
        return command;
    }

}
