package org.mip6kit.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mip6kit.engine.HomeAgentSettings;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * {@code ha.yaml} is read strictly: every documented key is honoured, and an unknown key, a bad
 * value or a missing required key is an error of the form {@code <file>: <key>: <problem>}.
 */
@Tag("small")
class HomeAgentConfigTest {

    private static final String MINIMAL = """
            home-agent:
              address: 2001:db8:1::1
              home-prefixes: [2001:db8:1::/64]
            """;

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        return Files.writeString(dir.resolve("ha.yaml"), yaml);
    }

    private HomeAgentConfig load(String yaml) throws Exception {
        return HomeAgentConfig.load(file(yaml));
    }

    private String errorOf(String yaml) throws Exception {
        Path f = file(yaml);
        try {
            HomeAgentConfig.load(f);
        } catch (ProviderConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a configuration error for:\n" + yaml);
    }

    private String prefix() {
        return dir.resolve("ha.yaml") + ": ";
    }

    @Test
    void minimalFileTakesTheDocumentedDefaults() throws Exception {
        HomeAgentConfig c = load(MINIMAL);

        HomeAgentSettings s = c.homeAgent();
        assertThat(s.homeAgentAddress()).isEqualTo(Ipv6Address.parse("2001:db8:1::1"));
        assertThat(s.homePrefixes()).containsExactly(HomePrefix.parse("2001:db8:1::/64"));
        assertThat(s.maxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(s.refreshAdviceRatio()).isEqualTo(0.8);
        assertThat(s.replayHold()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.sequenceNumberHold()).as("outside RFC 6275: off unless asked for").isFalse();
        assertThat(s.maxBindings()).isEqualTo(1_000_000);
        assertThat(s.beforeAckTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.daemon().udp()).isEqualTo(new UdpTransport.Config(InetAddress.getByName("::"), 4191, 1 << 20));
        assertThat(c.daemon().adminSocket()).isEqualTo(dir.resolve("ha.sock"));
        assertThat(c.file()).isEqualTo(dir.resolve("ha.yaml"));
    }

    @Test
    void everyHomeAgentKeyIsRead() throws Exception {
        HomeAgentSettings s = load("""
                home-agent:
                  address: 2001:db8:1::2
                  home-prefixes: [2001:db8:1::/64, 2001:db8:5::/48]
                  max-lifetime: 10m
                  refresh-advice-ratio: 0.5
                  replay-hold: 90s
                  sequence-number-hold: true
                  max-bindings: 1000
                  max-home-addresses-per-identity: 2
                  before-ack-timeout: 750ms
                  sweep-interval: 2s
                  nat-keepalive: 30s
                  failure-replies-per-second: 5
                  failure-replies-per-source-per-second: 3
                  failure-replies-per-identity-per-second: 2
                  failure-log-lines-per-second: 0.5
                  state-log-lines-per-second: 7
                  shutdown-timeout: PT12S
                """).homeAgent();

        assertThat(s).isEqualTo(HomeAgentSettings.builder(Ipv6Address.parse("2001:db8:1::2"),
                        HomePrefix.parse("2001:db8:1::/64"), HomePrefix.parse("2001:db8:5::/48"))
                .maxLifetime(Duration.ofMinutes(10))
                .refreshAdviceRatio(0.5)
                .beforeAckTimeout(Duration.ofMillis(750))
                .replayHold(Duration.ofSeconds(90))
                .sequenceNumberHold(true)
                .maxBindings(1000)
                .maxHomeAddressesPerIdentity(2)
                .sweepInterval(Duration.ofSeconds(2))
                .natKeepalive(Duration.ofSeconds(30))
                .failureRepliesPerSecond(5)
                .failureRepliesPerSourcePerSecond(3)
                .failureRepliesPerIdentityPerSecond(2)
                .failureLogLinesPerSecond(0.5)
                .stateLogLinesPerSecond(7)
                .shutdownTimeout(Duration.ofSeconds(12))
                .build());
    }

    @Test
    void unknownTopLevelKeyIsNamedWithTheFile() throws Exception {
        assertThat(errorOf(MINIMAL + "home-agnet: {}\n")).isEqualTo(prefix()
                + "home-agnet: unknown key; allowed here: admin, cluster, data-plane, home-agent, logging, metrics, "
                + "security, state, transport");
    }

    @Test
    void unknownHomeAgentKeyIsNamedWithItsPath() throws Exception {
        assertThat(errorOf(MINIMAL + "  max-lifetim: 1h\n"))
                .startsWith(prefix() + "home-agent.max-lifetim: unknown key; allowed here: address, ");
    }

    @Test
    void badAddressIsNamed() throws Exception {
        assertThat(errorOf(MINIMAL.replace("2001:db8:1::1\n", "2001:db8:1::zz\n"))).isEqualTo(prefix()
                + "home-agent.address: is not an IPv6 address: '2001:db8:1::zz' (write it like 2001:db8:1::1)");
    }

    @Test
    void multicastAddressIsRefused() throws Exception {
        assertThat(errorOf(MINIMAL.replace("2001:db8:1::1\n", "ff02::1\n"))).isEqualTo(prefix()
                + "home-agent.address: must be a global or unique-local unicast IPv6 address, got ff02::1");
    }

    @Test
    void missingAddressIsNamed() throws Exception {
        assertThat(errorOf("home-agent:\n  home-prefixes: [2001:db8:1::/64]\n"))
                .isEqualTo(prefix() + "home-agent.address: is required");
    }

    @Test
    void missingHomePrefixesIsNamed() throws Exception {
        assertThat(errorOf("home-agent:\n  address: 2001:db8:1::1\n"))
                .isEqualTo(prefix() + "home-agent.home-prefixes: is required: a list of prefixes such as "
                        + "[2001:db8:1::/64]");
    }

    @Test
    void missingHomeAgentSectionIsNamed() throws Exception {
        assertThat(errorOf("transport: { udp: { port: 4191 } }\n")).startsWith(prefix() + "home-agent: is required");
    }

    @Test
    void prefixWithHostBitsIsRefusedWithTheMaskedSuggestion() throws Exception {
        assertThat(errorOf(MINIMAL.replace("[2001:db8:1::/64]", "[2001:db8:1::1/64]"))).isEqualTo(prefix()
                + "home-agent.home-prefixes[0]: has bits set beyond its length: did you mean 2001:db8:1::/64?");
    }

    @Test
    void prefixWithoutLengthIsNamed() throws Exception {
        assertThat(errorOf(MINIMAL.replace("[2001:db8:1::/64]", "[2001:db8:1::/64, '2001:db8:2::']")))
                .startsWith(prefix() + "home-agent.home-prefixes[1]: is not an IPv6 prefix: '2001:db8:2::'");
    }

    @Test
    void maxLifetimeBeyondTheSixteenBitFieldIsRefused() throws Exception {
        assertThat(errorOf(MINIMAL + "  max-lifetime: 73h\n"))
                .startsWith(prefix() + "home-agent.max-lifetime: must be between PT4S and PT72H49M");
    }

    @Test
    void refreshAdviceRatioOfOneIsRefused() throws Exception {
        assertThat(errorOf(MINIMAL + "  refresh-advice-ratio: 1\n"))
                .isEqualTo(prefix() + "home-agent.refresh-advice-ratio: must be at least 0.0 and below 1.0, got 1");
    }

    @Test
    void maxBindingsThatIsNotANumberIsNamed() throws Exception {
        assertThat(errorOf(MINIMAL + "  max-bindings: lots\n"))
                .isEqualTo(prefix() + "home-agent.max-bindings: must be a whole number, got 'lots'");
    }

    @Test
    void transportErrorsNameTheFileToo() throws Exception {
        assertThat(errorOf(MINIMAL + "transport: { udp: { bind: ha.example.org } }\n"))
                .startsWith(prefix() + "transport.udp.bind: is not an IP address literal: 'ha.example.org'");
    }

    @Test
    void metricsAreOffByDefaultAndTheEndpointWouldListenOnLoopback() throws Exception {
        MetricsSettings m = load(MINIMAL).metrics();
        assertThat(m).isEqualTo(MetricsSettings.defaults());
        assertThat(m.prometheus()).isFalse();
        assertThat(m.jmx()).isFalse();
        assertThat(m.prometheusBind().isLoopbackAddress()).isTrue();
        assertThat(m.prometheusPort()).isEqualTo(9464);
    }

    @Test
    void everyMetricsKeyIsRead() throws Exception {
        MetricsSettings m = load(MINIMAL + "metrics:\n  prometheus: { enabled: true, bind: \"2001:db8:1::1\", "
                + "port: 9100 }\n  jmx: { enabled: true }\n").metrics();
        assertThat(m.prometheus()).isTrue();
        assertThat(m.prometheusBind()).isEqualTo(java.net.InetAddress.getByName("2001:db8:1::1"));
        assertThat(m.prometheusPort()).isEqualTo(9100);
        assertThat(m.jmx()).isTrue();
    }

    @Test
    void unknownMetricsKeysAreNamedWithTheirPath() throws Exception {
        assertThat(errorOf(MINIMAL + "metrics: { graphite: {} }\n"))
                .isEqualTo(prefix() + "metrics.graphite: unknown key; allowed here: jmx, prometheus");
        assertThat(errorOf(MINIMAL + "metrics: { prometheus: { enable: true } }\n"))
                .isEqualTo(prefix() + "metrics.prometheus.enable: unknown key; allowed here: bind, enabled, port");
        assertThat(errorOf(MINIMAL + "metrics: { jmx: { domain: x } }\n"))
                .isEqualTo(prefix() + "metrics.jmx.domain: unknown key; allowed here: enabled");
    }

    @Test
    void badMetricsValuesAreNamed() throws Exception {
        assertThat(errorOf(MINIMAL + "metrics: { prometheus: { port: 70000 } }\n"))
                .startsWith(prefix() + "metrics.prometheus.port: ");
        assertThat(errorOf(MINIMAL + "metrics: { prometheus: { bind: localhost } }\n"))
                .startsWith(prefix() + "metrics.prometheus.bind: is not an IP address literal: 'localhost'");
        assertThat(errorOf(MINIMAL + "metrics: { prometheus: { enabled: yes please } }\n"))
                .startsWith(prefix() + "metrics.prometheus.enabled: ");
    }

    @Test
    void duplicateKeyIsAnError() throws Exception {
        assertThat(errorOf(MINIMAL + "  address: 2001:db8:1::3\n"))
                .startsWith(prefix() + "(file): is not valid YAML")
                .contains("Duplicate field 'address'");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> HomeAgentConfig.load(missing))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(missing + ": (file): does not exist")
                .hasMessageContaining("docs/errors.md#config-file");
    }

    @Test
    void securitySectionIsLeftForStartUp() throws Exception {
        HomeAgentConfig c = load(MINIMAL + "security:\n  provider: anything\n  anything: { whatever: 1 }\n");

        assertThat(c.root().section("security").string("provider")).isEqualTo("anything");
    }

    @Test
    void stateIsDurableByDefaultInADirectoryNextToTheFile() throws Exception {
        StateSettings st = load(MINIMAL).state();

        assertThat(st.enabled()).isTrue();
        assertThat(st.directory()).isEqualTo(dir.resolve("ha-state"));
        assertThat(st.syncDelay()).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void stateSectionIsReadInFullAndARelativeDirectoryIsResolvedAgainstTheFile() throws Exception {
        StateSettings st = load(MINIMAL + "state:\n  enabled: false\n  directory: ../var/ha\n  sync-delay: 0ms\n")
                .state();

        assertThat(st.enabled()).isFalse();
        assertThat(st.directory()).isEqualTo(dir.getParent().resolve("var/ha"));
        assertThat(st.syncDelay()).isZero();
    }

    @Test
    void stateSectionRefusesUnknownKeysAndASyncDelayOverOneSecond() throws Exception {
        assertThat(errorOf(MINIMAL + "state:\n  sync-delay: 2s\n")).startsWith(prefix() + "state.sync-delay");
        assertThat(errorOf(MINIMAL + "state:\n  fsync: always\n")).startsWith(prefix() + "state.fsync: unknown key");
    }

    @Test
    void exampleConfigurationInTheDocsLoads() throws Exception {
        Path example = repositoryRoot().resolve("docs/examples/ha.yaml");

        HomeAgentConfig c = HomeAgentConfig.load(example);

        assertThat(c.homeAgent().homeAgentAddress()).isEqualTo(Ipv6Address.parse("2001:db8:1::1"));
        assertThat(c.homeAgent().homePrefixes()).containsExactly(HomePrefix.parse("2001:db8:1::/64"));
        assertThat(c.daemon().udp().bindAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(c.daemon().udp().port()).isEqualTo(4191);
        assertThat(c.daemon().adminSocket()).isEqualTo(example.getParent().resolve("ha.sock"));
    }

    static Path repositoryRoot() {
        String env = System.getenv("MIP6KIT_ROOT");
        if (env != null && Files.isRegularFile(Path.of(env, "mip6kit"))) {
            return Path.of(env).toAbsolutePath();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mip6kit")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
    }
}
