package org.mip6kit.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on real time: a small pool of daemon threads for tasks, and a bounded pool
 * for {@link #runBlocking} work ({@value #BLOCKING_THREADS} threads, at most
 * {@value #BLOCKING_QUEUE} pieces waiting; more are refused). What the daemons use; tests use
 * {@link VirtualTime}.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

    /** Threads for {@link #runBlocking} work; idle ones end after a minute. */
    public static final int BLOCKING_THREADS = 8;
    /** Blocking work that may wait for a thread; beyond it {@link #runBlocking} refuses. */
    public static final int BLOCKING_QUEUE = 1024;

    private final ScheduledThreadPoolExecutor pool;
    private final ThreadPoolExecutor blockingPool;
    private final Executor executor = command -> pool().execute(guarded(command));
    private volatile Consumer<? super Throwable> fatalErrorHandler = error -> { };

    public ExecutorScheduler(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ScheduledThreadPoolExecutor(threads, tf);
        this.pool.setRemoveOnCancelPolicy(true);
        AtomicInteger b = new AtomicInteger();
        this.blockingPool = new ThreadPoolExecutor(BLOCKING_THREADS, BLOCKING_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(BLOCKING_QUEUE), r -> {
                    Thread t = new Thread(r, name + "-blocking-" + b.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.blockingPool.allowCoreThreadTimeOut(true);
    }

    /**
     * Names who is told when a task run by {@link #schedule} or {@link #executor()} throws an
     * {@link Error} ({@link OutOfMemoryError}, {@link StackOverflowError}): a pool would otherwise
     * keep it in the task's future, where nobody looks, and timers would stop without a word.
     * The error is logged at ERROR first; {@code handler} runs on the failing thread. The
     * scheduler never ends the process: a daemon installs a handler that stops it with a
     * failure exit status. (Errors inside a {@code CompletableFuture} stage stay in that stage.)
     */
    public void onFatalError(Consumer<? super Throwable> handler) {
        this.fatalErrorHandler = java.util.Objects.requireNonNull(handler, "handler");
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = pool.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Executor executor() {
        return executor;
    }

    /**
     * Runs {@code work} on the blocking pool; the stage is completed on a task thread (on the
     * blocking thread only once this scheduler is shut down). Refused, with a failed stage, when
     * {@value #BLOCKING_QUEUE} pieces already wait or after shutdown.
     */
    @Override
    public <T> CompletionStage<T> runBlocking(String what, Callable<T> work) {
        CompletionStage<T> stage = runBlocking(what, work, blockingPool);
        return stage.toCompletableFuture().isCompletedExceptionally()
                ? stage.exceptionallyCompose(e -> CompletableFuture.failedFuture(new RejectedExecutionException(
                        "no room for blocking work '" + what + "': " + BLOCKING_THREADS + " threads busy and "
                                + BLOCKING_QUEUE + " waiting, or the scheduler is shut down", e)))
                : stage;
    }

    private ScheduledThreadPoolExecutor pool() {
        return pool;
    }

    private Runnable guarded(Runnable task) {
        java.util.Objects.requireNonNull(task, "task");
        return () -> {
            try {
                task.run();
            } catch (Error e) {
                LOG.error("{}: a task failed with {}; the daemon cannot go on", Thread.currentThread().getName(),
                        e.toString(), e);
                try {
                    fatalErrorHandler.accept(e);
                } catch (Throwable handlerFailed) {
                    LOG.error("the fatal error handler failed", handlerFailed);
                }
                throw e;
            }
        };
    }

    public ScheduledExecutorService service() {
        return pool;
    }

    /**
     * Stops accepting work and waits up to {@code timeout} for running tasks; then interrupts
     * what still runs, blocking work included.
     */
    public void shutdown(Duration timeout) {
        blockingPool.shutdown();
        pool.shutdown();
        try {
            pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
        blockingPool.shutdownNow();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
