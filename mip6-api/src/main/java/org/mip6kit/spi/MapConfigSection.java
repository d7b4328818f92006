package org.mip6kit.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link ConfigSection} over a map of plain Java values. */
final class MapConfigSection implements ConfigSection {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String path;
    private final Path file;
    private final Map<String, Object> values;

    MapConfigSection(String path, Path file, Map<String, ?> values) {
        this.path = path == null ? "" : path;
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values == null ? Map.of() : values));
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    @Override
    public Set<String> keys() {
        return values.keySet();
    }

    @Override
    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    @Override
    public void allowOnly(Set<String> allowed) throws ProviderConfigException {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw error(k, "unknown key; allowed here: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    @Override
    public String string(String key) throws ProviderConfigException {
        return optionalString(key).orElseThrow(() -> error(key, "is required"));
    }

    @Override
    public Optional<String> optionalString(String key) throws ProviderConfigException {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map || v instanceof List) {
            throw error(key, "must be a single value, not a " + (v instanceof Map ? "section" : "list"));
        }
        return Optional.of(v.toString());
    }

    @Override
    public String text(String key) throws ProviderConfigException {
        return optionalText(key).orElseThrow(() -> error(key, "is required"));
    }

    @Override
    public Optional<String> optionalText(String key) throws ProviderConfigException {
        Object v = values.get(key);
        if (v == null || v instanceof String) {
            return Optional.ofNullable((String) v);
        }
        if (v instanceof Map || v instanceof List) {
            throw error(key, "must be a single value, not a " + (v instanceof Map ? "section" : "list"));
        }
        throw error(key, "must be text, but it was read as a " + (v instanceof Boolean ? "boolean" : "number")
                + " (" + v + "): write it in quotes, e.g. " + key + ": \"" + v + "\"");
    }

    @Override
    public long integer(String key, long min, long max) throws ProviderConfigException {
        return parseInteger(key, string(key), min, max);
    }

    @Override
    public long integer(String key, long min, long max, long defaultValue) throws ProviderConfigException {
        Optional<String> v = optionalString(key);
        return v.isPresent() ? parseInteger(key, v.get(), min, max) : defaultValue;
    }

    private long parseInteger(String key, String text, long min, long max) throws ProviderConfigException {
        long n;
        try {
            n = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw error(key, "must be a whole number, got '" + text + "'");
        }
        if (n < min || n > max) {
            throw error(key, "must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    @Override
    public boolean bool(String key, boolean defaultValue) throws ProviderConfigException {
        Optional<String> v = optionalString(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, "must be true or false, got '" + v.get() + "'");
        };
    }

    @Override
    public Duration duration(String key, Duration min, Duration max, Duration defaultValue)
            throws ProviderConfigException {
        Optional<String> v = optionalString(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        Duration d = parseDuration(key, v.get().trim());
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw error(key, "must be between " + min + " and " + max + ", got " + d);
        }
        return d;
    }

    private Duration parseDuration(String key, String text) throws ProviderConfigException {
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw error(key, "is not an ISO-8601 duration: '" + text + "'");
            }
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw error(key, "must be a duration such as 7s, 500ms, 10m, 1h or PT7S, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    @Override
    public Path path(String key) throws ProviderConfigException {
        Path p = Path.of(string(key));
        if (!p.isAbsolute() && file != null && file.toAbsolutePath().getParent() != null) {
            return file.toAbsolutePath().getParent().resolve(p).normalize();
        }
        return p;
    }

    @Override
    public ConfigSection section(String key) throws ProviderConfigException {
        Object v = values.get(key);
        if (v == null) {
            return new MapConfigSection(child(key), file, Map.of());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw error(key, "must be a section (a map of keys)");
        }
        return new MapConfigSection(child(key), file, stringKeys(key, m));
    }

    @Override
    public List<ConfigSection> sections(String key) throws ProviderConfigException {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw error(key, "must be a list of sections");
        }
        List<ConfigSection> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String itemKey = key + "[" + i + "]";
            if (!(item instanceof Map<?, ?> m)) {
                throw error(itemKey, "must be a section (a map of keys)");
            }
            out.add(new MapConfigSection(child(itemKey), file, stringKeys(itemKey, m)));
        }
        return List.copyOf(out);
    }

    @Override
    public List<String> strings(String key) throws ProviderConfigException {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw error(key, "must be a list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item == null || item instanceof Map || item instanceof List) {
                throw error(key + "[" + i + "]", "must be a single value");
            }
            out.add(item.toString());
        }
        return List.copyOf(out);
    }

    @Override
    public ProviderConfigException error(String key, String problem) {
        return new ProviderConfigException(child(key), file, problem);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Map<String, Object> stringKeys(String key, Map<?, ?> m) throws ProviderConfigException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String s)) {
                throw error(key, "has a key that is not text: " + e.getKey());
            }
            out.put(s, e.getValue());
        }
        return out;
    }

    @Override
    public String toString() {
        // Values may be secrets: show only the keys.
        return "ConfigSection[" + path + ", keys=" + values.keySet() + "]";
    }
}
