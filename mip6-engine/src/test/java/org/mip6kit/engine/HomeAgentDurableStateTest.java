package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.COA2;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;
import static org.mip6kit.engine.HomeAgentTestRig.OWNER;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * The home agent with a {@link BindingStore}: a change is acknowledged only once the store says
 * it is durable (a refresh that only extends the lifetime excepted), a store that fails changes
 * nothing and answers 130, and a home agent built from what the store kept serves the bindings
 * with their remaining lifetime and refuses a superseded Binding Update as before the restart.
 */
@Tag("small")
class HomeAgentDurableStateTest {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    /** A store whose stages the test completes; keeps the last entry per home address, like a real one. */
    static final class FakeStore implements BindingStore {
        record Write(StoredBinding binding, Durability durability, CompletableFuture<Void> stage) {
        }

        final List<Write> writes = new ArrayList<>();
        final List<Ipv6Address> removed = new ArrayList<>();
        final Map<Ipv6Address, StoredBinding> durable = new LinkedHashMap<>();
        /** Completes each write at once (as durable) unless false. */
        boolean immediate = true;
        /** What {@link #refreshesMayLag} answers. */
        boolean refreshesMayLag = true;

        @Override
        public boolean refreshesMayLag() {
            return refreshesMayLag;
        }

        @Override
        public CompletionStage<Void> write(StoredBinding binding, Durability durability) {
            CompletableFuture<Void> stage = new CompletableFuture<>();
            writes.add(new Write(binding, durability, stage));
            // What the engine sees completes only after the entry is in place, as with a real store.
            CompletableFuture<Void> seen = stage.thenRun(() -> durable.put(binding.binding().homeAddress(), binding));
            if (immediate) {
                stage.complete(null);
            }
            return seen;
        }

        @Override
        public CompletionStage<Void> remove(Ipv6Address homeAddress) {
            removed.add(homeAddress);
            durable.remove(homeAddress);
            return CompletableFuture.completedFuture(null);
        }

        Write last() {
            return writes.get(writes.size() - 1);
        }
    }

    private final FakeStore store = new FakeStore();
    private final List<HomeAgentTestRig> rigs = new ArrayList<>();

    @AfterEach
    void close() {
        rigs.forEach(HomeAgentTestRig::close);
    }

    private HomeAgentTestRig first() throws Exception {
        HomeAgentTestRig rig = HomeAgentTestRig.started(T0, new ScriptedProvider(), b -> b.store(store));
        rigs.add(rig);
        return rig;
    }

    /** A new home agent at {@code at}, built from what the store made durable. */
    private HomeAgentTestRig restartedAt(Instant at) throws Exception {
        List<StoredBinding> kept = List.copyOf(store.durable.values());
        HomeAgentTestRig rig = HomeAgentTestRig.started(at, new ScriptedProvider(),
                b -> b.store(store).restore(kept));
        rigs.add(rig);
        return rig;
    }

    @Test
    void bindingAckIsSentOnlyOnceTheStoreSaysTheChangeIsDurable() throws Exception {
        HomeAgentTestRig rig = first();
        store.immediate = false;

        rig.register(5, COA);

        assertThat(rig.acks()).as("no acknowledgement before the sync").isEmpty();
        assertThat(rig.engine.binding(HOA)).as("nothing committed yet").isEmpty();
        FakeStore.Write w = store.last();
        assertThat(w.durability()).isEqualTo(BindingStore.Durability.BEFORE_ACK);
        assertThat(w.binding().change()).isEqualTo(BindingChange.Kind.CREATED);
        assertThat(w.binding().binding().careOfAddress()).isEqualTo(COA);
        assertThat(w.binding().binding().sequence()).isEqualTo(SequenceNumber.of(5));
        assertThat(w.binding().binding().expiresAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(w.binding().providerRecord()).asString().isEqualTo("CREATED " + COA);

        w.stage().complete(null);
        rig.time.runDue();

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
    }

    @Test
    void storeFailureAnswers130AndLeavesNoBinding() throws Exception {
        HomeAgentTestRig rig = first();
        store.immediate = false;

        rig.register(5, COA);
        store.last().stage().completeExceptionally(new IOException("disk full"));
        rig.time.runDue();

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.provider.after).isEmpty();
        assertThat(rig.provider.abandoned).extracting(a -> a.change().kind()).containsExactly(BindingChange.Kind.CREATED);
        assertThat(rig.provider.abandoned.get(0).reason()).contains("disk full");
    }

    @Test
    void storeFailureOnAMoveKeepsTheOldCareOf() throws Exception {
        HomeAgentTestRig rig = first();
        rig.register(5, COA);
        store.immediate = false;

        rig.register(6, COA2);
        store.last().stage().completeExceptionally(new IOException("I/O error"));
        rig.time.runDue();

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        BindingRecord b = rig.engine.binding(HOA).orElseThrow();
        assertThat(b.careOfAddress()).isEqualTo(COA);
        assertThat(b.sequence()).isEqualTo(SequenceNumber.of(5));
    }

    @Test
    void storeSilentBeyondTheBoundAnswers130AndAWriteLandingLaterIsUndone() throws Exception {
        HomeAgentTestRig rig = first();
        store.immediate = false;

        rig.register(5, COA);
        rig.time.advance(HomeAgentTestRig.settings().beforeAckTimeout().plusMillis(1));

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(rig.engine.binding(HOA)).isEmpty();
        store.last().stage().complete(null);
        rig.time.runDue();
        assertThat(store.removed).containsExactly(HOA);
        assertThat(store.durable).doesNotContainKey(HOA);
        assertThat(rig.engine.binding(HOA)).isEmpty();
    }

    @Test
    void refreshThatOnlyExtendsTheLifetimeIsAcknowledgedBeforeItsSync() throws Exception {
        HomeAgentTestRig rig = first();
        rig.register(5, COA);
        store.immediate = false;
        rig.time.advance(Duration.ofSeconds(10));

        rig.register(6, COA);

        assertThat(store.last().durability()).isEqualTo(BindingStore.Durability.LATER);
        assertThat(store.last().stage()).isNotDone();
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.lastAck().sequence()).isEqualTo(SequenceNumber.of(6));
    }

    @Test
    void refreshWaitsForAStoreThatDoesNotLetRefreshesLag() throws Exception {
        store.refreshesMayLag = false;
        HomeAgentTestRig rig = first();
        rig.register(5, COA);
        store.immediate = false;
        rig.time.advance(Duration.ofSeconds(10));

        rig.register(6, COA);

        assertThat(store.last().durability()).isEqualTo(BindingStore.Durability.BEFORE_ACK);
        assertThat(rig.acks()).as("no acknowledgement before the write").hasSize(1);
        store.last().stage().complete(null);
        rig.time.runDue();
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.lastAck().sequence()).isEqualTo(SequenceNumber.of(6));
    }

    @Test
    void moveAndDeregistrationWaitForTheirSync() throws Exception {
        HomeAgentTestRig rig = first();
        rig.register(5, COA);
        store.immediate = false;

        rig.register(6, COA2);
        assertThat(store.last().durability()).isEqualTo(BindingStore.Durability.BEFORE_ACK);
        assertThat(rig.acks()).hasSize(1);
        store.last().stage().complete(null);
        rig.time.runDue();
        assertThat(rig.acks()).hasSize(2);

        rig.deregister(7, COA2);
        FakeStore.Write dereg = store.last();
        assertThat(dereg.durability()).isEqualTo(BindingStore.Durability.BEFORE_ACK);
        assertThat(dereg.binding().binding().isBound()).isFalse();
        assertThat(dereg.binding().binding().sequence()).isEqualTo(SequenceNumber.of(7));
        assertThat(rig.acks()).hasSize(2);
        dereg.stage().complete(null);
        rig.time.runDue();
        assertThat(rig.acks()).hasSize(3);
        assertThat(rig.engine.bindingCount()).isZero();
    }

    @Test
    void restoredBindingKeepsItsAbsoluteExpirySoItsRemainingLifetimeIsWhatWasLeft() throws Exception {
        HomeAgentTestRig before = first();
        before.register(5, COA);   // 600 s from T0

        HomeAgentTestRig after = restartedAt(T0.plusSeconds(100));

        BindingRecord b = after.engine.binding(HOA).orElseThrow();
        assertThat(b.isBound()).isTrue();
        assertThat(b.careOfAddress()).isEqualTo(COA);
        assertThat(b.identity()).isEqualTo(OWNER);
        assertThat(b.expiresAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(Duration.between(after.time.now(), b.expiresAt())).isEqualTo(Duration.ofSeconds(500));
        assertThat(after.engine.restored()).isEqualTo(new RestoredBindings(1, 0, 0, 0));
        assertThat(after.provider.restoredRecords).containsExactly(OWNER + " " + HOA + " CREATED " + COA);

        after.time.advance(Duration.ofSeconds(501));
        assertThat(after.engine.bindingCount()).as("expires on the stored schedule").isZero();
    }

    @Test
    void replayOfASupersededBindingUpdateAfterRestartGets135AndDoesNotRollBack() throws Exception {
        HomeAgentTestRig before = first();
        before.register(5, COA);
        before.register(6, COA2);

        HomeAgentTestRig after = restartedAt(T0.plusSeconds(3));
        after.register(5, COA);   // the captured, superseded Binding Update

        assertThat(after.lastAck().status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(after.lastAck().sequence()).isEqualTo(SequenceNumber.of(6));
        assertThat(after.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);

        after.register(7, COA);   // the node's own next one
        assertThat(after.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
    }

    @Test
    void bindingExpiredWhileDownIsNotRestoredButItsReplayHoldIs() throws Exception {
        HomeAgentTestRig before = first();
        before.register(5, COA);   // expires at T0 + 600 s; hold until T0 + 900 s

        HomeAgentTestRig after = restartedAt(T0.plusSeconds(700));

        assertThat(after.engine.bindingCount()).isZero();
        assertThat(after.engine.replayHoldCount()).isEqualTo(1);
        assertThat(after.engine.binding(HOA).orElseThrow().expiresAt()).isEqualTo(T0.plusSeconds(900));
        assertThat(after.engine.restored()).isEqualTo(new RestoredBindings(0, 1, 1, 0));

        HomeAgentTestRig later = restartedAt(T0.plusSeconds(901));
        assertThat(later.engine.binding(HOA)).isEmpty();
        assertThat(later.engine.restored()).isEqualTo(new RestoredBindings(0, 0, 1, 1));
    }

    @Test
    void deregistrationSurvivesTheRestartAsAReplayHold() throws Exception {
        HomeAgentTestRig before = first();
        before.register(5, COA);
        before.deregister(6, COA);

        HomeAgentTestRig after = restartedAt(T0.plusSeconds(10));

        assertThat(after.engine.bindingCount()).isZero();
        BindingRecord hold = after.engine.binding(HOA).orElseThrow();
        assertThat(hold.isBound()).isFalse();
        assertThat(hold.sequence()).isEqualTo(SequenceNumber.of(6));
        assertThat(after.engine.restored()).isEqualTo(new RestoredBindings(0, 1, 0, 0));
    }

    @Test
    void expiryAndRevocationAreStoredWithoutWaiting() throws Exception {
        HomeAgentTestRig rig = first();
        rig.register(5, COA);
        rig.time.advance(Duration.ofSeconds(602));

        FakeStore.Write expiry = store.last();
        assertThat(expiry.binding().change()).isEqualTo(BindingChange.Kind.EXPIRED);
        assertThat(expiry.durability()).isEqualTo(BindingStore.Durability.LATER);
        assertThat(expiry.binding().binding().isBound()).isFalse();

        rig.register(6, COA2);
        CompletableFuture<Boolean> revoked = rig.provider.handle.revoke(HOA, OWNER, "lease ended").toCompletableFuture();
        rig.time.runDue();
        assertThat(revoked.join()).isTrue();
        assertThat(store.last().binding().change()).isEqualTo(BindingChange.Kind.REVOKED);
        assertThat(store.durable.get(HOA).binding().isBound()).isFalse();
    }
}
