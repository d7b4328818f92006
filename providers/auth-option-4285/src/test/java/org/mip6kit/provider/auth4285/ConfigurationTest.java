package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.VirtualTime;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderConfigException;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.wire.MobilityOptionRegistry;

/** The provider's configuration section and descriptor. */
@Tag("small")
class ConfigurationTest {

    private static final String SECTION = "security.auth-option-4285";
    private static final Map<String, Object> ROW = Map.of("nai", "mn1@example.com", "spi", 256, "key", Parties.KEY);

    @Test
    void providerIsFoundByServiceLoaderUnderItsName() {
        List<String> names = ServiceLoader.load(SecurityProviderFactory.class).stream()
                .map(p -> p.get().descriptor().name()).toList();
        assertThat(names).contains(AuthOption4285Provider.NAME);
    }

    @Test
    void descriptorSaysInMessageIntegrityClockSyncAndHomeAgentSwitchAndRegistersOptions9And10() {
        AuthOption4285Provider p = new AuthOption4285Provider();
        assertThat(p.descriptor().placement()).isEqualTo(Placement.IN_MESSAGE);
        assertThat(p.descriptor().capabilities()).containsExactlyInAnyOrder(Capability.INTEGRITY,
                Capability.NEEDS_CLOCK_SYNC, Capability.PROTECTS_HOME_AGENT_SWITCH);
        MobilityOptionRegistry r = MobilityOptionRegistry.standard();
        for (var c : p.optionCodecs()) {
            r = r.with(c);
        }
        assertThat(r.name(9)).isEqualTo("Mobility Message Authentication");
        assertThat(r.name(10)).isEqualTo("Mobility Message Replay Protection");
    }

    @Test
    void unknownKeyIsAnErrorNamingTheKey() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> homeAgent(Map.of("keys", List.of(ROW), "replay-windw", "7s")));
        assertThat(e.key()).isEqualTo(SECTION + ".replay-windw");
        assertThat(e.getMessage()).contains("replay-window");
    }

    @Test
    void replayWindowShorterThanThreeSecondsIsRefused() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> homeAgent(Map.of("keys", List.of(ROW), "replay-window", "2s")));
        assertThat(e.key()).isEqualTo(SECTION + ".replay-window");
        assertThat(homeAgentOk(Map.of("keys", List.of(ROW), "replay-window", "3s"))).isTrue();
    }

    @Test
    void homeAgentWithoutAnyKeyIsRefused() {
        ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> homeAgent(Map.of()));
        assertThat(e.key()).isEqualTo(SECTION + ".key-table");
    }

    @Test
    void mnAaaWithoutAnAaaClientIsAConfigurationErrorSayingNoRadiusOrDiameterClientExistsYet() throws Exception {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> homeAgent(Map.of("keys", List.of(ROW), "mn-aaa", true)));
        assertThat(e.key()).isEqualTo(SECTION + ".mn-aaa");
        assertThat(e.getMessage()).contains("RADIUS or Diameter client").contains("none yet");
        AaaClient client = request -> CompletableFuture.completedFuture(AaaClient.Answer.refused());
        // with a client the same switch is accepted, and then the key table may even be empty
        try (HomeAgentSecurity ha = new AuthOption4285Provider(client).homeAgent(context(),
                ConfigSection.of(SECTION, null, Map.of("mn-aaa", true)))) {
            assertThat(ha.capabilities()).containsExactlyInAnyOrder(Capability.INTEGRITY, Capability.NEEDS_CLOCK_SYNC,
                    Capability.PROTECTS_HOME_AGENT_SWITCH);
            assertThat(ha.perNodeStateCount()).isZero();
        }
    }

    @Test
    void mobileNodeNeedsANaiAndAKey() {
        ProviderConfigException noSpi = assertThrows(ProviderConfigException.class,
                () -> mobileNode(Map.of("nai", "mn1@example.com", "key", Parties.KEY)));
        assertThat(noSpi.key()).isEqualTo(SECTION + ".spi");
        ProviderConfigException noKey = assertThrows(ProviderConfigException.class,
                () -> mobileNode(Map.of("nai", "mn1@example.com", "spi", 256)));
        assertThat(noKey.key()).isEqualTo(SECTION + ".key");
        ProviderConfigException badNai = assertThrows(ProviderConfigException.class,
                () -> mobileNode(Map.of("nai", "mn 1@example.com", "spi", 256, "key", Parties.KEY)));
        assertThat(badNai.key()).isEqualTo(SECTION + ".nai");
    }

    @Test
    void mobileNodeTakesEitherAKeyTableOrOneKey() throws Exception {
        var table = KeyTableTest.privateFile("mn1@example.com 256 hmac-sha1 key=" + Parties.KEY + "\n");
        ProviderConfigException both = assertThrows(ProviderConfigException.class, () -> mobileNode(Map.of(
                "nai", "mn1@example.com", "spi", 256, "key-table", table.toString())));
        assertThat(both.key()).isEqualTo(SECTION + ".spi");
        ProviderConfigException none = assertThrows(ProviderConfigException.class, () -> mobileNode(Map.of(
                "nai", "other@example.com", "key-table", table.toString())));
        assertThat(none.getMessage()).contains("no security association for other@example.com");
    }

    @Test
    void homeAgentEndpointMustBeAnAddressLiteralWithAPort() {
        assertThat(mobileNodeOk(Map.of("nai", "mn1@example.com", "spi", 256, "key", Parties.KEY,
                "home-agent-endpoint", "192.0.2.1:4191"))).isTrue();
        for (String bad : new String[] {"ha.example.com:4191", "[2001:db8::1]", "192.0.2.1:70000"}) {
            ProviderConfigException e = assertThrows(ProviderConfigException.class, () -> mobileNode(Map.of(
                    "nai", "mn1@example.com", "spi", 256, "key", Parties.KEY, "home-agent-endpoint", bad)), bad);
            assertThat(e.key()).isEqualTo(SECTION + ".home-agent-endpoint");
        }
    }

    @Test
    void errorsAndObjectsNeverShowTheKey() throws Exception {
        ProviderConfigException e = assertThrows(ProviderConfigException.class,
                () -> mobileNode(Map.of("nai", "mn1@example.com", "spi", 7, "key", Parties.KEY)));
        assertThat(e.getMessage()).doesNotContain(Parties.KEY);
        ProviderContext ctx = context();
        var ha = new AuthOption4285Provider().homeAgent(ctx, ConfigSection.of(SECTION, null, Map.of("keys", List.of(ROW))));
        var mn = new AuthOption4285Provider().mobileNode(ctx, ConfigSection.of(SECTION, null, ROW));
        for (Object o : List.of(ha, mn, new AuthOption4285Provider())) {
            assertThat(o.toString()).doesNotContain(Parties.KEY);
        }
    }

    private static void homeAgent(Map<String, Object> values) throws ProviderConfigException {
        new AuthOption4285Provider().homeAgent(context(), ConfigSection.of(SECTION, null, values));
    }

    private static boolean homeAgentOk(Map<String, Object> values) {
        try {
            homeAgent(values);
            return true;
        } catch (ProviderConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static void mobileNode(Map<String, Object> values) throws ProviderConfigException {
        new AuthOption4285Provider().mobileNode(context(), ConfigSection.of(SECTION, null, values));
    }

    private static boolean mobileNodeOk(Map<String, Object> values) {
        try {
            mobileNode(values);
            return true;
        } catch (ProviderConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static ProviderContext context() {
        return new TestContext(ProviderContext.Role.HOME_AGENT, new VirtualTime());
    }
}
