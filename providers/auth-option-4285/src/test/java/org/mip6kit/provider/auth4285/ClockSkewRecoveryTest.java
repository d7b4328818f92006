package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Verdict;
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.SequenceNumber;

/**
 * RFC 4285 §6 end to end: a mobile node whose clock is 30 s off is refused once with 144, takes
 * the home agent's time from that authenticated acknowledgement as a clock offset, retries with
 * the same sequence number and registers; a forged 144 moves nothing.
 */
@Tag("small")
class ClockSkewRecoveryTest {

    private static final String SECTION = "security." + AuthOption4285Provider.NAME;

    @ParameterizedTest(name = "mobile node clock {0} s off")
    @ValueSource(ints = {30, -30})
    void mobileNodeWithSkewedClockRegistersAfterOne144WithTheSameSequenceNumber(int skewSeconds) throws Exception {
        VirtualTime time = new VirtualTime(Instant.parse("2025-03-01T12:00:00Z"));
        InMemoryNetwork network = new InMemoryNetwork(time, 7);
        List<EngineEvent> haEvents = Collections.synchronizedList(new ArrayList<>());
        List<EngineEvent> mnEvents = Collections.synchronizedList(new ArrayList<>());
        InMemoryTransport haTransport = network.attach(Parties.HOME_AGENT);
        HomeAgentEngine ha = HomeAgentEngine.builder()
                .provider(new AuthOption4285Provider(), ConfigSection.of(SECTION, null, Parties.haConfig(Map.of())))
                .settings(HomeAgentSettings.defaults(Parties.HOME_AGENT, HomePrefix.parse("2001:db8:1::/64")))
                .transports(() -> haTransport).clock(time.clock()).scheduler(time).listener(haEvents::add).build();
        ha.start();
        InMemoryTransport mnTransport = network.attach(Parties.CARE_OF);
        MobileNodeEngine mn = MobileNodeEngine.builder()
                .provider(new AuthOption4285Provider(), ConfigSection.of(SECTION, null, Parties.mnConfig()))
                .settings(MobileNodeSettings.defaults().withHomeAgent(Parties.HOME_AGENT)
                        .withHomeAddress(Parties.HOME_ADDRESS).withRequestedLifetime(Duration.ofSeconds(600)))
                .transports(() -> mnTransport)
                .clock(Clock.offset(time.clock(), Duration.ofSeconds(skewSeconds)))
                .scheduler(time).listener(mnEvents::add).careOfAddress(Parties.CARE_OF).build();
        try {
            CompletableFuture<MobileNodeEngine.Registration> registering = mn.start().toCompletableFuture();
            time.advanceUntil(registering::isDone, Duration.ofMillis(100), Duration.ofMinutes(1));

            assertThat(registering).isCompleted();
            MobileNodeEngine.Registration r = registering.join();
            assertThat(ha.binding(Parties.HOME_ADDRESS)).isPresent();
            assertThat(statuses(haEvents, EngineEvent.Kind.VERDICT_REJECTED))
                    .as("the home agent refused exactly once, with 144").containsExactly(BindingAckStatus.MIPV6_ID_MISMATCH);
            assertThat(statuses(mnEvents, EngineEvent.Kind.REGISTRATION_REJECTED))
                    .containsExactly(BindingAckStatus.MIPV6_ID_MISMATCH);
            List<SequenceNumber> sent = mnEvents.stream().filter(e -> e.kind() == EngineEvent.Kind.REGISTRATION_SENT)
                    .map(e -> e.sequence().orElseThrow()).toList();
            assertThat(sent).as("the retry after 144 reuses the sequence number").hasSize(2);
            assertThat(sent.get(1)).isEqualTo(sent.get(0));
            assertThat(r.sequence()).isEqualTo(sent.get(0));
        } finally {
            mn.close();
            ha.close();
        }
    }

    @Test
    void forged144DoesNotMoveTheMobileNodesClock() throws Exception {
        Parties p = Parties.at(Parties.TV3_TIME);
        p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        // Right SPI, wrong key: what a forger without the key produces at best.
        Exchange forged = new Exchange(HomeAgentVerificationTest.association(Parties.NAI, Parties.SPI,
                "ffeeddccbbaa99887766554433221100"), new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS),
                null, true);
        p.time.advance(Duration.ofMillis(1));
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.MIPV6_ID_MISMATCH, SequenceNumber.of(2), forged,
                Parties.toCareOf());
        assertThat(p.mobileNodeJudges(ba, Parties.toCareOf())).isInstanceOf(Verdict.Drop.class);
        assertThat(((MobileNodeSide) p.mobileNode).clockOffset()).isEqualTo(Duration.ZERO);
    }

    private static List<BindingAckStatus> statuses(List<EngineEvent> events, EngineEvent.Kind kind) {
        synchronized (events) {
            return events.stream().filter(e -> e.kind() == kind).map(e -> e.status().orElse(null)).toList();
        }
    }
}
