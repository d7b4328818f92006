package org.mip6kit.daemon;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
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
        if (Files.isDirectory(absolute)) {
            throw new ProviderConfigException("(file)", absolute, "is a directory, not a configuration file "
                    + "(see docs/errors.md#config-file)");
        }
        String text;
        try {
            text = Files.readString(absolute);
        } catch (IOException e) {
            throw new ProviderConfigException("(file)", absolute, unreadable(absolute, e)
                    + " (see docs/errors.md#config-file)", e);
        }
        return parse(text, absolute);
    }

    /** Why {@code file} could not be read, in words: the exception's own message is often just the path. */
    private static String unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            Path dir = file.getParent();
            return "does not exist" + (dir != null && !Files.isDirectory(dir) ? " (nor does its directory " + dir + ")"
                    : "") + "; give the path of an existing file (the examples are in docs/examples/)";
        }
        if (e instanceof AccessDeniedException) {
            return "cannot be read: permission denied to the user running this command (" + currentUser()
                    + "); run as the file's owner, or let that user read it";
        }
        if (e instanceof MalformedInputException) {
            return "cannot be read: it is not UTF-8 text";
        }
        String detail = e.getMessage() == null || e.getMessage().equals(file.toString()) ? "" : ": " + e.getMessage();
        return "cannot be read: " + e.getClass().getSimpleName() + detail;
    }

    private static String currentUser() {
        return System.getProperty("user.name", "?");
    }

    /** Parses YAML text as if it were the content of {@code file} (which may be null). */
    public static ConfigSection parse(String text, Path file) throws ProviderConfigException {
        Map<String, Object> root;
        try {
            root = text.isBlank() ? new LinkedHashMap<>()
                    : YAML.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new ProviderConfigException("(file)", file, "is not valid YAML " + yamlProblem(e)
                    + " (see docs/errors.md#config-yaml)", e);
        }
        if (root == null) {
            root = new LinkedHashMap<>();
        }
        return ConfigSection.of("", file, root);
    }

    /**
     * Where the YAML goes wrong and how, on one line. SnakeYAML knows the line of the problem
     * itself (Jackson's own location is where its current token began, often a line or more
     * earlier) and says what construct was open there; other errors (a duplicate key) carry
     * Jackson's location, which is right for them.
     */
    @SuppressWarnings("deprecation")   // Jackson's only view of SnakeYAML's marks in 2.x
    private static String yamlProblem(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException marked
                && marked.getProblemMark() != null) {
            StringBuilder sb = new StringBuilder("at ").append(at(marked.getProblemMark().getLine(),
                    marked.getProblemMark().getColumn())).append(": ").append(oneLine(marked.getProblem()));
            if (marked.getContext() != null) {
                sb.append(" (").append(oneLine(marked.getContext()));
                if (marked.getContextMark() != null) {
                    sb.append(" that starts at ").append(at(marked.getContextMark().getLine(),
                            marked.getContextMark().getColumn()));
                }
                sb.append(')');
            }
            return sb.toString();
        }
        String where = e.getLocation() != null && e.getLocation().getLineNr() > 0
                ? "at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : "";
        return where + ": " + oneLine(e.getOriginalMessage());
    }

    /** SnakeYAML counts lines and columns from 0, people from 1. */
    private static String at(int line, int column) {
        return "line " + (line + 1) + ", column " + (column + 1);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
