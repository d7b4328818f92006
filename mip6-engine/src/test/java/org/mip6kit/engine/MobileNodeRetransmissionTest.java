package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA2;
import static org.mip6kit.engine.MobileNodeTestRig.seconds;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.MobileNodeTestRig.Sent;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;

/** RFC 6275 §11.8: retransmission, back-off, give-up and MAX_UPDATE_RATE. */
@Tag("small")
class MobileNodeRetransmissionTest {

    @Test
    void firstRegistrationIsRetransmittedAfter1_5_3_6_12_24_32_32SecondsWithAFreshSequenceNumberEachTime() throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withGiveUpAfterRetransmissions(0));
        Instant t0 = rig.time.now();
        rig.start();
        rig.time.advance(Duration.ofSeconds(111));

        List<Sent> sent = rig.sent();
        assertThat(sent).hasSize(8);
        assertThat(sent.get(0).at()).isEqualTo(t0);
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < sent.size(); i++) {
            gaps.add(Duration.between(sent.get(i - 1).at(), sent.get(i).at()));
        }
        assertThat(gaps).containsExactly(seconds(1.5), seconds(3), seconds(6), seconds(12), seconds(24),
                seconds(32), seconds(32));
        assertThat(rig.bus()).extracting(bu -> bu.sequence().value())
                .containsExactly(100, 101, 102, 103, 104, 105, 106, 107);
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_SENT)).hasSize(8);
    }

    @Test
    void aRegistrationWhileABindingExistsStartsWithTheOneSecondTimeout() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        rig.engine.moveTo(COA2);
        rig.time.runDue();
        Instant moved = rig.lastSent().at();
        rig.time.advance(Duration.ofSeconds(4));

        List<Sent> sent = rig.sent();
        assertThat(sent).hasSize(4);
        assertThat(Duration.between(moved, sent.get(2).at())).isEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.between(sent.get(2).at(), sent.get(3).at())).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void givesUpAfterTheConfiguredRetransmissionsWithAnEventAndAFailedStage() throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withGiveUpAfterRetransmissions(3));
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        // sends at 0, 1.5, 4.5, 10.5; the third retransmission's 12 s timer runs out at 22.5
        rig.time.advance(seconds(22.4));
        assertThat(rig.bus()).hasSize(4);
        assertThat(started).isNotDone();
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_GAVE_UP)).isEmpty();

        rig.time.advance(seconds(0.1));
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_GAVE_UP)).hasSize(1);
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_GAVE_UP).get(0).detail()).contains("3 retransmissions");
        assertThat(started).isCompletedExceptionally();
        Throwable cause = catchCause(started);
        assertThat(cause).isInstanceOf(MobileNodeRegistrationException.class);
        assertThat(((MobileNodeRegistrationException) cause).reason())
                .isEqualTo(MobileNodeRegistrationException.Reason.GAVE_UP);

        rig.time.advance(Duration.ofMinutes(10));
        assertThat(rig.bus()).hasSize(4);
        assertThat(rig.engine.registration()).isEmpty();
    }

    @Test
    void theTimerOfAnAcknowledgedBindingUpdateDoesNothingWhenItFires() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        rig.time.advance(seconds(1.0));
        BindingUpdate bu = rig.lastBu();
        rig.ack(BindingAckStatus.ACCEPTED, bu.sequence(), bu.lifetime());
        rig.time.advance(Duration.ofSeconds(100));

        assertThat(rig.bus()).hasSize(1);
        assertThat(rig.engine.registration()).isPresent();
    }

    @Test
    void aReplacedBindingUpdateIsNotRetransmitted() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        rig.engine.moveTo(COA2);
        rig.time.runDue();
        BindingUpdate toCoa2 = rig.lastBu();
        rig.ack(BindingAckStatus.ACCEPTED, toCoa2.sequence(), toCoa2.lifetime());
        rig.time.advance(Duration.ofSeconds(60));

        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.engine.registration().orElseThrow().careOfAddress()).isEqualTo(COA2);
    }

    @Test
    void neverMoreThanThreeBindingUpdatesPerSecondToTheHomeAgentEvenWithRapidMoves() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        Ipv6Address last = null;
        for (int i = 1; i <= 10; i++) {
            last = Ipv6Address.parse("2001:db8:40::" + Integer.toHexString(i));
            rig.engine.moveTo(last);
            rig.time.runDue();
            rig.time.advance(Duration.ofMillis(100));
        }
        rig.time.advance(Duration.ofSeconds(3));

        List<Sent> sent = rig.sent();
        for (Sent s : sent) {
            long inWindow = sent.stream()
                    .filter(o -> !o.at().isBefore(s.at()) && o.at().isBefore(s.at().plusSeconds(1))).count();
            assertThat(inWindow).as("Binding Updates in the second from %s", s.at()).isLessThanOrEqualTo(3);
        }
        // moves arrived every 100 ms, so the limiter, not the moves, set the pace in the first second
        Instant firstMove = sent.get(1).at();
        assertThat(sent.stream().filter(o -> !o.at().isBefore(firstMove)
                && o.at().isBefore(firstMove.plusSeconds(1))).count()).isEqualTo(3);
        // delayed, not dropped: the latest care-of address did get its Binding Update
        Ipv6Address finalCoa = last;
        assertThat(sent).anySatisfy(s -> assertThat(s.to().source()).isEqualTo(finalCoa));
        List<Integer> seqs = rig.bus().stream().map(bu -> bu.sequence().value()).toList();
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
        }
    }

    private static Throwable catchCause(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("expected failure");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
