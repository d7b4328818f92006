package org.mip6kit.spi;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Time-based and asynchronous execution, injected so that tests can drive virtual time. The
 * engine and providers never call {@code Thread.sleep} or create their own timer threads.
 * A task runs at or after its due time on the {@link ProviderContext#clock()}; tasks must not
 * block. Implementations are thread-safe.
 */
public interface Scheduler {

    /** Runs {@code task} once after {@code delay} (zero or negative: as soon as possible). */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Runs work that must not run on the caller's thread (completing stages, blocking calls a
     * provider must make to a daemon). Under virtual time it runs when the test advances the
     * clock or drains the queue.
     */
    Executor executor();

    /**
     * Whether a caller may block waiting for a stage that this scheduler's tasks complete. True
     * for schedulers with threads of their own; false for one driven by its caller's thread
     * (virtual time in tests), where such a wait would never end. The engine's blocking
     * conveniences ({@code close()}) start the work and return at once when this is false.
     */
    default boolean callerMayWait() {
        return true;
    }
}
