package org.mip6kit.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs asynchronous jobs one at a time per key: the next job for a key starts only when the
 * previous one's stage has completed (RFC 6275 processing of Binding Updates for one home
 * address must not interleave). Different keys run concurrently. A key's queue is removed
 * when it empties, so idle keys cost nothing. Thread-safe.
 */
final class KeyedSerializer<K> {

    private final Map<K, ArrayDeque<Runnable>> queues = new HashMap<>();
    private int inFlight;
    private CompletableFuture<Void> drained = CompletableFuture.completedFuture(null);

    /** Queues {@code job} for {@code key}; the returned stage completes with the job's. */
    <T> CompletionStage<T> submit(K key, Supplier<CompletionStage<T>> job) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable run = () -> {
            CompletionStage<T> stage;
            try {
                stage = job.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((v, e) -> {
                try {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                } finally {
                    next(key);
                }
            });
        };
        boolean startNow;
        synchronized (this) {
            ArrayDeque<Runnable> q = queues.get(key);
            if (inFlight == 0) {
                drained = new CompletableFuture<>();
            }
            inFlight++;
            if (q == null) {
                queues.put(key, new ArrayDeque<>());
                startNow = true;
            } else {
                q.add(run);
                startNow = false;
            }
        }
        if (startNow) {
            run.run();
        }
        return result;
    }

    private void next(K key) {
        Runnable following;
        CompletableFuture<Void> toComplete = null;
        synchronized (this) {
            inFlight--;
            ArrayDeque<Runnable> q = queues.get(key);
            following = q == null ? null : q.poll();
            if (following == null) {
                queues.remove(key);
            }
            if (inFlight == 0) {
                toComplete = drained;
            }
        }
        if (toComplete != null) {
            toComplete.complete(null);
        }
        if (following != null) {
            following.run();
        }
    }

    /** Jobs queued or running. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Completes when no job is queued or running. */
    synchronized CompletionStage<Void> drained() {
        return drained;
    }

    /** Keys with a queue (0 when idle): lets tests prove no per-key state leaks. */
    synchronized int activeKeys() {
        return queues.size();
    }
}
