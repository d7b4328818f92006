package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.ExitStatus;
import org.mip6kit.daemon.testing.LoopbackHomeAgent;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.MobileNodeEngine;
import org.slf4j.LoggerFactory;

/**
 * A mobile node whose home agent never answers (the loopback home agent silently drops a node it
 * does not know): it says so early with a WARN naming the UDP endpoint, its status shows how long
 * it has waited, and its shutdown does not claim to deregister a registration it never had.
 */
@Tag("medium")
class MobileNodeSilentHomeAgentTest {

    @TempDir
    Path dir;

    private final Logger logger = (Logger) LoggerFactory.getLogger(MobileNodeEngine.LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private LoopbackHomeAgent ha;
    private MobileNodeDaemon daemon;

    @BeforeEach
    void start() throws Exception {
        ha = new LoopbackHomeAgent();
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(appender);
        if (daemon != null) {
            daemon.close();
        }
        ha.close();
    }

    /** A node the home agent does not know, with short timeouts: BUs at 0, 0.1, 0.3, 0.7 s, ... */
    private Path config(int giveUpAfter) throws Exception {
        Path file = dir.resolve("mn.yaml");
        Files.writeString(file, """
                mobile-node:
                  home-address: 2001:db8:1::100
                  home-agent: 2001:db8:1::1
                  home-agent-endpoint: "[::1]:%d"
                  care-of:
                    address: 2001:db8:2::100
                  lifetime: 600s
                  shutdown-timeout: 300ms
                  retransmission: { first-registration-timeout: 100ms, initial-timeout: 100ms, max-timeout: 400ms, give-up-after: %d }
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: mn.sock
                logging:
                  level: info
                security:
                  provider: test-nai
                  test-nai: { nai: stranger@example.org }
                """.formatted(ha.port(), giveUpAfter));
        return file;
    }

    private List<String> lines(Level level) {
        return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void anUnansweredFirstRegistrationWarnsNamingTheEndpointAndStopsWithoutClaimingToDeregister() throws Exception {
        daemon = MobileNodeDaemon.start(MobileNodeConfig.load(config(4)), MobileNodeDaemon.Options.defaults());

        assertThat(daemon.awaitTermination()).isEqualTo(ExitStatus.FAILURE);

        List<String> warnings = lines(Level.WARN).stream().filter(l -> l.startsWith("home-agent-silent")).toList();
        assertThat(warnings).as("one WARN per outage").singleElement().asString()
                .contains("at udp [::1]:" + ha.port())
                .contains("has not answered 3 Binding Updates in a row");
        List<String> info = lines(Level.INFO);
        assertThat(info).noneMatch(l -> l.contains("deregistering first"));
        assertThat(info).contains("mobile node stopping: not registered, nothing to deregister");
    }

    @Test
    void statusShowsHowLongTheNodeHasWaitedForItsHomeAgent() throws Exception {
        // sends at 0, 0.1, 0.3, 0.7, 1.1 and 1.5 s: after the sixth the node has waited at least 1.5 s
        CountDownLatch sixSent = new CountDownLatch(6);
        daemon = MobileNodeDaemon.start(MobileNodeConfig.load(config(0)), MobileNodeDaemon.Options.defaults()
                .withListener(e -> {
                    if (e.kind() == EngineEvent.Kind.REGISTRATION_SENT) {
                        sixSent.countDown();
                    }
                }));
        assertThat(sixSent.await(10, TimeUnit.SECONDS)).isTrue();

        MobileNodeStatus status = daemon.status();
        assertThat(status.registered()).isFalse();
        assertThat(status.awaitingAnswerSeconds()).hasValueSatisfying(s -> assertThat(s).isGreaterThanOrEqualTo(1));
        assertThat(status.unansweredBindingUpdates()).hasValueSatisfying(n -> assertThat(n).isGreaterThan(3));

        ObjectNode answer = AdminClient.send(daemon.adminSocket(), MobileNodeDaemon.STATUS, AdminClient.DEFAULT_TIMEOUT);
        assertThat(answer.get("awaitingAnswerSeconds").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(MobileNodeStatus.fromJson(answer).describe())
                .anySatisfy(l -> assertThat(l).startsWith("waiting:").contains("s for the home agent's answer")
                        .contains("Binding Updates unanswered"));

        daemon.close();
        assertThat(lines(Level.INFO)).contains("mobile node stopping: not registered; withdrawing the unanswered "
                + "Binding Update with a deregistration in case the home agent accepted it");
    }
}
