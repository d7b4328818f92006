package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.daemon.AdminException;
import org.mip6kit.daemon.ExitStatus;
import org.mip6kit.daemon.testing.LoopbackHomeAgent;
import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.inject.ProviderSelectionException;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.pcap.PcapReader;

/**
 * The reference mobile node daemon against a {@link org.mip6kit.engine.HomeAgentEngine} over UDP
 * on loopback, with the {@code test-nai} provider found through {@code META-INF/services}:
 * register, move through the admin socket from an IPv6 to an IPv4 care-of address, report the
 * status, follow an interface, and deregister on close.
 */
@Tag("medium")
class MobileNodeDaemonTest {

    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private LoopbackHomeAgent ha;
    private MobileNodeDaemon daemon;

    @BeforeEach
    void startHomeAgent() throws Exception {
        ha = new LoopbackHomeAgent();
    }

    @AfterEach
    void stopEverything() {
        if (daemon != null) {
            daemon.close();
        }
        ha.close();
    }

    private Path config(String careOf, String extraSecurity) throws Exception {
        Path file = dir.resolve("mn.yaml");
        Files.writeString(file, """
                mobile-node:
                  home-address: 2001:db8:1::100
                  home-agent: 2001:db8:1::1
                  home-agent-endpoint: "[::1]:%d"
                  care-of:
                %s
                  lifetime: 600s
                  initial-sequence: 1000
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: mn.sock
                logging:
                  level: info
                security:
                  provider: test-nai
                  test-nai: { nai: mn1@example.org%s }
                """.formatted(ha.port(), careOf.indent(4).stripTrailing(), extraSecurity));
        return file;
    }

    private MobileNodeDaemon start(Path file, MobileNodeDaemon.Options options) throws Exception {
        daemon = MobileNodeDaemon.start(MobileNodeConfig.load(file), options);
        return daemon;
    }

    @Test
    void registersMovesToAnIpv4CareOfAddressThroughTheAdminSocketAndDeregistersOnClose() throws Exception {
        List<EngineEvent> mnEvents = new CopyOnWriteArrayList<>();
        MobileNodeDaemon mn = start(config("address: 2001:db8:2::100", ""), MobileNodeDaemon.Options.defaults()
                .withPcap(dir.resolve("mn.pcap"))
                .withListener(mnEvents::add));

        MobileNodeEngine.Registration first = mn.firstRegistration().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first.careOfAddress()).isEqualTo(Ipv6Address.parse("2001:db8:2::100"));
        assertThat(first.sequence().value()).isEqualTo(1000);
        BindingRecord atHa = ha.binding(HOA).orElseThrow();
        assertThat(atHa.careOfAddress()).isEqualTo(Ipv6Address.parse("2001:db8:2::100"));

        // the admin socket is owner-only and answers status
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mn.adminSocket())))
                .isEqualTo("rw-------");
        ObjectNode status = AdminClient.send(mn.adminSocket(), MobileNodeDaemon.STATUS, WAIT);
        assertThat(status.get("registered").booleanValue()).isTrue();
        assertThat(status.get("careOfAddress").textValue()).isEqualTo("2001:db8:2::100");
        assertThat(status.get("careOfPath").textValue()).isEqualTo("ipv6");
        assertThat(status.get("homeAddress").textValue()).isEqualTo("2001:db8:1::100");
        assertThat(status.get("identity").textValue()).isEqualTo("nai:mn1@example.org");
        assertThat(status.get("sequence").intValue()).isEqualTo(1000);
        assertThat(status.get("lifetimeSeconds").longValue()).isEqualTo(600);
        assertThat(status.get("provider").textValue()).isEqualTo("test-nai");
        assertThat(status.get("udp").textValue()).startsWith("[::1]:");

        // IPv6 -> IPv4 care-of: the RFC 5555 path, acknowledged before the command answers
        ObjectNode moved = AdminClient.send(mn.adminSocket(),
                AdminClient.request(MobileNodeDaemon.MOVE).put("careOf", "192.0.2.10"), WAIT);
        assertThat(moved.get("acknowledged").booleanValue()).isTrue();
        assertThat(moved.get("careOfAddress").textValue()).isEqualTo("192.0.2.10");
        assertThat(moved.get("careOfPath").textValue()).isEqualTo("ipv4-udp");
        assertThat(moved.get("sequence").intValue()).isGreaterThan(1000);
        BindingRecord movedAtHa = ha.binding(HOA).orElseThrow();
        assertThat(movedAtHa.careOfAddress()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));
        assertThat(movedAtHa.sequence().value()).isEqualTo(moved.get("sequence").intValue());
        assertThat(MobileNodeStatus.fromJson(AdminClient.send(mn.adminSocket(), MobileNodeDaemon.STATUS, WAIT))
                .careOfAddress()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));

        // a bad address is refused with a reason, and nothing changes
        assertThatThrownBy(() -> AdminClient.send(mn.adminSocket(),
                AdminClient.request(MobileNodeDaemon.MOVE).put("careOf", "not-an-address"), WAIT))
                .isInstanceOf(AdminException.class).hasMessageContaining("not-an-address");
        assertThatThrownBy(() -> AdminClient.send(mn.adminSocket(),
                AdminClient.request(MobileNodeDaemon.MOVE).put("careOf", "2001:db8:1::100"), WAIT))
                .isInstanceOf(AdminException.class).hasMessageContaining("home address");
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));

        // shutdown: deregistration reaches the home agent before the daemon is gone
        mn.close();
        assertThat(ha.binding(HOA)).isEmpty();
        assertThat(mnEvents).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(EngineEvent.Kind.DEREGISTERED);
            assertThat(e.status()).hasValueSatisfying(st -> assertThat(st.isAccepted()).isTrue());
        });
        assertThat(mn.awaitTermination()).isEqualTo(ExitStatus.OK);
        assertThat(Files.exists(mn.adminSocket())).isFalse();
        assertThat(ha.events()).anySatisfy(e -> assertThat(e.kind()).isEqualTo(EngineEvent.Kind.BINDING_DELETED));

        // the pcap holds every message: BU/BA for registration, move and deregistration
        try (PcapReader reader = new PcapReader(dir.resolve("mn.pcap"))) {
            assertThat(reader.readAll()).hasSizeGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void homeDeregistersThroughTheAdminSocketKeepsTheNodeRunningAndAMoveRegistersAgain() throws Exception {
        MobileNodeDaemon mn = start(config("address: 2001:db8:2::100", ""), MobileNodeDaemon.Options.defaults());
        mn.firstRegistration().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ha.binding(HOA)).isPresent();

        ObjectNode home = AdminClient.send(mn.adminSocket(), MobileNodeDaemon.HOME, WAIT);
        assertThat(home.get("acknowledged").booleanValue()).isTrue();
        assertThat(home.get("registered").booleanValue()).isFalse();
        assertThat(home.get("careOfAddress").textValue()).isEqualTo("2001:db8:1::100");
        assertThat(ha.binding(HOA)).as("deleted by the deregistration").isEmpty();
        assertThat(ha.events()).anySatisfy(e -> assertThat(e.kind()).isEqualTo(EngineEvent.Kind.BINDING_DELETED));
        assertThat(mn.isClosed()).as("the node keeps running at home").isFalse();
        assertThat(AdminClient.send(mn.adminSocket(), MobileNodeDaemon.STATUS, WAIT).get("registered").booleanValue())
                .isFalse();

        ObjectNode away = AdminClient.send(mn.adminSocket(),
                AdminClient.request(MobileNodeDaemon.MOVE).put("careOf", "192.0.2.10"), WAIT);
        assertThat(away.get("acknowledged").booleanValue()).isTrue();
        assertThat(away.get("registered").booleanValue()).isTrue();
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(Ipv6Address.parse("::ffff:192.0.2.10"));
    }

    @Test
    void followsTheConfiguredInterfaceFromItsFirstGlobalAddress() throws Exception {
        AtomicReference<List<InetAddress>> fakeInterface = new AtomicReference<>(List.of(
                InetAddress.getByName("fe80::1"), InetAddress.getByName("2001:db8:2::7")));
        MobileNodeDaemon mn = start(config("interface: mnfake0\npoll-interval: 100ms", ""),
                MobileNodeDaemon.Options.defaults().withAddresses(name ->
                        name.equals("mnfake0") ? Optional.of(fakeInterface.get()) : Optional.empty()));
        mn.firstRegistration().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(Ipv6Address.parse("2001:db8:2::7"));

        fakeInterface.set(List.of(InetAddress.getByName("fe80::1"), InetAddress.getByName("198.51.100.20")));
        assertThat(LoopbackHomeAgent.eventually(() -> ha.binding(HOA).map(BindingRecord::careOfAddress)
                .filter(Ipv6Address.parse("::ffff:198.51.100.20")::equals).isPresent(), WAIT)).isTrue();
        ObjectNode status = AdminClient.send(mn.adminSocket(), MobileNodeDaemon.STATUS, WAIT);
        assertThat(status.get("interface").textValue()).isEqualTo("mnfake0");
        assertThat(status.get("careOfAddress").textValue()).isEqualTo("198.51.100.20");
    }

    @Test
    void aFirstRegistrationThatIsNeverAnsweredStopsTheDaemonWithExitStatus1() throws Exception {
        Path file = config("address: 2001:db8:2::100", "");
        Files.writeString(file, Files.readString(file)
                .replace("nai: mn1@example.org", "nai: stranger@example.org")
                .replace("  lifetime: 600s\n", "  lifetime: 600s\n  retransmission: { first-registration-timeout: 100ms, "
                        + "initial-timeout: 100ms, max-timeout: 200ms, give-up-after: 1 }\n"));
        MobileNodeDaemon mn = start(file, MobileNodeDaemon.Options.defaults());
        assertThat(mn.awaitTermination()).isEqualTo(ExitStatus.FAILURE);
        assertThat(mn.firstRegistration()).isCompletedExceptionally();
        assertThat(mn.isClosed()).isTrue();
        assertThat(Files.exists(mn.adminSocket())).isFalse();
        assertThat(ha.binding(HOA)).isEmpty();
    }

    @Test
    void fatalErrorInTheReceivePathStopsTheDaemonWithExitStatus1() throws Exception {
        MobileNodeDaemon mn = start(config("address: 2001:db8:2::100", ""), MobileNodeDaemon.Options.defaults());
        mn.firstRegistration().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        mn.fatalError(new OutOfMemoryError("Java heap space"));

        assertThat(mn.awaitTermination()).isEqualTo(ExitStatus.FAILURE);
        assertThat(mn.fatalErrorCause()).get().extracting(Throwable::getMessage).isEqualTo("Java heap space");
        assertThat(Files.exists(mn.adminSocket())).isFalse();
    }

    @Test
    void anInterfaceWithoutAGlobalAddressAndNoConfiguredAddressStopsTheStart() throws Exception {
        Path file = config("interface: mnfake0", "");
        assertThatThrownBy(() -> start(file, MobileNodeDaemon.Options.defaults()
                .withAddresses(name -> Optional.of(List.of(InetAddress.getByName("fe80::1"))))))
                .hasMessageContaining("mnfake0").hasMessageContaining("care-of.address");
        assertThat(Files.exists(dir.resolve("mn.sock"))).isFalse();
    }

    @Test
    void anUnknownProviderKeyIsAConfigErrorNamingTheKeyAndFile() throws Exception {
        Path file = config("address: 2001:db8:2::100", ", colour: blue");
        assertThatThrownBy(() -> start(file, MobileNodeDaemon.Options.defaults()))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(file.toAbsolutePath() + ": security.test-nai.colour: unknown key");
        assertThat(Files.exists(dir.resolve("mn.sock"))).isFalse();
    }

    @Test
    void anUnknownProviderNameFailsClosedListingTheNamesFound() throws Exception {
        Path file = config("address: 2001:db8:2::100", "");
        Files.writeString(file, Files.readString(file).replace("provider: test-nai", "provider: no-such-provider")
                .replace("test-nai: {", "no-such-provider: {"));
        assertThatThrownBy(() -> start(file, MobileNodeDaemon.Options.defaults()))
                .isInstanceOf(ProviderSelectionException.class)
                .hasMessageContaining("no-such-provider").hasMessageContaining("test-nai");
    }

    @Test
    void aSecondDaemonOnTheSameAdminSocketIsRefusedAndTheFirstKeepsRunning() throws Exception {
        Path file = config("address: 2001:db8:2::100", "");
        MobileNodeDaemon first = start(file, MobileNodeDaemon.Options.defaults());
        first.firstRegistration().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThatThrownBy(() -> MobileNodeDaemon.start(MobileNodeConfig.load(file),
                MobileNodeDaemon.Options.defaults()))
                .hasMessageContaining("another daemon is running");
        assertThat(AdminClient.send(first.adminSocket(), MobileNodeDaemon.STATUS, WAIT).get("registered")
                .booleanValue()).isTrue();
        assertThat(ha.binding(HOA)).isPresent();
    }
}
