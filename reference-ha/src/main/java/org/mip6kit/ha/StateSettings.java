package org.mip6kit.ha;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The home agent's {@code state} section: where its bindings are kept across restarts
 * (docs/operator-guide.md#durable-state). Durable by default.
 * <pre>
 * state:
 *   enabled: true          # false: bindings live in memory only, a restart forgets them
 *   directory: ha-state    # relative to the configuration file's directory
 *   sync-delay: 2ms        # how long a change may wait for others to share its sync (0 .. 1s)
 * </pre>
 *
 * @param enabled whether bindings are made durable and restored on start
 * @param directory the state directory, absolute
 * @param syncDelay the group-commit bound: how long an acknowledgement may wait for other changes to share its sync
 */
public record StateSettings(boolean enabled, Path directory, Duration syncDelay) {

    /** The keys of the {@code state} section. */
    public static final Set<String> KEYS = Set.of("enabled", "directory", "sync-delay");
    /** The state directory's name next to the configuration file when {@code state.directory} is absent. */
    public static final String DEFAULT_DIRECTORY = "ha-state";
    /** {@code state.sync-delay} when absent. */
    public static final Duration DEFAULT_SYNC_DELAY = Duration.ofMillis(2);
    /** The largest {@code state.sync-delay}: every acknowledgement may wait this long. */
    public static final Duration MAX_SYNC_DELAY = Duration.ofSeconds(1);

    public StateSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(syncDelay, "syncDelay");
        if (!directory.isAbsolute()) {
            throw new IllegalArgumentException("the state directory must be absolute: " + directory);
        }
        if (syncDelay.isNegative() || syncDelay.compareTo(MAX_SYNC_DELAY) > 0) {
            throw new IllegalArgumentException("sync-delay must be 0 .. " + MAX_SYNC_DELAY + ": " + syncDelay);
        }
    }

    /**
     * Reads the {@code state} section of the home agent's file {@code file} (absent: enabled,
     * {@value #DEFAULT_DIRECTORY} next to the file, 2 ms).
     *
     * @throws ProviderConfigException naming the key, for an unknown key or a wrong value
     */
    public static StateSettings read(ConfigSection root, Path file) throws ProviderConfigException {
        ConfigSection state = root.section("state");
        state.allowOnly(KEYS);
        Path base = file.toAbsolutePath().getParent();
        Path directory = state.has("directory") ? base.resolve(state.string("directory")).normalize()
                : base.resolve(DEFAULT_DIRECTORY);
        return new StateSettings(state.bool("enabled", true), directory,
                state.duration("sync-delay", Duration.ZERO, MAX_SYNC_DELAY, DEFAULT_SYNC_DELAY));
    }
}
