package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the third-party example provider ({@code docs/examples/example-provider}) into a jar,
 * as its README says, against this build's {@code mip6kit-bom}, {@code mip6kit-api},
 * {@code mip6kit-engine} and {@code mip6kit-provider-tck} — the approach of provider-tck's {@code ExampleProviderBuildTest}:
 * a throw-away local repository links every directory of the user's one (plugins, JUnit, ...,
 * never written) except {@code org/mip6kit}, which holds copies of the jars and POMs in this
 * build's {@code target} directories, laid out as {@code mvn install} lays them out. The
 * example is copied (pom.xml and src/ only) and built offline with {@code -DskipTests}: its own
 * tests, the whole compatibility kit, are that other test's business.
 *
 * <p>Needs {@code mvn} and the packaged jars of those three modules (the {@code large-tests}
 * execution runs after {@code package}; {@code cli} depends on them through the reactor).
 */
final class ExampleProviderJar {

    static final String PROVIDER = "example-psk";
    private static final String JAR_PREFIX = "example-psk-provider-";
    /** What the example provider's build needs of this build: module directory → artifact id. */
    private static final Map<String, String> EXAMPLE_PROVIDER_MODULES = Map.of("mip6-api", "mip6kit-api",
            "mip6-engine", "mip6kit-engine", "providers/provider-tck", "mip6kit-provider-tck");

    private ExampleProviderJar() {
    }

    /**
     * Builds the example under {@code work} and returns its jar.
     *
     * @param mvn the Maven executable
     * @param root the mip6kit source tree
     * @param work an empty directory of the test's own
     */
    static Path build(Path mvn, Path root, Path work, Duration limit) throws Exception {
        String version = projectVersion(root);
        Path repository = localRepositoryWithThisBuildInstalled(root, version, work.resolve("repository"),
                EXAMPLE_PROVIDER_MODULES);
        Path project = work.resolve("example-provider");
        copyProject(root.resolve("docs/examples/example-provider"), project);
        Path log = work.resolve("mvn.log");
        List<String> command = List.of(mvn.toString(), "-q", "-o", "-B", "-Dstyle.color=never",
                "-Dmaven.repo.local=" + repository, "-Dmip6kit.version=" + version, "-DskipTests", "package");
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("`%s` did not finish within %s; output:%n%s", String.join(" ", command), limit,
                        Files.readString(log, StandardCharsets.UTF_8));
            }
            if (p.exitValue() != 0) {
                fail("`%s` in %s exited %d; output:%n%s", String.join(" ", command), project, p.exitValue(),
                        Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            unlinkTheUsersRepository(repository);
        }
        try (Stream<Path> files = Files.list(project.resolve("target"))) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().startsWith(JAR_PREFIX)
                    && f.getFileName().toString().endsWith(".jar")).toList();
            if (jars.size() != 1) {
                fail("expected one %s*.jar in %s, found %s", JAR_PREFIX, project.resolve("target"), jars);
            }
            return jars.get(0);
        }
    }

    /**
     * A throw-away local repository in {@code repository}: links to every directory of the user's
     * one except {@code org/mip6kit}, which holds the parent pom, the BOM and, for each entry of
     * {@code modules} (module directory → artifact id), the module's pom and packaged jar.
     */
    static Path localRepositoryWithThisBuildInstalled(Path root, String version, Path repository,
                                                      Map<String, String> modules) throws IOException {
        Path user = userLocalRepository();
        if (!Files.isDirectory(user.resolve("org/apache/maven/plugins"))) {
            fail("the local Maven repository " + user + " has no plugins: run the reactor build (mvn verify) "
                    + "online once before this offline test");
        }
        Files.createDirectories(repository.resolve("org/mip6kit"));
        try (Stream<Path> top = Files.list(user)) {
            for (Path p : (Iterable<Path>) top::iterator) {
                if (!p.getFileName().toString().equals("org")) {
                    Files.createSymbolicLink(repository.resolve(p.getFileName().toString()), p);
                }
            }
        }
        try (Stream<Path> org = Files.list(user.resolve("org"))) {
            for (Path p : (Iterable<Path>) org::iterator) {
                if (!p.getFileName().toString().equals("mip6kit")) {
                    Files.createSymbolicLink(repository.resolve("org").resolve(p.getFileName().toString()), p);
                }
            }
        }
        install(repository, "mip6kit-parent", version, root.resolve("pom.xml"), null);
        install(repository, "mip6kit-bom", version, root.resolve("bom/pom.xml"), null);
        // module directory -> artifact id
        for (Map.Entry<String, String> module : modules.entrySet()) {
            Path dir = root.resolve(module.getKey());
            String artifactId = module.getValue();
            Path jar = dir.resolve("target").resolve(artifactId + "-" + version + ".jar");
            if (!Files.isRegularFile(jar)) {
                fail(jar + " does not exist: this test needs the packaged jars of this build; run it through "
                        + "`mvn verify` (its large-tests execution runs after package)");
            }
            install(repository, artifactId, version, dir.resolve("pom.xml"), jar);
        }
        return repository;
    }

    private static void install(Path repository, String artifactId, String version, Path pom, Path jar)
            throws IOException {
        Path dir = repository.resolve("org/mip6kit").resolve(artifactId).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes the links into the user's repository (the links only), so deleting {@code work} stays inside it. */
    static void unlinkTheUsersRepository(Path repository) throws IOException {
        for (Path dir : List.of(repository, repository.resolve("org"))) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    if (Files.isSymbolicLink(p)) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** {@code -Dmaven.repo.local} if the build passed it, else {@code <localRepository>} of ~/.m2/settings.xml, else ~/.m2/repository. */
    private static Path userLocalRepository() throws IOException {
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Path settings = m2.resolve("settings.xml");
        if (Files.isRegularFile(settings)) {
            Matcher m = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>")
                    .matcher(Files.readString(settings, StandardCharsets.UTF_8));
            if (m.find()) {
                return Path.of(m.group(1).replace("${user.home}", System.getProperty("user.home")));
            }
        }
        return m2.resolve("repository");
    }

    static String projectVersion(Path root) throws IOException {
        Matcher m = Pattern.compile("<artifactId>mip6kit-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8));
        if (!m.find()) {
            fail("cannot read the project version from " + root.resolve("pom.xml"));
        }
        return m.group(1).strip();
    }

    /** Copies pom.xml and src/ only: a stale target/ from a manual build must not be reused. */
    static void copyProject(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve("pom.xml"), to.resolve("pom.xml"));
        Path src = from.resolve("src");
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
