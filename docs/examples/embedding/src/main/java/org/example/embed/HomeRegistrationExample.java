package org.example.embed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.EngineEventListener;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.inject.SecurityProviders;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * mip6kit embedded in an application: a home agent and a mobile node in this JVM, each with its
 * own RFC 5555 UDP socket on the IPv6 loopback address {@code ::1}, protected by the
 * {@code auth-option-4285} provider chosen by name. The mobile node registers its care-of
 * address, the program prints the registration, the home agent's binding and counters, then the
 * mobile node deregisters and everything is closed.
 *
 * <p>The addresses inside the Mobility Header messages are documentation addresses
 * ({@code 2001:db8::/32}); only the sockets are real. The key both sides share is made for this
 * run in a private temporary directory and removed at the end: no secret is in this file.
 *
 * <p>Exit status: 0 when the registration was accepted, the home agent bound the care-of address
 * and the deregistration removed the binding; 1 when one of those did not happen; 2 when the
 * set-up failed (no such provider, a configuration the provider refused, no IPv6 loopback). The
 * system property {@code mip6kit.security.provider} overrides the provider's name, as it does for
 * the mip6kit daemons: an unknown name ends the program with the names that were found.
 */
public final class HomeRegistrationExample {

    /** The provider to select; its jar (mip6kit-auth-option-4285) is on the class path. */
    static final String PROVIDER = "auth-option-4285";

    static final Ipv6Address HOME_AGENT = Ipv6Address.parse("2001:db8:1::1");
    static final HomePrefix HOME_PREFIX = HomePrefix.parse("2001:db8:1::/64");
    static final Ipv6Address HOME_ADDRESS = Ipv6Address.parse("2001:db8:1::100");
    static final Ipv6Address CARE_OF = Ipv6Address.parse("2001:db8:2::100");
    static final String NAI = "mn1@example.com";

    /** Bounds each wait on the other side: a few retransmissions' worth on loopback. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

    private HomeRegistrationExample() {
    }

    public static void main(String[] args) {
        System.exit(run());
    }

    /** Runs the example and returns the exit status. */
    static int run() {
        // 1. Choose the provider by name. Fail-closed: an unknown name is an exception listing the
        //    names found, never a fallback to another provider or to no protection.
        SecurityProviderFactory provider;
        try {
            provider = SecurityProviders.select(HomeRegistrationExample.class.getClassLoader(), PROVIDER);
        } catch (ProviderSelectionException e) {
            System.out.println("provider selection failed: " + e.getMessage());
            return 2;
        }
        System.out.println("provider   " + provider.descriptor().name() + " " + provider.descriptor().version()
                + " (" + provider.descriptor().placement() + ")");

        Path keys = null;
        ExecutorScheduler haScheduler = new ExecutorScheduler("example-ha", 2);
        ExecutorScheduler mnScheduler = new ExecutorScheduler("example-mn", 2);
        UdpTransport haSocket = null;
        UdpTransport mnSocket = null;
        HomeAgentEngine ha = null;
        MobileNodeEngine mn = null;
        try {
            // 2. The provider's configuration: what security.auth-option-4285 of a YAML file would hold.
            keys = Files.createTempDirectory("embedding-example-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path keyTable = writeThrowawayKeyTable(keys);
            String section = "security." + provider.descriptor().name();
            ConfigSection haSecurity = ConfigSection.of(section, null, Map.of("key-table", keyTable.toString()));
            ConfigSection mnSecurity = ConfigSection.of(section, null,
                    Map.of("nai", NAI, "key-table", keyTable.toString()));

            // 3. Sockets: RFC 5555 UDP on ::1, ephemeral ports.
            InetAddress loopback = InetAddress.getByName("::1");
            haSocket = UdpTransport.open(UdpTransport.Config.ephemeral(loopback));
            mnSocket = UdpTransport.open(UdpTransport.Config.ephemeral(loopback));
            InetSocketAddress haEndpoint = haSocket.localAddress();
            UdpTransport haTransport = haSocket;
            UdpTransport mnTransport = mnSocket;

            // 4. The engines, from their builders.
            Clock clock = Clock.systemUTC();
            HomeAgentSettings haSettings = HomeAgentSettings.builder(HOME_AGENT, HOME_PREFIX)
                    .maxLifetime(Duration.ofMinutes(10))
                    .shutdownTimeout(SHUTDOWN_TIMEOUT)
                    .build();
            ha = HomeAgentEngine.builder()
                    .provider(provider, haSecurity)
                    .settings(haSettings)
                    .transports(() -> haTransport)
                    .clock(clock)
                    .scheduler(haScheduler)
                    .listener(printer("ha"))
                    .build();

            MobileNodeSettings mnSettings = MobileNodeSettings.builder()
                    .homeAgent(HOME_AGENT)
                    .homeAddress(HOME_ADDRESS)
                    .homeAgentEndpoint(haEndpoint)
                    .requestedLifetime(Duration.ofMinutes(5))
                    .giveUpAfterRetransmissions(3)
                    .shutdownTimeout(SHUTDOWN_TIMEOUT)
                    .build();
            mn = MobileNodeEngine.builder()
                    .provider(provider, mnSecurity)
                    .settings(mnSettings)
                    .transports(() -> mnTransport)
                    .careOfAddress(CARE_OF)
                    .clock(clock)
                    .scheduler(mnScheduler)
                    .listener(printer("mn"))
                    .build();

            // 5. Register: start() completes when the home agent's acknowledgement is accepted.
            ha.start();
            System.out.println("home agent " + HOME_AGENT + " serving " + HOME_PREFIX + " on udp " + text(haEndpoint));
            MobileNodeEngine.Registration registration;
            try {
                registration = mn.start().toCompletableFuture().get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                System.out.println("registration failed: " + e.getCause().getMessage());
                return 1;
            } catch (TimeoutException e) {
                System.out.println("registration failed: no answer within " + STEP_TIMEOUT.toSeconds() + "s");
                return 1;
            }
            System.out.println("registered " + registration.identity() + " home address "
                    + registration.homeAddress() + " care-of " + registration.careOfAddress() + " lifetime "
                    + registration.grantedLifetime() + " sequence " + registration.sequence());

            // 6. The home agent's side: the binding and the counters.
            Optional<BindingRecord> binding = ha.binding(HOME_ADDRESS).filter(BindingRecord::isBound);
            if (binding.isEmpty() || !binding.get().careOfAddress().equals(CARE_OF)) {
                System.out.println("registration failed: the home agent's binding for " + HOME_ADDRESS + " is "
                        + binding.map(BindingRecord::toString).orElse("missing"));
                return 1;
            }
            BindingRecord b = binding.get();
            System.out.println("binding    " + b.homeAddress() + " -> " + b.careOfAddress() + " identity "
                    + b.identity() + " sequence " + b.sequence() + " lifetime " + b.lifetime() + " expires "
                    + b.expiresAt());

            // 7. Deregister: shutdown() sends a Binding Update with lifetime 0 and closes the node.
            try {
                mn.shutdown().toCompletableFuture().get(SHUTDOWN_TIMEOUT.plusSeconds(2).toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                System.out.println("deregistration failed: " + e);
                return 1;
            }
            if (ha.bindingCount() != 0) {
                System.out.println("deregistration failed: the home agent still holds " + ha.bindingCount()
                        + " binding(s)");
                return 1;
            }
            System.out.println("deregistered: the home agent holds no binding (" + ha.replayHoldCount()
                    + " kept for replay protection)");
            System.out.println("counters   " + ha.counters());
            return 0;
        } catch (ProviderConfigException e) {
            System.out.println("the provider refused its configuration: " + e.getMessage());
            return 2;
        } catch (SecurityProviderException | IOException e) {
            System.out.println("set-up failed: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.out.println("interrupted");
            return 1;
        } finally {
            // 8. Shut down in reverse order: the node (deregisters if still registered), the home
            //    agent (lets in-flight messages finish), the sockets, the threads, the keys.
            if (mn != null) {
                mn.close();
            }
            if (ha != null) {
                ha.close();
            }
            if (mnSocket != null) {
                mnSocket.close();
            }
            if (haSocket != null) {
                haSocket.close();
            }
            mnScheduler.shutdown(SHUTDOWN_TIMEOUT);
            haScheduler.shutdown(SHUTDOWN_TIMEOUT);
            deleteQuietly(keys);
        }
    }

    /**
     * Prints each engine event as one line. Listeners run on engine threads: they return quickly
     * and never throw.
     */
    static EngineEventListener printer(String side) {
        return (EngineEvent event) -> System.out.println("event " + side + "  " + event.toLogLine());
    }

    /**
     * A key table with one row for {@link #NAI}: a random SPI of 256 or more (RFC 4285 reserves
     * 0..255), HMAC-SHA1 and a 20-octet key from {@link SecureRandom}, in a file only its owner may
     * read (the provider refuses anything else). Both engines read the same table here; a real
     * home agent and mobile node each have their own copy of their rows.
     */
    static Path writeThrowawayKeyTable(Path privateDirectory) throws IOException {
        SecureRandom random = new SecureRandom();
        long spi = 256 + (random.nextLong() & 0xFFFF_FFFFL) % (0x1_0000_0000L - 256);
        byte[] key = new byte[20];
        random.nextBytes(key);
        Path table = privateDirectory.resolve("keys.txt");
        try {
            Files.createFile(table, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(table, "# NAI  SPI  algorithm  key (made for one run of the example)\n"
                    + NAI + " " + spi + " hmac-sha1 key=" + HexFormat.of().formatHex(key) + "\n",
                    StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        return table;
    }

    private static String text(InetSocketAddress endpoint) {
        return "[" + Ipv6Address.fromBytes(endpoint.getAddress().getAddress()) + "]:" + endpoint.getPort();
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("could not remove " + directory + ": " + e.getMessage());
        }
    }
}
