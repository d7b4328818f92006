package org.mip6kit.inject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which service file lists which provider class. {@link java.util.ServiceLoader} reports a class
 * it cannot load by name only; this index turns that name back into the file (and jar) that
 * listed it, so an operator knows which jar to remove. Read lazily, only after an error, through
 * the same class loader (the reads ServiceLoader itself makes).
 */
final class ServiceFileIndex {

    private final ClassLoader loader;
    private Map<String, List<URL>> filesByClass;
    private List<URL> files;

    ServiceFileIndex(ClassLoader loader) {
        this.loader = loader;
    }

    /** The service files listing {@code className}, in class-path order. */
    List<URL> filesListing(String className) {
        load();
        return filesByClass.getOrDefault(className, List.of());
    }

    Set<String> listedClasses() {
        load();
        return Collections.unmodifiableSet(filesByClass.keySet());
    }

    /** The listed class whose name appears as a word in {@code message}, if exactly one does. */
    Optional<String> classNamedIn(String message) {
        load();
        Set<String> hits = new LinkedHashSet<>();
        for (String word : message.split("[\\s:,;'\"()]+")) {
            if (filesByClass.containsKey(word)) {
                hits.add(word);
            }
        }
        return hits.size() == 1 ? Optional.of(hits.iterator().next()) : Optional.empty();
    }

    /** The service file whose URL appears in {@code message} (ServiceLoader names it in syntax errors). */
    Optional<URL> fileNamedIn(String message) {
        load();
        URL best = null;
        for (URL file : files) {
            String text = file.toString();
            if (message.contains(text) && (best == null || text.length() > best.toString().length())) {
                best = file;
            }
        }
        return Optional.ofNullable(best);
    }

    private void load() {
        if (filesByClass != null) {
            return;
        }
        filesByClass = new LinkedHashMap<>();
        files = new ArrayList<>();
        try {
            for (URL file : Collections.list(loader.getResources(ProviderDiscovery.SERVICE_FILE))) {
                files.add(file);
                for (String className : classNamesIn(file)) {
                    filesByClass.computeIfAbsent(className, k -> new ArrayList<>()).add(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Attribution is best effort: the error itself is still reported, with a vaguer source.
        }
    }

    private static List<String> classNamesIn(URL file) {
        List<String> names = new ArrayList<>();
        try {
            URLConnection connection = file.openConnection();
            connection.setUseCaches(false);
            try (InputStream in = connection.getInputStream();
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    int comment = line.indexOf('#');
                    String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable file: ServiceLoader reports it with the file's URL.
        }
        return names;
    }
}
