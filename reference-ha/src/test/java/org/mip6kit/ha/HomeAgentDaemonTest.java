package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminServer;
import org.mip6kit.daemon.DaemonStartException;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.packet.MobilityPacket;
import org.mip6kit.wire.packet.MobilityPacketParser;
import org.mip6kit.wire.pcap.PcapReader;
import org.mip6kit.wire.pcap.PcapRecord;
import org.slf4j.LoggerFactory;

/**
 * The home agent daemon in this JVM on {@code ::1}: the provider found by discovery
 * ({@link NaiTestProvider} through {@code META-INF/services}), a mobile node engine registering
 * over real UDP, the admin socket listing the binding, the pcap holding the exchange, and a
 * clean stop that removes the socket.
 */
@Tag("medium")
class HomeAgentDaemonTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    private static final String NAI = "mn1@example.org";

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private Path config(String name, String security) throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                  max-lifetime: 10m
                  shutdown-timeout: 2s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: %s.sock
                """.formatted(name) + security);
    }

    private static final String SECURITY = """
            security:
              provider: test-nai
              test-nai: { realm: example.org }
            """;

    private HomeAgentDaemon start(Path file, HomeAgentDaemon.Options options) throws Exception {
        HomeAgentDaemon daemon = HomeAgentDaemon.start(HomeAgentConfig.load(file), options);
        toClose.add(daemon);
        return daemon;
    }

    private MobileNodeEngine mobileNode(InetSocketAddress homeAgent) throws Exception {
        return mobileNode(homeAgent, NAI);
    }

    private MobileNodeEngine mobileNode(InetSocketAddress homeAgent, String nai) throws Exception {
        ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2);
        toClose.add(scheduler);
        InetAddress loopback = InetAddress.getByName("::1");
        MobileNodeEngine mn = MobileNodeEngine.builder()
                .provider(new NaiTestProvider(), ConfigSection.of("security.test-nai", null, Map.of("nai", nai)))
                .settings(MobileNodeSettings.defaults().withHomeAgent(HA).withHomeAddress(HOA)
                        .withHomeAgentEndpoint(homeAgent).withRequestedLifetime(Duration.ofSeconds(600)))
                .transports(() -> UdpTransport.open(UdpTransport.Config.ephemeral(loopback)))
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .careOfAddress(COA)
                .build();
        toClose.add(mn);
        return mn;
    }

    @Test
    void mobileNodeRegistersOverUdpAndTheAdminSocketListsTheBinding() throws Exception {
        Path file = config("ha", SECURITY);
        HomeAgentDaemon daemon = start(file, HomeAgentDaemon.Options.defaults().withPcap(dir.resolve("ha.pcap")));
        ListAppender<ILoggingEvent> log = captureHomeAgentLog();
        MobileNodeEngine mn = mobileNode(daemon.udpAddress().orElseThrow());

        MobileNodeEngine.Registration r = mn.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ObjectNode answer = AdminClient.send(daemon.adminSocket(), "bindings", WAIT);
        assertThat(answer.get("count").asInt()).isEqualTo(1);
        JsonNode b = answer.get("bindings").get(0);
        assertThat(b.get(BindingListing.HOME_ADDRESS).asText()).isEqualTo("2001:db8:1::100");
        assertThat(b.get(BindingListing.CARE_OF_ADDRESS).asText()).isEqualTo("2001:db8:2::100");
        assertThat(b.get(BindingListing.IDENTITY).asText()).isEqualTo("nai:" + NAI);
        assertThat(b.get(BindingListing.SEQUENCE).asInt()).isEqualTo(r.sequence().value());
        assertThat(b.get(BindingListing.PROVIDER).asText()).isEqualTo("test-nai");
        assertThat(b.get(BindingListing.HOME_AGENT).asText()).as("the engine holding it").isEqualTo(HA.toString());
        assertThat(b.get(BindingListing.LIFETIME_SECONDS).asLong()).isEqualTo(600);
        assertThat(b.get(BindingListing.LIFETIME_LEFT_SECONDS).asLong()).isBetween(590L, 600L);
        assertThat(b.get(BindingListing.OUTER_PEER).asText()).startsWith("[::1]:");
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).startsWith("binding-created identity=nai:" + NAI
                        + " hoa=2001:db8:1::100 coa=2001:db8:2::100 status="));

        mn.close();
        assertThat(AdminClient.send(daemon.adminSocket(), "bindings", WAIT).get("count").asInt())
                .as("the deregistration removed the binding").isZero();

        daemon.close();
        assertThat(Files.exists(daemon.adminSocket(), LinkOption.NOFOLLOW_LINKS)).as("socket removed").isFalse();
        assertCaptured(dir.resolve("ha.pcap"), daemon.udpAddress().orElseThrow().getPort());
    }

    /** BU in, BA out, deregistration BU in, BA out: four whole packets with valid checksums. */
    private static void assertCaptured(Path pcap, int haPort) throws Exception {
        List<PcapRecord> records;
        try (PcapReader reader = new PcapReader(pcap)) {
            records = reader.readAll();
        }
        List<Class<?>> types = new ArrayList<>();
        for (PcapRecord record : records) {
            MobilityPacket p = MobilityPacketParser.parse(record.packet());
            assertThat(p.udpEncapsulation()).isPresent();
            MobilityMessage m = decodeAllowingProviderOptions(p);
            types.add(m.getClass());
            if (m instanceof BindingUpdate) {
                assertThat(p.udpEncapsulation().get().destinationPort()).isEqualTo(haPort);
            } else {
                assertThat(p.udpEncapsulation().get().sourcePort()).isEqualTo(haPort);
            }
        }
        assertThat(types).containsExactly(BindingUpdate.class, BindingAcknowledgement.class, BindingUpdate.class,
                BindingAcknowledgement.class);
    }

    private static MobilityMessage decodeAllowingProviderOptions(MobilityPacket p) throws Exception {
        return MobilityHeaderCodec.standard().decode(p.mobilityHeader(), p.pseudoHeaderSource(),
                p.pseudoHeaderDestination());
    }

    @Test
    void statusCommandReportsTheProviderAndCounters() throws Exception {
        HomeAgentDaemon daemon = start(config("ha", SECURITY), HomeAgentDaemon.Options.defaults());
        mobileNode(daemon.udpAddress().orElseThrow()).start().toCompletableFuture()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        ObjectNode status = AdminClient.send(daemon.adminSocket(), "status", WAIT);

        assertThat(status.get("homeAgent").asText()).isEqualTo("2001:db8:1::1");
        assertThat(status.get("homePrefixes").get(0).asText()).isEqualTo("2001:db8:1::/64");
        assertThat(status.get("provider").get("name").asText()).isEqualTo("test-nai");
        assertThat(status.get("bindings").asInt()).isEqualTo(1);
        assertThat(status.get("counters").get("accepted").asLong()).isEqualTo(1);
        assertThat(status.get("udp").asText()).isEqualTo("[::1]:" + daemon.udpAddress().orElseThrow().getPort());
        JsonNode transport = status.get("transport");
        assertThat(transport.get("io").asText()).as("on 64-bit Linux with jnr-ffi, batches by default")
                .startsWith("Linux recvmmsg/sendmmsg");
        assertThat(transport.get("batched").asBoolean()).isTrue();
        assertThat(transport.get("datagramsReceived").asLong()).as("the Binding Update").isEqualTo(1);
        assertThat(transport.get("receiveBatchHistogram").get("1").asLong()).isEqualTo(1);
        assertThat(transport.get("sent").asLong()).as("its acknowledgement").isEqualTo(1);
        assertThat(transport.get("batchSends").asLong()).as("sent after its batch, or at once from another thread")
                .isBetween(0L, 1L);
        assertThat(AdminClient.send(daemon.adminSocket(), AdminServer.PING, WAIT).get("daemon").asText())
                .isEqualTo("home-agent");
    }

    @Test
    void fatalErrorInTheReceivePathStopsTheDaemonWithExitStatusOneAndAnErrorLine() throws Exception {
        Path file = config("ha", SECURITY);
        HomeAgentDaemon daemon = start(file, HomeAgentDaemon.Options.defaults());
        ListAppender<ILoggingEvent> log = captureHomeAgentLog();

        daemon.fatalError(new OutOfMemoryError("Java heap space"));

        assertThat(daemon.awaitTermination(WAIT)).as("the daemon stopped").isTrue();
        assertThat(daemon.exitStatus()).isEqualTo(org.mip6kit.daemon.ExitStatus.FAILURE);
        assertThat(Files.exists(daemon.adminSocket(), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(log.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
            assertThat(e.getFormattedMessage()).startsWith("home agent 2001:db8:1::1 stopping on a fatal error: "
                    + "java.lang.OutOfMemoryError: Java heap space; Binding Updates are no longer received");
        });
    }

    @Test
    void stackOverflowWhileReceivingABindingUpdateStopsTheDaemonWithExitStatusOne() throws Exception {
        HomeAgentDaemon daemon = start(config("ha", SECURITY), HomeAgentDaemon.Options.defaults());
        ListAppender<ILoggingEvent> log = captureHomeAgentLog();
        MobileNodeEngine mn = mobileNode(daemon.udpAddress().orElseThrow(),
                NaiTestProvider.STACK_OVERFLOW_USER + "@example.org");

        mn.start();

        assertThat(daemon.awaitTermination(WAIT)).as("the daemon stopped").isTrue();
        assertThat(daemon.exitStatus()).isEqualTo(org.mip6kit.daemon.ExitStatus.FAILURE);
        assertThat(log.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).startsWith(
                "home agent 2001:db8:1::1 stopping on a fatal error: java.lang.StackOverflowError"));
    }

    @Test
    void errorThatKillsAnyThreadStopsTheDaemon() throws Exception {
        Path file = config("ha", SECURITY);
        HomeAgentDaemon daemon = start(file, HomeAgentDaemon.Options.defaults());
        Thread dying = new Thread(() -> {
            throw new StackOverflowError("deep");
        }, "test-dying");
        dying.setUncaughtExceptionHandler(HomeAgentDaemon.fatalOnError(daemon::fatalError));

        dying.start();

        assertThat(daemon.awaitTermination(WAIT)).as("the daemon stopped").isTrue();
        assertThat(daemon.exitStatus()).isEqualTo(org.mip6kit.daemon.ExitStatus.FAILURE);
    }

    @Test
    void daemonClosedNormallyExitsZero() throws Exception {
        HomeAgentDaemon daemon = start(config("ha", SECURITY), HomeAgentDaemon.Options.defaults());

        daemon.close();

        assertThat(daemon.exitStatus()).isEqualTo(org.mip6kit.daemon.ExitStatus.OK);
    }

    @Test
    void bindingUpdateThatTheProviderDropsCreatesNoBinding() throws Exception {
        Path file = config("ha", SECURITY.replace("realm: example.org", "realm: example.net"));
        HomeAgentDaemon daemon = start(file, HomeAgentDaemon.Options.defaults());
        MobileNodeEngine mn = mobileNode(daemon.udpAddress().orElseThrow());

        mn.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (daemon.engine().counters().dropped() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(daemon.engine().counters().dropped()).isPositive();
        assertThat(AdminClient.send(daemon.adminSocket(), "bindings", WAIT).get("count").asInt()).isZero();
    }

    @Test
    void unknownProviderFailsClosedWithTheSelectionMessageAndOpensNothing() throws Exception {
        Path file = config("ha", "security: { provider: no-such-provider }\n");

        assertThatThrownBy(() -> start(file, HomeAgentDaemon.Options.defaults()))
                .isInstanceOf(ProviderSelectionException.class)
                .hasMessageContaining("no-such-provider")
                .hasMessageContaining("test-nai")
                .hasMessageContaining("docs/errors.md#unknown-provider");
        assertThat(dir.resolve("ha.sock")).doesNotExist();
    }

    @Test
    void providerSectionErrorNamesTheKeyAndTheFile() throws Exception {
        Path file = config("ha", SECURITY.replace("realm: example.org", "realm: example.org, relam: x"));

        assertThatThrownBy(() -> start(file, HomeAgentDaemon.Options.defaults()))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessage(file + ": security.test-nai.relam: unknown key; allowed here: realm");
        assertThat(dir.resolve("ha.sock")).doesNotExist();
    }

    @Test
    void securitySectionWithAnotherProvidersSectionIsRefused() throws Exception {
        Path file = config("ha", SECURITY + "  auth-option-4285: {}\n");

        assertThatThrownBy(() -> start(file, HomeAgentDaemon.Options.defaults()))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessage(file + ": security.auth-option-4285: unknown key; allowed here: provider, test-nai");
    }

    @Test
    void secondDaemonOnTheSameAdminSocketIsRefusedAndTheFirstKeepsServing() throws Exception {
        HomeAgentDaemon first = start(config("ha", SECURITY), HomeAgentDaemon.Options.defaults());
        Path second = Files.writeString(dir.resolve("second.yaml"),
                Files.readString(dir.resolve("ha.yaml")).replace("socket: ha.sock", "socket: ha.sock")
                        + "\nstate:\n  directory: second-state\n");   // its own: the first holds ha-state

        assertThatThrownBy(() -> start(second, HomeAgentDaemon.Options.defaults()))
                .isInstanceOf(DaemonStartException.class)
                .hasMessageStartingWith("another daemon is running on " + first.adminSocket());

        assertThat(AdminClient.send(first.adminSocket(), AdminServer.PING, WAIT).get("pid").asLong())
                .isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void udpPortInUseStopsStartUpAndRemovesTheAdminSocket() throws Exception {
        HomeAgentDaemon first = start(config("ha", SECURITY), HomeAgentDaemon.Options.defaults());
        int port = first.udpAddress().orElseThrow().getPort();
        Path clash = Files.writeString(dir.resolve("clash.yaml"), Files.readString(dir.resolve("ha.yaml"))
                .replace("port: 0", "port: " + port).replace("socket: ha.sock", "socket: clash.sock")
                + "\nstate:\n  directory: clash-state\n");

        assertThatThrownBy(() -> start(clash, HomeAgentDaemon.Options.defaults()))
                .isInstanceOf(DaemonStartException.class)
                .hasMessageContaining("cannot open the RFC 5555 UDP transport on [::1]:" + port + ": port " + port
                        + " is already in use")
                .hasMessageContaining("change transport.udp.port or transport.udp.bind in " + clash.toAbsolutePath())
                .hasMessageNotContaining("0:0:0:0:0:0:0:1");
        assertThat(Files.exists(dir.resolve("clash.sock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void closeIsIdempotentAndRemovesTheSocket() throws Exception {
        HomeAgentDaemon daemon = start(config("ha", SECURITY), HomeAgentDaemon.Options.defaults());
        Path socket = daemon.adminSocket();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();

        daemon.close();
        daemon.close();

        assertThat(daemon.awaitTermination(Duration.ofSeconds(1))).isTrue();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    private ListAppender<ILoggingEvent> captureHomeAgentLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(HomeAgentDaemon.LOGGER);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        toClose.add(() -> logger.detachAppender(appender));
        return appender;
    }
}
