package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.spi.ProviderConfigException;

/**
 * The {@code cluster} section of {@code ha.yaml}: its defaults, every key's refusal naming the
 * key and the file, and the sections an enabled cluster cannot run with (each refusal names
 * both keys).
 */
@Tag("small")
class ClusterConfigTest {

    private static final String HOME_AGENT = """
            home-agent:
              address: 2001:db8:1::1
              home-prefixes: [2001:db8:1::/64]
            transport:
              udp: { bind: "2001:db8:1::1", port: 4191 }
            """;
    private static final String CLUSTER = """
            cluster:
              enabled: true
              member-name: ha-a
              bind: 192.0.2.1
              members: [192.0.2.1, "192.0.2.2:5702", "[2001:db8:9::3]:5701"]
            """;

    @TempDir
    Path dir;

    private HomeAgentConfig load(String yaml) throws Exception {
        return HomeAgentConfig.load(Files.writeString(dir.resolve("ha.yaml"), yaml));
    }

    private String errorOf(String yaml) throws Exception {
        try {
            load(yaml);
        } catch (ProviderConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a configuration error for:\n" + yaml);
    }

    private String prefix() {
        return dir.resolve("ha.yaml") + ": ";
    }

    @Test
    void noClusterSectionMeansNoClusterAndTheJournal() throws Exception {
        HomeAgentConfig c = load(HOME_AGENT);
        assertThat(c.cluster()).isEqualTo(ClusterSettings.DISABLED);
        assertThat(c.state().enabled()).isTrue();
    }

    @Test
    void enabledClusterTakesTheDocumentedDefaultsAndTurnsTheJournalOff() throws Exception {
        HomeAgentConfig c = load(HOME_AGENT + CLUSTER);
        ClusterSettings s = c.cluster();
        assertThat(s.enabled()).isTrue();
        assertThat(s.memberName()).isEqualTo("ha-a");
        assertThat(s.bind()).isEqualTo("192.0.2.1");
        assertThat(s.port()).isEqualTo(5701);
        assertThat(s.members()).containsExactly("192.0.2.1", "192.0.2.2:5702", "[2001:db8:9::3]:5701");
        assertThat(s.failureTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.takeoverInterface()).isEmpty();
        assertThat(s.addsTakenOverAddresses()).isFalse();
        assertThat(c.state().enabled()).as("the grid holds the bindings, not the journal").isFalse();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        HomeAgentConfig c = load(HOME_AGENT + CLUSTER + "  port: 5800\n  failure-timeout: 5s\n"
                + "  takeover-interface: eth1\n");
        assertThat(c.cluster().port()).isEqualTo(5800);
        assertThat(c.cluster().failureTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.cluster().takeoverInterface()).isEqualTo("eth1");
        assertThat(c.cluster().addsTakenOverAddresses()).isTrue();
    }

    @Test
    void disabledClusterStillChecksItsKeys() throws Exception {
        assertThat(errorOf(HOME_AGENT + "cluster: { enabled: false, port: 70000 }\n"))
                .startsWith(prefix() + "cluster.port: ");
        assertThat(load(HOME_AGENT + "cluster: { enabled: false, member-name: ha-a }\n").cluster())
                .isEqualTo(ClusterSettings.DISABLED);
    }

    @Test
    void unknownKeyIsNamedWithTheAllowedOnes() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER + "  member: x\n")).isEqualTo(prefix()
                + "cluster.member: unknown key; allowed here: bind, enabled, failure-timeout, member-name, members, "
                + "port, takeover-interface");
    }

    @Test
    void enabledClusterNeedsMemberNameBindAndMembers() throws Exception {
        for (String key : List.of("member-name", "bind", "members")) {
            String without = CLUSTER.lines().filter(l -> !l.strip().startsWith(key + ":"))
                    .reduce("", (a, l) -> a + l + "\n");
            assertThat(errorOf(HOME_AGENT + without)).as(key)
                    .isEqualTo(prefix() + "cluster." + key + ": is required when the cluster is enabled "
                            + "(docs/operator-guide.md#cluster)");
        }
    }

    @Test
    void memberNameMustBeAPlainName() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER.replace("ha-a", "\"ha a\"")))
                .startsWith(prefix() + "cluster.member-name: must be 1..63 letters");
    }

    @Test
    void bindMustBeOneAddress() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER.replace("bind: 192.0.2.1", "bind: 0.0.0.0")))
                .startsWith(prefix() + "cluster.bind: must be one address of this machine");
        assertThat(errorOf(HOME_AGENT + CLUSTER.replace("bind: 192.0.2.1", "bind: not-an-address")))
                .startsWith(prefix() + "cluster.bind: ");
    }

    @Test
    void portMustBeInRange() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER + "  port: 0\n")).startsWith(prefix() + "cluster.port: ");
    }

    @Test
    void membersMustBeHostsOrHostPorts() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER.replace("\"192.0.2.2:5702\"", "\"192.0.2.2:99999\"")))
                .isEqualTo(prefix() + "cluster.members[1]: '192.0.2.2:99999': the port must be 1 .. 65535");
        assertThat(errorOf(HOME_AGENT + CLUSTER.replace("\"[2001:db8:9::3]:5701\"", "\"[2001:db8:9::3\"")))
                .isEqualTo(prefix() + "cluster.members[2]: '[2001:db8:9::3' is not host, host:port or [IPv6]:port");
        assertThat(errorOf(HOME_AGENT + CLUSTER.replace("members: [192.0.2.1, ", "members: [\"a b\", ")))
                .startsWith(prefix() + "cluster.members[0]: 'a b' is not host");
        assertThat(errorOf(HOME_AGENT + CLUSTER.replace(
                "members: [192.0.2.1, \"192.0.2.2:5702\", \"[2001:db8:9::3]:5701\"]", "members: []")))
                .startsWith(prefix() + "cluster.members: must list every member");
    }

    @Test
    void failureTimeoutIsWholeSecondsFromOneToSixty() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER + "  failure-timeout: 500ms\n"))
                .startsWith(prefix() + "cluster.failure-timeout: ");
        assertThat(errorOf(HOME_AGENT + CLUSTER + "  failure-timeout: 2m\n"))
                .startsWith(prefix() + "cluster.failure-timeout: ");
        assertThat(errorOf(HOME_AGENT + CLUSTER + "  failure-timeout: 1500ms\n"))
                .isEqualTo(prefix() + "cluster.failure-timeout: must be whole seconds (the grid's failure detector "
                        + "counts seconds), got 1500ms");
    }

    @Test
    void takeoverInterfaceMustBeAnInterfaceName() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER + "  takeover-interface: eth0/../x\n"))
                .startsWith(prefix() + "cluster.takeover-interface: must be an interface name");
        assertThat(errorOf(HOME_AGENT + CLUSTER + "  takeover-interface: a-name-longer-than-15\n"))
                .startsWith(prefix() + "cluster.takeover-interface: must be an interface name");
    }

    @Test
    void explicitStateEnabledIsRefusedNamingBothKeys() throws Exception {
        String e = errorOf(HOME_AGENT + CLUSTER + "state: { enabled: true }\n");
        assertThat(e).startsWith(prefix() + "state.enabled: true cannot go with cluster.enabled: true");
        assertThat(load(HOME_AGENT + CLUSTER + "state: { enabled: false, directory: st }\n").state().enabled())
                .isFalse();
    }

    @Test
    void dataPlaneIsRefusedNamingBothKeys() throws Exception {
        assertThat(errorOf(HOME_AGENT + CLUSTER + "data-plane: { enabled: true }\n"))
                .startsWith(prefix() + "data-plane.enabled: true cannot go with cluster.enabled: true");
    }

    @Test
    void theExamplesCommentedClusterBlockIsAValidClusterOnceUncommented() throws Exception {
        Path example = HomeAgentConfigTest.repositoryRoot().resolve("docs/examples/ha.yaml");
        StringBuilder yaml = new StringBuilder();
        boolean inBlock = false;
        for (String line : Files.readAllLines(example)) {
            if (line.equals("# cluster:")) {
                inBlock = true;
            } else if (inBlock && !line.startsWith("#   ")) {
                inBlock = false;
            }
            if (inBlock && !line.startsWith("#" + " ".repeat(20))) {
                yaml.append(line.substring(2).replaceAll("\\s+#.*$", "")).append('\n');
            } else {
                yaml.append(line).append('\n');
            }
        }
        Path file = Files.writeString(dir.resolve("example.yaml"), yaml.toString());
        ClusterSettings c = HomeAgentConfig.load(file).cluster();
        assertThat(c.enabled()).isTrue();
        assertThat(c.memberName()).isEqualTo("ha-a");
        assertThat(c.members()).hasSize(3);
        assertThat(c.takeoverInterface()).isEqualTo("eth0");
    }

    @Test
    void wildcardUdpBindIsRefusedBecauseTheEndpointMustMove() throws Exception {
        String noTransport = HOME_AGENT.substring(0, HOME_AGENT.indexOf("transport:"));
        assertThat(errorOf(noTransport + CLUSTER)).startsWith(prefix()
                + "transport.udp.bind: :: (the default when transport.udp.bind is absent) cannot go with "
                + "cluster.enabled: true");
        assertThat(errorOf(HOME_AGENT.replace("2001:db8:1::1\", port", "::\", port") + CLUSTER))
                .startsWith(prefix() + "transport.udp.bind: :: cannot go with cluster.enabled: true");
    }
}
