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
 *        {@code send-failed}, {@code late} (an answer after its timeout), {@code malformed}
 */
record PhaseResult(String name, String target, int window, double targetRate, long sent, long completed,
                   long accepted, double seconds, Histogram latency, Map<String, Long> failures) {

    PhaseResult {
        failures = new TreeMap<>(failures);
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

    String line() {
        return String.format("PHASE %-16s target=%-4s window=%-4d rate=%-8s sent=%-8d completed=%-8d accepted=%-8d "
                        + "seconds=%.3f throughput=%.0f/s p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus failures=%s",
                name, target, window, targetRate > 0 ? String.format("%.0f", targetRate) : "max", sent, completed,
                accepted, seconds, throughput(), micros(50), micros(99), micros(99.9),
                latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0, failureText());
    }
}
