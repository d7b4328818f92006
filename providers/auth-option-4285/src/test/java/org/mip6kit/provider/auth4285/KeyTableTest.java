package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.Verdict;
import org.mip6kit.testing.HostRequirements;

/** The key table file: format, permissions, key sizes; keys never in messages. */
@Tag("small")
class KeyTableTest {

    private static final String KEY = "000102030405060708090a0b0c0d0e0f";
    private static final String SECTION = "security.auth-option-4285";

    @Test
    void readsRowsWithInlineKeysKeyFilesCommentsAndSeveralSpisPerNode() throws Exception {
        Path keyFile = privateFile("  00112233445566778899aabbccddeeff\n  0011\n");
        Path table = privateFile("""
                # NAI              SPI    algorithm  key
                mn1@example.com    256    hmac-sha1  key=%s   # the old key
                mn1@example.com    0x101  HMAC-SHA1  key-file=%s

                mn2@example.com    300    hmac-sha1  key=%s
                """.formatted(KEY, keyFile.getFileName(), KEY));
        KeyTable t = KeyTable.readFile(table, section(table), "key-table");
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.forNai("mn1@example.com")).extracting(SecurityAssociation::spi).containsExactly(256L, 257L);
        assertThat(t.bySpi(300)).map(SecurityAssociation::nai).contains("mn2@example.com");
        assertThat(t.bySpi(999)).isEmpty();
    }

    @Test
    void keyTableReadableByGroupOrOthersIsRefusedNamingTheFileAndTheFix() throws Exception {
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        for (String perms : new String[] {"rw-r-----", "rw----r--", "rw-rw----", "rw-----w-"}) {
            Files.setPosixFilePermissions(table, PosixFilePermissions.fromString(perms));
            ProviderConfigException e = assertThrows(ProviderConfigException.class,
                    () -> KeyTable.readFile(table, section(table), "key-table"), perms);
            assertThat(e.key()).isEqualTo(SECTION + ".key-table");
            assertThat(e.getMessage()).contains(table.toString()).contains("chmod 600 " + table).contains(perms)
                    .doesNotContain(KEY);
        }
    }

    @Test
    void keyFileReadableByOthersIsRefusedNamingTheKeyFile() throws Exception {
        Path keyFile = privateFile(KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key-file=" + keyFile + "\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));
        assertThat(e.getMessage()).contains("chmod 600 " + keyFile).contains("line 1").doesNotContain(KEY);
    }

    @Test
    void keyTableOwnedByAnotherUserIsRefusedNamingTheFileAndTheFix() throws Exception {
        HostRequirements.root("to give a key table to another user");
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        Files.setOwner(table, table.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));

        assertThat(e.key()).isEqualTo(SECTION + ".key-table");
        assertThat(e.getMessage()).contains(table.toString()).contains("owned by nobody")
                .contains("chown root " + table).contains("docs/errors.md#untrusted-file").doesNotContain(KEY);
    }

    @Test
    void keyTableInADirectoryAnybodyMayWriteWithoutStickyBitIsRefused(@TempDir Path dir) throws Exception {
        Path open = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path table = Files.writeString(open.resolve("ha.keys"), "mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-------"));

        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));

        assertThat(e.getMessage()).contains(table.toString()).contains("in the directory " + open)
                .contains("no sticky bit").contains("chmod o-w " + open).contains("docs/errors.md#untrusted-file")
                .doesNotContain(KEY);
    }

    @Test
    void keyTableInAStickyDirectoryAnybodyMayWriteIsAccepted(@TempDir Path dir) throws Exception {
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        Path table = Files.writeString(sticky.resolve("ha.keys"), "mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-------"));

        assertThat(KeyTable.readFile(table, section(table), "key-table").size()).isEqualTo(1);
    }

    @Test
    void keyShorterThanSixteenOctetsIsRefused() throws Exception {
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=000102030405060708090a0b0c0d0e\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));
        assertThat(e.getMessage()).contains("15-octet key").contains("16 to 64 octets")
                .doesNotContain("000102030405060708090a0b0c0d0e");
    }

    @Test
    void keyThatIsNotHexadecimalIsRefusedWithoutShowingIt() throws Exception {
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=secretsecretsecretsecretsecretsecret\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));
        assertThat(e.getMessage()).contains("hexadecimal").contains("line 1").doesNotContain("secret");
    }

    @Test
    void spiListedTwiceIsRefused() throws Exception {
        Path table = privateFile("a@x.example 256 hmac-sha1 key=" + KEY + "\nb@x.example 256 hmac-sha1 key=" + KEY + "\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));
        assertThat(e.getMessage()).contains("line 2").contains("SPI 256 is listed twice");
    }

    @Test
    void reservedSpiIsRefused() throws Exception {
        Path table = privateFile("a@x.example 255 hmac-sha1 key=" + KEY + "\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));
        assertThat(e.getMessage()).contains("SPI 255").contains("reserved");
    }

    @Test
    void algorithmOtherThanHmacSha1IsRefused() throws Exception {
        Path table = privateFile("a@x.example 256 hmac-md5 key=" + KEY + "\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));
        assertThat(e.getMessage()).contains("hmac-md5").contains("hmac-sha1");
    }

    @Test
    void rowWithTheWrongNumberOfFieldsIsRefusedWithTheLineNumber() throws Exception {
        Path table = privateFile("# header\na@x.example 256 key=" + KEY + "\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> KeyTable.readFile(table, section(table), "key-table"));
        assertThat(e.getMessage()).contains("line 2 has 3 fields").doesNotContain(KEY);
    }

    @Test
    void missingKeyTableNamesTheCommandThatCreatesIt(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("ha-keys.txt");
        Path config = privateFile("# the daemon's file\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> new AuthOption4285Provider()
                .homeAgent(context(), ConfigSection.of(SECTION, config, Map.of("key-table", table.toString()))));

        assertThat(e.key()).isEqualTo(SECTION + ".key-table");
        assertThat(e.getMessage()).contains("the key table " + table + " does not exist")
                .contains("(umask 077; printf 'mn1@example.com 256 hmac-sha1 key=%s\\n' ")
                .contains("/dev/urandom").contains("> " + table + ")")
                .contains("docs/providers/auth-option-4285.md#create-a-key-table");
    }

    @Test
    void homeAgentConfigurationNamingAGroupReadableKeyTableFailsThroughTheFactory() throws Exception {
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-r-----"));
        Path config = privateFile("# the daemon's file\n");
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> new AuthOption4285Provider()
                .homeAgent(context(), ConfigSection.of(SECTION, config, Map.of("key-table", table.toString()))));
        assertThat(e.key()).isEqualTo(SECTION + ".key-table");
        assertThat(e.file()).contains(config);
        assertThat(e.getMessage()).contains("chmod 600 " + table);
    }

    @Test
    void inlineKeyInAConfigurationFileReadableByOthersIsRefused() throws Exception {
        Path config = privateFile("# the daemon's file\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> new AuthOption4285Provider()
                .mobileNode(context(), ConfigSection.of(SECTION, config,
                        Map.of("nai", "mn1@example.com", "spi", 256, "key", KEY))));
        assertThat(e.key()).isEqualTo(SECTION + ".key");
        assertThat(e.getMessage()).contains("chmod 600 " + config).doesNotContain(KEY);
    }

    @Test
    void mobileNodeKeyFileIsReadAndChecked() throws Exception {
        Path keyFile = privateFile(KEY + "\n");
        // the key read from the file signs a Binding Update the home agent (knowing the same key) accepts
        Parties fromFile = Parties.configured(Instant.parse("2026-01-01T00:00:00Z"), Parties.haConfig(Map.of()),
                Map.of("nai", Parties.NAI, "spi", Parties.SPI, "key-file", keyFile.toString()));
        byte[] bu = fromFile.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(fromFile.homeAgentJudges(bu, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class)
                .extracting(v -> ((Verdict.Accept) v).identity()).isEqualTo(Identity.nai(Parties.NAI));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--r--r--"));
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> new AuthOption4285Provider()
                .mobileNode(context(), ConfigSection.of(SECTION, null,
                        Map.of("nai", "mn1@example.com", "spi", 256, "key-file", keyFile.toString()))));
        assertThat(e.key()).isEqualTo(SECTION + ".key-file");
        assertThat(e.getMessage()).contains("chmod 600 " + keyFile);
    }

    @Test
    void securityAssociationsNeverShowTheirKey() throws Exception {
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        KeyTable t = KeyTable.readFile(table, section(table), "key-table");
        SecurityAssociation sa = t.bySpi(256).orElseThrow();
        assertThat(sa.toString()).contains("256").contains("mn1@example.com").doesNotContain(KEY)
                .doesNotContainIgnoringCase("0001020304");
        assertThat(t.toString()).doesNotContain(KEY);
    }

    @Test
    void spiTheTableDoesNotHoldFindsNoRow() throws Exception {
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        KeyTable t = KeyTable.readFile(table, section(table), "key-table");
        for (long spi : new long[] {0, 255, 257, 0xFFFF_FFFFL, -1, 1L << 32, 256 + (1L << 32)}) {
            assertThat(t.row(spi)).as("SPI %d", spi).isEqualTo(KeyTable.NONE);
            assertThat(t.bySpi(spi)).as("SPI %d", spi).isEmpty();
        }
        assertThat(t.row(256)).isZero();
        assertThat(KeyTable.empty().row(256)).isEqualTo(KeyTable.NONE);
    }

    @Test
    void spisOfOneNaiShareOneIdentityAcrossTheFileAndTheConfiguration() throws Exception {
        Path table = privateFile("""
                mn1@example.com 256 hmac-sha1 key=%s
                mn2@example.com 300 hmac-sha1 key=%s
                mn1@example.com 257 hmac-sha1 key=%s
                """.formatted(KEY, KEY, KEY));
        KeyTable fromFile = KeyTable.readFile(table, section(table), "key-table");
        KeyTable inline = KeyTable.readRows(java.util.List.of(ConfigSection.of(SECTION + ".keys[0]", null,
                Map.of("nai", "mn1@example.com", "spi", 258, "key", KEY))), section(null), "keys");
        KeyTable t = fromFile.plus(inline, section(null), "keys");

        org.mip6kit.spi.Identity mn1 = t.bySpi(256).orElseThrow().identity();
        assertThat(t.bySpi(257).orElseThrow().identity()).isSameAs(mn1);
        assertThat(t.bySpi(258).orElseThrow().identity()).as("listed under keys:").isSameAs(mn1);
        assertThat(mn1.value()).isSameAs(t.bySpi(257).orElseThrow().nai());
        assertThat(t.bySpi(300).orElseThrow().identity()).isNotSameAs(mn1)
                .isEqualTo(org.mip6kit.spi.Identity.nai("mn2@example.com"));
    }

    @Test
    void spiInBothTheFileAndTheConfigurationIsRefused() throws Exception {
        Path table = privateFile("mn1@example.com 256 hmac-sha1 key=" + KEY + "\n");
        KeyTable fromFile = KeyTable.readFile(table, section(table), "key-table");
        KeyTable inline = KeyTable.readRows(java.util.List.of(ConfigSection.of(SECTION + ".keys[0]", null,
                Map.of("nai", "mn9@example.com", "spi", 256, "key", KEY))), section(null), "keys");
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> fromFile.plus(inline, section(null), "keys"));
        assertThat(e.getMessage()).contains("SPI 256 is listed twice");
    }

    @Test
    @Tag("medium")
    void tableOfHundredThousandRowsLoadsAndFindsEveryRow() throws Exception {
        int rows = 100_000;
        java.util.Random random = new java.util.Random(4285);
        long[] spis = random.longs(256, 1L << 32).distinct().limit(rows * 2L).toArray();
        StringBuilder text = new StringBuilder(rows * 90);
        for (int i = 0; i < rows; i++) {
            String key = KEY + "%08x".formatted(i) + (i % 3 == 0 ? "" : "a5a5a5a5");
            text.append("mn").append(i / 2).append("@scale.example ").append(spis[i]).append(" hmac-sha1 key=")
                    .append(key).append('\n');
        }
        Path table = privateFile(text.toString());
        KeyTable t = KeyTable.readFile(table, section(table), "key-table");

        assertThat(t.size()).isEqualTo(rows);
        java.util.List<String> wrong = new java.util.ArrayList<>();
        for (int i = 0; i < rows && wrong.size() < 5; i++) {
            int row = t.row(spis[i]);
            if (row != i || !t.owner(row).value().equals("mn" + (i / 2) + "@scale.example")
                    || t.keyLength(row) != (i % 3 == 0 ? 20 : 24)) {
                wrong.add("SPI " + spis[i] + " listed on line " + (i + 1) + " found row " + row);
            }
        }
        for (int i = rows; i < spis.length && wrong.size() < 5; i++) {
            if (t.row(spis[i]) != KeyTable.NONE) {
                wrong.add("SPI " + spis[i] + " is not listed but found row " + t.row(spis[i]));
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(t.owner(2)).as("two SPIs per NAI share the identity").isSameAs(t.owner(3));
        for (int i : new int[] {0, 1, rows / 2, rows - 1}) {
            String key = KEY + "%08x".formatted(i) + (i % 3 == 0 ? "" : "a5a5a5a5");
            assertThat(HomeAgentVerificationTest.independentlyVerified(signedBy(t.association(i)), key,
                    Parties.CARE_OF, Parties.HOME_ADDRESS)).as("row %d signs with its own key", i).isTrue();
        }
        assertThat(t.toString()).contains("100000 rows").doesNotContain(KEY);
    }

    // ------------------------------------------------------------------ helpers

    /** A file with {@code text}, permissions 600, deleted when the JVM exits. */
    static Path privateFile(String text) {
        try {
            Path f = Files.createTempFile("auth4285-", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, text);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TV3's Binding Update signed by {@code sa}. */
    private static byte[] signedBy(SecurityAssociation sa) {
        return Protection.protect(TestContext.providerCodec(), Parties.tv3Update(),
                org.mip6kit.wire.MobileNodeIdentifier.nai(sa.nai()), NtpTimestamp.of(Parties.TV3_TIME), sa,
                new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS), Parties.fromCareOf());
    }

    private static ConfigSection section(Path configFile) {
        return ConfigSection.of(SECTION, configFile, Map.of());
    }

    private static ProviderContext context() {
        return new TestContext(ProviderContext.Role.HOME_AGENT, new VirtualTime());
    }
}
