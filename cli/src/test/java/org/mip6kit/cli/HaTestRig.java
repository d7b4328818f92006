package org.mip6kit.cli;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;

/** A home agent configuration on {@code ::1} with {@link NaiTestProvider}, and a mobile node engine for it. */
final class HaTestRig {

    static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    static final String NAI = "mn1@example.org";

    private HaTestRig() {
    }

    /** {@code dir/ha.yaml}: UDP on {@code [::1]:0}, admin socket {@code dir/ha.sock}, provider test-nai. */
    static Path config(Path dir) throws Exception {
        return Files.writeString(dir.resolve("ha.yaml"), """
                home-agent:
                  address: 2001:db8:1::1
                  home-prefixes: [2001:db8:1::/64]
                  max-lifetime: 10m
                  shutdown-timeout: 2s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: ha.sock
                security:
                  provider: test-nai
                  test-nai: { realm: example.org }
                """);
    }

    /** A mobile node registering {@link #HOA} from {@link #COA} with the home agent at {@code homeAgent}. */
    static MobileNodeEngine mobileNode(InetSocketAddress homeAgent, ExecutorScheduler scheduler) throws Exception {
        return mobileNode(homeAgent, scheduler, NAI);
    }

    /** The same, identified by {@code nai}. */
    static MobileNodeEngine mobileNode(InetSocketAddress homeAgent, ExecutorScheduler scheduler, String nai)
            throws Exception {
        InetAddress loopback = InetAddress.getByName("::1");
        return MobileNodeEngine.builder()
                .provider(new NaiTestProvider(), ConfigSection.of("security.test-nai", null, Map.of("nai", nai)))
                .settings(MobileNodeSettings.defaults().withHomeAgent(HA).withHomeAddress(HOA)
                        .withHomeAgentEndpoint(homeAgent).withRequestedLifetime(Duration.ofSeconds(600))
                        .withShutdownTimeout(Duration.ofMillis(500)))
                .transports(() -> UdpTransport.open(UdpTransport.Config.ephemeral(loopback)))
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .careOfAddress(COA)
                .build();
    }

    /**
     * The command that runs {@code main} ({@link Mip6kitCommand}: {@code mip6kit}; add its
     * arguments) in a new JVM on this test's class path, with {@link NaiTestProvider} registered
     * for it through a {@code META-INF/services} entry written under {@code dir/provider}.
     */
    static List<String> javaWithTestProvider(Path dir, Class<?> main) throws Exception {
        Path services = dir.resolve("provider/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("org.mip6kit.spi.SecurityProviderFactory"),
                NaiTestProvider.class.getName() + "\n");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", classPath + File.pathSeparator + dir.resolve("provider"),
                main.getName());
    }

    /**
     * Waits up to a minute until the {@code mip6kit ha run} child answers {@code status} on its
     * admin socket with its UDP port bound (the socket answers while the engine still starts);
     * fails early, with its standard error, if it died.
     */
    static ObjectNode awaitReady(Process process, Path socket, Path err) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        AdminException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("mip6kit ha run exited with " + process.exitValue() + " before it was ready; "
                        + "stderr:\n" + Files.readString(err));
            }
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    ObjectNode status = AdminClient.send(socket, "status", Duration.ofSeconds(5));
                    if (status.path("udp").isTextual()) {
                        return status;
                    }
                } catch (AdminException e) {
                    last = e;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("mip6kit ha run was not ready within a minute (last: " + last + "); stderr:\n"
                + Files.readString(err));
    }
}
