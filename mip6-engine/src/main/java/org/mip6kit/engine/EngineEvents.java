package org.mip6kit.engine;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans {@link EngineEvent}s out to listeners and to SLF4J, one line per event with identity
 * and home address. {@linkplain EngineEvent.Kind#isRoutine() Routine} successes (a refresh, a
 * Binding Update sent) are DEBUG lines; failures are WARN lines and state changes INFO lines,
 * each under its own rate limit (a flood of forged or of valid messages must not flood the log),
 * and the next line written counts those suppressed. Listeners always get every event.
 * Thread-safe.
 */
public final class EngineEvents {

    private final Logger log;
    private final List<EngineEventListener> listeners = new CopyOnWriteArrayList<>();
    private final RateLimiter failureLines;
    private final RateLimiter stateLines;
    private final AtomicLong suppressedFailures = new AtomicLong();
    private final AtomicLong suppressedStates = new AtomicLong();

    /** INFO state-change lines per second when not configured. */
    public static final double DEFAULT_STATE_LINES_PER_SECOND = 50;

    /**
     * With {@link #DEFAULT_STATE_LINES_PER_SECOND} state-change lines per second.
     *
     * @param loggerName the SLF4J logger, e.g. {@code org.mip6kit.ha}
     * @param failureLinesPerSecond how many failure lines may be logged per second (burst 2x)
     */
    public EngineEvents(String loggerName, Clock clock, double failureLinesPerSecond) {
        this(loggerName, clock, failureLinesPerSecond, DEFAULT_STATE_LINES_PER_SECOND);
    }

    /**
     * @param loggerName the SLF4J logger, e.g. {@code org.mip6kit.ha}
     * @param failureLinesPerSecond how many WARN failure lines may be logged per second (burst 2x)
     * @param stateLinesPerSecond how many INFO state-change lines may be logged per second (burst 2x)
     */
    public EngineEvents(String loggerName, Clock clock, double failureLinesPerSecond, double stateLinesPerSecond) {
        this.log = LoggerFactory.getLogger(loggerName);
        this.failureLines = new RateLimiter(clock, failureLinesPerSecond, (int) Math.max(1, failureLinesPerSecond * 2));
        this.stateLines = new RateLimiter(clock, stateLinesPerSecond, (int) Math.max(1, stateLinesPerSecond * 2));
    }

    public void addListener(EngineEventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(EngineEventListener listener) {
        listeners.remove(listener);
    }

    /**
     * Whether an event of {@code kind} would reach anyone (a listener, or the log at its level),
     * so that callers can skip building it.
     */
    boolean wouldRecord(EngineEvent.Kind kind) {
        return !listeners.isEmpty() || (kind.isRoutine() ? log.isDebugEnabled()
                : kind.isFailure() ? log.isWarnEnabled() : log.isInfoEnabled());
    }

    /** The sink a provider's {@link org.mip6kit.spi.ProviderEvent}s go to: events of kind PROVIDER_EVENT. */
    public org.mip6kit.spi.EventSink providerSink() {
        return e -> emit(new EngineEvent(EngineEvent.Kind.PROVIDER_EVENT, e.identity(), e.homeAddress(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                e.kind() + ": " + e.detail()));
    }

    public void emit(EngineEvent event) {
        for (EngineEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("event listener {} failed on {}: {}", l, event.kind(), LogText.escape(e.toString()));
            }
        }
        if (event.kind().isRoutine()) {
            if (log.isDebugEnabled()) {
                log.debug("{}", event.toLogLine());
            }
        } else if (event.kind().isFailure()) {
            if (log.isWarnEnabled() && admitted(failureLines, suppressedFailures)) {
                log.warn("{}", withSuppressed(event, suppressedFailures));
            }
        } else if (log.isInfoEnabled() && admitted(stateLines, suppressedStates)) {
            log.info("{}", withSuppressed(event, suppressedStates));
        }
    }

    private static boolean admitted(RateLimiter limit, AtomicLong suppressed) {
        if (limit.tryAcquire()) {
            return true;
        }
        suppressed.incrementAndGet();
        return false;
    }

    private static String withSuppressed(EngineEvent event, AtomicLong suppressed) {
        long dropped = suppressed.getAndSet(0);
        return dropped > 0 ? event.toLogLine() + " (and " + dropped + " similar lines suppressed by the rate limit)"
                : event.toLogLine();
    }
}
