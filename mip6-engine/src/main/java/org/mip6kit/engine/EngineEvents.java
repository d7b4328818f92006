package org.mip6kit.engine;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans {@link EngineEvent}s out to listeners and to SLF4J, one line per event with identity
 * and home address. Failure lines are rate-limited (a flood of forged messages must not flood
 * the log); listeners always get every event. Thread-safe.
 */
public final class EngineEvents {

    private final Logger log;
    private final List<EngineEventListener> listeners = new CopyOnWriteArrayList<>();
    private final RateLimiter failureLines;
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param loggerName the SLF4J logger, e.g. {@code org.mip6kit.ha}
     * @param failureLinesPerSecond how many failure lines may be logged per second (burst 2x)
     */
    public EngineEvents(String loggerName, Clock clock, double failureLinesPerSecond) {
        this.log = LoggerFactory.getLogger(loggerName);
        this.failureLines = new RateLimiter(clock, failureLinesPerSecond, (int) Math.max(1, failureLinesPerSecond * 2));
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
        return !listeners.isEmpty() || (kind.isFailure() ? log.isWarnEnabled() : log.isInfoEnabled());
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
        if (event.kind().isFailure()) {
            if (!log.isWarnEnabled()) {
                return;
            }
            if (failureLines.tryAcquire()) {
                long dropped = suppressed.getAndSet(0);
                if (dropped > 0) {
                    log.warn("{} (and {} similar lines suppressed by the rate limit)", event.toLogLine(), dropped);
                } else {
                    log.warn("{}", event.toLogLine());
                }
            } else {
                suppressed.incrementAndGet();
            }
        } else if (log.isInfoEnabled()) {
            log.info("{}", event.toLogLine());
        }
    }
}
