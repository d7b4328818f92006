package org.mip6kit.benchmarks.load;

import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * What one phase measured.
 *
 * @param name the phase ("register", "echo-unloaded", ...)
 * @param target "ha" or "echo"
 * @param window the most requests outstanding at once
 * @param targetRate the pacing asked for, requests per second (0: as fast as the window allows)
 * @param sent Binding Updates handed to the socket
 * @param completed answers matched to an outstanding request (for the echo: echoes)
 * @param accepted Binding Acknowledgements with an accepting status that the node verified
 * @param seconds from the first send to the last answer (or timeout)
 * @param latency BU→BA (or BU→echo) latency in nanoseconds, one value per completed request
 * @param failures failures by kind: {@code status-N} (a verified BA refusing with N),
 *        {@code timeout}, {@code unverified} (the node's provider dropped the answer),
 *        {@code echo-unverified} (an echoed BU whose authenticator did not verify),
 *        {@code send-failed}, {@code late} (an answer after its timeout), {@code malformed}
 * @param sendLag for a paced phase, how late each Binding Update left against its schedule, in
 *        nanoseconds (the sender's own lateness: timer granularity, descheduling, GC, a full
 *        window); empty when not paced. Latency is measured from the actual send, so this is the
 *        time it does not include
 * @param onSchedule for a paced phase, the latency of the requests that left within
 *        {@link NodeFleet#ON_SCHEDULE_NANOS} of their slot; the others were sent while the sender
 *        caught up after being held up, in a burst; empty when not paced. A diagnostic, not the
 *        result: {@code latency} has every request
 * @param windowFull how many sends had to wait for a free slot because {@code window} requests
 *        were outstanding
 * @param cost CPU, allocation and GC of both JVMs during the phase
 */
record PhaseResult(String name, String target, int window, double targetRate, long sent, long completed,
                   long accepted, double seconds, Histogram latency, Map<String, Long> failures, Histogram sendLag,
                   Histogram onSchedule, long windowFull, PhaseCost cost) {

    PhaseResult {
        failures = new TreeMap<>(failures);
    }

    PhaseResult withCost(PhaseCost c) {
        return new PhaseResult(name, target, window, targetRate, sent, completed, accepted, seconds, latency, failures,
                sendLag, onSchedule, windowFull, c);
    }

    /** {@code total} (nanoseconds or bytes) per completed exchange; NaN if not measured or none completed. */
    double perExchange(long total) {
        return total < 0 || completed == 0 ? Double.NaN : (double) total / completed;
    }

    /** The server JVM's CPU per exchange, µs (every thread: work, GC, compiler, timers). */
    double serverCpuMicros() {
        return perExchange(cost.server().processCpuNanos()) / 1000;
    }

    /** The CPU of the server thread that did the work, per exchange, µs. */
    double serverThreadCpuMicros() {
        return perExchange(cost.server().threadCpuNanos(cost.work())) / 1000;
    }

    /** The heap the server's work thread allocated per exchange, B. */
    double serverThreadBytes() {
        return perExchange(cost.server().threadAllocatedBytes(cost.work()));
    }

    /** The client JVM's CPU per exchange, µs (every thread). */
    double clientCpuMicros() {
        return perExchange(cost.client().processCpuNanos()) / 1000;
    }

    double clientSenderCpuMicros() {
        return perExchange(cost.client().threadCpuNanos(PhaseCost.SENDER)) / 1000;
    }

    double clientReceiverCpuMicros() {
        return perExchange(cost.client().threadCpuNanos(PhaseCost.RECEIVER)) / 1000;
    }

    /** Heap allocated per exchange by the client's sender and receive threads together, B. */
    double clientThreadBytes() {
        long s = cost.client().threadAllocatedBytes(PhaseCost.SENDER);
        long r = cost.client().threadAllocatedBytes(PhaseCost.RECEIVER);
        return s < 0 || r < 0 ? Double.NaN : perExchange(s + r);
    }

    /**
     * How long a busy thread was ready to run but had no core during the phase, ms: the server's
     * work thread, the client's sender or receiver ({@link PhaseCost}); NaN if unknown.
     */
    double runDelayMillis(boolean server, String group) {
        long nanos = (server ? cost.server() : cost.client()).threadRunDelayNanos(group);
        return nanos < 0 ? Double.NaN : nanos / 1e6;
    }

    double serverThreadRunDelayMillis() {
        return runDelayMillis(true, cost.work());
    }

    double onScheduleMicros(double percentile) {
        return onSchedule.getTotalCount() == 0 ? Double.NaN : onSchedule.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The share of a paced phase's requests that left behind schedule, in percent. */
    double behindSchedulePercent() {
        long all = latency.getTotalCount();
        return sendLag.getTotalCount() == 0 || all == 0 ? Double.NaN
                : 100.0 * (all - onSchedule.getTotalCount()) / all;
    }

    double lagMicros(double percentile) {
        return sendLag.getTotalCount() == 0 ? Double.NaN : sendLag.getValueAtPercentile(percentile) / 1000.0;
    }

    double throughput() {
        return seconds > 0 ? completed / seconds : 0;
    }

    double micros(double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    String failureText() {
        if (failures.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        failures.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return b.toString();
    }

    /**
     * One line: counts, throughput, latency percentiles; then per exchange the server's CPU (whole
     * JVM, and its work thread), the work thread's allocation and the server's GCs, the client's
     * CPU (whole JVM, sender and receive threads), their allocation and the client's GCs; how long
     * the three busy threads waited for a core (ms in the phase); for a paced phase the send lag;
     * then failures.
     */
    String line() {
        StringBuilder b = new StringBuilder(String.format("PHASE %-16s target=%-4s window=%-4d rate=%-8s sent=%-8d "
                        + "completed=%-8d accepted=%-8d seconds=%.3f throughput=%.0f/s p50=%.1fus p99=%.1fus "
                        + "p99.9=%.1fus max=%.1fus",
                name, target, window, targetRate > 0 ? String.format("%.0f", targetRate) : "max", sent, completed,
                accepted, seconds, throughput(), micros(50), micros(99), micros(99.9),
                latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0));
        if (cost.measured()) {
            b.append(String.format(" srvCpu=%.2fus srvThread=%.2fus srvAlloc=%.0fB srvGc=%d/%dms cliCpu=%.2fus "
                            + "cliSend=%.2fus cliRecv=%.2fus cliAlloc=%.0fB cliGc=%d/%dms",
                    serverCpuMicros(), serverThreadCpuMicros(), serverThreadBytes(), cost.server().gcCount(),
                    cost.server().gcMillis(), clientCpuMicros(), clientSenderCpuMicros(), clientReceiverCpuMicros(),
                    clientThreadBytes(), cost.client().gcCount(), cost.client().gcMillis()));
            b.append(String.format(" srvThreadWait=%.1fms cliSendWait=%.1fms cliRecvWait=%.1fms",
                    serverThreadRunDelayMillis(), runDelayMillis(false, PhaseCost.SENDER),
                    runDelayMillis(false, PhaseCost.RECEIVER)));
        }
        if (sendLag.getTotalCount() > 0) {
            b.append(String.format(" lagP50=%.1fus lagP99=%.1fus lagMax=%.1fus behind=%.2f%% onScheduleP99=%.1fus "
                            + "onScheduleP99.9=%.1fus", lagMicros(50), lagMicros(99), sendLag.getMaxValue() / 1000.0,
                    behindSchedulePercent(), onScheduleMicros(99), onScheduleMicros(99.9)));
        }
        b.append(" windowFull=").append(windowFull).append(" failures=").append(failureText());
        return b.toString();
    }
}
