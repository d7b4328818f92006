package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.wire.Ipv6Address;

/**
 * The demo's key material: private files in a private directory, in the key table and
 * configuration format of docs/providers/auth-option-4285.md, removed afterwards.
 */
@Tag("medium")
class DemoKeysTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");

    private static DemoKeys create() throws Exception {
        return DemoKeys.create(HA, HOA, new InetSocketAddress(InetAddress.getByName("::1"), 4191));
    }

    @Test
    void directoryIsOwnerOnlyAndEveryFileInItIsPrivate() throws Exception {
        try (DemoKeys keys = create()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.directory())))
                    .isEqualTo("rwx------");
            for (String name : keys.files()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.directory().resolve(name))))
                        .as(name).isEqualTo("rw-------");
            }
            try (var listing = Files.list(keys.directory())) {
                assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(
                        keys.files());
            }
        }
    }

    @Test
    void keyIsTwentyRandomOctetsInHexadecimalAndDiffersEachTime() throws Exception {
        try (DemoKeys a = create(); DemoKeys b = create()) {
            String keyA = Files.readString(a.directory().resolve("mn1.key")).strip();
            String keyB = Files.readString(b.directory().resolve("mn1.key")).strip();
            assertThat(keyA).matches("[0-9a-f]{40}");
            assertThat(keyB).matches("[0-9a-f]{40}");
            assertThat(keyA).isNotEqualTo(keyB);
        }
    }

    @Test
    void keyTableListsTheNodeWithAnUnreservedSpiHmacSha1AndItsKeyFile() throws Exception {
        try (DemoKeys keys = create()) {
            String table = Files.readString(keys.directory().resolve("ha-keys.txt"));
            Matcher row = Pattern.compile("(?m)^mn1@example\\.com\\s+(\\d+)\\s+hmac-sha1\\s+key-file=mn1\\.key$")
                    .matcher(table);
            assertThat(row.find()).as(table).isTrue();
            long spi = Long.parseLong(row.group(1));
            assertThat(spi).isEqualTo(keys.spi()).isBetween(256L, 0xFFFF_FFFFL);
            assertThat(table.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))).hasSize(1);
        }
    }

    @Test
    void sectionsReadBackAsBothSidesProviderSections() throws Exception {
        try (DemoKeys keys = create()) {
            ConfigSection ha = keys.homeAgentSection();
            assertThat(ha.keys()).containsExactlyInAnyOrder("key-table", "replay-window", "require-replay-protection");
            assertThat(ha.path("key-table")).isEqualTo(keys.directory().resolve("ha-keys.txt"));

            ConfigSection mn = keys.mobileNodeSection();
            assertThat(mn.string("nai")).isEqualTo("mn1@example.com");
            assertThat(mn.string("spi")).isEqualTo(Long.toString(keys.spi()));
            assertThat(mn.path("key-file")).isEqualTo(keys.directory().resolve("mn1.key"));
            assertThat(mn.string("home-address")).isEqualTo("2001:db8:1::100");
            assertThat(mn.string("home-agent")).isEqualTo("2001:db8:1::1");
            assertThat(mn.string("home-agent-endpoint")).isEqualTo("[::1]:4191");
        }
    }

    @Test
    void closeRemovesTheDirectory() throws Exception {
        DemoKeys keys = create();
        Path dir = keys.directory();

        keys.close();

        assertThat(dir).doesNotExist();
    }
}
