package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's documentation stands alone: every relative link of every Markdown file (README,
 * docs/, plugins/, the example provider) and every {@code docs/….md#anchor} cited in Java sources
 * leads to a file of the repository and, for an anchor, to a heading or explicit anchor of it
 * ({@link DocLinks}). The checker itself is tested on a small tree first, so that a checker that
 * finds nothing cannot pass for a tree without broken links.
 */
@Tag("small")
class DocumentationLinksTest {

    @Test
    void everyRelativeLinkAndCitedAnchorInTheRepositoryLeadsSomewhere() throws Exception {
        DocLinks links = new DocLinks(Mip6kitLauncherTest.repositoryRoot());

        assertThat(links.markdownFiles()).as("the Markdown files checked")
                .contains(Path.of("README.md"), Path.of("docs/architecture.md"), Path.of("docs/protocol-reference.md"),
                        Path.of("docs/performance.md"), Path.of("docs/performance-log.md"),
                        Path.of("plugins/README.md"), Path.of("docs/examples/example-provider/README.md"));
        assertThat(links.check()).as("broken links").isEmpty();
    }

    @Test
    void aLinkToAMissingFileOrAnchorIsReportedWithItsLine(@TempDir Path root) throws Exception {
        // DOCS/ stands for the docs folder here, so that this file's own text cites nothing.
        write(root, "DOCS/a.md", """
                # Page A: the `first` heading!
                ## Twice
                ## Twice
                <a id="explicit"></a>text
                [ok](sub/b.md) [ok](#page-a-the-first-heading) [ok](#twice-1) [ok](#explicit) [ok](https://example.org/x.md)
                [missing file](sub/c.md)
                [missing anchor](sub/b.md#nowhere)
                ```
                [inside a fence](not-checked.md)
                ```
                `[inline code](not-checked-either.md)` and an address
                [::1]:6618 inside a paragraph

                [ref]: ../missing-ref.md
                """);
        write(root, "DOCS/sub/b.md", "# B\n[up](../a.md#twice) [escape](../../../etc/passwd)\n");
        write(root, "Code.java", """
                /** See DOCS/a.md#explicit and DOCS/a.md#gone and DOCS/sub/none.md. */
                class Code {}
                """);

        List<String> broken = new DocLinks(root).check().stream().map(DocLinks.Broken::toString).toList();

        assertThat(broken).containsExactly(docs(
                "Code.java:1: DOCS/a.md#gone (no heading or anchor 'gone' in DOCS/a.md)",
                "Code.java:1: DOCS/sub/none.md (no such file)",
                "DOCS/a.md:6: sub/c.md (no such file)",
                "DOCS/a.md:7: sub/b.md#nowhere (no heading or anchor 'nowhere' in DOCS/sub/b.md)",
                "DOCS/a.md:14: ../missing-ref.md (no such file)",
                "DOCS/sub/b.md:2: ../../../etc/passwd (outside the repository)"));
    }

    @Test
    void headingsGetGitHubsSlugs() {
        assertThat(DocLinks.slug("The same with a core for each side (`--pin-cpus 0/1`)"))
                .isEqualTo("the-same-with-a-core-for-each-side---pin-cpus-01");
        assertThat(DocLinks.slug("CPU per exchange: why the throughput ratio stops near 0.7"))
                .isEqualTo("cpu-per-exchange-why-the-throughput-ratio-stops-near-07");
        assertThat(DocLinks.slug("Heap per binding and restart storm, 10⁶ nodes, 5 runs"))
                .isEqualTo("heap-per-binding-and-restart-storm-10⁶-nodes-5-runs");
        assertThat(DocLinks.slug("See [errors](errors.md) for key_table")).isEqualTo("see-errors-for-key_table");
    }

    private static void write(Path root, String relative, String text) throws Exception {
        Path file = root.resolve(relative.replace("DOCS/", "docs/"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, text.replace("DOCS/", "docs/"), StandardCharsets.UTF_8);
    }

    private static String[] docs(String... lines) {
        return Arrays.stream(lines).map(l -> l.replace("DOCS/", "docs/")).toArray(String[]::new);
    }
}
