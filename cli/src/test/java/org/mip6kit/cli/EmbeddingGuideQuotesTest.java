package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docs/embedding-guide.md quotes the example program rather than paraphrasing it: every code
 * line of its {@code java} blocks (a trailing {@code //} comment and {@code ...} lines aside) is a
 * line of {@code docs/examples/embedding/.../HomeRegistrationExample.java}, so a change to the
 * example that the guide does not follow fails here. The Guice block is the one exception: the
 * example does not use Guice.
 */
@Tag("small")
class EmbeddingGuideQuotesTest {

    private static final String GUIDE = "docs/embedding-guide.md";
    private static final String EXAMPLE =
            "docs/examples/embedding/src/main/java/org/example/embed/HomeRegistrationExample.java";

    @Test
    void everyJavaLineTheGuideQuotesIsALineOfTheExampleProgram() throws Exception {
        Path root = Mip6kitLauncherTest.repositoryRoot();
        Set<String> exampleLines = Files.readAllLines(root.resolve(EXAMPLE), StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toSet());

        List<String> quoted = quotedJavaLines(Files.readAllLines(root.resolve(GUIDE), StandardCharsets.UTF_8));

        assertThat(quoted).as("java lines quoted by " + GUIDE).hasSizeGreaterThan(40)
                .contains("provider = SecurityProviders.select(HomeRegistrationExample.class.getClassLoader(), PROVIDER);",
                        "ha = HomeAgentEngine.builder()", "mn = MobileNodeEngine.builder()");
        assertThat(quoted).as("lines of " + GUIDE + " that are not in " + EXAMPLE)
                .filteredOn(line -> !exampleLines.contains(line)).isEmpty();
    }

    /** The stripped code lines of every {@code ```java} block but the one that creates a Guice injector. */
    static List<String> quotedJavaLines(List<String> markdown) {
        List<String> quoted = new ArrayList<>();
        List<String> block = null;
        for (String line : markdown) {
            String s = line.strip();
            if (block == null) {
                if (s.equals("```java")) {
                    block = new ArrayList<>();
                }
            } else if (s.equals("```")) {
                if (block.stream().noneMatch(l -> l.contains("Guice.createInjector"))) {
                    quoted.addAll(block);
                }
                block = null;
            } else {
                int comment = s.indexOf("//");
                String code = (comment >= 0 ? s.substring(0, comment) : s).strip();
                if (!code.isEmpty() && !code.equals("...")) {
                    block.add(code);
                }
            }
        }
        return quoted;
    }
}
