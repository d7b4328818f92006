package org.mip6kit.daemon;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The {@code logging} section of a daemon's file: the root level and levels per logger.
 * <pre>
 * logging:
 *   level: info                 # every logger not named below
 *   loggers:
 *     org.mip6kit.ha: debug     # one line per signalling event is INFO; DEBUG adds transport detail
 * </pre>
 * The system property {@value #LEVEL_PROPERTY}, when set, overrides {@code level}. Levels are
 * {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error} and {@code off}.
 *
 * @param root the root level, if configured
 * @param loggers levels by logger name, in file order
 */
public record LogLevels(Optional<String> root, Map<String, String> loggers) {

    /** The system property that sets the root level, winning over {@code logging.level}. */
    public static final String LEVEL_PROPERTY = "mip6kit.log.level";
    /** The levels a configuration may name. */
    public static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    public LogLevels {
        root = root.map(l -> l.toLowerCase(Locale.ROOT));
        Map<String, String> copy = new LinkedHashMap<>();
        loggers.forEach((k, v) -> copy.put(k, v.toLowerCase(Locale.ROOT)));
        loggers = java.util.Collections.unmodifiableMap(copy);
    }

    /** No levels configured. */
    public static final LogLevels NONE = new LogLevels(Optional.empty(), Map.of());

    /** Reads and checks a {@code logging} section (empty when absent). */
    public static LogLevels read(ConfigSection logging) throws ProviderConfigException {
        logging.allowOnly(Set.of("level", "loggers"));
        Optional<String> root = logging.optionalString("level");
        if (root.isPresent()) {
            check(logging, "level", root.get());
        }
        ConfigSection loggers = logging.section("loggers");
        Map<String, String> levels = new LinkedHashMap<>();
        for (String name : loggers.keys()) {
            String level = loggers.string(name);
            check(loggers, name, level);
            levels.put(name, level);
        }
        return new LogLevels(root, levels);
    }

    private static void check(ConfigSection section, String key, String level) throws ProviderConfigException {
        if (!LEVELS.contains(level.strip().toLowerCase(Locale.ROOT))) {
            throw section.error(key, "must be one of trace, debug, info, warn, error, off; got '" + level + "'");
        }
    }

    /**
     * The root level to apply: the system property {@value #LEVEL_PROPERTY} if set (and a valid
     * level), else {@code level} from the file.
     */
    public Optional<String> effectiveRoot() {
        String property = System.getProperty(LEVEL_PROPERTY);
        if (property != null && LEVELS.contains(property.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of(property.strip().toLowerCase(Locale.ROOT));
        }
        return root;
    }
}
