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
 * address must not interleave). Different keys run concurrently. Thread-safe.
 *
 * <p>The common case, a job for an idle key whose stage is already complete when it returns,
 * runs on the caller's thread and allocates nothing but the key's entry in the busy map: its
 * own stage is returned. A queue exists only for a key with jobs waiting, and a key's entry is
 * removed when its last job completes, so idle keys cost nothing.
 */
final class KeyedSerializer<K> {

    /** Keys with a job running; the value holds the jobs waiting, or is null when none wait. */
    private final Map<K, ArrayDeque<Runnable>> busy = new HashMap<>();
    private int inFlight;
    private CompletableFuture<Void> drained;

    /** Queues {@code job} for {@code key}; the returned stage completes with the job's. */
    <T> CompletionStage<T> submit(K key, Supplier<CompletionStage<T>> job) {
        return submit(key, job, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #submit(Object, Supplier)}, but refuses the job, returning {@code null}, when
     * {@code maxWaiting} jobs already wait for {@code key}: a flood for one key cannot grow the
     * queue without bound while that key's running job waits for something.
     */
    <T> CompletionStage<T> submit(K key, Supplier<CompletionStage<T>> job, int maxWaiting) {
        synchronized (this) {
            if (busy.containsKey(key)) {
                ArrayDeque<Runnable> waiting = busy.get(key);
                if (waiting != null && waiting.size() >= maxWaiting) {
                    return null;
                }
            }
            inFlight++;
            if (busy.containsKey(key)) {
                CompletableFuture<T> result = new CompletableFuture<>();
                busy.computeIfAbsent(key, k -> new ArrayDeque<>()).add(() -> runQueued(key, job, result));
                return result;
            }
            busy.put(key, null);
        }
        CompletionStage<T> stage = start(job);
        if (isComplete(stage)) {
            finished(key);
            return stage;
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        completeThenNext(key, stage, result);
        return result;
    }

    private <T> void runQueued(K key, Supplier<CompletionStage<T>> job, CompletableFuture<T> result) {
        completeThenNext(key, start(job), result);
    }

    private static <T> CompletionStage<T> start(Supplier<CompletionStage<T>> job) {
        try {
            CompletionStage<T> stage = job.get();
            return stage != null ? stage : CompletableFuture.failedFuture(new IllegalStateException("job returned null"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether {@code stage} has already completed, normally or not. Only a plain CompletableFuture
     * is asked: other stages may refuse isDone (completedStage does), so they count as pending.
     */
    static boolean isComplete(CompletionStage<?> stage) {
        return stage instanceof CompletableFuture<?> f && f.getClass() == CompletableFuture.class && f.isDone();
    }

    private <T> void completeThenNext(K key, CompletionStage<T> stage, CompletableFuture<T> result) {
        stage.whenComplete((v, e) -> {
            try {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            } finally {
                finished(key);
            }
        });
    }

    /** The running job for {@code key} has completed: start the next one waiting, if any. */
    private void finished(K key) {
        Runnable following = null;
        CompletableFuture<Void> toComplete = null;
        synchronized (this) {
            inFlight--;
            ArrayDeque<Runnable> waiting = busy.get(key);
            if (waiting != null) {
                following = waiting.poll();
            }
            if (following == null) {
                busy.remove(key);
            }
            if (inFlight == 0 && drained != null) {
                toComplete = drained;
                drained = null;
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
        if (inFlight == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (drained == null) {
            drained = new CompletableFuture<>();
        }
        return drained;
    }

    /** Keys with a job running or waiting (0 when idle): lets tests prove no per-key state leaks. */
    synchronized int activeKeys() {
        return busy.size();
    }
}
