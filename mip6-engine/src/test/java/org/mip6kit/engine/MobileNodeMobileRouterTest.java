package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNetworkPrefix;

/** RFC 3963 §5 at the mobile router: the R flag, explicit and implicit mode, and the answers it must treat as failures. */
@Tag("small")
class MobileNodeMobileRouterTest {

    private static final HomePrefix NET_A = HomePrefix.parse("2001:db8:100::/48");
    private static final HomePrefix NET_B = HomePrefix.parse("2001:db8:200:1::/64");

    private static MobileNodeTestRig router(MobileRouterSettings mode) throws Exception {
        return new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings().toBuilder().mobileRouter(mode).build());
    }

    private static void ackWithR(MobileNodeTestRig rig, BindingUpdate bu) {
        rig.deliver(new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                Set.of(BindingAcknowledgement.Flag.MOBILE_ROUTER), bu.sequence(), bu.lifetime(), List.of()));
    }

    private static MobileNodeRegistrationException failure(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("expected the stage to fail");
        } catch (CompletionException e) {
            return (MobileNodeRegistrationException) e.getCause();
        }
    }

    @Test
    void explicitModeSetsRAndCarriesOnePrefixOptionPerPrefix() throws Exception {
        MobileNodeTestRig rig = router(MobileRouterSettings.explicit(List.of(NET_A, NET_B)));
        rig.start();

        BindingUpdate bu = rig.lastBu();
        assertThat(bu.has(BindingUpdate.Flag.MOBILE_ROUTER)).isTrue();
        assertThat(bu.options(MobileNetworkPrefix.class)).containsExactly(
                new MobileNetworkPrefix(48, Ipv6Address.parse("2001:db8:100::")),
                new MobileNetworkPrefix(64, Ipv6Address.parse("2001:db8:200:1::")));
    }

    @Test
    void implicitModeSetsRAndCarriesNoPrefixOption() throws Exception {
        MobileNodeTestRig rig = router(MobileRouterSettings.implicit(List.of(NET_A)));
        rig.start();

        BindingUpdate bu = rig.lastBu();
        assertThat(bu.has(BindingUpdate.Flag.MOBILE_ROUTER)).isTrue();
        assertThat(bu.options(MobileNetworkPrefix.class)).isEmpty();
    }

    @Test
    void mobileHostNeverSetsR() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();

        assertThat(rig.lastBu().has(BindingUpdate.Flag.MOBILE_ROUTER)).isFalse();
        assertThat(rig.lastBu().options(MobileNetworkPrefix.class)).isEmpty();
    }

    @Test
    void acknowledgementWithRCompletesTheRegistrationAndRefreshesKeepR() throws Exception {
        MobileNodeTestRig rig = router(MobileRouterSettings.explicit(List.of(NET_A)));
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        ackWithR(rig, rig.lastBu());

        assertThat(started.join().careOfAddress()).isEqualTo(MobileNodeTestRig.COA);
        rig.time.advance(Duration.ofSeconds(481));   // the refresh point of a 600 s lifetime
        BindingUpdate refresh = rig.bus().get(1);
        assertThat(refresh.lifetime()).isEqualTo(Lifetime.ofSeconds(600));
        assertThat(refresh.has(BindingUpdate.Flag.MOBILE_ROUTER)).isTrue();
        assertThat(refresh.options(MobileNetworkPrefix.class)).hasSize(1);
    }

    @Test
    void acceptanceWithoutRIsAFailureTheProviderIsNotAskedAbout() throws Exception {
        MobileNodeTestRig rig = router(MobileRouterSettings.explicit(List.of(NET_A)));
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        BindingUpdate bu = rig.lastBu();
        rig.ack(BindingAckStatus.ACCEPTED, bu.sequence(), bu.lifetime());

        MobileNodeRegistrationException x = failure(started);
        assertThat(x.reason()).isEqualTo(MobileNodeRegistrationException.Reason.REJECTED);
        assertThat(x.getMessage()).contains("does not support mobile routers");
        assertThat(rig.engine.registration()).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_ACCEPTED)).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_REJECTED)).hasSize(1);
        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.LOST);
        rig.time.advance(Duration.ofMinutes(5));
        assertThat(rig.bus()).as("no retransmission after the failure").hasSize(1);
    }

    @Test
    void status142FailsTheRegistrationWithoutAskingTheProvider() throws Exception {
        MobileNodeTestRig rig = router(MobileRouterSettings.explicit(List.of(NET_A)));
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.ack(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX, rig.lastBu().sequence(), Lifetime.ZERO);

        MobileNodeRegistrationException x = failure(started);
        assertThat(x.status()).contains(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX);
        assertThat(x.getMessage()).contains("mobile-node.mobile-router.prefixes");
        assertThat(rig.factory.security.rejections).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_REJECTED).get(0).status())
                .contains(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX);
    }

    @Test
    void statuses140To143EachEndTheRegistrationWithTheirOwnAdvice() throws Exception {
        for (BindingAckStatus s : List.of(BindingAckStatus.MOBILE_ROUTER_OPERATION_NOT_PERMITTED,
                BindingAckStatus.INVALID_PREFIX, BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX,
                BindingAckStatus.FORWARDING_SETUP_FAILED)) {
            MobileNodeTestRig rig = router(MobileRouterSettings.implicit(List.of()));
            CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
            rig.ack(s, rig.lastBu().sequence(), Lifetime.ZERO);

            MobileNodeRegistrationException x = failure(started);
            assertThat(x.status()).contains(s);
            assertThat(x.getMessage()).contains("(" + s.code() + ")");
            assertThat(rig.factory.security.rejections).isEmpty();
        }
    }

    @Test
    void deregistrationKeepsRButCarriesNoPrefix() throws Exception {
        MobileNodeTestRig rig = router(MobileRouterSettings.explicit(List.of(NET_A)));
        rig.start();
        ackWithR(rig, rig.lastBu());
        rig.time.advance(Duration.ofSeconds(10));
        rig.engine.returnHome();
        rig.time.runDue();

        BindingUpdate bu = rig.lastBu();
        assertThat(bu.lifetime()).isEqualTo(Lifetime.ZERO);
        assertThat(bu.has(BindingUpdate.Flag.MOBILE_ROUTER)).isTrue();
        assertThat(bu.options(MobileNetworkPrefix.class)).isEmpty();
    }

    @Test
    void explicitModeNeedsAPrefix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MobileRouterSettings.explicit(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }
}
