package org.mip6kit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the links of a source tree that lead nowhere: relative Markdown links ({@code [x](path)},
 * {@code [x](path#anchor)}, {@code [x](#anchor)}, reference definitions {@code [x]: path}) in every
 * {@code .md} file, and {@code docs/….md#anchor} citations in Java sources. A link is broken when its
 * file or directory does not exist, or when it names an anchor of a Markdown file that no heading and
 * no explicit {@code <a id>}/{@code <a name>} produces.
 *
 * <p>Anchors follow GitHub's rules for headings: the heading's text without its Markdown markup
 * (code ticks, emphasis, link targets), lower-cased, every character that is not a letter, a digit,
 * a space, a hyphen or an underscore dropped, each space turned into a hyphen; a slug seen before in
 * the same file gets {@code -1}, {@code -2}, … appended. Fenced code blocks and inline code are not
 * parsed for links or headings; a reference definition counts only where it may stand, not inside a
 * paragraph (so {@code [::1]:6618} in running text is no link). External links (any URI scheme) are
 * not checked.
 *
 * <p>Directories named {@code target}, {@code node_modules} and hidden ones are skipped.
 */
final class DocLinks {

    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern EXPLICIT_ANCHOR =
            Pattern.compile("<a\\s+(?:id|name)\\s*=\\s*[\"']([^\"']+)[\"']", Pattern.CASE_INSENSITIVE);
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");
    /** {@code [text](target)} and {@code ![alt](target)}; text may hold one level of brackets. */
    private static final Pattern INLINE_LINK =
            Pattern.compile("\\[((?:[^\\[\\]]|\\[[^\\[\\]]*\\])*)\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(\\s.*)?$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    /** A citation of a page under docs/ in a Java source, with an optional anchor. */
    private static final Pattern JAVA_CITATION = Pattern.compile("(?<![\\w/.-])(docs/[\\w./-]*?\\.md)(#[\\w-]+)?");

    private final Path root;
    private final Map<Path, Set<String>> anchorCache = new HashMap<>();

    DocLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** One broken link: where it is written and why it leads nowhere. */
    record Broken(Path file, int line, String target, String reason) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + target + " (" + reason + ")";
        }
    }

    /** Every broken link in the tree's Markdown files and Java sources, in file order. */
    List<Broken> check() {
        List<Broken> broken = new ArrayList<>();
        for (Path file : files()) {
            String name = file.getFileName().toString();
            if (name.endsWith(".md")) {
                broken.addAll(checkMarkdown(file));
            } else if (name.endsWith(".java")) {
                broken.addAll(checkJava(file));
            }
        }
        return broken;
    }

    /** The Markdown files checked (relative to the root), for the test's own sanity checks. */
    List<Path> markdownFiles() {
        return files().stream().filter(f -> f.getFileName().toString().endsWith(".md"))
                .map(root::relativize).toList();
    }

    List<Broken> checkMarkdown(Path file) {
        List<Broken> broken = new ArrayList<>();
        List<String> lines = read(file);
        boolean inFence = false;
        boolean paragraphOpen = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                paragraphOpen = false;
                continue;
            }
            if (inFence) {
                continue;
            }
            String text = INLINE_CODE.matcher(line).replaceAll("code");
            List<String> targets = new ArrayList<>();
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(2));
            }
            Matcher definition = REFERENCE_DEFINITION.matcher(text);
            boolean isDefinition = !paragraphOpen && definition.matches();
            if (isDefinition) {
                targets.add(definition.group(1));
            }
            paragraphOpen = !line.isBlank() && !isDefinition && !HEADING.matcher(line).matches();
            for (String target : targets) {
                String reason = resolveFromMarkdown(file, target);
                if (reason != null) {
                    broken.add(new Broken(root.relativize(file), i + 1, target, reason));
                }
            }
        }
        return broken;
    }

    List<Broken> checkJava(Path file) {
        List<Broken> broken = new ArrayList<>();
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = JAVA_CITATION.matcher(lines.get(i));
            while (m.find()) {
                String path = m.group(1);
                String anchor = m.group(2) == null ? null : m.group(2).substring(1);
                String reason = resolve(root.resolve(path), anchor);
                if (reason != null) {
                    broken.add(new Broken(root.relativize(file), i + 1, m.group(), reason));
                }
            }
        }
        return broken;
    }

    /** Null when the target of a link written in {@code from} exists, else why not. */
    private String resolveFromMarkdown(Path from, String target) {
        if (target.isEmpty() || SCHEME.matcher(target).find() || target.startsWith("//")) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        Path resolved;
        if (path.isEmpty()) {
            resolved = from;
        } else if (path.startsWith("/")) {
            resolved = root.resolve(path.substring(1));
        } else {
            resolved = from.getParent().resolve(path);
        }
        return resolve(resolved.normalize(), anchor);
    }

    private String resolve(Path target, String anchor) {
        if (!target.startsWith(root)) {
            return "outside the repository";
        }
        if (!Files.exists(target)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty() || !target.getFileName().toString().endsWith(".md")) {
            return null;
        }
        if (!Files.isRegularFile(target)) {
            return "not a file";
        }
        Set<String> anchors = anchorCache.computeIfAbsent(target, DocLinks::anchorsOf);
        String wanted = URLDecoder.decode(anchor, StandardCharsets.UTF_8);
        return anchors.contains(wanted) ? null : "no heading or anchor '" + wanted + "' in " + root.relativize(target);
    }

    /** The anchors a Markdown file defines: its headings' slugs and explicit {@code <a id>} / {@code <a name>}. */
    static Set<String> anchorsOf(Path markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : read(markdown)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            Matcher explicit = EXPLICIT_ANCHOR.matcher(line);
            while (explicit.find()) {
                anchors.add(explicit.group(1));
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /** GitHub's anchor for a heading's text (see the class comment). */
    static String slug(String heading) {
        String text = heading
                .replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1")  // links and images: their text
                .replaceAll("<[^>]+>", "");                        // inline HTML tags
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') {
                slug.append('-');
            } else if (c == '-' || c == '_' || Character.isLetterOrDigit(c)
                    || Character.getType(c) == Character.OTHER_NUMBER
                    || Character.getType(c) == Character.NON_SPACING_MARK) {
                slug.appendCodePoint(c);
            }
        });
        return slug.toString();
    }

    private List<Path> files() {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !skipped(root.relativize(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
