package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Lifetime;

/**
 * {@link org.mip6kit.spi.SignallingPath#verify} on the mobile node may answer later: an
 * acknowledgement is acted on when its verdict arrives, and only if that verdict accepts it
 * (RFC 6275 §11.7.3).
 */
@Tag("small")
class MobileNodeAsyncVerifyTest {

    @Test
    void acknowledgementAcceptedByALateVerdictCompletesTheRegistration() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        rig.path().verifyStages = m -> verdict;
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));
        assertThat(started).isNotDone();
        assertThat(rig.engine.registration()).isEmpty();

        verdict.complete(Verdict.accept(MobileNodeTestRig.HA_ID, () -> "late"));
        rig.time.runDue();
        assertThat(started).isCompleted();
        assertThat(rig.engine.registration()).isPresent();
        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED);
    }

    @Test
    void lateDropChangesNothing() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        rig.path().verifyStages = m -> verdict;
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        verdict.complete(Verdict.drop("no SA yet"));
        rig.time.runDue();
        assertThat(started).isNotDone();
        assertThat(rig.engine.registration()).isEmpty();
        assertThat(rig.security().registrationChanges).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.VERDICT_DROPPED)).hasSize(1);
        rig.time.advance(Duration.ofSeconds(2));
        assertThat(rig.bus()).as("still retransmitting").hasSizeGreaterThan(1);
    }

    @Test
    void lateFailedVerdictIsADropAndChangesNothing() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        rig.path().verifyStages = m -> verdict;
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        verdict.completeExceptionally(new IllegalStateException("key daemon gone"));
        rig.time.runDue();
        assertThat(started).isNotDone();
        assertThat(rig.engine.registration()).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.VERDICT_DROPPED)).hasSize(1);
    }
}
