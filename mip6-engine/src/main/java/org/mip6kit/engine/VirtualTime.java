package org.mip6kit.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

import org.mip6kit.spi.Cancellable;
import org.mip6kit.spi.Scheduler;

/**
 * Virtual time for tests and simulations: a {@link Clock} that stands still until
 * {@link #advance} moves it, and a {@link Scheduler} whose tasks run, in due-time order, on the
 * thread that advances. Executor work runs as a task due now. Hours of protocol time take
 * milliseconds, deterministically.
 *
 * <p>Thread-safe: tasks may be scheduled from any thread; only one thread should advance.
 */
public final class VirtualTime implements Scheduler {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long nowNanos;
    private long sequence;
    private final Clock clock = new VirtualClock(ZoneOffset.UTC);

    /** Starts at {@code start}. */
    public VirtualTime(Instant start) {
        this.nowNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
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

    /** Runs every task due now (including tasks they schedule for now). Returns how many ran. */
    public int runDue() {
        return advance(Duration.ZERO);
    }

    /**
     * Moves the clock forward by {@code d}, running each task when its due time is reached
     * (the clock reads the task's due time while it runs). Returns how many tasks ran.
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
                if (next == null || next.due > target) {
                    nowNanos = Math.max(nowNanos, target);
                    return ran;
                }
                queue.poll();
                nowNanos = Math.max(nowNanos, next.due);
            }
            next.task.run();
            ran++;
        }
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
