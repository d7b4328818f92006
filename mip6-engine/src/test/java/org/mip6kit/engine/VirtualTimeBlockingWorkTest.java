package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link VirtualTime#runBlocking}: the clock stands still while blocking work is outstanding;
 * tasks due now still run, so the work can exchange datagrams; the work's stage completes on the
 * advancing thread before the clock moves; work that overruns its bound fails the advancing call
 * by name; and with no blocking work, advancing is what it always was.
 */
@Tag("medium")
class VirtualTimeBlockingWorkTest {

    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

    @Test
    void aTimerDueLaterWaitsUntilBlockingWorkThatRetransmitsInRealTimeHasEnded() {
        VirtualTime time = new VirtualTime(START);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        time.schedule(Duration.ofSeconds(1), () -> order.add("timer at " + time.now()));
        AtomicInteger sent = new AtomicInteger();

        // The work "sends" a datagram (a task due now) and waits in real time for the answer; the
        // network loses the first one, so the work retransmits after 100 ms of real time.
        CompletableFuture<String> stage = time.runBlocking("handshake", () -> {
            for (int attempt = 1; ; attempt++) {
                CompletableFuture<Instant> answer = new CompletableFuture<>();
                int n = sent.incrementAndGet();
                time.schedule(Duration.ZERO, () -> {
                    if (n > 1) {
                        answer.complete(time.now());
                    }
                });
                try {
                    Instant at = answer.get(100, TimeUnit.MILLISECONDS);
                    order.add("answered at " + at + " after " + attempt + " attempts");
                    return "done";
                } catch (TimeoutException lost) {
                    // retransmit
                }
            }
        }).toCompletableFuture();

        time.advance(Duration.ofSeconds(5));

        assertThat(stage).isCompletedWithValue("done");
        assertThat(order).containsExactly("answered at " + START + " after 2 attempts",
                "timer at " + START.plusSeconds(1));
        assertThat(time.now()).isEqualTo(START.plusSeconds(5));
        assertThat(time.outstandingBlockingWork()).isZero();
    }

    @Test
    void theStageCompletesOnTheAdvancingThreadBeforeTheClockMoves() {
        VirtualTime time = new VirtualTime(START);
        AtomicReference<Thread> completedOn = new AtomicReference<>();
        AtomicReference<Instant> completedAt = new AtomicReference<>();
        time.runBlocking("work", () -> 42).thenAccept(v -> {
            completedOn.set(Thread.currentThread());
            completedAt.set(time.now());
        });

        time.advance(Duration.ofMinutes(1));

        assertThat(completedOn.get()).isSameAs(Thread.currentThread());
        assertThat(completedAt.get()).isEqualTo(START);
    }

    @Test
    void runDueWaitsForOutstandingWorkAndRunsWhatItMakesDueNow() {
        VirtualTime time = new VirtualTime(START);
        CountDownLatch delivered = new CountDownLatch(1);
        CompletableFuture<Boolean> stage = time.runBlocking("exchange", () -> {
            time.schedule(Duration.ZERO, delivered::countDown);
            return delivered.await(10, TimeUnit.SECONDS);
        }).toCompletableFuture();

        time.runDue();

        assertThat(stage).isCompletedWithValue(true);
        assertThat(time.now()).isEqualTo(START);
    }

    @Test
    void workThatThrowsFailsItsStage() {
        VirtualTime time = new VirtualTime(START);
        CompletableFuture<Object> stage = time.runBlocking("failing work", () -> {
            throw new IllegalStateException("handshake failed");
        }).toCompletableFuture();

        time.runDue();

        ExecutionException e = assertThrows(ExecutionException.class, stage::get);
        assertThat(e.getCause()).hasMessage("handshake failed");
        assertThat(time.outstandingBlockingWork()).isZero();
    }

    @Test
    void workThatOverrunsItsBoundFailsTheAdvanceNamingItAndIsNoLongerWaitedFor() {
        VirtualTime time = new VirtualTime(START, Duration.ofMillis(200));
        CountDownLatch release = new CountDownLatch(1);
        try {
            CompletableFuture<Boolean> stage = time.runBlocking("a handshake that waits for virtual time",
                    () -> release.await(30, TimeUnit.SECONDS)).toCompletableFuture();

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> time.advance(Duration.ofSeconds(1)));

            assertThat(e).hasMessageContaining("a handshake that waits for virtual time")
                    .hasMessageContaining("PT0.2S");
            assertThat(time.outstandingBlockingWork()).isZero();
            assertTimeout(Duration.ofSeconds(2), () -> time.advance(Duration.ofSeconds(1)));
            assertThat(time.now()).isEqualTo(START.plusSeconds(1));
            release.countDown();
            time.advanceUntil(stage::isDone, Duration.ofMillis(1), Duration.ofSeconds(1));
        } finally {
            release.countDown();
        }
    }

    @Test
    void withoutBlockingWorkAdvancingNeverWaitsInRealTime() {
        VirtualTime time = new VirtualTime(START);
        List<Instant> fired = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            time.schedule(Duration.ofSeconds(i), () -> fired.add(time.now()));
        }

        assertTimeout(Duration.ofSeconds(2), () -> time.advance(Duration.ofHours(1)));

        assertThat(fired).hasSize(1000).first().isEqualTo(START.plusSeconds(1));
        assertThat(fired.get(999)).isEqualTo(START.plusSeconds(1000));
        assertThat(time.now()).isEqualTo(START.plusSeconds(3600));
    }

    @Test
    void theDefaultRunsWorkOnAThreadOfItsOwnAndCompletesThroughTheExecutor() throws Exception {
        java.util.concurrent.BlockingQueue<Runnable> executed = new java.util.concurrent.LinkedBlockingQueue<>();
        org.mip6kit.spi.Scheduler plain = new org.mip6kit.spi.Scheduler() {
            @Override
            public org.mip6kit.spi.Cancellable schedule(Duration delay, Runnable task) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.concurrent.Executor executor() {
                return executed::add;
            }
        };
        AtomicReference<String> threadName = new AtomicReference<>();
        CompletableFuture<String> stage = plain.runBlocking("named work", () -> {
            threadName.set(Thread.currentThread().getName());
            return "v";
        }).toCompletableFuture();

        Runnable completion = executed.poll(5, TimeUnit.SECONDS);

        assertThat(completion).as("the completion handed to the executor").isNotNull();
        assertThat(stage).isNotDone();
        completion.run();
        assertThat(stage).isCompletedWithValue("v");
        assertThat(threadName.get()).contains("named work").isNotEqualTo(Thread.currentThread().getName());
    }
}
