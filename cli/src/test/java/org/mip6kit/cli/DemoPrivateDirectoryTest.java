package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The directory the demo hands to a provider for its throwaway credentials: owner-only when
 * created, its files listed with their permissions, and removed with whatever the provider put
 * in it.
 */
@Tag("small")
class DemoPrivateDirectoryTest {

    @Test
    void isCreatedEmptyAndOwnerOnly() throws Exception {
        try (DemoPrivateDirectory dir = DemoPrivateDirectory.create()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.path())))
                    .isEqualTo("rwx------");
            assertThat(dir.path().getFileName().toString()).startsWith("mip6kit-demo-");
            assertThat(dir.describeFiles()).isEmpty();
        }
    }

    @Test
    void listsEveryFileTheProviderWroteWithItsPermissionsNestedOnesToo() throws Exception {
        try (DemoPrivateDirectory dir = DemoPrivateDirectory.create()) {
            Files.writeString(dir.path().resolve("mn1.hex"), "00");
            Files.setPosixFilePermissions(dir.path().resolve("mn1.hex"), PosixFilePermissions.fromString("rw-------"));
            Path nested = Files.createDirectory(dir.path().resolve("ca"));
            Files.writeString(nested.resolve("ca.pem"), "-");
            Files.setPosixFilePermissions(nested.resolve("ca.pem"), PosixFilePermissions.fromString("rw-r--r--"));

            assertThat(dir.describeFiles()).containsExactly("ca/ca.pem (rw-r--r--)", "mn1.hex (rw-------)");
        }
    }

    @Test
    void closeRemovesTheDirectoryWithEverythingInItAndMayBeRepeated() throws Exception {
        DemoPrivateDirectory dir = DemoPrivateDirectory.create();
        Path nested = Files.createDirectories(dir.path().resolve("a/b"));
        Files.writeString(nested.resolve("key"), "00");

        dir.close();
        dir.close();

        assertThat(dir.path()).doesNotExist();
        assertThat(dir.exists()).isFalse();
    }
}
