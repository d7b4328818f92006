package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.testing.LoopbackHomeAgent;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.daemon.testing.NotifySocketListener;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.wire.Ipv6Address;

/**
 * {@code mip6kit ha run} and {@code mip6kit mn run} as processes started the way a
 * {@code Type=notify} unit starts them, with {@code NOTIFY_SOCKET} naming a datagram socket this
 * test owns ({@link NotifySocketListener}): {@code READY=1} comes only once the daemon serves —
 * the home agent's {@code STATUS} names the UDP port it has bound, and a mobile node registers
 * there; the mobile node's {@code READY=1} only once its home agent holds the binding, and never
 * when the registration fails — SIGHUP gives {@code RELOADING=1} then {@code READY=1}, SIGTERM
 * gives {@code STOPPING=1} and exit status 0.
 */
@Tag("large")
class SystemdNotifyDaemonsTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration NEXT = Duration.ofSeconds(15);
    private static final Pattern HA_READY = Pattern.compile(
            "READY=1\nSTATUS=serving 2001:db8:1::1 on udp \\[::1]:(\\d+) with test-nai, 0 bindings\n");

    @TempDir
    Path dir;

    @Test
    void homeAgentIsReadyOnceItServesReloadsBetweenReloadingAndReadyAndSaysStopping() throws Exception {
        Path config = HaTestRig.config(dir);
        Path socket = dir.resolve("ha.sock");
        Path err = dir.resolve("ha.stderr");
        try (NotifySocketListener manager = NotifySocketListener.bind(dir.resolve("notify"));
             ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2)) {
            Process ha = start(List.of("ha", "run", "--config", config.toString()), manager, err);
            try {
                String ready = manager.next(START);
                Matcher m = HA_READY.matcher(ready);
                assertThat(m.matches()).as("the first notification is READY=1 naming the bound port: %s; stderr:%n%s",
                        ready, read(err)).isTrue();
                int port = Integer.parseInt(m.group(1));
                ObjectNode status = AdminClient.send(socket, "status", Duration.ofSeconds(5));
                assertThat(status.get("udp").asText()).isEqualTo("[::1]:" + port);
                MobileNodeEngine mn = HaTestRig.mobileNode(new InetSocketAddress(InetAddress.getByName("::1"), port),
                        scheduler);
                MobileNodeEngine.Registration registration = mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(registration.homeAddress()).isEqualTo(HaTestRig.HOA);

                signal("-HUP", ha);
                assertThat(manager.next(NEXT)).matches("RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading the "
                        + "security provider's section \\(SIGHUP\\)\n");
                assertThat(manager.next(NEXT)).isEqualTo("READY=1\nSTATUS=serving 2001:db8:1::1 on udp [::1]:" + port
                        + " with test-nai, 1 binding\n");
                assertThat(ha.isAlive()).as("SIGHUP reloads, it does not stop the JVM").isTrue();

                ha.destroy();   // SIGTERM
                String stopping = manager.next(NEXT);
                assertThat(stopping).startsWith("STOPPING=1\nSTATUS=stopping: ").endsWith("; 1 bindings\n");
                assertThat(ha.waitFor(30, TimeUnit.SECONDS)).as("stopped; stderr:%n%s", read(err)).isTrue();
                assertThat(ha.exitValue()).as("exit status; stderr:%n%s", read(err)).isZero();
                assertThat(read(err)).doesNotContain("cannot notify the service manager");
                mn.close();
            } finally {
                ha.destroyForcibly();
                ha.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void mobileNodeIsReadyOnlyOnceTheHomeAgentHoldsItsBindingAndSaysStoppingOnSigterm() throws Exception {
        Ipv6Address hoa = Ipv6Address.parse("2001:db8:1::100");
        try (LoopbackHomeAgent ha = new LoopbackHomeAgent();
             NotifySocketListener manager = NotifySocketListener.bind(dir.resolve("notify"))) {
            Path config = mobileNodeConfig(ha.port(), "");
            Path err = dir.resolve("mn.stderr");
            Process mn = start(List.of("mn", "run", "--config", config.toString()), manager, err);
            try {
                assertThat(manager.next(START)).as("stderr:%n%s", read(err)).isEqualTo("STATUS=registering with the home "
                        + "agent 2001:db8:1::1 via udp [::1]:" + ha.port() + "\n");
                String ready = manager.next(START);
                assertThat(ha.binding(hoa)).as("the binding when READY=1 arrives").isPresent();
                assertThat(ready).isEqualTo("READY=1\nSTATUS=registered 2001:db8:1::100 at care-of 2001:db8:2::100 "
                        + "with home agent 2001:db8:1::1\n");

                mn.destroy();   // SIGTERM
                assertThat(manager.next(NEXT)).isEqualTo("STOPPING=1\nSTATUS=stopping: deregistering first\n");
                assertThat(mn.waitFor(30, TimeUnit.SECONDS)).as("stopped; stderr:%n%s", read(err)).isTrue();
                assertThat(mn.exitValue()).as("exit status; stderr:%n%s", read(err)).isZero();
                assertThat(ha.binding(hoa)).as("deregistered").isEmpty();
            } finally {
                mn.destroyForcibly();
                mn.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void mobileNodeWhoseFirstRegistrationFailsIsNeverReadyAndExitsOne() throws Exception {
        try (DatagramChannel silent = DatagramChannel.open();
             NotifySocketListener manager = NotifySocketListener.bind(dir.resolve("notify"))) {
            silent.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));   // bound, never answers
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            Path config = mobileNodeConfig(port, """
                      retransmission: { first-registration-timeout: 200ms, initial-timeout: 200ms, max-timeout: 400ms, give-up-after: 1 }
                    """);
            Path err = dir.resolve("mn.stderr");
            Process mn = start(List.of("mn", "run", "--config", config.toString()), manager, err);
            try {
                assertThat(mn.waitFor(60, TimeUnit.SECONDS)).as("gave up; stderr:%n%s", read(err)).isTrue();
                assertThat(mn.exitValue()).as("exit status; stderr:%n%s", read(err)).isEqualTo(1);
                List<String> all = new ArrayList<>();
                String d;
                while ((d = manager.poll(Duration.ofMillis(500))) != null) {
                    all.add(d);
                }
                assertThat(all).as("stderr:%n%s", read(err)).hasSize(2);
                assertThat(all.get(0)).startsWith("STATUS=registering with the home agent 2001:db8:1::1");
                assertThat(all.get(1)).startsWith("STOPPING=1\n");
                assertThat(all).noneMatch(n -> n.lines().anyMatch("READY=1"::equals));
            } finally {
                mn.destroyForcibly();
                mn.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Path mobileNodeConfig(int port, String extraMobileNodeKeys) throws Exception {
        return Files.writeString(dir.resolve("mn.yaml"), """
                mobile-node:
                  home-address: 2001:db8:1::100
                  home-agent: 2001:db8:1::1
                  home-agent-endpoint: "[::1]:%d"
                  care-of: { address: 2001:db8:2::100 }
                  shutdown-timeout: 2s
                %sadmin: { socket: mn.sock }
                security:
                  provider: %s
                  %s: { nai: %s }
                """.formatted(port, extraMobileNodeKeys, NaiTestProvider.NAME, NaiTestProvider.NAME,
                LoopbackHomeAgent.NAI));
    }

    /**
     * {@code java -cp <test class path>:<services dir> org.mip6kit.cli.Mip6kitCommand ARGS} with
     * {@code NOTIFY_SOCKET} set, as systemd sets it for a {@code Type=notify} service.
     */
    private Process start(List<String> args, NotifySocketListener manager, Path err) throws Exception {
        List<String> command = new ArrayList<>(HaTestRig.javaWithTestProvider(dir, Mip6kitCommand.class));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve(err.getFileName() + ".stdout").toFile())
                .redirectError(err.toFile());
        builder.environment().put("NOTIFY_SOCKET", manager.address());
        Process p = builder.start();
        p.getOutputStream().close();
        return p;
    }

    private static void signal(String signal, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
