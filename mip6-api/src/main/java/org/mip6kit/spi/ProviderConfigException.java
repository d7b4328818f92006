package org.mip6kit.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A provider's configuration is unusable. Names the key (as a dotted path from the file's
 * root, e.g. {@code security.auth-option-4285.keys[1].key-file}) and the file, says what was
 * wrong and what was expected. The daemon prints the message and stops.
 */
public class ProviderConfigException extends Exception {

    private final String key;
    private final transient Path file;

    /**
     * @param key the dotted key path the problem is at
     * @param file the configuration file, or {@code null} when the configuration did not come from a file
     * @param problem what was wrong and what was expected; never a secret value
     */
    public ProviderConfigException(String key, Path file, String problem) {
        super(format(key, file, problem));
        this.key = key;
        this.file = file;
    }

    public ProviderConfigException(String key, Path file, String problem, Throwable cause) {
        super(format(key, file, problem), cause);
        this.key = key;
        this.file = file;
    }

    public String key() {
        return key;
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    private static String format(String key, Path file, String problem) {
        return (file != null ? file + ": " : "") + key + ": " + problem;
    }
}
