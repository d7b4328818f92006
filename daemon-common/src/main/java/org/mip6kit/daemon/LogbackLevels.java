package org.mip6kit.daemon;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Applies a daemon's {@link LogLevels} to Logback, the daemons' logging backend. */
public final class LogbackLevels {

    private LogbackLevels() {
    }

    /** Sets the root level (system property first, then the file) and each named logger's level. */
    public static void apply(LogLevels levels) {
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) {
            LoggerFactory.getLogger(LogbackLevels.class).warn("logging levels from the configuration are not applied: "
                    + "the logging backend is not Logback");
            return;
        }
        levels.effectiveRoot().ifPresent(l ->
                context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(l, Level.INFO)));
        for (Map.Entry<String, String> e : levels.loggers().entrySet()) {
            context.getLogger(e.getKey()).setLevel(Level.toLevel(e.getValue(), Level.INFO));
        }
    }
}
