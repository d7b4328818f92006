package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.testing.HostRequirements;

/** Which configuration files a daemon trusts: only those that only their owner can have written. */
@Tag("small")
class ConfigFileTest {

    private static final String YAML = "home-agent: { address: 2001:db8:1::1 }\n";

    @TempDir
    Path dir;

    @Test
    void loadsAFileOnlyItsOwnerMayWrite() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), YAML);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(ConfigFile.load(file).section("home-agent").string("address")).isEqualTo("2001:db8:1::1");
    }

    @Test
    void missingConfigFileNamesTheFileItsCauseAndTheAnchor() {
        Path file = dir.resolve("ha.yaml");

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ConfigFile.load(file));

        assertThat(e.getMessage()).startsWith(file.toAbsolutePath().toString()).contains("does not exist")
                .doesNotContain("nor does its directory").contains("docs/errors.md#config-file");
    }

    @Test
    void configFileInAMissingDirectorySaysSoToo() {
        Path file = dir.resolve("etc").resolve("ha.yaml");

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ConfigFile.load(file));

        assertThat(e.getMessage()).contains("does not exist (nor does its directory " + dir.resolve("etc") + ")")
                .contains("docs/errors.md#config-file");
    }

    @Test
    void aDirectoryGivenAsTheConfigFileIsNamedAsSuch() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ConfigFile.load(dir));

        assertThat(e.getMessage()).contains("is a directory").contains("docs/errors.md#config-file");
    }

    @Test
    void yamlTabIndentationIsReportedAtTheLineOfTheTab() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> ConfigFile.parse("home-agent:\n  address: 2001:db8:1::1\n\tmax-lifetime: 10m\n", dir));

        assertThat(e.getMessage()).contains("is not valid YAML at line 3, column 1: ").contains("TAB")
                .contains("docs/errors.md#config-yaml").doesNotContain("\n");
    }

    @Test
    void yamlKeyIndentedWrongIsReportedAtItsLine() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> ConfigFile.parse("home-agent:\n  address: 2001:db8:1::1\n   max-lifetime: 10m\nadmin: {}\n", dir));

        assertThat(e.getMessage()).contains("at line 3, column");
    }

    @Test
    void yamlUnclosedBracketIsReportedWhereItIsFoundAndWhereItOpened() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> ConfigFile.parse("home-agent:\n  home-prefixes: [2001:db8:1::/64\nadmin:\n  socket: x\n", dir));

        assertThat(e.getMessage()).contains("at line 3, column")
                .contains("that starts at line 2, column 18");
    }

    @Test
    void yamlDuplicateKeyIsReportedAtTheSecondOne() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> ConfigFile.parse("admin: {}\nhome-agent: {}\nadmin: {}\n", dir));

        assertThat(e.getMessage()).contains("at line 3, column").contains("Duplicate field 'admin'");
    }

    @Test
    void configFileAnybodyMayWriteIsRefusedNamingTheFileAndTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), YAML);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ConfigFile.load(file));

        assertThat(e.getMessage()).contains(file.toString()).contains("may be written by anybody")
                .contains("chmod o-w " + file).contains("docs/errors.md#untrusted-file");
    }

    @Test
    void configFileOwnedByAnotherUserIsRefused() throws Exception {
        HostRequirements.root("to give a configuration file to another user");
        Path file = Files.writeString(dir.resolve("ha.yaml"), YAML);
        Files.setOwner(file, file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ConfigFile.load(file));

        assertThat(e.getMessage()).contains(file.toString()).contains("owned by nobody")
                .contains("chown root " + file).contains("docs/errors.md#untrusted-file");
    }

    @Test
    void configFileInADirectoryAnybodyMayWriteWithoutStickyBitIsRefused() throws Exception {
        Path open = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path file = Files.writeString(open.resolve("ha.yaml"), YAML);

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ConfigFile.load(file));

        assertThat(e.getMessage()).contains("in the directory " + open).contains("chmod o-w " + open)
                .contains("docs/errors.md#untrusted-file");
    }
}
