package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.COA2;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.wire.BindingAckStatus;

/**
 * The data plane's hook: prepared after the provider's beforeAck and before the Binding
 * Acknowledgement (so the first packet after it takes the new path), 130 when it fails, removed
 * after a deletion or an expiry.
 */
@Tag("small")
class HomeAgentForwardingHookTest {

    private final ScriptedProvider provider = new ScriptedProvider();
    private final RecordingForwarding forwarding = new RecordingForwarding(provider.calls);
    private HomeAgentTestRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void forwardingIsPreparedAfterTheProviderAndBeforeTheAcknowledgement() throws Exception {
        rig = HomeAgentTestRig.startedWith(provider, forwarding);

        rig.register(1, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(provider.calls).containsSubsequence("beforeAck CREATED", "prepare CREATED",
                "send BindingAcknowledgement", "afterChange CREATED");
        assertThat(forwarding.prepared.get(0).careOf()).isEqualTo(COA);
    }

    @Test
    void aMoveIsPreparedWithThePreviousCareOf() throws Exception {
        rig = HomeAgentTestRig.startedWith(provider, forwarding);
        rig.register(1, COA);

        rig.register(2, COA2);

        BindingChange moved = forwarding.prepared.get(1);
        assertThat(moved.kind()).isEqualTo(BindingChange.Kind.MOVED);
        assertThat(moved.previousCareOf()).contains(COA);
        assertThat(moved.careOf()).isEqualTo(COA2);
    }

    @Test
    void aForwardingFailureTurnsTheAnswerInto130AndAbandonsTheChange() throws Exception {
        forwarding.stages = c -> CompletableFuture.failedFuture(new IllegalStateException("no TUN"));
        rig = HomeAgentTestRig.startedWith(provider, forwarding);

        rig.register(1, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(forwarding.abandoned).hasSize(1);
        assertThat(provider.abandoned).hasSize(1);
        assertThat(provider.after).isEmpty();
    }

    @Test
    void aForwardingThatNeverPreparesTimesOutWith130() throws Exception {
        forwarding.stages = c -> new CompletableFuture<>();
        rig = HomeAgentTestRig.startedWith(provider, forwarding);

        rig.register(1, COA);
        assertThat(provider.sent).isEmpty();
        rig.time.advance(Duration.ofSeconds(5));

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(rig.engine.bindingCount()).isZero();
    }

    @Test
    void aProviderFailureNeverReachesTheForwardingAndStays128() throws Exception {
        provider.beforeAck = c -> CompletableFuture.failedFuture(new IllegalStateException("netlink refused"));
        rig = HomeAgentTestRig.startedWith(provider, forwarding);

        rig.register(1, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REASON_UNSPECIFIED);
        assertThat(forwarding.prepared).isEmpty();
    }

    @Test
    void aDeregistrationRemovesTheForwardingAfterTheAcknowledgementLeft() throws Exception {
        rig = HomeAgentTestRig.startedWith(provider, forwarding);
        rig.register(1, COA);

        rig.deregister(2, COA);

        assertThat(forwarding.prepared).hasSize(1);
        assertThat(provider.calls).containsSubsequence("prepare CREATED", "send BindingAcknowledgement",
                "removed DELETED");
        assertThat(forwarding.removed).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.DELETED);
    }

    @Test
    void anExpiryRemovesTheForwarding() throws Exception {
        rig = HomeAgentTestRig.startedWith(provider, forwarding);
        rig.register(1, COA);

        rig.time.advance(Duration.ofSeconds(601));

        assertThat(forwarding.removed).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.EXPIRED);
    }

    /** Records each call, in the provider's call list too so the order shows. */
    private static final class RecordingForwarding implements BindingForwarding {
        final List<String> calls;
        final List<BindingChange> prepared = new ArrayList<>();
        final List<BindingChange> abandoned = new ArrayList<>();
        final List<BindingChange> removed = new ArrayList<>();
        Function<BindingChange, CompletionStage<Void>> stages = c -> CompletableFuture.completedFuture(null);

        RecordingForwarding(List<String> calls) {
            this.calls = calls;
        }

        @Override
        public CompletionStage<Void> prepare(BindingChange change) {
            prepared.add(change);
            calls.add("prepare " + change.kind());
            return stages.apply(change);
        }

        @Override
        public void abandoned(BindingChange change) {
            abandoned.add(change);
            calls.add("forwarding-abandoned " + change.kind());
        }

        @Override
        public void removed(BindingChange change) {
            removed.add(change);
            calls.add("removed " + change.kind());
        }
    }
}
