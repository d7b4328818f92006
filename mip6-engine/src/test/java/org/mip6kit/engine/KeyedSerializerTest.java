package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One job at a time per key (RFC 6275 Binding Updates for one home address never interleave). */
@Tag("small")
class KeyedSerializerTest {

    private final KeyedSerializer<String> serializer = new KeyedSerializer<>();
    private final List<String> ran = new ArrayList<>();

    private CompletionStage<String> job(String name, CompletionStage<String> outcome) {
        return serializer.submit(name.substring(0, 1), () -> {
            ran.add(name);
            return outcome;
        });
    }

    @Test
    void runsAJobForAnIdleKeyAtOnceAndLeavesNothingBehind() {
        CompletionStage<String> result = job("a1", CompletableFuture.completedFuture("done"));
        assertThat(ran).containsExactly("a1");
        assertThat(result.toCompletableFuture().getNow(null)).isEqualTo("done");
        assertThat(serializer.inFlight()).isZero();
        assertThat(serializer.activeKeys()).isZero();
        assertThat(serializer.drained().toCompletableFuture().isDone()).isTrue();
    }

    @Test
    void holdsLaterJobsForABusyKeyUntilTheRunningOneCompletesInOrder() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletionStage<String> r1 = job("a1", first);
        CompletionStage<String> r2 = job("a2", CompletableFuture.completedFuture("two"));
        CompletionStage<String> r3 = job("a3", CompletableFuture.completedFuture("three"));
        assertThat(ran).containsExactly("a1");
        assertThat(serializer.inFlight()).isEqualTo(3);
        assertThat(serializer.activeKeys()).isEqualTo(1);

        first.complete("one");
        assertThat(ran).containsExactly("a1", "a2", "a3");
        assertThat(r1.toCompletableFuture().getNow(null)).isEqualTo("one");
        assertThat(r2.toCompletableFuture().getNow(null)).isEqualTo("two");
        assertThat(r3.toCompletableFuture().getNow(null)).isEqualTo("three");
        assertThat(serializer.inFlight()).isZero();
        assertThat(serializer.activeKeys()).isZero();
    }

    @Test
    void refusesAJobWhenTheKeyAlreadyHasItsMaximumWaitingAndCountsNothingForIt() {
        CompletableFuture<String> slow = new CompletableFuture<>();
        job("a1", slow);
        CompletionStage<String> a2 = serializer.submit("a", () -> CompletableFuture.completedFuture("a2"), 1);
        assertThat(serializer.submit("a", () -> CompletableFuture.completedFuture("a3"), 1)).isNull();
        CompletionStage<String> b1 = serializer.submit("b", () -> CompletableFuture.completedFuture("b1"), 0);
        assertThat(b1.toCompletableFuture().getNow(null)).as("an idle key runs at once whatever the bound")
                .isEqualTo("b1");
        assertThat(a2.toCompletableFuture()).as("a2 waits behind a1").isNotDone();
        assertThat(serializer.inFlight()).isEqualTo(2);
        slow.complete("one");
        assertThat(a2.toCompletableFuture().getNow(null)).isEqualTo("a2");
        assertThat(serializer.inFlight()).isZero();
    }

    @Test
    void runsJobsForOtherKeysWhileOneKeyIsBusy() {
        CompletableFuture<String> slow = new CompletableFuture<>();
        job("a1", slow);
        job("b1", CompletableFuture.completedFuture("b"));
        assertThat(ran).containsExactly("a1", "b1");
        assertThat(serializer.activeKeys()).isEqualTo(1);
        slow.complete("a");
        assertThat(serializer.activeKeys()).isZero();
    }

    @Test
    void drainedCompletesOnlyWhenTheLastJobHasCompleted() {
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        job("a1", a);
        job("b1", b);
        CompletableFuture<Void> drained = serializer.drained().toCompletableFuture();
        a.complete("a");
        assertThat(drained.isDone()).isFalse();
        b.complete("b");
        assertThat(drained.isDone()).isTrue();
    }

    @Test
    void aJobThatThrowsFailsItsOwnStageAndFreesTheKey() {
        CompletionStage<String> failed = serializer.submit("a", () -> {
            throw new IllegalStateException("broken job");
        });
        assertThat(failed.toCompletableFuture().isCompletedExceptionally()).isTrue();
        assertThat(serializer.activeKeys()).isZero();
        job("a2", CompletableFuture.completedFuture("next"));
        assertThat(ran).containsExactly("a2");
    }

    @Test
    void aFailedJobStillLetsTheNextOneForItsKeyRun() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletionStage<String> r1 = job("a1", first);
        job("a2", CompletableFuture.completedFuture("two"));
        first.completeExceptionally(new IllegalStateException("provider refused"));
        assertThat(r1.toCompletableFuture().isCompletedExceptionally()).isTrue();
        assertThat(ran).containsExactly("a1", "a2");
        assertThat(serializer.inFlight()).isZero();
        assertThat(serializer.activeKeys()).isZero();
    }

    @Test
    void acceptsAnyKindOfStageFromAJob() {
        CompletionStage<String> result = job("a1", CompletableFuture.completedStage("minimal"));
        assertThat(result.toCompletableFuture().join()).isEqualTo("minimal");
        assertThat(serializer.activeKeys()).isZero();
        assertThat(serializer.inFlight()).isZero();
    }
}
