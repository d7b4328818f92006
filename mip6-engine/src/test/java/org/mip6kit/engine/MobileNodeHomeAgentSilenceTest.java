package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.seconds;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.slf4j.LoggerFactory;

/**
 * A home agent that does not answer is reported early: one WARN after the third unanswered
 * Binding Update of an outage, naming where the Binding Updates go, and the wait is visible in
 * {@link MobileNodeEngine#awaitingAnswer()}. First registration: sends at 0, 1.5, 4.5, 10.5 s,
 * so the third timeout runs out at 10.5 s.
 */
@Tag("small")
class MobileNodeHomeAgentSilenceTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(MobileNodeEngine.LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private static MobileNodeTestRig rigWithUdpEndpoint() throws Exception {
        InetSocketAddress ha = new InetSocketAddress(InetAddress.getByName("2001:db8:1::1"), 4191);
        return new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings().withGiveUpAfterRetransmissions(0)
                .withHomeAgentEndpoint(ha));
    }

    @Test
    void theThirdUnansweredBindingUpdateLogsOneWarnNamingTheHomeAgentsUdpEndpoint() throws Exception {
        MobileNodeTestRig rig = rigWithUdpEndpoint();
        rig.start();
        rig.time.advance(seconds(10.4));
        assertThat(rig.events(EngineEvent.Kind.HOME_AGENT_SILENT)).isEmpty();

        rig.time.advance(seconds(0.1));
        assertThat(rig.events(EngineEvent.Kind.HOME_AGENT_SILENT)).singleElement()
                .extracting(EngineEvent::detail).asString()
                .contains("home agent 2001:db8:1::1 at udp [2001:db8:1::1]:4191")
                .contains("has not answered 3 Binding Updates in a row")
                .contains("waiting 10.5 s")
                .contains("docs/errors.md#home-agent-silent");
        assertThat(appender.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).startsWith("home-agent-silent ")
                        .contains("[2001:db8:1::1]:4191"));

        rig.time.advance(Duration.ofMinutes(5));
        assertThat(rig.bus()).hasSizeGreaterThan(8);
        assertThat(rig.events(EngineEvent.Kind.HOME_AGENT_SILENT)).as("once per outage").hasSize(1);
    }

    @Test
    void withoutAUdpEndpointTheWarnNamesTheProvidersChannel() throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withGiveUpAfterRetransmissions(0));
        rig.start();
        rig.time.advance(seconds(10.5));

        assertThat(rig.events(EngineEvent.Kind.HOME_AGENT_SILENT)).singleElement()
                .extracting(EngineEvent::detail).asString()
                .contains("home agent 2001:db8:1::1 through the channel of provider fake-mn");
    }

    @Test
    void anAnswerEndsTheOutageAndTheNextOutageIsReportedAgain() throws Exception {
        MobileNodeTestRig rig = rigWithUdpEndpoint();
        rig.start();
        rig.time.advance(seconds(11));
        BindingUpdate last = rig.lastBu();
        rig.ack(BindingAckStatus.ACCEPTED, last.sequence(), last.lifetime());
        assertThat(rig.engine.registration()).isPresent();
        assertThat(rig.events(EngineEvent.Kind.HOME_AGENT_ANSWERS)).singleElement()
                .extracting(EngineEvent::detail).asString().contains("answers again after 11 s");

        // the refresh before expiry goes unanswered: timeouts 1, 2 and 4 s after it left
        rig.time.advance(Duration.ofMinutes(20));
        assertThat(rig.events(EngineEvent.Kind.HOME_AGENT_SILENT)).hasSize(2);
    }

    @Test
    void awaitingAnswerTellsHowLongSinceTheFirstUnansweredBindingUpdateLeft() throws Exception {
        MobileNodeTestRig rig = rigWithUdpEndpoint();
        Instant t0 = rig.time.now();
        assertThat(rig.engine.awaitingAnswer()).isEmpty();
        rig.start();
        rig.time.advance(Duration.ofSeconds(5));

        MobileNodeEngine.AwaitingAnswer waiting = rig.engine.awaitingAnswer().orElseThrow();
        assertThat(waiting.since()).isEqualTo(t0);
        assertThat(waiting.waitedAt(rig.time.now())).isEqualTo(Duration.ofSeconds(5));
        assertThat(waiting.bindingUpdates()).isEqualTo(3);   // at 0, 1.5 and 4.5 s
        assertThat(waiting.timedOut()).isEqualTo(2);

        BindingUpdate last = rig.lastBu();
        rig.ack(BindingAckStatus.ACCEPTED, last.sequence(), last.lifetime());
        assertThat(rig.engine.awaitingAnswer()).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.HOME_AGENT_ANSWERS)).as("no outage was reported").isEmpty();
    }
}
