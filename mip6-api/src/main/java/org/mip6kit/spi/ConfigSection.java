package org.mip6kit.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A provider's section of a daemon's configuration file ({@code security.<name>}), as a tree
 * of maps, lists and scalars. Every accessor names the key and the file when it fails, so a
 * provider can validate its whole section with no message formatting of its own.
 *
 * <p>Call {@link #allowOnly} first: unknown keys are errors (a misspelt key must not silently
 * fall back to a default). Instances are immutable and thread-safe.
 */
public interface ConfigSection {

    /** The dotted path of this section from the file's root, e.g. {@code security.auth-option-4285}. */
    String path();

    /** The file the section was read from, if any. */
    Optional<Path> file();

    /** The keys present in this section. */
    Set<String> keys();

    boolean has(String key);

    /**
     * Fails on the first key not in {@code allowed}.
     *
     * @throws ProviderConfigException naming the unknown key and listing the allowed ones
     */
    void allowOnly(Set<String> allowed) throws ProviderConfigException;

    /** A required string. @throws ProviderConfigException if missing or not a scalar */
    String string(String key) throws ProviderConfigException;

    Optional<String> optionalString(String key) throws ProviderConfigException;

    /**
     * Required text that must have been written as text: a value the configuration format read
     * as a number or a boolean is refused (YAML reads {@code key: 0123} as the number 123, so a
     * hexadecimal key, an NAI or an SPI name that looks numeric must be quoted). Use it for
     * keys, identifiers and anything where a number would silently change the value.
     *
     * @throws ProviderConfigException if missing, not a scalar, or not text; the message says to quote it
     */
    String text(String key) throws ProviderConfigException;

    /** {@link #text} when present. */
    Optional<String> optionalText(String key) throws ProviderConfigException;

    /** A required integer within {@code [min, max]}. */
    long integer(String key, long min, long max) throws ProviderConfigException;

    /** An optional integer within {@code [min, max]}, or {@code defaultValue}. */
    long integer(String key, long min, long max, long defaultValue) throws ProviderConfigException;

    boolean bool(String key, boolean defaultValue) throws ProviderConfigException;

    /**
     * A duration written as ISO-8601 ({@code PT7S}) or as a number with a unit suffix
     * ({@code 7s}, {@code 500ms}, {@code 10m}, {@code 1h}), within {@code [min, max]}.
     */
    Duration duration(String key, Duration min, Duration max, Duration defaultValue) throws ProviderConfigException;

    /** A path, resolved against the configuration file's directory when relative. */
    Path path(String key) throws ProviderConfigException;

    /** A nested section. */
    ConfigSection section(String key) throws ProviderConfigException;

    /** A list of nested sections (a YAML sequence of maps); empty when the key is absent. */
    List<ConfigSection> sections(String key) throws ProviderConfigException;

    /** A list of scalars; empty when the key is absent. */
    List<String> strings(String key) throws ProviderConfigException;

    /** An error about {@code key} in this section, for checks the accessors cannot make. */
    ProviderConfigException error(String key, String problem);

    /**
     * A section over plain Java values (maps with String keys, lists, scalars): what the YAML
     * loader produces, and what embedders and tests build by hand.
     *
     * @param path the dotted path of the section
     * @param file the file it came from, or {@code null}
     */
    static ConfigSection of(String path, Path file, Map<String, ?> values) {
        return new MapConfigSection(path, file, values);
    }
}
