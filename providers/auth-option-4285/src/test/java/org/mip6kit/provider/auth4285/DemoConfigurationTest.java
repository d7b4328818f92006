package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Verdict;

/**
 * {@link AuthOption4285Provider#demoConfiguration}: the throwaway security association of
 * {@code ./mip6kit demo}, one private key table in the format of docs/providers/auth-option-4285.md
 * inside the directory the demo hands over, and two sections the provider itself accepts and
 * under which the mobile node's Binding Updates verify at the home agent.
 */
@Tag("small")
class DemoConfigurationTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path parent;

    private Path privateDirectory() throws Exception {
        return Files.createDirectory(parent.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Test
    void writesOneOwnerOnlyKeyTableInsideTheDirectoryAndNothingElseAnywhere() throws Exception {
        Path dir = privateDirectory();

        DemoConfiguration demo = new AuthOption4285Provider().demoConfiguration(dir);

        assertThat(demo.supported()).isTrue();
        assertThat(list(dir)).containsExactly(dir.resolve("keys.txt"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys.txt"))))
                .isEqualTo("rw-------");
        assertThat(list(parent)).as("nothing outside the private directory")
                .containsExactlyInAnyOrder(dir, dir.resolve("keys.txt"));
        for (Map<String, Object> section : List.of(demo.homeAgentSection(), demo.mobileNodeSection())) {
            assertThat(Path.of((String) section.get("key-table"))).as("an absolute path into the directory")
                    .isAbsolute().isEqualTo(dir.resolve("keys.txt"));
        }
    }

    @Test
    void keyTableHasOneRowWithAnUnreservedSpiHmacSha1AndATwentyOctetKeyThatDiffersEachTime() throws Exception {
        Path a = Files.createDirectory(parent.resolve("a"));
        Path b = Files.createDirectory(parent.resolve("b"));
        new AuthOption4285Provider().demoConfiguration(a);
        new AuthOption4285Provider().demoConfiguration(b);

        Matcher rowA = row(a);
        Matcher rowB = row(b);
        assertThat(Long.parseLong(rowA.group(1))).isBetween(256L, 0xFFFF_FFFFL);
        assertThat(rowA.group(2)).hasSize(40);
        assertThat(rowA.group(2)).as("a fresh key each time").isNotEqualTo(rowB.group(2));
    }

    @Test
    void sectionsAreAcceptedByTheProviderAndTheMobileNodesBindingUpdateVerifiesAtTheHomeAgent() throws Exception {
        DemoConfiguration demo = new AuthOption4285Provider().demoConfiguration(privateDirectory());
        assertThat(demo.mobileNodeSection()).containsEntry("home-address", DemoConfiguration.HOME_ADDRESS.toString())
                .containsEntry("home-agent", DemoConfiguration.HOME_AGENT.toString());

        Parties parties = Parties.configured(NOW, demo.homeAgentSection(), demo.mobileNodeSection());
        byte[] bu = parties.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Verdict verdict = parties.homeAgentJudges(bu, Parties.fromCareOf());

        assertThat(verdict).isInstanceOf(Verdict.Accept.class);
        assertThat(((Verdict.Accept) verdict).identity()).isEqualTo(Identity.nai("mn1@example.com"));
    }

    private static Matcher row(Path dir) throws Exception {
        String table = Files.readString(dir.resolve("keys.txt"));
        assertThat(table.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))).as(table).hasSize(1);
        Matcher m = Pattern.compile("(?m)^mn1@example\\.com\\s+(\\d+)\\s+hmac-sha1\\s+key=([0-9a-f]+)$").matcher(table);
        assertThat(m.find()).as(table).isTrue();
        return m;
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).toList();
        }
    }
}
