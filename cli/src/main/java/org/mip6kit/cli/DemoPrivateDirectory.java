package org.mip6kit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The private temporary directory {@code mip6kit demo} hands to the selected provider's
 * {@link org.mip6kit.spi.SecurityProviderFactory#demoConfiguration}, which writes its throwaway
 * credentials into it. Created owner-only ({@code 0700}) in the system's temporary directory;
 * {@link #close()} removes it with everything in it, whatever the provider wrote.
 */
final class DemoPrivateDirectory implements AutoCloseable {

    static final String PERMISSIONS = "rwx------";

    private final Path directory;

    private DemoPrivateDirectory(Path directory) {
        this.directory = directory;
    }

    /** A new, empty {@code mip6kit-demo-*} directory readable, writable and searchable by its owner only. */
    static DemoPrivateDirectory create() throws IOException {
        return new DemoPrivateDirectory(Files.createTempDirectory("mip6kit-demo-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(PERMISSIONS))));
    }

    Path path() {
        return directory;
    }

    /**
     * What the provider wrote, for the demo's output: every regular file, relative to the
     * directory and sorted, with its permissions, e.g. {@code keys.txt (rw-------)}.
     */
    List<String> describeFiles() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path p : (Iterable<Path>) all.sorted()::iterator) {
                if (Files.isRegularFile(p)) {
                    files.add(directory.relativize(p) + " ("
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + ")");
                }
            }
        }
        return files;
    }

    boolean exists() {
        return Files.exists(directory);
    }

    /** Removes the directory and everything in it. Idempotent; never throws. */
    @Override
    public void close() {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Left behind in the temporary directory, owner-only; the demo says it could not remove it.
        }
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
