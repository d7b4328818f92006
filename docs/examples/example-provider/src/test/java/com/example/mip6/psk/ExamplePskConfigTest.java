package com.example.mip6.psk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/** Validation of {@code security.example-psk}: errors name the key and the file, never a key's value. */
@Tag("small")
class ExamplePskConfigTest {

    private static final String KEY = "00112233445566778899aabbccddeeff";
    private static final Path FILE = Path.of("/etc/mip6kit/ha.yaml");

    private static ConfigSection section(Map<String, ?> values) {
        return ConfigSection.of("security.example-psk", FILE, values);
    }

    private static Map<String, Object> node(String nai, String key) {
        return Map.of("nai", nai, "key", key);
    }

    @Test
    void readsTheHomeAgentSectionWithDefaults() throws ProviderConfigException {
        ExamplePskConfig.HomeAgent ha = ExamplePskConfig.homeAgent(section(Map.of("nodes",
                List.of(Map.of("nai", "mn1@example.com", "key", KEY, "home-address", "2001:db8:1::10")))));
        assertEquals(ExamplePskConfig.DEFAULT_REPLAY_WINDOW, ha.replayWindow());
        assertEquals(ExamplePskConfig.DEFAULT_MAX_CLOCK_SKEW, ha.maxClockSkew());
        assertEquals("2001:db8:1::10", ha.nodes().get("mn1@example.com").homeAddress().orElseThrow().toString());
    }

    @Test
    void unknownKeyIsAnErrorNamingItAndTheFile() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ExamplePskConfig.homeAgent(
                section(Map.of("nodes", List.of(Map.of("nai", "mn1@example.com", "kee", KEY))))));
        assertEquals("security.example-psk.nodes[0].kee", e.key());
        assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
    }

    @Test
    void badKeyValueIsRefusedWithoutEchoingIt() {
        String almost = "00112233445566778899aabbccddeeZZ";
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> ExamplePskConfig.mobileNode(section(node("mn1@example.com", almost))));
        assertEquals("security.example-psk.key", e.key());
        assertFalse(e.getMessage().contains("001122"), e.getMessage());
    }

    @Test
    void keyShorterThanSixteenOctetsIsRefused() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> ExamplePskConfig.mobileNode(section(node("mn1@example.com", "00112233445566778899aabbccddee"))));
        assertTrue(e.getMessage().contains("got 15"), e.getMessage());
    }

    @Test
    void keyAndKeyFileTogetherAreRefused() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ExamplePskConfig.mobileNode(
                section(Map.of("nai", "mn1@example.com", "key", KEY, "key-file", "mn1.hex"))));
        assertEquals("security.example-psk.key", e.key());
    }

    @Test
    void keyFileReadableByOthersIsRefusedAndOwnerOnlyIsRead(@TempDir Path dir) throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Path keyFile = dir.resolve("mn1.hex");
        Files.writeString(keyFile, KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigSection s = ConfigSection.of("security.example-psk", dir.resolve("mn.yaml"),
                Map.of("nai", "mn1@example.com", "key-file", "mn1.hex"));

        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ExamplePskConfig.mobileNode(s));
        assertEquals("security.example-psk.key-file", e.key());
        assertTrue(e.getMessage().contains("rw-r--r--"), e.getMessage());

        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        assertEquals(16, ExamplePskConfig.mobileNode(s).key().length());
    }

    @Test
    void replayWindowMustExceedTwiceTheClockSkew() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ExamplePskConfig.homeAgent(
                section(Map.of("replay-window", "60s", "max-clock-skew", "30s",
                        "nodes", List.of(node("mn1@example.com", KEY))))));
        assertEquals("security.example-psk.replay-window", e.key());
        assertEquals(Duration.ofSeconds(61), assertDoesNotThrowWindow("61s"));
    }

    private static Duration assertDoesNotThrowWindow(String window) {
        try {
            return ExamplePskConfig.homeAgent(section(Map.of("replay-window", window, "max-clock-skew", "30s",
                    "nodes", List.of(node("mn1@example.com", KEY))))).replayWindow();
        } catch (ProviderConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void aNodeListedTwiceIsRefused() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> ExamplePskConfig.homeAgent(
                section(Map.of("nodes", List.of(node("mn1@example.com", KEY), node("mn1@example.com", KEY))))));
        assertEquals("security.example-psk.nodes[1].nai", e.key());
    }
}
