package org.mip6kit.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.FileTrust;
import org.mip6kit.spi.ProviderConfigException;

/**
 * Reads a daemon's YAML configuration file into a {@link ConfigSection} tree. Strict: a
 * duplicate key is an error, and every section is validated by its reader with
 * {@link ConfigSection#allowOnly}, so an unknown or misspelt key is an error naming the key and
 * the file ({@code docs/errors.md#provider-config}). No value is ever echoed for a key whose
 * reader does not ask for it, so secrets in the file never reach a message.
 */
public final class ConfigFile {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigFile() {
    }

    /**
     * Loads {@code file}, after checking that only its owner can have written it
     * ({@link FileTrust}: owned by the user running the daemon or root, not writable by others,
     * in no directory others may write without the sticky bit).
     *
     * @throws ProviderConfigException if the file cannot be trusted or read, is not YAML, or its
     *         top level is not a map of keys
     */
    public static ConfigSection load(Path file) throws ProviderConfigException {
        Path absolute = file.toAbsolutePath();
        Optional<String> untrusted = FileTrust.problem(absolute, "configuration file");
        if (untrusted.isPresent()) {
            throw new ProviderConfigException("(file)", absolute, "is refused: " + untrusted.get()
                    + " (see docs/errors.md#untrusted-file)");
        }
        String text;
        try {
            text = Files.readString(absolute);
        } catch (IOException e) {
            throw new ProviderConfigException("(file)", absolute, "cannot be read: " + e.getMessage()
                    + " (see docs/errors.md#provider-config)");
        }
        return parse(text, absolute);
    }

    /** Parses YAML text as if it were the content of {@code file} (which may be null). */
    public static ConfigSection parse(String text, Path file) throws ProviderConfigException {
        Map<String, Object> root;
        try {
            root = text.isBlank() ? new LinkedHashMap<>()
                    : YAML.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            String where = e.getLocation() != null
                    ? "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : "";
            throw new ProviderConfigException("(file)", file, "is not valid YAML " + where + ": "
                    + e.getOriginalMessage());
        }
        if (root == null) {
            root = new LinkedHashMap<>();
        }
        return ConfigSection.of("", file, root);
    }
}
