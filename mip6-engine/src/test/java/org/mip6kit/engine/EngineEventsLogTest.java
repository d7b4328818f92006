package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderEvent;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.LoggerFactory;

/** What {@link EngineEvents} writes to the log when a peer chooses the text. */
@Tag("small")
class EngineEventsLogTest {

    private static final String LOGGER = "org.mip6kit.test.events";
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    /** A forged second line: what a peer would like the operator to read. */
    private static final String FORGED = "\n2026-01-01T00:00:00Z INFO  org.mip6kit.ha binding-created identity=nai:admin@example.com";

    private final Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(null);
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void escapesPeerTextInTheReasonSoThatItCannotForgeALine() {
        EngineEvents events = new EngineEvents(LOGGER, CLOCK, 10);

        events.emit(EngineEvent.of(EngineEvent.Kind.BINDING_UPDATE_REJECTED, Identity.nai("mn1@example.com"), HOA,
                null, BindingAckStatus.REASON_UNSPECIFIED, "peer said: x\r\u001b[2J" + FORGED));

        assertThat(lines()).hasSize(1);
        String line = lines().get(0);
        assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b")
                .contains("x\\u000d\\u001b[2J\\u000a2026-01-01T00:00:00Z INFO  org.mip6kit.ha binding-created")
                .startsWith("binding-update-rejected identity=nai:mn1@example.com ");
    }

    @Test
    void escapesAnIdentityWithCharactersOutsidePrintableAscii() {
        EngineEvents events = new EngineEvents(LOGGER, CLOCK, 10);
        // Identity refuses control characters, but not U+2028 LINE SEPARATOR or U+202E RIGHT-TO-LEFT OVERRIDE.
        Identity odd = Identity.nai("mn1\u2028binding-created identity=nai:x@example.com\u202e@example.com");

        events.emit(EngineEvent.of(EngineEvent.Kind.BINDING_CREATED, odd, HOA, null, BindingAckStatus.ACCEPTED, ""));

        assertThat(lines()).containsExactly("binding-created identity=nai:mn1\\u2028binding-created "
                + "identity=nai:x@example.com\\u202e@example.com hoa=2001:db8:1::100 status=" + BindingAckStatus.ACCEPTED);
    }

    @Test
    void escapesTheNaiAndDetailOfAProviderEvent() {
        EngineEvents events = new EngineEvents(LOGGER, CLOCK, 10);

        events.providerSink().emit(new ProviderEvent("unknown-nai", Optional.empty(), Optional.of(HOA),
                "nai=evil\\@example.com" + FORGED));

        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0)).doesNotContain("\n")
                .endsWith("unknown-nai: nai=evil\\\\@example.com\\u000a2026-01-01T00:00:00Z INFO  org.mip6kit.ha "
                        + "binding-created identity=nai:admin@example.com");
    }

    @Test
    void capsTheLengthOfPeerText() {
        EngineEvents events = new EngineEvents(LOGGER, CLOCK, 10);

        events.emit(EngineEvent.of(EngineEvent.Kind.MESSAGE_MALFORMED, null, null, null, null, "A".repeat(5000)));

        assertThat(lines()).singleElement().asString()
                .contains("A".repeat(LogText.MAX_LENGTH) + "...(+" + (5000 - LogText.MAX_LENGTH) + " chars)")
                .hasSizeLessThan(LogText.MAX_LENGTH + 100);
    }

    private static EngineEvent happened(EngineEvent.Kind kind, int n) {
        return EngineEvent.of(kind, Identity.nai("mn" + n + "@example.com"), HOA, null, BindingAckStatus.ACCEPTED,
                "seq=" + n);
    }

    private List<ILoggingEvent> at(Level level) {
        return appender.list.stream().filter(e -> e.getLevel().equals(level)).toList();
    }

    @Test
    void logsARefreshAtDebugNotInfo() {
        logger.setLevel(Level.INFO);
        EngineEvents events = new EngineEvents(LOGGER, CLOCK, 10, 50);

        assertThat(events.wouldRecord(EngineEvent.Kind.BINDING_REFRESHED)).isFalse();
        events.emit(happened(EngineEvent.Kind.BINDING_REFRESHED, 1));
        events.emit(happened(EngineEvent.Kind.REGISTRATION_SENT, 2));
        assertThat(lines()).isEmpty();

        logger.setLevel(Level.DEBUG);
        events.emit(happened(EngineEvent.Kind.BINDING_REFRESHED, 3));
        assertThat(at(Level.DEBUG)).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("binding-refreshed identity=nai:mn3@example.com");
        assertThat(at(Level.INFO)).isEmpty();
    }

    @Test
    void rateLimitsStateChangeLinesAndCountsTheSuppressedOnesInTheNext() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        EngineEvents events = new EngineEvents(LOGGER, time.clock(), 10, 5);
        List<EngineEvent> heard = new java.util.ArrayList<>();
        events.addListener(heard::add);

        for (int i = 0; i < 1000; i++) {
            events.emit(happened(EngineEvent.Kind.BINDING_CREATED, i));
        }
        assertThat(heard).as("listeners get every event").hasSize(1000);
        assertThat(at(Level.INFO)).as("a burst of twice the rate").hasSize(10);

        time.advance(java.time.Duration.ofSeconds(1));
        events.emit(happened(EngineEvent.Kind.BINDING_DELETED, 1000));
        assertThat(at(Level.INFO)).hasSize(11).last().extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("binding-deleted identity=nai:mn1000@example.com")
                .endsWith("(and 990 similar lines suppressed by the rate limit)");
    }

    @Test
    void stateChangeAndFailureLinesHaveSeparateLimits() {
        VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
        EngineEvents events = new EngineEvents(LOGGER, time.clock(), 1, 1);

        for (int i = 0; i < 10; i++) {
            events.emit(happened(EngineEvent.Kind.BINDING_UPDATE_REJECTED, i));
        }
        events.emit(happened(EngineEvent.Kind.BINDING_EXPIRED, 10));

        assertThat(at(Level.WARN)).hasSize(2);
        assertThat(at(Level.INFO)).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .doesNotContain("suppressed");
    }
}
