package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.COA2;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;
import static org.mip6kit.engine.HomeAgentTestRig.OTHER;
import static org.mip6kit.engine.HomeAgentTestRig.OWNER;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@link org.mip6kit.spi.HomeAgentHandle#revoke}: a provider removes a binding whose
 * authorisation is gone (IKE SA deleted, lease ended). Only the owner's binding goes; it runs in
 * the per-home-address order; nothing is sent to the mobile node.
 */
@Tag("small")
class HomeAgentRevocationTest {

    private HomeAgentTestRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    private boolean revoke(org.mip6kit.spi.Identity owner) {
        CompletableFuture<Boolean> done = rig.provider.handle.revoke(HOA, owner, "IKE SA deleted")
                .toCompletableFuture();
        rig.time.runDue();
        assertThat(done).isDone();
        return done.join();
    }

    @Test
    void ownerBindingIsRemovedAndReportedAsRevoked() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(5, COA);
        int sentBefore = rig.provider.sent.size();

        assertThat(revoke(OWNER)).isTrue();
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.engine.bindings()).isEmpty();
        assertThat(rig.provider.after).extracting(BindingChange::kind)
                .containsExactly(BindingChange.Kind.CREATED, BindingChange.Kind.REVOKED);
        BindingChange revoked = rig.provider.after.get(1);
        assertThat(revoked.identity()).isEqualTo(OWNER);
        assertThat(revoked.homeAddress()).isEqualTo(HOA);
        assertThat(revoked.careOf()).isEqualTo(COA);
        assertThat(revoked.lifetime().isZero()).isTrue();
        assertThat(rig.eventKinds()).contains(EngineEvent.Kind.BINDING_REVOKED);
        assertThat(rig.engine.counters().revoked()).isEqualTo(1);
        assertThat(rig.provider.sent).hasSize(sentBefore);   // RFC 5846 revocation is not sent
    }

    @Test
    void revocationByAnotherIdentityRemovesNothing() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(5, COA);

        assertThat(revoke(OTHER)).isFalse();
        assertThat(rig.engine.bindingCount()).isEqualTo(1);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
        assertThat(rig.provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);
        assertThat(rig.engine.counters().revoked()).isZero();
    }

    @Test
    void revocationWithoutABindingRemovesNothing() throws Exception {
        rig = HomeAgentTestRig.started();
        assertThat(revoke(OWNER)).isFalse();
        assertThat(rig.provider.after).isEmpty();
    }

    @Test
    void revokedBindingIsRevokedOnlyOnce() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(5, COA);
        assertThat(revoke(OWNER)).isTrue();
        assertThat(revoke(OWNER)).isFalse();
        assertThat(rig.provider.after).filteredOn(c -> c.kind() == BindingChange.Kind.REVOKED).hasSize(1);
        assertThat(rig.engine.counters().revoked()).isEqualTo(1);
    }

    @Test
    void revocationWaitsForTheBindingUpdateInProgressForThatHomeAddress() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        rig.provider.verifyStages = m -> verdict;
        rig.register(5, COA);
        CompletableFuture<Boolean> done = rig.provider.handle.revoke(HOA, OWNER, "lease ended").toCompletableFuture();
        rig.time.runDue();
        assertThat(done).isNotDone();

        verdict.complete(Verdict.accept(OWNER, ScriptedProvider.REPLY));
        rig.time.runDue();
        assertThat(done).isCompletedWithValue(true);
        assertThat(rig.provider.after).extracting(BindingChange::kind)
                .containsExactly(BindingChange.Kind.CREATED, BindingChange.Kind.REVOKED);
        assertThat(rig.engine.bindingCount()).isZero();
    }

    @Test
    void ownerMayRegisterAgainWithANewerSequenceNumberAfterRevocation() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(5, COA);
        revoke(OWNER);
        rig.register(6, COA2);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
        assertThat(rig.provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED,
                BindingChange.Kind.REVOKED, BindingChange.Kind.CREATED);
    }

    /**
     * RFC 6275 §9.5.1: after a revocation no binding is left, so the owner's next Binding Update
     * is accepted whatever its sequence number; the replay hold keeps only the owner.
     */
    @Test
    void afterRevocationAnySequenceNumberIsAccepted() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(5, COA);
        revoke(OWNER);
        assertThat(rig.engine.replayHoldCount()).isEqualTo(1);

        rig.register(1, COA2);
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.engine.binding(HOA).orElseThrow().sequence()).isEqualTo(SequenceNumber.of(1));
        assertThat(rig.provider.refusals).isEmpty();
    }

    /** The operator option outside RFC 6275 keeps judging the sequence number after a revocation. */
    @Test
    void afterRevocationTheSequenceNumberHoldJudgesTheSequenceNumberWhenTurnedOn() throws Exception {
        rig = HomeAgentTestRig.started(HomeAgentTestRig.settings().toBuilder().sequenceNumberHold(true).build(),
                new ScriptedProvider());
        rig.register(5, COA);
        revoke(OWNER);

        rig.register(1, COA2);
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(rig.lastAck().sequence()).isEqualTo(SequenceNumber.of(5));
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.provider.refusals).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW));
    }
}
