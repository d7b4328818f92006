package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every artifact the BOM publishes is a jar that can go on the module path: its manifest names a
 * valid {@code Automatic-Module-Name} under {@code org.mip6kit}, no two jars claim the same module
 * name, and no package is in two jars (a split package stops the module system from loading
 * either).
 *
 * <p>The jars are the ones this build packaged: the launcher's class path ({@code cli/target} and
 * {@code cli/target/lib}) and, for the artifacts the command line does not carry (the kit, the
 * Guice module), their modules' {@code target} directories. Tagged {@code large} because it
 * needs the packaged jars, so it runs in the {@code integration-test} phase, after
 * {@code package}; it starts no process.
 */
@Tag("large")
class PublishedJarsAreModulesTest {

    private static final Pattern MANAGED_ARTIFACT = Pattern.compile("<artifactId>(mip6kit-[a-z0-9-]+)</artifactId>");

    @Test
    void everyPublishedJarHasAValidModuleNameAndNoPackageIsInTwoJars() throws IOException {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        List<String> published = publishedArtifacts(root);
        assertThat(published).as("artifacts managed by bom/pom.xml").contains("mip6kit-api", "mip6kit-engine",
                "mip6kit-cli", "mip6kit-guice");

        Map<String, Path> jars = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String artifact : published) {
            Path jar = packagedJar(root, artifact);
            if (jar == null) {
                missing.add(artifact);
            } else {
                jars.put(artifact, jar);
            }
        }
        assertThat(missing).as("published artifacts with no packaged jar (run `mvn -B verify` in %s)", root).isEmpty();

        Map<String, String> moduleToArtifact = new TreeMap<>();
        Map<String, String> packageToArtifact = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> e : jars.entrySet()) {
            String artifact = e.getKey();
            Path jar = e.getValue();
            String declared;
            try (JarFile file = new JarFile(jar.toFile())) {
                declared = file.getManifest() == null ? null
                        : file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
            }
            if (declared == null) {
                problems.add(jar.getFileName() + ": no Automatic-Module-Name in its manifest");
                continue;
            }
            if (!declared.startsWith("org.mip6kit.")) {
                problems.add(jar.getFileName() + ": module name " + declared + " is not under org.mip6kit");
            }
            ModuleDescriptor descriptor;
            try {
                ModuleReference reference = ModuleFinder.of(jar).findAll().iterator().next();
                descriptor = reference.descriptor();
            } catch (FindException invalid) {
                problems.add(jar.getFileName() + ": not a valid automatic module: " + invalid.getMessage());
                continue;
            }
            String previous = moduleToArtifact.put(descriptor.name(), artifact);
            if (previous != null) {
                problems.add("module name " + descriptor.name() + " is claimed by " + previous + " and " + artifact);
            }
            for (String pkg : descriptor.packages()) {
                String owner = packageToArtifact.putIfAbsent(pkg, artifact);
                if (owner != null) {
                    problems.add("package " + pkg + " is split between " + owner + " and " + artifact);
                }
            }
        }
        assertThat(problems).as("module problems of %s", jars.values()).isEmpty();
        assertThat(moduleToArtifact).as("module names").hasSameSizeAs(published)
                .containsEntry("org.mip6kit.provider.auth4285", "mip6kit-auth-option-4285");
    }

    /** The mip6kit artifact ids bom/pom.xml manages, in order. */
    private static List<String> publishedArtifacts(Path root) throws IOException {
        Matcher m = MANAGED_ARTIFACT.matcher(Files.readString(root.resolve("bom/pom.xml"), StandardCharsets.UTF_8));
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            if (!m.group(1).equals("mip6kit-bom")) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** The main jar of {@code artifact} this build packaged (not its test, sources or Javadoc jar), or null. */
    private static Path packagedJar(Path root, String artifact) throws IOException {
        if (artifact.equals("mip6kit-cli")) {
            Path cli = root.resolve("cli/target/mip6kit-cli.jar");
            return Files.isRegularFile(cli) ? cli : null;
        }
        List<Path> places = new ArrayList<>(List.of(root.resolve("cli/target/lib")));
        try (Stream<Path> top = Files.list(root); Stream<Path> providers = Files.list(root.resolve("providers"))) {
            Stream.concat(top, providers).map(d -> d.resolve("target")).filter(Files::isDirectory).forEach(places::add);
        }
        Pattern name = Pattern.compile(Pattern.quote(artifact) + "-\\d[^-]*(-SNAPSHOT)?\\.jar");
        for (Path place : places) {
            if (!Files.isDirectory(place)) {
                continue;
            }
            try (Stream<Path> files = Files.list(place)) {
                List<Path> found = files.filter(f -> name.matcher(f.getFileName().toString()).matches()).toList();
                if (!found.isEmpty()) {
                    return found.get(0);
                }
            }
        }
        return null;
    }
}
