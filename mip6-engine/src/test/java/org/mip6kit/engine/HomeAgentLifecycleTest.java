package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.COA2;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;
import static org.mip6kit.engine.HomeAgentTestRig.OTHER;
import static org.mip6kit.engine.HomeAgentTestRig.OWNER;
import static org.mip6kit.engine.HomeAgentTestRig.bu;
import static org.mip6kit.engine.HomeAgentTestRig.from;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Refusal;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * The binding lifecycle a home-agent provider sees ({@link org.mip6kit.spi.HomeAgentSecurity}):
 * for each accepted Binding Update exactly one of {@code refused}; {@code beforeAck} then
 * {@code abandoned}; or {@code beforeAck} (not for a deregistration), commit, Binding
 * Acknowledgement, {@code afterChange} once the acknowledgement has left.
 */
@Tag("small")
class HomeAgentLifecycleTest {

    /** A reply context of this verdict's own, to see it handed back in the {@link Refusal}. */
    private static final ReplyContext VERDICT_REPLY = () -> "this verdict's reply";

    private HomeAgentTestRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    private void startWithOwnReplyContext() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.provider.verdicts = m -> Verdict.accept(ScriptedProvider.identityOf(m), VERDICT_REPLY);
    }

    // ------------------------------------------------------------------ attach

    @Test
    void handleIsAttachedOnceBeforeThePathIsAskedFor() throws Exception {
        rig = HomeAgentTestRig.started();
        assertThat(rig.provider.attachCalls).isEqualTo(1);
        assertThat(rig.provider.handle).isNotNull();
        assertThat(rig.provider.calls).containsSubsequence("attach", "path");
        assertThat(rig.provider.calls.indexOf("attach")).isLessThan(rig.provider.calls.indexOf("path"));
    }

    // ------------------------------------------------------------------ refused

    @Test
    void sequenceOutOfWindowOverAnExistingBindingIsReportedAsRefusedOnce() throws Exception {
        startWithOwnReplyContext();
        rig.register(10, COA);
        rig.register(9, COA2);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(rig.provider.refusals).hasSize(1);
        Refusal r = rig.provider.refusals.get(0);
        assertThat(r.status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(r.sequence()).isEqualTo(SequenceNumber.of(9));
        assertThat(r.identity()).isEqualTo(OWNER);
        assertThat(r.homeAddress()).isEqualTo(HOA);
        assertThat(r.reply()).isSameAs(VERDICT_REPLY);
        assertThat(rig.provider.before).hasSize(1);   // only the accepted registration's
        assertThat(rig.provider.abandoned).isEmpty();
    }

    @Test
    void homeAddressOutsideTheHomePrefixIsReportedAsRefused132() throws Exception {
        startWithOwnReplyContext();
        Ipv6Address outside = Ipv6Address.parse("2001:db8:9::100");
        rig.deliver(bu(1, 150), COA, outside);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.NOT_HOME_SUBNET);
        assertThat(rig.provider.refusals).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(BindingAckStatus.NOT_HOME_SUBNET);
            assertThat(r.homeAddress()).isEqualTo(outside);
            assertThat(r.reply()).isSameAs(VERDICT_REPLY);
        });
        assertThat(rig.provider.before).isEmpty();
    }

    @Test
    void homeAddressOfAnotherIdentityIsReportedAsRefused129ToTheRefusedIdentity() throws Exception {
        startWithOwnReplyContext();
        rig.register(1, COA);
        rig.deliver(bu(2, 150, from(OTHER)), COA2, HOA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        assertThat(rig.provider.refusals).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
            assertThat(r.identity()).isEqualTo(OTHER);
            assertThat(r.sequence()).isEqualTo(SequenceNumber.of(2));
            assertThat(r.reply()).isSameAs(VERDICT_REPLY);
        });
        assertThat(rig.provider.before).hasSize(1);
    }

    @Test
    void acceptedBindingUpdateForAnUnusableHomeAddressIsReportedAsRefusedWithoutAnAnswer() throws Exception {
        startWithOwnReplyContext();
        Ipv6Address linkLocal = Ipv6Address.parse("fe80::1");
        rig.provider.deliver(bu(1, 150), new Addressing(linkLocal, HomeAgentTestRig.HA, Optional.empty(),
                Optional.empty(), Optional.empty()));
        rig.time.runDue();

        assertThat(rig.provider.sent).isEmpty();
        assertThat(rig.provider.refusals).singleElement().satisfies(r -> {
            assertThat(r.homeAddress()).isEqualTo(linkLocal);
            assertThat(r.reply()).isSameAs(VERDICT_REPLY);
        });
        assertThat(rig.provider.before).isEmpty();
    }

    @Test
    void refusedIsNeverCalledForAnAcceptedBindingUpdate() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.register(2, COA2);
        rig.register(3, COA2);
        rig.deregister(4, COA2);

        assertThat(rig.acks()).extracting(BindingAcknowledgement::status).containsOnly(BindingAckStatus.ACCEPTED);
        assertThat(rig.provider.refusals).isEmpty();
    }

    @Test
    void refusedIsNotCalledForTheProvidersOwnRejectionOrDrop() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.provider.verdicts = m -> Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, ScriptedProvider.REPLY, "bad MAC");
        rig.register(1, COA);
        rig.provider.verdicts = m -> Verdict.drop("unknown SPI");
        rig.register(2, COA);

        assertThat(rig.provider.refusals).isEmpty();
        assertThat(rig.provider.before).isEmpty();
    }

    // ------------------------------------------------------------------ beforeAck and abandoned

    @Test
    void failedPreparationIsAnswered128AndAbandoned() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.provider.beforeAck = c -> CompletableFuture.failedFuture(new IllegalStateException("netlink refused"));
        rig.register(1, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REASON_UNSPECIFIED);
        assertThat(rig.provider.abandoned).singleElement().satisfies(a -> {
            assertThat(a.change()).isEqualTo(rig.provider.before.get(0));
            assertThat(a.reason()).contains("netlink refused");
        });
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.provider.after).isEmpty();
        assertThat(rig.provider.refusals).isEmpty();
    }

    @Test
    void preparationThatFailsLaterIsAnswered128AndAbandoned() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Void> preparing = new CompletableFuture<>();
        rig.provider.beforeAck = c -> preparing;
        rig.register(1, COA);
        assertThat(rig.provider.sent).isEmpty();

        preparing.completeExceptionally(new IllegalStateException("SA install failed"));
        rig.time.runDue();
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REASON_UNSPECIFIED);
        assertThat(rig.provider.abandoned).hasSize(1);
        assertThat(rig.engine.bindingCount()).isZero();
    }

    @Test
    void preparationThatTimesOutIsAnswered130AndAbandonedOnlyOnceTheLateStageCompletes() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Void> preparing = new CompletableFuture<>();
        rig.provider.beforeAck = c -> preparing;
        rig.register(1, COA);
        rig.time.advance(rig.engine.settings().beforeAckTimeout());

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(rig.provider.abandoned).isEmpty();   // what the late stage installs is not there yet

        preparing.complete(null);
        rig.time.runDue();
        assertThat(rig.provider.abandoned).singleElement()
                .satisfies(a -> assertThat(a.change().kind()).isEqualTo(BindingChange.Kind.CREATED));
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.provider.after).isEmpty();
        assertThat(rig.acks()).hasSize(1);
    }

    @Test
    void lateFailureOfATimedOutPreparationIsAbandonedOnce() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Void> preparing = new CompletableFuture<>();
        rig.provider.beforeAck = c -> preparing;
        rig.register(1, COA);
        rig.time.advance(Duration.ofMinutes(1));
        preparing.completeExceptionally(new IllegalStateException("gave up"));
        rig.time.runDue();

        assertThat(rig.provider.abandoned).hasSize(1);
        assertThat(rig.acks()).extracting(BindingAcknowledgement::status)
                .containsExactly(BindingAckStatus.INSUFFICIENT_RESOURCES);
    }

    @Test
    void fullCacheAtCommitAbandonsThePreparedChange() throws Exception {
        rig = HomeAgentTestRig.started(HomeAgentTestRig.settings().withMaxBindings(1), new ScriptedProvider());
        CompletableFuture<Void> preparing = new CompletableFuture<>();
        rig.provider.beforeAck = c -> c.homeAddress().equals(HOA) ? preparing : CompletableFuture.completedFuture(null);
        rig.register(1, COA);   // prepared slowly, checked while the cache still had room
        rig.deliver(bu(1, 150, from(OTHER)), COA2, HomeAgentTestRig.HOA2);   // takes the only entry
        preparing.complete(null);
        rig.time.runDue();

        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.provider.abandoned).singleElement()
                .satisfies(a -> assertThat(a.change().homeAddress()).isEqualTo(HOA));
        assertThat(rig.acks()).extracting(BindingAcknowledgement::status)
                .containsExactly(BindingAckStatus.ACCEPTED, BindingAckStatus.INSUFFICIENT_RESOURCES);
    }

    // ------------------------------------------------------------------ afterChange after the BA left

    @Test
    void afterChangeForANewBindingComesOnlyOnceItsAcknowledgementHasLeft() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Void> leaving = new CompletableFuture<>();
        rig.provider.sendStages = m -> leaving;
        rig.register(1, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);   // handed to the path
        assertThat(rig.engine.bindingCount()).isEqualTo(1);
        assertThat(rig.provider.after).isEmpty();

        leaving.complete(null);
        rig.time.runDue();
        assertThat(rig.provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);
        assertThat(rig.provider.calls).containsSubsequence("beforeAck CREATED", "send BindingAcknowledgement",
                "afterChange CREATED");
    }

    @Test
    void nextBindingUpdateForTheHomeAddressWaitsUntilTheAcknowledgementHasLeft() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Void> leaving = new CompletableFuture<>();
        rig.provider.sendStages = m -> ((BindingAcknowledgement) m).sequence().value() == 1 ? leaving
                : CompletableFuture.completedFuture(null);
        rig.register(1, COA);
        rig.register(2, COA2);

        assertThat(rig.provider.verified).hasSize(1);
        assertThat(rig.engine.inFlight()).isEqualTo(2);

        leaving.complete(null);
        rig.time.runDue();
        assertThat(rig.provider.calls).containsSubsequence("afterChange CREATED", "verify seq=2", "beforeAck MOVED",
                "afterChange MOVED");
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
        assertThat(rig.engine.inFlight()).isZero();
    }

    @Test
    void afterChangeIsCalledEvenWhenTheAcknowledgementCouldNotBeSent() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Void> leaving = new CompletableFuture<>();
        rig.provider.sendStages = m -> leaving;
        rig.register(1, COA);
        leaving.completeExceptionally(new IllegalStateException("no route"));
        rig.time.runDue();

        assertThat(rig.provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);
        assertThat(rig.engine.counters().sendFailures()).isEqualTo(1);
        assertThat(rig.engine.inFlight()).isZero();
    }

    @Test
    void anAcknowledgementThatNeverLeavesHoldsTheHomeAddressNoLongerThanTheProviderBound() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.provider.sendStages = m -> ((BindingAcknowledgement) m).sequence().value() == 1 ? new CompletableFuture<>()
                : CompletableFuture.completedFuture(null);
        rig.register(1, COA);
        rig.register(2, COA2);
        assertThat(rig.provider.after).isEmpty();
        assertThat(rig.engine.inFlight()).isEqualTo(2);

        rig.time.advance(rig.engine.settings().beforeAckTimeout());

        assertThat(rig.provider.after).extracting(BindingChange::kind)
                .containsExactly(BindingChange.Kind.CREATED, BindingChange.Kind.MOVED);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
        assertThat(rig.engine.inFlight()).isZero();
    }

    @Test
    void deregistrationIsNotPreparedAndIsReportedDeletedOnceItsAcknowledgementHasLeft() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        CompletableFuture<Void> leaving = new CompletableFuture<>();
        rig.provider.sendStages = m -> leaving;
        rig.deregister(2, COA);

        assertThat(rig.provider.before).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);

        leaving.complete(null);
        rig.time.runDue();
        assertThat(rig.provider.after).extracting(BindingChange::kind)
                .containsExactly(BindingChange.Kind.CREATED, BindingChange.Kind.DELETED);
        BindingChange deleted = rig.provider.after.get(1);
        assertThat(deleted.careOf()).isEqualTo(COA);
        assertThat(deleted.lifetime().isZero()).isTrue();
        assertThat(deleted.keyManagementMobility()).isFalse();
    }

    @Test
    void eachAcceptedBindingUpdateGetsExactlyOneOutcome() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.provider.verdicts = m -> Verdict.accept(ScriptedProvider.identityOf(m), ScriptedProvider.REPLY);
        rig.register(5, COA);                          // created
        rig.register(5, COA2);                         // 135: refused
        rig.provider.beforeAck = c -> CompletableFuture.failedFuture(new IllegalStateException("no"));
        rig.register(6, COA2);                         // prepared, failed: abandoned
        rig.provider.beforeAck = c -> CompletableFuture.completedFuture(null);
        rig.register(7, COA2);                         // moved
        rig.deregister(8, COA2);                       // deleted

        assertThat(rig.provider.calls).filteredOn(c -> !c.startsWith("send") && !c.equals("attach") && !c.equals("path"))
                .containsExactly(
                        "verify seq=5", "beforeAck CREATED", "afterChange CREATED",
                        "verify seq=5", "refused 135",
                        "verify seq=6", "beforeAck MOVED", "abandoned MOVED",
                        "verify seq=7", "beforeAck MOVED", "afterChange MOVED",
                        "verify seq=8", "afterChange DELETED");
    }
}
