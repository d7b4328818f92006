package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.HomeAgentSecurity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.Placement;
import org.mip6kit.spi.ProviderContext;
import org.mip6kit.spi.ProviderDescriptor;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SecurityProviderFactory;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.SpiVersion;
import org.mip6kit.spi.TransportFactory;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;

/**
 * Per-instance capabilities: each security object states what it can do as configured, a subset
 * of its descriptor's; the engine refuses an instance that claims more, and decides K (RFC 6275
 * §6.1.7, §11.7.1; RFC 4877 §4.3) and the Alternate Care-of Address option from the instance's
 * set, not the descriptor's.
 */
@Tag("small")
class CapabilitiesTest {

    private static final Set<BindingUpdate.Flag> K = Set.of(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY);

    // ------------------------------------------------------------------ home agent: K

    @Test
    void homeAgentAgreesToKWhenTheBindingUpdateSetsItAndTheInstanceKeepsItsIkeSaOnAMove() throws Exception {
        try (HomeAgentTestRig rig = HomeAgentTestRig.started(Capability.IKE_SURVIVES_MOVE)) {
            rig.deliver(HomeAgentTestRig.bu(1, 150, K), COA, HOA);

            assertThat(rig.lastAck().has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY)).isTrue();
            assertThat(rig.provider.before).singleElement().extracting(BindingChange::keyManagementMobility)
                    .isEqualTo(true);
            assertThat(rig.provider.after).singleElement().extracting(BindingChange::keyManagementMobility)
                    .isEqualTo(true);
            assertThat(rig.engine.binding(HOA).orElseThrow().keyManagementMobility()).isTrue();
        }
    }

    @Test
    void homeAgentAgreesToNoKWhenTheBindingUpdateDoesNotSetIt() throws Exception {
        try (HomeAgentTestRig rig = HomeAgentTestRig.started(Capability.IKE_SURVIVES_MOVE)) {
            rig.register(1, COA);

            assertThat(rig.lastAck().has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY)).isFalse();
            assertThat(rig.provider.before.get(0).keyManagementMobility()).isFalse();
            assertThat(rig.provider.after.get(0).keyManagementMobility()).isFalse();
        }
    }

    @Test
    void homeAgentInstanceWithoutIkeSurvivesMoveGetsNoKEvenWhenItsDescriptorHasIt() throws Exception {
        ScriptedProvider provider = new ScriptedProvider(Capability.IKE_SURVIVES_MOVE);
        provider.instanceCapabilities = EnumSet.of(Capability.INTEGRITY);
        try (HomeAgentTestRig rig = HomeAgentTestRig.started(HomeAgentTestRig.settings(), provider)) {
            assertThat(provider.descriptor().has(Capability.IKE_SURVIVES_MOVE)).isTrue();
            assertThat(rig.engine.capabilities()).containsExactly(Capability.INTEGRITY);
            rig.deliver(HomeAgentTestRig.bu(1, 150, K), COA, HOA);

            assertThat(rig.lastAck().has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY)).isFalse();
            assertThat(provider.before.get(0).keyManagementMobility()).isFalse();
            assertThat(provider.after.get(0).keyManagementMobility()).isFalse();
            assertThat(rig.engine.binding(HOA).orElseThrow().keyManagementMobility()).isFalse();
        }
    }

    // ------------------------------------------------------------------ home agent: claims

    @Test
    void homeAgentInstanceClaimingACapabilityItsDescriptorLacksIsRefusedNamingIt() {
        ScriptedProvider provider = new ScriptedProvider();
        provider.instanceCapabilities = EnumSet.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY);

        assertThatThrownBy(() -> HomeAgentTestRig.built(provider))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("CONFIDENTIALITY")
                .hasMessageContaining("scripted");
    }

    @Test
    void homeAgentInstanceRefusedForItsCapabilitiesIsClosed() {
        ScriptedProvider provider = new ScriptedProvider();
        provider.instanceCapabilities = EnumSet.of(Capability.INTEGRITY, Capability.NEEDS_ROOT);

        assertThatThrownBy(() -> HomeAgentTestRig.built(provider)).isInstanceOf(SecurityProviderException.class);
        assertThat(provider.closed).isTrue();
    }

    @Test
    void homeAgentInstanceStatingNoCapabilitiesIsRefused() {
        ScriptedProvider provider = new ScriptedProvider();
        provider.instanceCapabilities = null;

        assertThatThrownBy(() -> HomeAgentTestRig.built(provider))
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining("no capabilities");
    }

    // ------------------------------------------------------------------ mobile node

    @Test
    void mobileNodeSetsKOnlyWhenTheInstanceKeepsItsIkeSaOnAMove() throws Exception {
        MobileNodeTestRig with = new MobileNodeTestRig(Set.of(Capability.IKE_SURVIVES_MOVE), null,
                MobileNodeTestRig.settings(), MobileNodeTestRig.COA);
        with.start();
        assertThat(with.lastBu().has(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY)).isTrue();

        MobileNodeTestRig without = new MobileNodeTestRig(Set.of(Capability.IKE_SURVIVES_MOVE),
                Set.of(Capability.INTEGRITY), MobileNodeTestRig.settings(), MobileNodeTestRig.COA);
        without.start();
        assertThat(without.lastBu().has(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY)).isFalse();
    }

    @Test
    void mobileNodeAddsAnAlternateCareOfAddressOnlyWhenTheInstanceNeedsIt() throws Exception {
        MobileNodeTestRig with = new MobileNodeTestRig(Set.of(Capability.NEEDS_ALTERNATE_COA), null,
                MobileNodeTestRig.settings(), MobileNodeTestRig.COA);
        with.start();
        assertThat(with.lastBu().option(AlternateCareOfAddress.class)).isPresent();

        MobileNodeTestRig without = new MobileNodeTestRig(Set.of(Capability.NEEDS_ALTERNATE_COA),
                Set.of(Capability.INTEGRITY), MobileNodeTestRig.settings(), MobileNodeTestRig.COA);
        without.start();
        assertThat(without.lastBu().option(AlternateCareOfAddress.class)).isEmpty();
    }

    @Test
    void mobileNodeInstanceClaimingACapabilityItsDescriptorLacksIsRefusedNamingIt() {
        assertThatThrownBy(() -> new MobileNodeTestRig(Set.of(),
                Set.of(Capability.INTEGRITY, Capability.IKE_SURVIVES_MOVE), MobileNodeTestRig.settings(),
                MobileNodeTestRig.COA))
                .isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("IKE_SURVIVES_MOVE")
                .hasMessageContaining("fake-mn");
    }

    @Test
    void mobileNodeInstanceRefusedForItsCapabilitiesIsClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        SecurityProviderFactory factory = new OverclaimingMobileNodeFactory(closed);

        assertThatThrownBy(() -> MobileNodeEngine.builder()
                .provider(factory, ConfigSection.of("security.overclaiming", null, Map.of()))
                .clock(new VirtualTime().clock()).scheduler(new VirtualTime())
                .careOfAddress(MobileNodeTestRig.COA).build())
                .isInstanceOf(SecurityProviderException.class).hasMessageContaining("CONFIDENTIALITY");
        assertThat(closed).isTrue();
    }

    /** Its descriptor declares INTEGRITY only; its mobile-node instance claims CONFIDENTIALITY too. */
    private static final class OverclaimingMobileNodeFactory implements SecurityProviderFactory {
        private final AtomicBoolean closed;

        OverclaimingMobileNodeFactory(AtomicBoolean closed) {
            this.closed = closed;
        }

        @Override
        public ProviderDescriptor descriptor() {
            return new ProviderDescriptor("overclaiming", "1", SpiVersion.MAJOR, Placement.IN_MESSAGE,
                    EnumSet.of(Capability.INTEGRITY));
        }

        @Override
        public MobileNodeSecurity mobileNode(ProviderContext context, ConfigSection config) {
            return new MobileNodeSecurity() {
                @Override
                public Set<Capability> capabilities() {
                    return EnumSet.of(Capability.INTEGRITY, Capability.CONFIDENTIALITY);
                }

                @Override
                public CompletionStage<BootstrapResult> bootstrap(BootstrapRequest want) {
                    throw new AssertionError("a refused instance is never bootstrapped");
                }

                @Override
                public SignallingPath path(TransportFactory engineTransports) {
                    throw new AssertionError("a refused instance never gets a path");
                }

                @Override
                public void close() {
                    closed.set(true);
                }
            };
        }

        @Override
        public HomeAgentSecurity homeAgent(ProviderContext context, ConfigSection config) {
            throw new UnsupportedOperationException("mobile node only");
        }
    }
}
