package org.mip6kit.daemon;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a daemon in the foreground stops: on SIGTERM or SIGINT it shuts down cleanly and the
 * process exits with status 0 (a service manager reads that as a clean stop; a JVM left to
 * itself would exit with 143 or 130).
 *
 * <p>The clean shutdown runs in a JVM shutdown hook, so it also runs when the JVM exits for any
 * other reason ({@code System.exit}, SIGHUP when no {@link ReloadSignal} is installed). The
 * signal handlers only start that exit with status 0. They use {@code sun.misc.Signal} (module {@code jdk.unsupported}), the JDK's only
 * way to handle a signal; where it is unavailable (a JVM run with {@code -Xrs}) the hook still
 * runs and the exit status is the JVM's own.
 */
public final class TerminationSignals {

    private static final Logger LOG = LoggerFactory.getLogger(TerminationSignals.class);

    private TerminationSignals() {
    }

    /**
     * Installs the shutdown hook running {@code shutdown} and the SIGTERM/SIGINT handlers.
     *
     * @param name the daemon's name, for the hook thread and log lines
     * @param shutdown the clean shutdown; idempotent, bounded in time, never throws
     */
    public static void install(String name, Runnable shutdown) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shutdown, "shutdown");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                shutdown.run();
            } catch (RuntimeException e) {
                LOG.error("{}: shutdown failed", name, e);
            }
        }, name + "-shutdown"));
        for (String signal : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                    LOG.info("{}: SIG{} received, shutting down", name, signal);
                    // Runs the shutdown hook, then ends the process with status 0.
                    System.exit(0);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.warn("{}: cannot handle SIG{} ({}); the shutdown hook still runs on it", name, signal,
                        e.getMessage());
            }
        }
    }
}
