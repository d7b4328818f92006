package org.mip6kit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Third-party providers depend on {@code mip6-api} alone, so it must not drag anything in: its
 * main sources import only the JDK and its own packages, and its pom has no dependency outside
 * the test scope.
 */
@Tag("small")
class ApiDependsOnTheJdkAloneTest {

    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void mainSourcesImportOnlyTheJdkAndTheApiItself() throws IOException {
        Path main = MODULE.resolve("src/main/java");
        assertThat(main).isDirectory();
        List<String> foreign;
        try (Stream<Path> files = Files.walk(main)) {
            foreign = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    return m.results().map(r -> main.relativize(f) + ": " + r.group(1)).toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(line -> !line.matches(".*: (java|javax)\\..*") && !line.matches(".*: org\\.mip6kit\\..*"))
                    .toList();
        }
        assertThat(foreign).as("imports outside the JDK and org.mip6kit").isEmpty();
    }

    @Test
    void mainSourcesNameNoJdkInternalClassInline() throws IOException {
        Path main = MODULE.resolve("src/main/java");
        List<String> internal;
        try (Stream<Path> files = Files.walk(main)) {
            internal = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Pattern.compile("\\b(com\\.sun|sun|jdk\\.internal)\\.[a-z]").matcher(Files.readString(f)).find();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> main.relativize(f).toString()).toList();
        }
        assertThat(internal).as("sources naming com.sun.*, sun.* or jdk.internal.* classes").isEmpty();
    }

    @Test
    void thePomHasNoDependencyOutsideTheTestScope() throws IOException {
        String pom = Files.readString(MODULE.resolve("pom.xml"));
        Matcher m = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        int dependencies = 0;
        while (m.find()) {
            dependencies++;
            assertThat(m.group(1)).as("every mip6-api dependency is test-scoped").contains("<scope>test</scope>");
        }
        assertThat(dependencies).as("the pom was read").isPositive();
    }
}
