package org.mip6kit.mn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.daemon.ConfigFile;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@code mn.yaml} is strict: every key is known, every value checked, and every error names the
 * file and the key path, as {@code <file>: <key>: <problem>}.
 */
@Tag("small")
class MobileNodeConfigTest {

    private static final Path FILE = Path.of("/etc/mip6kit/mn.yaml");

    private static final String MINIMAL = """
            mobile-node:
              home-address: 2001:db8:1::100
              home-agent: 2001:db8:1::1
              home-agent-endpoint: "[::1]:4191"
              care-of:
                address: 2001:db8:2::100
            security:
              provider: test-nai
            """;

    private static MobileNodeConfig read(String yaml) throws ProviderConfigException {
        return MobileNodeConfig.read(ConfigFile.parse(yaml, FILE), FILE);
    }

    /** The minimal file with {@code line} added under {@code mobile-node} (two-space indented). */
    private static String withMobileNodeLine(String line) {
        return MINIMAL.replace("mobile-node:\n", "mobile-node:\n  " + line + "\n");
    }

    private static void assertError(String yaml, String key, String problem) {
        assertThatThrownBy(() -> read(yaml))
                .isInstanceOf(ProviderConfigException.class)
                .hasMessageStartingWith(FILE + ": " + key + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((ProviderConfigException) e).key()).isEqualTo(key));
    }

    @Test
    void aMinimalFileGetsRfc6275DefaultsAndTheMobileNodesDaemonDefaults() throws Exception {
        MobileNodeConfig c = read(MINIMAL);
        assertThat(c.mobileNode().settings().homeAddress()).contains(Ipv6Address.parse("2001:db8:1::100"));
        assertThat(c.mobileNode().settings().homeAgent()).contains(Ipv6Address.parse("2001:db8:1::1"));
        assertThat(c.mobileNode().settings().homeAgentEndpoints())
                .containsExactly(new InetSocketAddress(Ipv6Address.parse("::1").toInetAddress(), 4191));
        assertThat(c.mobileNode().settings().requestedLifetime()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.mobileNode().settings().maxUpdatesPerSecond()).isEqualTo(3);
        assertThat(c.mobileNode().settings().initialSequence()).isEmpty();
        assertThat(c.mobileNode().careOf().address()).contains(Ipv6Address.parse("2001:db8:2::100"));
        assertThat(c.mobileNode().careOf().interfaceName()).isEmpty();
        assertThat(c.mobileNode().careOf().pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.daemon().udp().bindAddress().isAnyLocalAddress()).isTrue();
        assertThat(c.daemon().udp().port()).isZero();
        assertThat(c.daemon().adminSocket()).isEqualTo(Path.of("/etc/mip6kit/mn.sock"));
    }

    @Test
    void everyMobileNodeKeyIsRead() throws Exception {
        MobileNodeConfig c = read("""
                mobile-node:
                  home-address: 2001:db8:1::100
                  home-agent: 2001:db8:1::1
                  home-agent-endpoint: 127.0.0.1:5000
                  bootstrap: { want: home-prefix, ipv4-home-address: true }
                  care-of: { address: 192.0.2.10, interface: wlan0, poll-interval: 250ms }
                  lifetime: 120s
                  refresh-margin: 0.5
                  max-updates-per-second: 2
                  shutdown-timeout: 3s
                  initial-sequence: 65535
                  retransmission: { first-registration-timeout: 2s, initial-timeout: 500ms, max-timeout: 8s,
                                    give-up-after: 0 }
                transport: { udp: { bind: "0.0.0.0", port: 40000 } }
                admin: { socket: run/mn.sock }
                """);
        var s = c.mobileNode().settings();
        assertThat(s.homeAgentEndpoints()).containsExactly(new InetSocketAddress("127.0.0.1", 5000));
        assertThat(s.want()).isEqualTo(BootstrapRequest.Want.PREFIX_ONLY);
        assertThat(s.ipv4HomeAddress()).isTrue();
        assertThat(s.requestedLifetime()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.refreshMargin()).isEqualTo(0.5);
        assertThat(s.maxUpdatesPerSecond()).isEqualTo(2);
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.initialSequence()).contains(SequenceNumber.of(65535));
        assertThat(s.initialBindAckTimeoutFirstReg()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.initialBindAckTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.maxBindAckTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(s.giveUpAfterRetransmissions()).isZero();
        assertThat(c.mobileNode().careOf()).isEqualTo(new MobileNodeSection.CareOfSource(
                Optional.of(Ipv6Address.parse("::ffff:192.0.2.10")), Optional.of("wlan0"), Duration.ofMillis(250)));
        assertThat(c.daemon().udp().port()).isEqualTo(40000);
        assertThat(c.daemon().adminSocket()).isEqualTo(Path.of("/etc/mip6kit/run/mn.sock"));
    }

    @Test
    void anInterfaceAloneIsACareOfSource() throws Exception {
        MobileNodeConfig c = read(MINIMAL.replace("address: 2001:db8:2::100", "interface: eth0"));
        assertThat(c.mobileNode().careOf().address()).isEmpty();
        assertThat(c.mobileNode().careOf().interfaceName()).contains("eth0");
    }

    @Test
    void anUnknownTopLevelKeyNamesItself() {
        assertError(MINIMAL + "home-agent: { address: 2001:db8:1::1 }\n", "home-agent", "unknown key");
    }

    @Test
    void aMissingMobileNodeSectionIsNamed() {
        assertError("security: { provider: test-nai }\n", "mobile-node", "is required");
    }

    @Test
    void aMisspeltMobileNodeKeyNamesItsPath() {
        assertError(withMobileNodeLine("life-time: 600s"), "mobile-node.life-time", "unknown key");
    }

    @Test
    void aMisspeltCareOfKeyNamesItsPath() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "adress: 2001:db8:2::100"),
                "mobile-node.care-of.adress", "unknown key");
    }

    @Test
    void aMissingCareOfSectionIsNamed() {
        assertError(MINIMAL.replace("  care-of:\n    address: 2001:db8:2::100\n", ""), "mobile-node.care-of",
                "is required");
    }

    @Test
    void aCareOfSectionWithNeitherAddressNorInterfaceIsRefused() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "poll-interval: 1s"),
                "mobile-node.care-of.address", "unless care-of.interface is set");
    }

    @Test
    void aCareOfAddressThatIsNotAnAddressIsNamed() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "address: 192.0.2.300"),
                "mobile-node.care-of.address", "not an IPv6 or IPv4 address");
    }

    @Test
    void aMulticastCareOfAddressIsRefused() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "address: ff02::1"),
                "mobile-node.care-of.address", "multicast");
    }

    @Test
    void aLoopbackIpv4CareOfAddressIsRefused() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "address: 127.0.0.1"),
                "mobile-node.care-of.address", "loopback");
    }

    @Test
    void theHomeAddressIsNotACareOfAddress() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "address: 2001:db8:1::100"),
                "mobile-node.care-of.address", "is the home address");
    }

    @Test
    void anInterfaceNameWithASpaceIsRefused() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "interface: \"wlan 0\""),
                "mobile-node.care-of.interface", "interface name");
    }

    @Test
    void aPollIntervalBelow100msIsRefused() {
        assertError(MINIMAL.replace("address: 2001:db8:2::100", "address: 2001:db8:2::100\n    poll-interval: 10ms"),
                "mobile-node.care-of.poll-interval", "must be between");
    }

    @Test
    void aHomeAddressThatIsIpv4IsNamed() {
        assertError(MINIMAL.replace("home-address: 2001:db8:1::100", "home-address: 192.0.2.1"),
                "mobile-node.home-address", "IPv6 address");
    }

    @Test
    void anEndpointWithoutBracketsAroundIpv6AndAPortIsReadAsAnAddressAlone() throws Exception {
        MobileNodeConfig c = read(MINIMAL.replace("\"[::1]:4191\"", "\"::1\""));
        assertThat(c.mobileNode().settings().homeAgentEndpoints()).singleElement()
                .satisfies(e -> assertThat(e.getPort()).isEqualTo(4191));
    }

    @Test
    void anEndpointPortOutOfRangeIsNamed() {
        assertError(MINIMAL.replace("[::1]:4191", "[::1]:70000"), "mobile-node.home-agent-endpoint", "1..65535");
    }

    @Test
    void anEndpointHostNameIsRefusedBecauseConfigurationNeverWaitsOnDns() {
        assertError(MINIMAL.replace("\"[::1]:4191\"", "ha.example.org:4191"), "mobile-node.home-agent-endpoint",
                "no host names");
    }

    @Test
    void anEndpointListOfOneIpv6AndOneIpv4EndpointIsRead() throws Exception {
        MobileNodeConfig c = read(MINIMAL.replace("\"[::1]:4191\"", "[\"[::1]:4191\", \"127.0.0.1:5000\"]"));
        assertThat(c.mobileNode().settings().homeAgentEndpoints()).containsExactly(
                new InetSocketAddress(Ipv6Address.parse("::1").toInetAddress(), 4191),
                new InetSocketAddress("127.0.0.1", 5000));
    }

    @Test
    void anEndpointListMayBeWrittenAsABlockSequence() throws Exception {
        MobileNodeConfig c = read(MINIMAL.replace("\"[::1]:4191\"", "\n    - 127.0.0.1\n    - \"[::1]:4191\""));
        assertThat(c.mobileNode().settings().homeAgentEndpoints()).containsExactly(
                new InetSocketAddress("127.0.0.1", 4191),
                new InetSocketAddress(Ipv6Address.parse("::1").toInetAddress(), 4191));
    }

    @Test
    void anEndpointListOfOneIsRead() throws Exception {
        MobileNodeConfig c = read(MINIMAL.replace("\"[::1]:4191\"", "[127.0.0.1]"));
        assertThat(c.mobileNode().settings().homeAgentEndpoints())
                .containsExactly(new InetSocketAddress("127.0.0.1", 4191));
    }

    @Test
    void otherHomeAgentsMapAHomeAgentAddressToItsEndpoints() throws Exception {
        MobileNodeConfig c = read(MINIMAL.replace("  care-of:", "  other-home-agents:\n"
                + "    \"2001:db8:1::2\": \"[::1]:4192\"\n"
                + "    \"2001:db8:1::3\": [\"[::1]:4193\", \"127.0.0.1:4193\"]\n"
                + "  care-of:"));
        assertThat(c.mobileNode().settings().otherHomeAgentEndpoints()).containsOnly(
                java.util.Map.entry(Ipv6Address.parse("2001:db8:1::2"),
                        java.util.List.of(new InetSocketAddress(Ipv6Address.parse("::1").toInetAddress(), 4192))),
                java.util.Map.entry(Ipv6Address.parse("2001:db8:1::3"),
                        java.util.List.of(new InetSocketAddress(Ipv6Address.parse("::1").toInetAddress(), 4193),
                                new InetSocketAddress("127.0.0.1", 4193))));
        assertThat(read(MINIMAL).mobileNode().settings().otherHomeAgentEndpoints()).isEmpty();
    }

    @Test
    void anOtherHomeAgentThatIsNoIpv6AddressIsNamed() {
        assertError(MINIMAL.replace("  care-of:", "  other-home-agents:\n    ha2.example.org: \"[::1]:4192\"\n"
                + "  care-of:"), "mobile-node.other-home-agents.ha2.example.org", "home agent's IPv6 address");
    }

    @Test
    void twoEndpointsOfOneAddressFamilyAreRefused() {
        assertError(MINIMAL.replace("\"[::1]:4191\"", "[\"[::1]:4191\", \"[2001:db8:1::1]:4191\"]"),
                "mobile-node.home-agent-endpoint", "lists two IPv6 endpoints");
        assertError(MINIMAL.replace("\"[::1]:4191\"", "[127.0.0.1, 192.0.2.1]"),
                "mobile-node.home-agent-endpoint", "lists two IPv4 endpoints");
    }

    @Test
    void moreThanTwoEndpointsAreRefused() {
        assertError(MINIMAL.replace("\"[::1]:4191\"", "[\"[::1]:4191\", 127.0.0.1, 192.0.2.1]"),
                "mobile-node.home-agent-endpoint", "got a list of 3");
    }

    @Test
    void anEmptyEndpointListIsRefused() {
        assertError(MINIMAL.replace("\"[::1]:4191\"", "[]"), "mobile-node.home-agent-endpoint",
                "got a list of 0");
    }

    @Test
    void anEndpointSectionIsRefused() {
        assertError(MINIMAL.replace("\"[::1]:4191\"", "{ address: 127.0.0.1 }"), "mobile-node.home-agent-endpoint",
                "got a section");
    }

    @Test
    void aBadEndpointInAListNamesItsIndex() {
        assertError(MINIMAL.replace("\"[::1]:4191\"", "[\"[::1]:4191\", \"127.0.0.1:0\"]"),
                "mobile-node.home-agent-endpoint[1]", "1..65535");
    }

    @Test
    void aLifetimeThatIsNotAMultipleOfFourSecondsIsRefused() {
        assertError(withMobileNodeLine("lifetime: 10s"), "mobile-node.lifetime", "multiple of 4 s");
    }

    @Test
    void aLifetimeBeyondTheSixteenBitFieldIsRefused() {
        assertError(withMobileNodeLine("lifetime: 100h"), "mobile-node.lifetime", "must be between");
    }

    @Test
    void aRefreshMarginOfOneIsRefused() {
        assertError(withMobileNodeLine("refresh-margin: 1"), "mobile-node.refresh-margin", "strictly between 0 and 1");
    }

    @Test
    void anUnknownBootstrapWantIsNamed() {
        assertError(withMobileNodeLine("bootstrap: { want: everything }"), "mobile-node.bootstrap.want",
                "home-address or home-prefix");
    }

    @Test
    void aMaximumTimeoutBelowTheInitialOneIsRefused() {
        assertError(withMobileNodeLine("retransmission: { initial-timeout: 4s, max-timeout: 2s }"),
                "mobile-node.retransmission.max-timeout", "at least");
    }

    @Test
    void retransmissionTimeoutsAllBelowTheDefaultsAreAccepted() throws Exception {
        var s = read(withMobileNodeLine("retransmission: { first-registration-timeout: 100ms, initial-timeout: 100ms, "
                + "max-timeout: 200ms, give-up-after: 1 }")).mobileNode().settings();
        assertThat(s.initialBindAckTimeoutFirstReg()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.initialBindAckTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.maxBindAckTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.giveUpAfterRetransmissions()).isEqualTo(1);
    }

    @Test
    void aMaximumTimeoutBelowTheDefaultFirstRegistrationTimeoutIsNamed() {
        assertError(withMobileNodeLine("retransmission: { max-timeout: 1s }"),
                "mobile-node.retransmission.max-timeout", "first-registration-timeout");
    }

    @Test
    void anInitialSequenceBeyondSixteenBitsIsRefused() {
        assertError(withMobileNodeLine("initial-sequence: 65536"), "mobile-node.initial-sequence", "between 0 and 65535");
    }

    @Test
    void aMisspeltTransportKeyIsNamed() {
        assertError(MINIMAL + "transport: { udp: { bind: \"::\", prot: 0 } }\n", "transport.udp.prot", "unknown key");
    }

    @Test
    void aMisspeltAdminKeyIsNamed() {
        assertError(MINIMAL + "admin: { path: mn.sock }\n", "admin.path", "unknown key");
    }

    @Test
    void anUnknownLogLevelIsNamed() {
        assertError(MINIMAL + "logging: { level: loud }\n", "logging.level", "must be one of");
    }

    @Test
    void theAdminSocketAloneIsReadWithoutCheckingTheRest() throws Exception {
        Path file = Path.of("/nonexistent/mn.yaml");
        assertThatThrownBy(() -> MobileNodeConfig.adminSocket(file))
                .isInstanceOf(ProviderConfigException.class).hasMessageContaining(file.toString());
    }
}
