package com.example.mip6.psk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.DemoConfiguration;
import org.mip6kit.spi.Identity;
import org.mip6kit.transport.InMemoryNetwork;
import org.mip6kit.transport.InMemoryTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * {@link ExamplePskProviderFactory#demoConfiguration}, what {@code ./mip6kit demo --provider
 * example-psk} runs with: one owner-only key file inside the directory it is given, nothing
 * anywhere else, and two sections this provider accepts and registers with.
 */
@Tag("small")
class ExamplePskDemoConfigurationTest {

    private static final Ipv6Address CARE_OF = Ipv6Address.parse("2001:db8:2::100");

    @TempDir
    Path parent;

    @Test
    void writesOneOwnerOnlyKeyFileInsideTheDirectoryAndNothingElseAnywhere() throws Exception {
        Path dir = Files.createDirectory(parent.resolve("private"));

        DemoConfiguration demo = new ExamplePskProviderFactory().demoConfiguration(dir);

        assertTrue(demo.supported());
        Path keyFile = dir.resolve(ExamplePskProviderFactory.DEMO_KEY_FILE);
        assertEquals(List.of(dir, keyFile), walk(parent), "everything under the test's directory");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertTrue(Files.readString(keyFile).strip().matches("[0-9a-f]{64}"), "32 octets in hexadecimal");
        assertEquals(keyFile.toString(), demo.mobileNodeSection().get("key-file"), "an absolute path");
    }

    @Test
    void everyDemoHasItsOwnKey() throws Exception {
        Path a = Files.createDirectory(parent.resolve("a"));
        Path b = Files.createDirectory(parent.resolve("b"));
        new ExamplePskProviderFactory().demoConfiguration(a);
        new ExamplePskProviderFactory().demoConfiguration(b);

        assertNotEquals(Files.readString(a.resolve(ExamplePskProviderFactory.DEMO_KEY_FILE)),
                Files.readString(b.resolve(ExamplePskProviderFactory.DEMO_KEY_FILE)));
    }

    @Test
    void homeAgentAndMobileNodeBuiltFromTheSectionsRegisterAndDeregister() throws Exception {
        DemoConfiguration demo = new ExamplePskProviderFactory().demoConfiguration(parent);
        VirtualTime time = new VirtualTime();
        InMemoryNetwork network = new InMemoryNetwork(time, 7);
        InMemoryTransport haTransport = network.attach(DemoConfiguration.HOME_AGENT);
        InMemoryTransport mnTransport = network.attach(CARE_OF);
        HomeAgentEngine ha = HomeAgentEngine.builder()
                .provider(new ExamplePskProviderFactory(), section(demo.homeAgentSection()))
                .settings(HomeAgentSettings.defaults(DemoConfiguration.HOME_AGENT, DemoConfiguration.HOME_PREFIX))
                .transports(() -> haTransport)
                .clock(time.clock())
                .scheduler(time)
                .build();
        MobileNodeEngine mn = MobileNodeEngine.builder()
                .provider(new ExamplePskProviderFactory(), section(demo.mobileNodeSection()))
                .settings(MobileNodeSettings.defaults())
                .transports(() -> mnTransport)
                .clock(time.clock())
                .scheduler(time)
                .careOfAddress(CARE_OF)
                .build();
        try {
            ha.start();
            CompletableFuture<MobileNodeEngine.Registration> registering = mn.start().toCompletableFuture();
            assertTrue(time.advanceUntil(registering::isDone, Duration.ofMillis(100), Duration.ofMinutes(1)),
                    "registered within a minute of virtual time");
            MobileNodeEngine.Registration r = registering.join();
            assertEquals(Identity.nai(ExamplePskProviderFactory.DEMO_NAI), r.identity());
            assertEquals(DemoConfiguration.HOME_ADDRESS, r.homeAddress());
            assertTrue(ha.binding(DemoConfiguration.HOME_ADDRESS).orElseThrow().isBound());

            CompletableFuture<Void> down = mn.shutdown().toCompletableFuture();
            assertTrue(time.advanceUntil(down::isDone, Duration.ofMillis(100), Duration.ofSeconds(30)));
            assertEquals(0, ha.bindingCount(), "bindings after the deregistration");
        } finally {
            mn.shutdown();
            time.advance(Duration.ofSeconds(10));
            ha.closeAsync();
            time.runDue();
        }
    }

    /** As the demo hands a section to the provider: no file behind it. */
    private static ConfigSection section(Map<String, Object> values) {
        return ConfigSection.of("security." + ExamplePskProviderFactory.NAME, null, values);
    }

    private static List<Path> walk(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).sorted().toList();
        }
    }
}
