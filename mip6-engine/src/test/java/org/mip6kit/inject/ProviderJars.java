package org.mip6kit.inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * Builds provider jars (and exploded directories) at test time from the compiled fixture classes,
 * and class loaders that see exactly those jars: their parent hides the fixture package and every
 * other service file, so nothing on the test class path leaks in.
 */
final class ProviderJars implements AutoCloseable {

    static final String FIXTURE_PACKAGE = "org.mip6kit.inject.fixture.";

    private final Path dir;
    private final List<URLClassLoader> loaders = new ArrayList<>();

    ProviderJars(Path dir) {
        this.dir = dir;
    }

    /** A jar holding {@code factories}' classes and a service file listing them. */
    Path jar(String fileName, Class<?>... factories) {
        return jar(fileName, serviceFile(factories), factories);
    }

    /** A jar with the given service file text and the given classes (which the text may or may not name). */
    Path jar(String fileName, String serviceFileText, Class<?>... classes) {
        Path jar = dir.resolve(fileName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> type : classes) {
                out.putNextEntry(new JarEntry(resourceName(type)));
                out.write(classBytes(type));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(ProviderDiscovery.SERVICE_FILE));
            out.write(serviceFileText.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** An exploded directory, as an IDE or {@code target/classes} puts a provider on the class path. */
    Path directory(String name, Class<?>... factories) {
        Path root = dir.resolve(name);
        try {
            for (Class<?> type : factories) {
                Path file = root.resolve(resourceName(type));
                Files.createDirectories(file.getParent());
                Files.write(file, classBytes(type));
            }
            Path services = root.resolve(ProviderDiscovery.SERVICE_FILE);
            Files.createDirectories(services.getParent());
            Files.writeString(services, serviceFile(factories));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    static String serviceFile(Class<?>... factories) {
        return Arrays.stream(factories).map(Class::getName).collect(Collectors.joining("\n", "# test providers\n", "\n"));
    }

    /** A loader over exactly {@code paths} (closed by {@link #close()}). */
    URLClassLoader loader(Path... paths) {
        URL[] urls = Arrays.stream(paths).map(ProviderJars::url).toArray(URL[]::new);
        URLClassLoader loader = new URLClassLoader("providers", urls, new IsolatingParent(ProviderJars.class.getClassLoader()));
        loaders.add(loader);
        return loader;
    }

    DiscoveryReport discover(Path... paths) {
        return ProviderDiscovery.discover(loader(paths));
    }

    @Override
    public void close() throws IOException {
        for (URLClassLoader loader : loaders) {
            loader.close();
        }
    }

    private static String resourceName(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        try (InputStream in = ProviderJars.class.getClassLoader().getResourceAsStream(resourceName(type))) {
            if (in == null) {
                throw new IOException("no class file for " + type.getName());
            }
            return in.readAllBytes();
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Delegates to the test class path, minus the fixture classes and every provider service file. */
    static final class IsolatingParent extends ClassLoader {

        static {
            registerAsParallelCapable();
        }

        IsolatingParent(ClassLoader delegate) {
            super("isolating-parent", delegate);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(FIXTURE_PACKAGE)) {
                throw new ClassNotFoundException(name + " is hidden from test provider loaders");
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return hidden(name) ? null : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return hidden(name) ? Collections.emptyEnumeration() : super.getResources(name);
        }

        private static boolean hidden(String name) {
            return name.equals(ProviderDiscovery.SERVICE_FILE)
                    || name.startsWith(FIXTURE_PACKAGE.replace('.', '/'));
        }
    }
}
