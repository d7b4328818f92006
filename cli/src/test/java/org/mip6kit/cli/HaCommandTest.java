package org.mip6kit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.daemon.testing.NaiTestProvider;
import org.mip6kit.engine.ExecutorScheduler;
import org.mip6kit.engine.MobileNodeEngine;
import org.mip6kit.ha.HomeAgentConfig;
import org.mip6kit.ha.HomeAgentDaemon;
import org.mip6kit.inject.SecurityProviders;

/**
 * {@code mip6kit ha run} refuses a bad configuration or an unknown provider with the message
 * and exit 2; {@code mip6kit ha bindings} lists, through the admin socket, a node that
 * registered over UDP with a home agent running in this JVM.
 */
@Tag("medium")
class HaCommandTest {

    @TempDir
    Path dir;

    @Test
    void haRunWithAnUnknownKeyExitsTwoNamingTheKeyAndTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), Files.readString(HaTestRig.config(dir))
                .replace("max-lifetime: 10m", "max-lifetme: 10m"));

        CommandRun run = CommandRun.of("ha", "run", "--config", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).startsWith(file + ": home-agent.max-lifetme: unknown key; allowed here: address, ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void haRunWithABadAddressExitsTwoNamingTheKeyAndTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), Files.readString(HaTestRig.config(dir))
                .replace("address: 2001:db8:1::1", "address: 2001:db8:1:::1"));

        CommandRun run = CommandRun.of("ha", "run", "--config", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).startsWith(file + ": home-agent.address: is not an IPv6 address: '2001:db8:1:::1'");
    }

    @Test
    void haRunWithAMissingFileExitsTwo() {
        Path missing = dir.resolve("nope.yaml");

        CommandRun run = CommandRun.of("ha", "run", "--config", missing.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(missing + ": (file): does not exist")
                .contains("docs/errors.md#config-file");
    }

    @Test
    void haRunWithAYamlErrorExitsTwoNamingTheLineOfTheError() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), Files.readString(HaTestRig.config(dir))
                .replace("  max-lifetime: 10m\n", "\tmax-lifetime: 10m\n"));

        CommandRun run = CommandRun.of("ha", "run", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith(file + ": (file): is not valid YAML at line 4, column 1: ")
                .contains("docs/errors.md#config-yaml");
    }

    @Test
    void haRunWithAMissingKeyTableExitsTwoWithTheCommandThatCreatesIt() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), Files.readString(HaTestRig.config(dir))
                .replace("provider: test-nai", "provider: auth-option-4285")
                .replace("test-nai: { realm: example.org }", "auth-option-4285: { key-table: ha-keys.txt }"));

        CommandRun run = CommandRun.of("ha", "run", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("security.auth-option-4285.key-table")
                .contains("the key table " + dir.resolve("ha-keys.txt") + " does not exist")
                .contains("hmac-sha1 key=").contains("/dev/urandom")
                .contains("docs/providers/auth-option-4285.md#create-a-key-table");
        assertThat(Files.exists(dir.resolve("ha.sock"))).isFalse();
    }

    @Test
    void haRunOnABusyPortExitsOneNamingTheKeyAndTheCanonicalAddress() throws Exception {
        try (java.nio.channels.DatagramChannel taken = java.nio.channels.DatagramChannel.open()) {
            taken.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0));
            int port = ((java.net.InetSocketAddress) taken.getLocalAddress()).getPort();
            Path keys = Files.writeString(dir.resolve("ha-keys.txt"),
                    "mn1@example.com 256 hmac-sha1 key=000102030405060708090a0b0c0d0e0f\n");
            Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Path file = Files.writeString(dir.resolve("ha.yaml"), Files.readString(HaTestRig.config(dir))
                    .replace("port: 0", "port: " + port)
                    .replace("provider: test-nai", "provider: auth-option-4285")
                    .replace("test-nai: { realm: example.org }", "auth-option-4285: { key-table: ha-keys.txt }"));

            CommandRun run = CommandRun.of("ha", "run", "--config", file.toString());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).contains("on [::1]:" + port + ": port " + port + " is already in use")
                    .contains("change transport.udp.port or transport.udp.bind in " + file)
                    .contains("docs/errors.md#udp-port-busy")
                    .doesNotContain("0:0:0:0:0:0:0:1");
        }
    }

    @Test
    void haRunWithAnUnknownProviderExitsTwoWithTheSelectionMessage() throws Exception {
        Path file = Files.writeString(dir.resolve("ha.yaml"), Files.readString(HaTestRig.config(dir))
                .replace("provider: test-nai", "provider: no-such-provider"));

        CommandRun run = CommandRun.of("ha", "run", "--config", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-provider").contains("docs/errors.md#unknown-provider");
        assertThat(dir.resolve("ha.sock")).as("nothing was opened").doesNotExist();
    }

    @Test
    void haRunWithoutConfigIsAUsageError() {
        CommandRun run = CommandRun.of("ha", "run");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--config=FILE'");
    }

    @Test
    void haAloneShowsItsSubcommands() {
        CommandRun run = CommandRun.of("ha");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("run").contains("bindings");
    }

    @Test
    void haBindingsJsonListsANodeRegisteredOverUdp() throws Exception {
        try (HomeAgentDaemon daemon = startDaemon();
             ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2);
             MobileNodeEngine mn = HaTestRig.mobileNode(daemon.udpAddress().orElseThrow(), scheduler)) {
            MobileNodeEngine.Registration r = mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            CommandRun run = CommandRun.of("ha", "bindings", "--socket", daemon.adminSocket().toString(), "--json");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode answer = new ObjectMapper().readTree(run.out());
            assertThat(answer.get("count").asInt()).isEqualTo(1);
            assertThat(answer.has("ok")).as("the protocol's ok flag is not part of the listing").isFalse();
            JsonNode b = answer.get("bindings").get(0);
            assertThat(b.get("homeAddress").asText()).isEqualTo(HaTestRig.HOA.toString());
            assertThat(b.get("careOfAddress").asText()).isEqualTo(HaTestRig.COA.toString());
            assertThat(b.get("identity").asText()).isEqualTo("nai:" + HaTestRig.NAI);
            assertThat(b.get("sequence").asInt()).isEqualTo(r.sequence().value());
            assertThat(b.get("provider").asText()).isEqualTo("test-nai");
            assertThat(b.get("lifetimeLeftSeconds").asLong()).isBetween(590L, 600L);
        }
    }

    @Test
    void haBindingsTableShowsOneRowPerBindingUnderTheHeadings() throws Exception {
        try (HomeAgentDaemon daemon = startDaemon();
             ExecutorScheduler scheduler = new ExecutorScheduler("test-mn", 2);
             MobileNodeEngine mn = HaTestRig.mobileNode(daemon.udpAddress().orElseThrow(), scheduler)) {
            CommandRun empty = CommandRun.of("ha", "bindings", "--config", daemon.config().file().toString());
            MobileNodeEngine.Registration r = mn.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            CommandRun run = CommandRun.of("ha", "bindings", "--config", daemon.config().file().toString());

            assertThat(empty.out()).isEqualTo("no bindings" + System.lineSeparator());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            List<String> lines = run.out().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0).split("\\s{2,}")).containsExactly("HOME ADDRESS", "CARE-OF ADDRESS", "IDENTITY",
                    "LIFETIME LEFT", "SEQUENCE", "PROVIDER", "PREFIXES");
            String[] row = lines.get(1).split("\\s{2,}");
            assertThat(row[0]).isEqualTo("2001:db8:1::100");
            assertThat(row[1]).isEqualTo("2001:db8:2::100");
            assertThat(row[2]).isEqualTo("nai:mn1@example.org");
            assertThat(row[3]).matches("9m5\\ds|10m00s");
            assertThat(row[4]).isEqualTo(String.valueOf(r.sequence().value()));
            assertThat(row[5]).isEqualTo("test-nai");
            assertThat(row[6]).as("a mobile host has no mobile network prefixes").isEqualTo("-");
            assertThat(lines.get(2)).isEqualTo("1 binding");
            assertThat(lines.get(0).indexOf("CARE-OF ADDRESS")).as("columns line up")
                    .isEqualTo(lines.get(1).indexOf("2001:db8:2::100"));
        }
    }

    @Test
    void haBindingsWithNoHomeAgentRunningExitsOne() {
        Path socket = dir.resolve("ha.sock");

        CommandRun run = CommandRun.of("ha", "bindings", "--socket", socket.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("mip6kit ha bindings: no daemon is running on " + socket
                + ": the socket does not exist (is the daemon started, with this admin.socket?)"
                + System.lineSeparator());
    }

    @Test
    void haBindingsNeedsTheConfigOrTheSocketButNotBoth() throws Exception {
        CommandRun neither = CommandRun.of("ha", "bindings");
        CommandRun both = CommandRun.of("ha", "bindings", "--config", "a.yaml", "--socket", "b.sock");

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("Missing required argument");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void durationsInTheTableAreCompact() {
        assertThat(HaBindingsCommand.duration(42)).isEqualTo("42s");
        assertThat(HaBindingsCommand.duration(598)).isEqualTo("9m58s");
        assertThat(HaBindingsCommand.duration(3725)).isEqualTo("1h02m05s");
    }

    private HomeAgentDaemon startDaemon() throws Exception {
        return HomeAgentDaemon.start(HomeAgentConfig.load(HaTestRig.config(dir)), HomeAgentDaemon.Options.defaults()
                .withProviders(SecurityProviders.of(List.of(new NaiTestProvider()))));
    }
}
