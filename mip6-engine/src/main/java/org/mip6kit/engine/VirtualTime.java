package org.mip6kit.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;

/**
 * Virtual time for tests and simulations: a {@link Clock} that stands still until
 * {@link #advance} moves it, and a {@link Scheduler} whose tasks run, in due-time order, on the
 * thread that advances. Executor work runs as a task due now. Hours of protocol time take
 * milliseconds, deterministically.
 *
 * <h2>Blocking work</h2>
 * {@link #runBlocking} runs work that blocks and keeps its own (real) time — a DTLS handshake
 * whose library retransmits after a second of system-clock time — on one of
 * {@value #BLOCKING_THREADS} daemon threads of this instance. While any such work is
 * <em>outstanding</em> (queued or running) the clock does not move: {@link #advance},
 * {@link #runDue} and {@link #advanceUntil} run only the tasks due now (the datagrams the work
 * exchanges on an in-memory network are scheduled with zero delay) and otherwise wait in real
 * time, woken by every new task and every end of work. So a handshake that loses a flight
 * retransmits, and completes, before any virtual timer (a Binding Update retransmission, an
 * expiry) fires. Each piece of work may run at most the {@linkplain #VirtualTime(Instant, Duration)
 * blocking limit} (60 s by default) of real time: past it, the advancing call throws an
 * {@link IllegalStateException} naming the work, and stops waiting for it. The stage
 * {@code runBlocking} returns is completed by a task due now, on the advancing thread. With no
 * blocking work outstanding, advancing behaves exactly as it always did: no real-time wait.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread; only one thread should advance.
 */
public final class VirtualTime implements Scheduler {

    /** Threads that run {@link #runBlocking} work, per instance; they end when idle. */
    public static final int BLOCKING_THREADS = 16;
    /** The default real-time bound of one piece of blocking work. */
    public static final Duration DEFAULT_BLOCKING_LIMIT = Duration.ofSeconds(60);
    /** Longest single real-time wait while blocking work is outstanding (a safety net against lost wake-ups). */
    private static final long WAIT_SLICE_MILLIS = 50;

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long nowNanos;
    private long sequence;
    private final Clock clock = new VirtualClock(ZoneOffset.UTC);
    private final long blockingLimitNanos;
    /** Work queued or running, in submission order; guarded by {@code this}. */
    private final Map<Blocking, Boolean> outstanding = new LinkedHashMap<>();
    private ThreadPoolExecutor blockingPool;

    /** Starts at {@code start}. */
    public VirtualTime(Instant start) {
        this(start, DEFAULT_BLOCKING_LIMIT);
    }

    /**
     * Starts at {@code start}; each piece of {@link #runBlocking} work may run at most
     * {@code blockingLimit} of real time before advancing fails.
     */
    public VirtualTime(Instant start, Duration blockingLimit) {
        this.nowNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        if (blockingLimit.isNegative() || blockingLimit.isZero()) {
            throw new IllegalArgumentException("blockingLimit must be positive: " + blockingLimit);
        }
        this.blockingLimitNanos = blockingLimit.toNanos();
    }

    /** Starts at 2024-01-01T00:00:00Z. */
    public VirtualTime() {
        this(Instant.parse("2024-01-01T00:00:00Z"));
    }

    public Clock clock() {
        return clock;
    }

    public synchronized Instant now() {
        return Instant.ofEpochSecond(0, nowNanos);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Task t;
        synchronized (this) {
            t = new Task(nowNanos + Math.max(0, delay.toNanos()), sequence++, task);
            queue.add(t);
            if (!outstanding.isEmpty()) {
                notifyAll();
            }
        }
        return () -> {
            synchronized (VirtualTime.this) {
                return queue.remove(t);
            }
        };
    }

    @Override
    public boolean callerMayWait() {
        // The caller's thread is the one that moves this clock: a blocking wait would never end.
        return false;
    }

    @Override
    public Executor executor() {
        return command -> schedule(Duration.ZERO, command);
    }

    /**
     * Runs every task due now (including tasks they schedule for now), and, while
     * {@link #runBlocking} work is outstanding, those that become due now until it has ended.
     * Returns how many ran.
     */
    public int runDue() {
        return advance(Duration.ZERO);
    }

    /**
     * Moves the clock forward by {@code d}, running each task when its due time is reached
     * (the clock reads the task's due time while it runs). While {@link #runBlocking} work is
     * outstanding, runs only tasks due now and waits for it in real time before the clock moves.
     * Returns how many tasks ran.
     *
     * @throws IllegalStateException if a piece of blocking work ran longer than the blocking limit
     *         (it is no longer waited for)
     */
    public int advance(Duration d) {
        long target;
        synchronized (this) {
            target = nowNanos + d.toNanos();
        }
        int ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > nowNanos) {
                    if (!outstanding.isEmpty()) {
                        awaitBlockingWork();
                        continue;
                    }
                    if (next == null || next.due > target) {
                        nowNanos = Math.max(nowNanos, target);
                        return ran;
                    }
                }
                queue.poll();
                nowNanos = Math.max(nowNanos, next.due);
            }
            next.task.run();
            ran++;
        }
    }

    /** Waits (holding the monitor, which {@code wait} releases) until a task or an end of work wakes us; fails on overrun. */
    private void awaitBlockingWork() {
        long now = System.nanoTime(); // real time: the work keeps its own clock, and we bound how long we wait for it
        long wait = WAIT_SLICE_MILLIS;
        List<Blocking> overdue = new ArrayList<>();
        for (Blocking b : outstanding.keySet()) {
            if (b.startedNanos != 0) {
                long left = b.startedNanos + blockingLimitNanos - now;
                if (left <= 0) {
                    overdue.add(b);
                } else {
                    wait = Math.min(wait, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }
        if (!overdue.isEmpty()) {
            overdue.forEach(outstanding::remove);
            throw new IllegalStateException("blocking work '" + overdue.get(0).what + "' ran more than "
                    + Duration.ofNanos(blockingLimitNanos) + " of real time; virtual time (at " + now()
                    + ") cannot move past it. Work given to runBlocking must end by itself and must not wait for "
                    + "virtual time to pass" + (overdue.size() > 1 ? " (" + (overdue.size() - 1) + " more overdue)" : ""));
        }
        try {
            wait(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for blocking work "
                    + outstanding.keySet().iterator().next().what, e);
        }
    }

    /**
     * Runs {@code work} on one of this instance's blocking threads; the clock does not move until
     * it ends (see the class description). The stage is completed by a task due now.
     */
    @Override
    public <T> CompletionStage<T> runBlocking(String what, Callable<T> work) {
        ThreadPoolExecutor pool;
        synchronized (this) {
            pool = blockingPool();
        }
        return runBlocking(what, work, pool);
    }

    /**
     * Runs {@code work} on {@code threads} (a pool the caller owns); the clock does not move until
     * it ends, as for {@link #runBlocking(String, Callable)}. Waiting for a thread of
     * {@code threads} counts as outstanding too; the real-time bound starts when the work starts.
     */
    @Override
    public <T> CompletionStage<T> runBlocking(String what, Callable<T> work, Executor threads) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(threads, "threads");
        CompletableFuture<T> done = new CompletableFuture<>();
        Blocking b = new Blocking(what);
        synchronized (this) {
            outstanding.put(b, Boolean.TRUE);
        }
        try {
            threads.execute(() -> {
                synchronized (VirtualTime.this) {
                    b.startedNanos = System.nanoTime() | 1; // never 0, which means "not started"
                }
                Runnable completion;
                try {
                    T value = work.call();
                    completion = () -> done.complete(value);
                } catch (Throwable e) {
                    completion = () -> done.completeExceptionally(e);
                }
                synchronized (VirtualTime.this) {
                    schedule(Duration.ZERO, completion);
                    outstanding.remove(b);
                    notifyAll();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (this) {
                outstanding.remove(b);
                notifyAll();
            }
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Pieces of {@link #runBlocking} work queued or running. */
    public synchronized int outstandingBlockingWork() {
        return outstanding.size();
    }

    private ThreadPoolExecutor blockingPool() {
        if (blockingPool == null) {
            AtomicInteger n = new AtomicInteger();
            blockingPool = new ThreadPoolExecutor(BLOCKING_THREADS, BLOCKING_THREADS, 5, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "virtual-time-blocking-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            blockingPool.allowCoreThreadTimeOut(true);
        }
        return blockingPool;
    }

    /** Advances in steps until {@code done} holds or {@code limit} of virtual time has passed. */
    public boolean advanceUntil(java.util.function.BooleanSupplier done, Duration step, Duration limit) {
        Duration passed = Duration.ZERO;
        runDue();
        while (!done.getAsBoolean()) {
            if (passed.compareTo(limit) >= 0) {
                return false;
            }
            advance(step);
            passed = passed.plus(step);
        }
        return true;
    }

    public synchronized int pendingTasks() {
        return queue.size();
    }

    /** One piece of blocking work; {@code startedNanos} (guarded by the instance) is 0 until it runs. */
    private static final class Blocking {
        final String what;
        long startedNanos;

        Blocking(String what) {
            this.what = what;
        }
    }

    private record Task(long due, long seq, Runnable task) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final class VirtualClock extends Clock {
        private final ZoneId zone;

        VirtualClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return new VirtualClock(z);
        }

        @Override
        public Instant instant() {
            return now();
        }
    }
}
