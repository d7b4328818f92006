package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.HOA;
import static org.mip6kit.engine.MobileNodeTestRig.seconds;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingErrorStatus;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/** RFC 6275 §11.7.1, §11.7.3, §11.7.4: refreshing before expiry, Binding Refresh Advice and Requests. */
@Tag("small")
class MobileNodeRefreshTest {

    @Test
    void refreshesWhenTwentyPercentOfTheGrantedLifetimeIsLeftCountedFromWhenTheBindingUpdateLeft() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        Instant t0 = rig.time.now();
        rig.start();
        rig.time.advance(Duration.ofSeconds(2));   // acknowledged late: seq 101 went at 1.5 s
        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(101), Lifetime.ofSeconds(600));

        rig.time.advance(Duration.between(rig.time.now(), t0.plusMillis(481_499)));
        assertThat(rig.bus()).hasSize(2);
        rig.time.advance(Duration.ofMillis(1));
        assertThat(rig.bus()).hasSize(3);
        assertThat(rig.lastSent().at()).isEqualTo(t0.plusMillis(481_500));
        BindingUpdate refresh = rig.lastBu();
        assertThat(refresh.sequence()).isEqualTo(SequenceNumber.of(102));
        assertThat(refresh.lifetime()).isEqualTo(Lifetime.ofSeconds(600));
        assertThat(rig.lastSent().to().source()).isEqualTo(COA);
        assertThat(rig.lastSent().to().homeAddressOption()).contains(HOA);
    }

    @Test
    void aShorterGrantedLifetimeIsUsedAndRefreshedAtItsOwnMargin() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        Instant t0 = rig.time.now();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(100), Lifetime.ofSeconds(100));
        assertThat(started.join().grantedLifetime()).isEqualTo(Lifetime.ofSeconds(100));

        rig.time.advance(Duration.ofSeconds(79));
        assertThat(rig.bus()).hasSize(1);
        rig.time.advance(Duration.ofSeconds(1));
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastSent().at()).isEqualTo(t0.plusSeconds(80));
    }

    @Test
    void aBindingRefreshAdviceSoonerThanTheMarginWinsAndOneLaterDoesNot() throws Exception {
        MobileNodeTestRig advised = MobileNodeTestRig.standard();
        Instant t0 = advised.time.now();
        advised.start();
        advised.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(100), Lifetime.ofSeconds(600),
                new BindingRefreshAdvice(Lifetime.ofSeconds(100)));
        advised.time.advance(Duration.ofSeconds(99));
        assertThat(advised.bus()).hasSize(1);
        advised.time.advance(Duration.ofSeconds(1));
        assertThat(advised.bus()).hasSize(2);
        assertThat(advised.lastSent().at()).isEqualTo(t0.plusSeconds(100));

        MobileNodeTestRig late = MobileNodeTestRig.standard();
        late.start();
        late.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(100), Lifetime.ofSeconds(600),
                new BindingRefreshAdvice(Lifetime.ofSeconds(560)));
        late.time.advance(Duration.ofSeconds(480));
        assertThat(late.bus()).hasSize(2);
        assertThat(late.lastSent().at()).isEqualTo(t0.plusSeconds(480));
    }

    @Test
    void aVerifiedBindingRefreshRequestTriggersARefreshNow() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(60));
        Instant asked = rig.time.now();
        rig.deliver(BindingRefreshRequest.create());

        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastSent().at()).isEqualTo(asked);
        assertThat(rig.lastBu().lifetime()).isEqualTo(Lifetime.ofSeconds(600));
        assertThat(rig.events(EngineEvent.Kind.REFRESH_REQUESTED)).hasSize(1);
    }

    @Test
    void aBindingRefreshRequestThatFailsVerificationIsIgnored() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(60));
        rig.path().verify = m -> Verdict.drop("no SA");
        rig.deliver(BindingRefreshRequest.create());

        assertThat(rig.bus()).hasSize(1);
        assertThat(rig.events(EngineEvent.Kind.REFRESH_REQUESTED)).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.VERDICT_DROPPED)).hasSize(1);
    }

    @Test
    void anUnansweredRefreshLeavesTheRegistrationToExpireAtItsTime() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        Instant t0 = rig.time.now();
        rig.register();
        rig.time.advance(Duration.ofSeconds(599));
        assertThat(rig.engine.registration()).isPresent();
        assertThat(rig.bus().size()).isGreaterThan(2);   // the refresh at 480 s and its retransmissions
        rig.time.advance(Duration.ofSeconds(1));
        assertThat(rig.time.now()).isEqualTo(t0.plusSeconds(600));
        assertThat(rig.engine.registration()).isEmpty();
    }

    @Test
    void aBindingErrorIsReportedAndUnknownBindingForOurHomeAddressRegistersAgain() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.deliver(new BindingError(BindingErrorStatus.of(2), HOA, List.of()));
        assertThat(rig.events(EngineEvent.Kind.BINDING_ERROR_RECEIVED)).hasSize(1);
        assertThat(rig.bus()).hasSize(1);

        rig.deliver(new BindingError(BindingErrorStatus.of(1), HOA, List.of()));
        assertThat(rig.events(EngineEvent.Kind.BINDING_ERROR_RECEIVED)).hasSize(2);
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastBu().lifetime()).isEqualTo(Lifetime.ofSeconds(600));
        assertThat(rig.engine.registration()).isEmpty();
        rig.time.advance(seconds(1.4));
        assertThat(rig.bus()).as("the home agent has no binding: first-registration timeout 1.5 s").hasSize(2);
        rig.time.advance(seconds(0.1));
        assertThat(rig.bus()).hasSize(3);
    }

    @Test
    void aRefreshIsNotSentWhileAnotherBindingUpdateIsOutstanding() throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withRequestedLifetime(Duration.ofSeconds(40)));
        rig.register();
        rig.time.advance(Duration.ofSeconds(5));
        rig.deliver(BindingRefreshRequest.create());   // outstanding from 5 s
        rig.deliver(BindingRefreshRequest.create());   // nothing new: one is already outstanding
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.events(EngineEvent.Kind.REFRESH_REQUESTED)).hasSize(2);
    }
}
