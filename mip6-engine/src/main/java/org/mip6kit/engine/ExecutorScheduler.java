package org.mip6kit.engine;

import java.time.Duration;
import java.util.concurrent.Executor;
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
 * A {@link Scheduler} on real time: a small pool of daemon threads. What the daemons use;
 * tests use {@link VirtualTime}.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

    private final ScheduledThreadPoolExecutor pool;
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

    /** Stops accepting work and waits up to {@code timeout} for running tasks. */
    public void shutdown(Duration timeout) {
        pool.shutdown();
        try {
            pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
