package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.COA2;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;
import static org.mip6kit.engine.HomeAgentTestRig.HOA2;
import static org.mip6kit.engine.HomeAgentTestRig.bu;
import static org.mip6kit.engine.HomeAgentTestRig.from;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.MobilityMessage;

/**
 * {@link org.mip6kit.spi.SignallingPath#verify} on the home agent may answer later: the Binding
 * Update is processed when the verdict arrives, inside the per-home-address order, and a verdict
 * that never comes, fails, is null or throws counts as {@link Verdict.Drop} (RFC 6275 §9.5.1:
 * nothing that failed the security check changes a binding).
 */
@Tag("small")
class HomeAgentAsyncVerifyTest {

    private static final Identity BOB = Identity.nai("bob@example.com");

    private HomeAgentTestRig rig;
    /** Pending verdicts by sequence number; a Binding Update without one is accepted at once. */
    private final Map<Integer, CompletableFuture<Verdict>> pending = new HashMap<>();

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    private void startWithPendingVerdictFor(int... sequences) throws Exception {
        rig = HomeAgentTestRig.started();
        for (int seq : sequences) {
            pending.put(seq, new CompletableFuture<>());
        }
        rig.provider.verifyStages = m -> {
            CompletableFuture<Verdict> later = pending.get(((BindingUpdate) m).sequence().value());
            return later != null ? later : CompletableFuture.completedFuture(accept(m));
        };
    }

    private static Verdict accept(MobilityMessage m) {
        return Verdict.accept(ScriptedProvider.identityOf(m), ScriptedProvider.REPLY);
    }

    private List<Integer> verifiedSequences() {
        return rig.provider.verified.stream().map(m -> ((BindingUpdate) m).sequence().value()).toList();
    }

    @Test
    void bindingUpdateIsProcessedWhenItsLateVerdictArrives() throws Exception {
        startWithPendingVerdictFor(1);
        rig.register(1, COA);
        assertThat(rig.provider.sent).isEmpty();
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.engine.inFlight()).isEqualTo(1);

        pending.get(1).complete(accept(bu(1, 150)));
        rig.time.runDue();
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
        assertThat(rig.engine.inFlight()).isZero();
    }

    @Test
    void secondBindingUpdateForTheSameHomeAddressIsNotVerifiedBeforeTheFirstFinished() throws Exception {
        startWithPendingVerdictFor(1);
        rig.register(1, COA);
        rig.register(2, COA2);
        assertThat(verifiedSequences()).containsExactly(1);
        assertThat(rig.engine.inFlight()).isEqualTo(2);

        pending.get(1).complete(accept(bu(1, 150)));
        rig.time.runDue();
        assertThat(verifiedSequences()).containsExactly(1, 2);
        assertThat(rig.acks()).extracting(ba -> ba.sequence().value()).containsExactly(1, 2);
        assertThat(rig.provider.after).extracting(BindingChange::kind)
                .containsExactly(BindingChange.Kind.CREATED, BindingChange.Kind.MOVED);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
        assertThat(rig.engine.inFlight()).isZero();
    }

    @Test
    void aFloodForAHomeAddressWhoseVerdictIsPendingQueuesABoundedNumberAndDropsTheRestUnverified()
            throws Exception {
        startWithPendingVerdictFor(1);
        rig.register(1, COA);
        int flood = HomeAgentEngine.MAX_WAITING_PER_HOME_ADDRESS + 50;
        for (int i = 0; i < flood; i++) {
            rig.register(2 + i, COA2);
        }
        assertThat(rig.engine.inFlight()).isEqualTo(1 + HomeAgentEngine.MAX_WAITING_PER_HOME_ADDRESS);
        assertThat(rig.engine.counters().dropped()).isEqualTo(50);
        assertThat(verifiedSequences()).containsExactly(1);

        pending.get(1).complete(accept(bu(1, 150)));
        rig.time.runDue();
        assertThat(rig.engine.inFlight()).isZero();
        assertThat(verifiedSequences()).hasSize(1 + HomeAgentEngine.MAX_WAITING_PER_HOME_ADDRESS);
    }

    @Test
    void pendingVerdictForOneHomeAddressDoesNotBlockAnother() throws Exception {
        startWithPendingVerdictFor(1);
        rig.register(1, COA);
        rig.deliver(bu(7, 150, from(BOB)), COA2, HOA2);

        assertThat(rig.acks()).extracting(BindingAcknowledgement::sequence).extracting(s -> s.value())
                .containsExactly(7);
        assertThat(rig.engine.binding(HOA2).orElseThrow().identity()).isEqualTo(BOB);
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.engine.inFlight()).isEqualTo(1);
    }

    @Test
    void verdictThatNeverComesIsADropAfterTheBound() throws Exception {
        startWithPendingVerdictFor(1);
        Duration bound = rig.engine.settings().beforeAckTimeout();
        rig.register(1, COA);
        rig.time.advance(bound.minusMillis(1));
        assertThat(rig.engine.counters().dropped()).isZero();
        assertThat(rig.engine.inFlight()).isEqualTo(1);

        rig.time.advance(Duration.ofMillis(1));
        assertThat(rig.engine.counters().dropped()).isEqualTo(1);
        assertThat(rig.eventKinds()).contains(EngineEvent.Kind.VERDICT_DROPPED);
        assertThat(rig.provider.sent).isEmpty();
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.provider.before).isEmpty();
        assertThat(rig.engine.inFlight()).isZero();
    }

    @Test
    void queueForTheHomeAddressMovesOnOnceAVerdictTimedOut() throws Exception {
        startWithPendingVerdictFor(1);
        rig.register(1, COA);
        rig.register(2, COA2);
        rig.time.advance(rig.engine.settings().beforeAckTimeout());

        assertThat(verifiedSequences()).containsExactly(1, 2);
        assertThat(rig.acks()).extracting(ba -> ba.sequence().value()).containsExactly(2);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
    }

    @Test
    void verdictArrivingAfterTheBoundChangesNothing() throws Exception {
        startWithPendingVerdictFor(1);
        rig.register(1, COA);
        rig.time.advance(rig.engine.settings().beforeAckTimeout());

        pending.get(1).complete(accept(bu(1, 150)));
        rig.time.runDue();
        assertThat(rig.provider.sent).isEmpty();
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.provider.before).isEmpty();
    }

    @Test
    void verifyThatThrowsIsADropAndChangesNothing() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.provider.verifyStages = m -> {
            throw new IllegalStateException("provider bug");
        };
        rig.register(2, COA2);
        assertDroppedAndBindingUnchanged();
    }

    @Test
    void verifyThatReturnsNoStageIsADropAndChangesNothing() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.provider.verifyStages = m -> null;
        rig.register(2, COA2);
        assertDroppedAndBindingUnchanged();
    }

    @Test
    void verifyStageCompletingWithNullIsADropAndChangesNothing() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.provider.verifyStages = m -> CompletableFuture.completedFuture(null);
        rig.register(2, COA2);
        assertDroppedAndBindingUnchanged();
    }

    @Test
    void failedVerifyStageIsADropAndChangesNothing() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.provider.verifyStages = m -> CompletableFuture.failedFuture(new IllegalStateException("daemon gone"));
        rig.register(2, COA2);
        assertDroppedAndBindingUnchanged();
    }

    @Test
    void verifyStageThatFailsLaterIsADropAndChangesNothing() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        CompletableFuture<Verdict> later = new CompletableFuture<>();
        rig.provider.verifyStages = m -> later;
        rig.register(2, COA2);
        later.completeExceptionally(new IllegalStateException("AAA server unreachable"));
        rig.time.runDue();
        assertDroppedAndBindingUnchanged();
    }

    @Test
    void verdictGivenAsAnyKindOfCompletionStageIsHonoured() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.provider.verifyStages = m -> CompletableFuture.completedStage(accept(m));
        rig.register(1, COA);
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.engine.inFlight()).isZero();
    }

    private void assertDroppedAndBindingUnchanged() {
        assertThat(rig.engine.counters().dropped()).isEqualTo(1);
        assertThat(rig.acks()).hasSize(1);   // only the first registration's
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
        assertThat(rig.engine.binding(HOA).orElseThrow().sequence().value()).isEqualTo(1);
        assertThat(rig.provider.before).hasSize(1);
        assertThat(rig.provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);
        assertThat(rig.provider.refusals).isEmpty();
        assertThat(rig.engine.inFlight()).isZero();
    }
}
