package org.mip6kit.daemon;

import java.util.Map;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies a daemon's {@link LogLevels} to Logback, the logging backend of mip6kit's applications.
 *
 * <p>Logback is not a dependency of this artifact (scope {@code provided}): the application that
 * runs a daemon brings its logging backend. With another backend, or none, the levels are not
 * applied and one warning says so; no Logback class is loaded then.
 */
public final class LogbackLevels {

    private static final String LOGBACK_CONTEXT = "ch.qos.logback.classic.LoggerContext";

    private LogbackLevels() {
    }

    /** Sets the root level (system property first, then the file) and each named logger's level. */
    public static void apply(LogLevels levels) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!factory.getClass().getName().equals(LOGBACK_CONTEXT)) {
            LoggerFactory.getLogger(LogbackLevels.class).warn("logging levels from the configuration are not applied: "
                    + "the logging backend is not Logback");
            return;
        }
        Logback.apply(factory, levels);
    }

    /** Every reference to a Logback class, loaded only once Logback is known to be there. */
    private static final class Logback {

        static void apply(ILoggerFactory factory, LogLevels levels) {
            ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) factory;
            ch.qos.logback.classic.Level fallback = ch.qos.logback.classic.Level.INFO;
            levels.effectiveRoot().ifPresent(l -> context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                    .setLevel(ch.qos.logback.classic.Level.toLevel(l, fallback)));
            for (Map.Entry<String, String> e : levels.loggers().entrySet()) {
                context.getLogger(e.getKey()).setLevel(ch.qos.logback.classic.Level.toLevel(e.getValue(), fallback));
            }
        }
    }
}
