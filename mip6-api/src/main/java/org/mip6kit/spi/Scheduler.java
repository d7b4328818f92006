package org.mip6kit.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Time-based and asynchronous execution, injected so that tests can drive virtual time. The
 * engine and providers never call {@code Thread.sleep} or create their own timer threads.
 * A task runs at or after its due time on the {@link ProviderContext#clock()}; tasks must not
 * block. Work that cannot help blocking goes to {@link #runBlocking}. Implementations are
 * thread-safe.
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

    /**
     * Runs {@code work}, which blocks and keeps its own time, on a thread that is none of this
     * scheduler's task threads, and completes the returned stage with what it returns or throws.
     * For a library that must block and times itself with the system clock (a DTLS handshake in
     * Bouncy Castle, which waits on its socket and retransmits after a second of real time), or a
     * synchronous call into a daemon.
     *
     * <p><b>Time.</b> On a real-time scheduler this is only a thread. On virtual time it is a
     * promise as well: the clock does not move while any such work is outstanding. The thread that
     * advances virtual time runs only the tasks due <em>now</em> (the work's own datagrams on an
     * in-memory network, for example) and waits, in real time, for the work to end, so that a
     * handshake's retransmissions happen before any virtual timer fires. Such a scheduler bounds
     * the wait per piece of work and fails loudly, naming {@code what}, when it is exceeded.
     *
     * <p><b>Rules for {@code work}.</b> It must end by itself in bounded real time (its own
     * timeout); it must not wait for virtual time to pass (for a scheduled task, or a stage that
     * only a later timer completes), which would never happen under virtual time; it may wait for
     * what tasks due now deliver (datagrams, stages completed by {@link #executor()} work).
     *
     * <p><b>Completion.</b> The stage is completed like {@link #executor()} work: on one of this
     * scheduler's threads (on virtual time, by the thread that advances it, before the clock
     * moves on), never on the blocking thread, so continuations may do what scheduled tasks do.
     * It completes exceptionally with what {@code work} threw, or with a
     * {@link java.util.concurrent.RejectedExecutionException} if the scheduler has no room or is
     * shut down.
     *
     * <p>The default runs each piece of work on a new daemon thread named after {@code what}.
     * Schedulers of daemons use a bounded pool.
     *
     * @param what names the work in thread names and failures, e.g. {@code "DTLS handshake with
     *        [2001:db8::1]:54191"}; never a secret
     * @param work the blocking work
     * @return completes with the work's result
     */
    default <T> CompletionStage<T> runBlocking(String what, Callable<T> work) {
        Objects.requireNonNull(what, "what");
        return runBlocking(what, work, command -> {
            Thread t = new Thread(command, "mip6-blocking: " + what);
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * {@link #runBlocking(String, Callable)} on threads the caller owns and bounds (a server's
     * handshake pool): the same contract — on virtual time the clock waits for it, the stage is
     * completed on this scheduler's threads — but {@code work} runs on {@code threads}.
     *
     * @param threads runs the work; if it refuses it ({@link java.util.concurrent.RejectedExecutionException}),
     *        the returned stage has already failed with that exception when this method returns
     */
    default <T> CompletionStage<T> runBlocking(String what, Callable<T> work, Executor threads) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(threads, "threads");
        CompletableFuture<T> done = new CompletableFuture<>();
        try {
            threads.execute(() -> {
                T value;
                try {
                    value = work.call();
                } catch (Throwable e) {
                    completeOnExecutor(() -> done.completeExceptionally(e));
                    return;
                }
                completeOnExecutor(() -> done.complete(value));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Runs {@code completion} as {@link #executor()} work, or here if the executor refuses it (shut down). */
    private void completeOnExecutor(Runnable completion) {
        try {
            executor().execute(completion);
        } catch (RuntimeException refused) {
            completion.run();
        }
    }
}
