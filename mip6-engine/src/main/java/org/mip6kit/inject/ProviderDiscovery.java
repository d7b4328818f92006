package org.mip6kit.inject;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderFactory;

/**
 * Finds every {@link SecurityProviderFactory} visible to a class loader and says, for each, where
 * it came from, or why it is unusable.
 *
 * <p>Each service entry is handled on its own: a class that is missing, is not a factory, cannot
 * be linked, whose constructor throws, or whose {@code descriptor()} throws or returns
 * {@code null} becomes a {@link BrokenProvider} and the walk goes on to the next entry, so one
 * bad jar never hides the others. Discovery selects nothing and logs nothing; selection
 * ({@link ProviderSelector}) reports what discovery found.
 *
 * <p>No I/O beyond class loading: the only reads are those of the class loader (classes and
 * {@value #SERVICE_FILE}). Every listed factory is instantiated, as the SPI contract allows.
 * Thread-safe (stateless).
 */
public final class ProviderDiscovery {

    /** The resource ServiceLoader reads; a provider jar lists its factory class there. */
    public static final String SERVICE_FILE = "META-INF/services/org.mip6kit.spi.SecurityProviderFactory";

    private static final String SERVICE_PREFIX = SecurityProviderFactory.class.getName() + ": ";
    private static final int MAX_REASON_LENGTH = 400;
    /** A loader that fails the same way without advancing (e.g. getResources throwing) must not loop forever. */
    private static final int MAX_REPEATED_ERRORS = 3;

    private ProviderDiscovery() {
    }

    /**
     * Walks {@code ServiceLoader.load(SecurityProviderFactory.class, loader)} once.
     *
     * @param loader the class loader whose service files and classes are searched (and its parents)
     * @return the immutable report; empty lists when nothing is installed
     */
    public static DiscoveryReport discover(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        ServiceFileIndex index = new ServiceFileIndex(loader);
        List<FoundProvider> found = new ArrayList<>();
        List<BrokenProvider> broken = new ArrayList<>();
        List<Throwable> unattributed = new ArrayList<>();

        Iterator<ServiceLoader.Provider<SecurityProviderFactory>> entries =
                ServiceLoader.load(SecurityProviderFactory.class, loader).stream().iterator();
        String lastError = null;
        int repeats = 0;
        while (true) {
            ServiceLoader.Provider<SecurityProviderFactory> entry;
            try {
                if (!entries.hasNext()) {
                    break;
                }
                entry = entries.next();
            } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                // The stream's iterator stays usable after an error: ServiceLoader has already
                // moved past the entry that failed, so the next call reaches the next provider.
                String text = e.toString();
                if (text.equals(lastError)) {
                    if (++repeats >= MAX_REPEATED_ERRORS) {
                        broken.add(new BrokenProvider("class loader " + loader, Optional.empty(),
                                "discovery stopped: the same error repeated: " + oneLine(e), e));
                        break;
                    }
                    continue;
                }
                lastError = text;
                repeats = 0;
                attributeIterationError(e, loader, index, broken, unattributed);
                continue;
            }
            lastError = null;
            repeats = 0;
            inspect(entry, index, found, broken);
        }
        attributeLeftovers(unattributed, index, found, broken);
        return new DiscoveryReport(found, broken);
    }

    /**
     * A report over factories an embedder created itself (no ServiceLoader), checked like
     * discovered ones: a factory whose {@code descriptor()} throws or returns {@code null} is
     * reported as broken.
     */
    public static DiscoveryReport of(Collection<? extends SecurityProviderFactory> factories) {
        List<FoundProvider> found = new ArrayList<>();
        List<BrokenProvider> broken = new ArrayList<>();
        for (SecurityProviderFactory factory : factories) {
            Objects.requireNonNull(factory, "factory");
            Class<?> type = factory.getClass();
            String source = codeLocation(type).orElse("instance of " + type.getName());
            describe(factory, type, source, found, broken);
        }
        return new DiscoveryReport(found, broken);
    }

    private static void inspect(ServiceLoader.Provider<SecurityProviderFactory> entry, ServiceFileIndex index,
                                List<FoundProvider> found, List<BrokenProvider> broken) {
        Class<? extends SecurityProviderFactory> type = entry.type();
        String source = codeLocation(type).orElseGet(() -> serviceFiles(index.filesListing(type.getName()), type));
        SecurityProviderFactory factory;
        try {
            factory = entry.get();
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            broken.add(new BrokenProvider(source, Optional.of(type.getName()), reason(e), e));
            return;
        }
        describe(factory, type, source, found, broken);
    }

    private static void describe(SecurityProviderFactory factory, Class<?> type, String source,
                                 List<FoundProvider> found, List<BrokenProvider> broken) {
        ProviderDescriptor descriptor;
        try {
            descriptor = factory.descriptor();
        } catch (LinkageError | RuntimeException e) {
            broken.add(new BrokenProvider(source, Optional.of(type.getName()),
                    type.getName() + ".descriptor() threw " + oneLine(e), e));
            return;
        }
        if (descriptor == null) {
            broken.add(new BrokenProvider(source, Optional.of(type.getName()),
                    type.getName() + ".descriptor() returned null", null));
            return;
        }
        found.add(new FoundProvider(descriptor, factory, source));
    }

    private static void attributeIterationError(Throwable e, ClassLoader loader, ServiceFileIndex index,
                                                List<BrokenProvider> broken, List<Throwable> unattributed) {
        String message = String.valueOf(e.getMessage());
        Optional<String> className = index.classNamedIn(message);
        if (className.isPresent()) {
            String cn = className.get();
            String source = loadableLocation(cn, loader)
                    .orElseGet(() -> serviceFiles(index.filesListing(cn), null));
            broken.add(new BrokenProvider(source, className, reason(e), e));
            return;
        }
        Optional<URL> file = index.fileNamedIn(message);
        if (file.isPresent()) {
            broken.add(new BrokenProvider(display(file.get()), Optional.empty(), reason(e), e));
            return;
        }
        unattributed.add(e);
    }

    /**
     * A linkage error (say, a provider whose superclass is missing) names the missing class, not
     * the provider. When exactly one listed class is neither found nor reported, it is the one.
     */
    private static void attributeLeftovers(List<Throwable> unattributed, ServiceFileIndex index,
                                           List<FoundProvider> found, List<BrokenProvider> broken) {
        if (unattributed.isEmpty()) {
            return;
        }
        Set<String> unaccounted = new HashSet<>(index.listedClasses());
        found.forEach(p -> unaccounted.remove(p.factoryClass()));
        broken.forEach(b -> b.className().ifPresent(unaccounted::remove));
        if (unattributed.size() == 1 && unaccounted.size() == 1) {
            String cn = unaccounted.iterator().next();
            Throwable e = unattributed.get(0);
            broken.add(new BrokenProvider(serviceFiles(index.filesListing(cn), null), Optional.of(cn),
                    "could not load provider " + cn + ": " + reason(e), e));
            return;
        }
        String candidates = unaccounted.isEmpty() ? "unknown location"
                : "one of " + unaccounted.stream().sorted()
                        .map(cn -> cn + " in " + serviceFiles(index.filesListing(cn), null))
                        .collect(Collectors.joining(", "));
        for (Throwable e : unattributed) {
            broken.add(new BrokenProvider(candidates, Optional.empty(), reason(e), e));
        }
    }

    private static Optional<String> loadableLocation(String className, ClassLoader loader) {
        try {
            return codeLocation(Class.forName(className, false, loader));
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<String> codeLocation(Class<?> type) {
        try {
            ProtectionDomain domain = type.getProtectionDomain();
            CodeSource code = domain == null ? null : domain.getCodeSource();
            URL location = code == null ? null : code.getLocation();
            return Optional.ofNullable(location).map(ProviderDiscovery::display);
        } catch (SecurityException e) {
            return Optional.empty();
        }
    }

    private static String serviceFiles(List<URL> files, Class<?> type) {
        if (files.isEmpty()) {
            return type == null ? "unknown location" : "unknown location of " + type.getName();
        }
        return files.stream().map(ProviderDiscovery::display).collect(Collectors.joining(" and "));
    }

    /** A file URL as a path, a jar URL as {@code /path/x.jar!/entry}; anything else as the URL. */
    static String display(URL url) {
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI()).toString();
            }
            if ("jar".equals(url.getProtocol())) {
                String spec = url.toString().substring("jar:".length());
                int separator = spec.indexOf("!/");
                if (separator > 0) {
                    URL jar = new URI(spec.substring(0, separator)).toURL();
                    return display(jar) + spec.substring(separator);
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | java.net.MalformedURLException e) {
            // fall through: the URL itself is still a usable location
        }
        return url.toString();
    }

    private static String reason(Throwable e) {
        String message = e instanceof ServiceConfigurationError && e.getMessage() != null
                ? stripServicePrefix(e.getMessage()) : e.toString();
        Throwable cause = e.getCause();
        String text = cause == null ? message : message + ": " + cause;
        return oneLine(text);
    }

    private static String stripServicePrefix(String message) {
        return message.startsWith(SERVICE_PREFIX) ? message.substring(SERVICE_PREFIX.length()) : message;
    }

    private static String oneLine(Throwable e) {
        return oneLine(e.toString());
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return line.length() <= MAX_REASON_LENGTH ? line : line.substring(0, MAX_REASON_LENGTH - 3) + "...";
    }
}
