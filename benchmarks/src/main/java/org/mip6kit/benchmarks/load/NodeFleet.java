package org.mip6kit.benchmarks.load;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * The simulated mobile nodes of one provider, as the {@link LoadGenerator} drives them: the phase
 * loop (window, pacing, drain), the clock of each outstanding request, the timeouts and the
 * counting are here, once; how a node's Binding Update is protected and sent, and how its answer
 * is opened and verified, is the subclass's ({@link SimulatedNodes} for {@code auth-option-4285},
 * {@link TlsChannelNodes} for {@code tls-channel}).
 *
 * <p>A subclass calls {@link #sending} when a node's protected Binding Update is handed to the
 * socket (the request's clock starts there, after protection), {@link #answered} from its receive
 * thread when the answer was opened and judged, and {@link #sendFailed} when a send failed. At most
 * one request per node is outstanding. No retransmission: a request unanswered after the timeout is
 * a {@code timeout} failure (a watchdog thread, every 200 ms).
 */
abstract class NodeFleet implements AutoCloseable {

    enum Kind { REFRESH, MOVE, DEREGISTER }

    /**
     * A paced send that leaves more than this after its slot is "behind schedule": the sender was
     * held up (its own pause or descheduling, or a full window) and is catching up.
     */
    static final long ON_SCHEDULE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int n;
    private final AtomicLongArray sentAt;
    private final boolean[] behindSchedule; // written before sentAt is set, read before it is cleared
    private final long timeoutNanos;
    private final Thread watchdog;
    private volatile boolean closed;

    // Per phase; the histogram is written by the receive thread only and read after the phase drained.
    private volatile Semaphore permits = new Semaphore(0);
    private volatile Histogram histogram = newHistogram();
    private volatile Histogram onScheduleHistogram = newHistogram();
    private volatile boolean echo;
    private final LongAdder completed = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile long lastAnswer;
    private long lastSend; // sender thread only

    NodeFleet(int n, long timeoutMillis) {
        this.n = n;
        this.sentAt = new AtomicLongArray(n);
        this.behindSchedule = new boolean[n];
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.watchdog = new Thread(this::watch, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    final int count() {
        return n;
    }

    /** The name prefix of the thread that receives and judges the answers (the client's receiver). */
    abstract String receiveThreadPrefix();

    /**
     * Protects node {@code i}'s Binding Update of {@code kind} and hands it to the socket towards
     * {@code server} (the home agent, or the echo when {@link #echoPhase()}), calling
     * {@link #sending} just before; a failure to send is reported with {@link #sendFailed}.
     */
    abstract void send(int i, Kind kind, Optional<InetSocketAddress> server) throws Exception;

    /** Whether the phase running sends to the echo. */
    final boolean echoPhase() {
        return echo;
    }

    /** The protected Binding Update of node {@code i} is handed to the socket now: its clock starts. */
    final void sending(int i, long nanoTime) {
        if (i >= 0) {
            sentAt.set(i, nanoTime);
        }
        lastSend = nanoTime;
    }

    /** Node {@code i}'s send failed: its request ends as {@code send-failed} (unless it already ended). */
    final void sendFailed(int i) {
        long t = sentAt.get(i);
        if (t == 0 || sentAt.compareAndSet(i, t, 0)) { // 0: it failed before reaching the socket
            fail("send-failed");
            permits.release();
        }
    }

    /**
     * The answer to node {@code i}'s outstanding request arrived at {@code nanoTime} and was judged:
     * completed, accepted or not, with {@code failure} (null: none). An answer to no outstanding
     * request (after its timeout, or a second one) counts only as {@code late}.
     */
    final void answered(int i, long nanoTime, boolean wasAccepted, String failure) {
        long t = sentAt.get(i);
        boolean behind = behindSchedule[i]; // before the slot is freed and the sender reuses it
        if (t == 0 || !sentAt.compareAndSet(i, t, 0)) {
            fail("late");
            return;
        }
        completed.increment();
        if (wasAccepted) {
            accepted.increment();
        }
        if (failure != null) {
            fail(failure);
        }
        long latency = Math.min(nanoTime - t, histogram.getHighestTrackableValue());
        histogram.recordValue(latency);
        if (!behind) {
            onScheduleHistogram.recordValue(latency);
        }
        lastAnswer = nanoTime;
        permits.release();
    }

    /**
     * One phase: Binding Updates of {@code kind} to {@code server}, nodes taken in order from
     * {@code firstNode} (wrapping), at most {@code window} outstanding, paced at {@code rate} per
     * second if positive; {@code count} requests, or as many as fit in {@code seconds} if count is 0.
     */
    final PhaseResult run(String name, boolean toEcho, InetSocketAddress server, Kind kind, int firstNode, long count,
                          double seconds, int window, double rate) throws Exception {
        Semaphore p = new Semaphore(window);
        permits = p;
        histogram = newHistogram();
        onScheduleHistogram = newHistogram();
        Histogram lag = newHistogram();
        echo = toEcho;
        completed.reset();
        accepted.reset();
        failures.clear();
        long interval = rate > 0 ? (long) (1e9 / rate) : 0;
        long start = System.nanoTime();
        long deadline = count > 0 ? Long.MAX_VALUE : start + (long) (seconds * 1e9);
        long next = start;
        long sent = 0;
        long windowFull = 0;
        int cursor = Math.floorMod(firstNode, n);
        int busy = 0;
        Optional<InetSocketAddress> endpoint = Optional.of(server);
        while (count > 0 ? sent < count : System.nanoTime() < deadline) {
            long scheduled = next;
            if (interval > 0) {
                for (long now = System.nanoTime(); now < next; now = System.nanoTime()) {
                    LockSupport.parkNanos(next - now); // may return early
                }
                next += interval;
            }
            if (!p.tryAcquire()) {
                windowFull++;
                p.acquire();
            }
            int i = cursor;
            cursor = cursor + 1 == n ? 0 : cursor + 1;
            if (sentAt.get(i) != 0) {
                p.release(); // still outstanding from before (possible only when window ≥ N)
                next = scheduled; // this slot was not used
                if (++busy > n) {
                    Thread.onSpinWait();
                    busy = 0;
                }
                continue;
            }
            lastSend = 0;
            behindSchedule[i] = interval > 0 && System.nanoTime() - scheduled > ON_SCHEDULE_NANOS;
            send(i, kind, endpoint);
            if (interval > 0 && lastSend != 0) {
                lag.recordValue(Math.min(Math.max(0, lastSend - scheduled), lag.getHighestTrackableValue()));
            }
            sent++;
        }
        // Drain: every permit back (answers, or the watchdog's timeouts).
        if (!p.tryAcquire(window, 2 * timeoutNanos + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(name + ": requests neither answered nor timed out");
        }
        long end = Math.max(lastAnswer, start);
        Map<String, Long> f = new HashMap<>();
        failures.forEach((k, v) -> f.put(k, v.sum()));
        return new PhaseResult(name, toEcho ? "echo" : "ha", window, rate, sent, completed.sum(), accepted.sum(),
                (end - start) / 1e9, histogram, f, lag, interval > 0 ? onScheduleHistogram : newHistogram(), windowFull,
                PhaseCost.UNMEASURED);
    }

    private void watch() {
        while (!closed) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = sentAt.get(i);
                if (t != 0 && now - t > timeoutNanos && sentAt.compareAndSet(i, t, 0)) {
                    fail("timeout");
                    lastAnswer = now;
                    permits.release();
                }
            }
        }
    }

    /** Counts one failure of {@code kind} in the phase running. */
    final void fail(String kind) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    static Histogram newHistogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    }

    /** Stops the watchdog; subclasses close their sockets and nodes after calling this. */
    @Override
    public void close() {
        closed = true;
    }
}
