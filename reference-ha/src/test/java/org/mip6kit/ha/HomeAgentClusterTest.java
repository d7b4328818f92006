package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.AdminClient;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.engine.MobileNodeSettings;
import org.mip6kit.provider.auth4285.AuthOption4285Provider;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * Two home agent daemons in this JVM forming a cluster over loopback (their grid ports on
 * 127.0.0.1, their UDP endpoints on {@code ::1}, which every member has, so a takeover needs no
 * {@code takeover-interface}), with the RFC 4285 provider: a crashed member's address is served
 * by the survivor with the node's binding (its sequence number and replay state), a refresh is
 * accepted there and a replayed older Binding Update is not; the restarted member gets its
 * address back with what the survivor changed; {@code status} shows the cluster; a drain without
 * targets names the other members.
 */
@Tag("medium")
class HomeAgentClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Ipv6Address HA_A = Ipv6Address.parse("2001:db8:1::a");
    private static final Ipv6Address HA_B = Ipv6Address.parse("2001:db8:1::b");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final String NAI = "mn1@example.org";
    private static final long SPI = 4242;
    private static final String KEY = "00112233445566778899aabbccddeeff00112233";

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<String> members = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            return s.getLocalPort();
        }
    }

    /** The files of members named {@code ha-a}, {@code ha-b}, ... serving {@code agents}, all in one cluster. */
    private List<Path> configs(Ipv6Address... agents) throws Exception {
        Path keys = dir.resolve("ha.keys");
        if (!Files.exists(keys)) {
            Files.createFile(keys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keys, NAI + "  " + SPI + "  hmac-sha1  key=" + KEY + "\n");
        }
        int[] grid = new int[agents.length];
        for (int i = 0; i < agents.length; i++) {
            grid[i] = freeTcpPort();
            members.add("\"127.0.0.1:" + grid[i] + "\"");
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < agents.length; i++) {
            String name = "ha-" + (char) ('a' + i);
            files.add(Files.writeString(dir.resolve(name + ".yaml"), """
                    home-agent:
                      address: %s
                      home-prefixes: [2001:db8:1::/64]
                      max-lifetime: 10m
                      shutdown-timeout: 2s
                    transport:
                      udp: { bind: "::1", port: %d }
                    admin:
                      socket: %s.sock
                    cluster:
                      enabled: true
                      member-name: %s
                      bind: 127.0.0.1
                      port: %d
                      members: [%s]
                      failure-timeout: 3s
                    security:
                      provider: auth-option-4285
                      auth-option-4285:
                        key-table: ha.keys
                    """.formatted(agents[i], freeUdpPort(), name, name, grid[i], String.join(", ", members))));
        }
        return files;
    }

    private HomeAgentDaemon start(Path file) throws Exception {
        HomeAgentDaemon d = HomeAgentDaemon.start(HomeAgentConfig.load(file), HomeAgentDaemon.Options.defaults());
        toClose.add(d);
        return d;
    }

    private static ObjectNode status(HomeAgentDaemon d) throws Exception {
        return AdminClient.send(d.adminSocket(), "status", Duration.ofSeconds(10));
    }

    private static ObjectNode awaitStatus(HomeAgentDaemon d, String what, Predicate<ObjectNode> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ObjectNode last = null;
        while (System.nanoTime() < deadline) {
            last = status(d);
            if (condition.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("status never showed " + what + "; last: " + last.path("cluster"));
    }

    private static JsonNode servedHere(ObjectNode status, Ipv6Address address) {
        for (JsonNode n : status.path("cluster").path("servedHere")) {
            if (n.path("address").asText().equals(address.toString())) {
                return n;
            }
        }
        return null;
    }

    private static JsonNode onlyBinding(HomeAgentDaemon d) throws Exception {
        ObjectNode answer = AdminClient.send(d.adminSocket(), "bindings", Duration.ofSeconds(10));
        assertThat(answer.path("count").asInt()).as("bindings listed").isEqualTo(1);
        return answer.path("bindings").get(0);
    }

    /** The mobile node's transport, keeping every Binding Update it sent so one can be replayed. */
    private static final class Recording implements SignallingTransport {
        record Sent(byte[] octets, Addressing to) {
        }

        final UdpTransport inner;
        final List<Sent> sent = new CopyOnWriteArrayList<>();

        Recording(UdpTransport inner) {
            this.inner = inner;
        }

        @Override
        public void start(Consumer<Inbound> receiver) {
            inner.start(receiver);
        }

        @Override
        public CompletionStage<Void> send(byte[] octets, Addressing to) {
            sent.add(new Sent(octets.clone(), to));
            return inner.send(octets, to);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private MobileNodeEngine mobileNode(InetSocketAddress homeAgent, Ipv6Address ha, Recording[] transport)
            throws Exception {
        Path keyFile = dir.resolve("mn.key");
        if (!Files.exists(keyFile)) {
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, KEY + "\n");
        }
        ExecutorScheduler scheduler = new ExecutorScheduler("cluster-mn", 2);
        toClose.add(scheduler);
        InetAddress loopback = InetAddress.getByName("::1");
        MobileNodeEngine mn = MobileNodeEngine.builder()
                .provider(new AuthOption4285Provider(), ConfigSection.of("security.auth-option-4285", null,
                        Map.of("nai", NAI, "spi", Long.toString(SPI), "key-file", keyFile.toString())))
                .settings(MobileNodeSettings.defaults().withHomeAgent(ha).withHomeAddress(HOA)
                        .withHomeAgentEndpoint(homeAgent).withRequestedLifetime(Duration.ofSeconds(600)))
                .transports(() -> {
                    transport[0] = new Recording(UdpTransport.open(UdpTransport.Config.ephemeral(loopback)));
                    return transport[0];
                })
                .clock(Clock.systemUTC())
                .scheduler(scheduler)
                .careOfAddress(Ipv6Address.parse("2001:db8:2::1"))
                .build();
        toClose.add(mn);
        return mn;
    }

    private static long unanswered(HomeAgentEngine e) {
        HomeAgentEngine.Counters c = e.counters();
        return c.refused() + c.rejected() + c.dropped();
    }

    @Test
    void aSurvivorServesACrashedMembersBindingsAndHandsThemBackWhenItReturns() throws Exception {
        List<Path> files = configs(HA_A, HA_B);
        HomeAgentDaemon a = start(files.get(0));
        HomeAgentDaemon b = start(files.get(1));
        awaitStatus(a, "two members", s -> s.path("cluster").path("members").asInt() == 2);
        InetSocketAddress bEndpoint = b.udpAddress().orElseThrow();

        Recording[] transport = new Recording[1];
        MobileNodeEngine mn = mobileNode(bEndpoint, HA_B, transport);
        MobileNodeEngine.Registration first = mn.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(onlyBinding(b).path(BindingListing.HOME_AGENT).asText()).isEqualTo(HA_B.toString());
        Recording.Sent firstBu = transport[0].sent.get(transport[0].sent.size() - 1);

        long crashedAt = System.nanoTime();
        b.stopAbruptly();
        ObjectNode taken = awaitStatus(a, "the crashed member's address served here",
                s -> servedHere(s, HA_B) != null && servedHere(s, HA_B).path("bindings").asInt() == 1);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
        System.out.println("HomeAgentClusterTest: " + HA_B + " served by the survivor " + tookMillis
                + " ms after the crash (failure-timeout 3s)");

        JsonNode cluster = taken.path("cluster");
        assertThat(cluster.path("enabled").asBoolean()).isTrue();
        assertThat(cluster.path("member").asText()).isEqualTo("ha-a");
        assertThat(cluster.path("served").path(HA_A.toString()).asText()).isEqualTo("ha-a");
        assertThat(cluster.path("served").path(HA_B.toString()).asText()).isEqualTo("ha-a");
        JsonNode own = servedHere(taken, HA_A);
        assertThat(own.path("takenOverFrom").isNull()).isTrue();
        assertThat(own.path("udp").asText()).isEqualTo(org.mip6kit.daemon.DaemonSettings.describe(
                a.udpAddress().orElseThrow()));
        JsonNode inherited = servedHere(taken, HA_B);
        assertThat(inherited.path("takenOverFrom").asText()).isEqualTo("ha-b");
        assertThat(inherited.path("udp").asText()).as("the crashed member's own endpoint")
                .isEqualTo(org.mip6kit.daemon.DaemonSettings.describe(bEndpoint));
        assertThat(taken.path("bindings").asInt()).as("the top-level count is the own address's").isZero();
        JsonNode row = onlyBinding(a);
        assertThat(row.path(BindingListing.HOME_AGENT).asText()).isEqualTo(HA_B.toString());
        assertThat(row.path(BindingListing.SEQUENCE).asInt()).isEqualTo(first.sequence().value());

        // The node refreshes (here: moves) with its next sequence number, without registering anew.
        Ipv6Address coa2 = Ipv6Address.parse("2001:db8:2::2");
        MobileNodeEngine.Registration second = mn.moveTo(coa2).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(second.sequence()).isEqualTo(first.sequence().next());
        row = onlyBinding(a);
        assertThat(row.path(BindingListing.CARE_OF_ADDRESS).asText()).isEqualTo(coa2.toString());
        assertThat(row.path(BindingListing.SEQUENCE).asInt()).isEqualTo(second.sequence().value());

        // A replay of the first Binding Update, captured before the crash, changes nothing.
        HomeAgentEngine survivor = a.engineServing(HA_B).orElseThrow();
        long before = unanswered(survivor);
        transport[0].inner.send(firstBu.octets(), firstBu.to()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (unanswered(survivor) == before && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(unanswered(survivor)).as("the replay was refused, rejected or dropped").isEqualTo(before + 1);
        row = onlyBinding(a);
        assertThat(row.path(BindingListing.CARE_OF_ADDRESS).asText()).isEqualTo(coa2.toString());
        assertThat(row.path(BindingListing.SEQUENCE).asInt()).isEqualTo(second.sequence().value());

        // The crashed member returns: the survivor hands the address back with what changed meanwhile.
        HomeAgentDaemon back = start(files.get(1));
        awaitStatus(a, "the address handed back", s -> servedHere(s, HA_B) == null);
        assertThat(back.udpAddress().orElseThrow()).isEqualTo(bEndpoint);
        JsonNode restored = onlyBinding(back);
        assertThat(restored.path(BindingListing.HOME_AGENT).asText()).isEqualTo(HA_B.toString());
        assertThat(restored.path(BindingListing.CARE_OF_ADDRESS).asText()).isEqualTo(coa2.toString());
        assertThat(restored.path(BindingListing.SEQUENCE).asInt()).isEqualTo(second.sequence().value());
        ObjectNode backStatus = status(back);
        assertThat(backStatus.path("cluster").path("served").path(HA_B.toString()).asText()).isEqualTo("ha-b");
        Ipv6Address coa3 = Ipv6Address.parse("2001:db8:2::3");
        MobileNodeEngine.Registration third = mn.moveTo(coa3).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(third.sequence()).isEqualTo(second.sequence().next());
        assertThat(onlyBinding(back).path(BindingListing.CARE_OF_ADDRESS).asText()).isEqualTo(coa3.toString());
    }

    @Test
    void drainWithoutTargetsNamesTheOtherMembersAddresses() throws Exception {
        List<Path> files = configs(HA_A, HA_B);
        HomeAgentDaemon a = start(files.get(0));
        start(files.get(1));
        awaitStatus(a, "two members", s -> s.path("cluster").path("members").asInt() == 2);

        ObjectNode reply = AdminClient.send(a.adminSocket(), AdminClient.request("drain"), Duration.ofSeconds(10));
        assertThat(reply.path("to")).hasSize(1);
        assertThat(reply.path("to").get(0).asText()).isEqualTo(HA_B.toString());
        JsonNode drain = status(a).path("drain");
        assertThat(drain.path("draining").asBoolean()).isTrue();
        assertThat(drain.path("to").get(0).asText()).isEqualTo(HA_B.toString());
    }

    @Test
    void withoutAClusterStatusSaysOnlyThatItIsDisabled() throws Exception {
        Path file = Files.writeString(dir.resolve("single.yaml"), """
                home-agent:
                  address: 2001:db8:1::a
                  home-prefixes: [2001:db8:1::/64]
                  shutdown-timeout: 2s
                transport:
                  udp: { bind: "::1", port: 0 }
                admin:
                  socket: single.sock
                state:
                  enabled: false
                security:
                  provider: test-nai
                  test-nai: { realm: example.org }
                """);
        HomeAgentDaemon d = start(file);
        JsonNode cluster = status(d).path("cluster");
        assertThat(cluster.path("enabled").asBoolean()).isFalse();
        assertThat(cluster.size()).isEqualTo(1);
    }
}
