package org.mip6kit.daemon;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a daemon in the foreground reloads: on SIGHUP it runs {@code reload} and keeps running
 * (without a handler a JVM exits on SIGHUP). The classic Unix meaning, and what a service
 * manager's reload action sends.
 *
 * <p>Uses {@code sun.misc.Signal}, as {@link TerminationSignals} does. The JVM runs each signal's
 * handler on a thread of its own; the reload must therefore be safe to call from any thread, and
 * serialise itself if two signals come close together. Where signals cannot be handled (a JVM run
 * with {@code -Xrs}) a warning says so and SIGHUP keeps the JVM's default behaviour; the admin
 * command stays available.
 */
public final class ReloadSignal {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    /**
     * Installs the SIGHUP handler.
     *
     * @param name the daemon's name, for log lines
     * @param reload what a SIGHUP does; reports its own outcome, never throws
     * @return whether the handler is installed
     */
    public static boolean install(String name, Runnable reload) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reload, "reload");
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: reload on SIGHUP failed: {}", name, e.toString(), e);
                }
            });
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("{}: cannot handle SIGHUP ({}); reload through the admin socket instead", name, e.getMessage());
            return false;
        }
    }
}
