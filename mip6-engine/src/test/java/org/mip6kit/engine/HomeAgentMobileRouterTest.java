package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.COA2;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;
import static org.mip6kit.engine.HomeAgentTestRig.HOA2;
import static org.mip6kit.engine.HomeAgentTestRig.OWNER;
import static org.mip6kit.engine.HomeAgentTestRig.PREFIX;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNetworkPrefix;
import org.mip6kit.wire.MobilityOption;

/**
 * RFC 3963 §6 at the home agent: the R flag, the prefix table, explicit and implicit mode, the
 * statuses 140–143, the R flag in the acknowledgement, and prefixes leaving with the binding.
 */
@Tag("small")
class HomeAgentMobileRouterTest {

    private static final HomePrefix AUTHORISED = HomePrefix.parse("2001:db8:100::/48");
    private static final HomePrefix AUTHORISED_TOO = HomePrefix.parse("2001:db8:200::/48");
    private static final MobileNetworkPrefix NET_A = mnp("2001:db8:100::", 48);
    private static final MobileNetworkPrefix NET_B = mnp("2001:db8:200:1::", 64);
    private static final Set<BindingUpdate.Flag> R = Set.of(BindingUpdate.Flag.MOBILE_ROUTER);

    private HomeAgentTestRig rig;
    private final List<String> forwarding = new ArrayList<>();
    private String failForwarding;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    private static MobileNetworkPrefix mnp(String prefix, int length) {
        return new MobileNetworkPrefix(length, Ipv6Address.parse(prefix));
    }

    private static HomeAgentSettings withRouters(MobileRouterAuthorization... routers) {
        return HomeAgentTestRig.settings().toBuilder().mobileRouters(List.of(routers)).build();
    }

    /** OWNER (the scripted provider's identity) may route 2001:db8:100::/48 and 2001:db8:200::/48. */
    private void startWithOwnerAsRouter() throws Exception {
        start(withRouters(new MobileRouterAuthorization(OWNER.toString(), List.of(AUTHORISED, AUTHORISED_TOO))));
    }

    private void start(HomeAgentSettings settings) throws Exception {
        rig = HomeAgentTestRig.started(settings, new ScriptedProvider(), new BindingForwarding() {
            @Override
            public CompletionStage<Void> prepare(BindingChange change) {
                if (failForwarding != null) {
                    return CompletableFuture.failedFuture(new IllegalStateException(failForwarding));
                }
                forwarding.add("prepare " + change.kind() + " " + change.mobileNetworkPrefixes());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void abandoned(BindingChange change) {
                forwarding.add("abandoned " + change.kind());
            }

            @Override
            public void removed(BindingChange change) {
                forwarding.add("removed " + change.kind() + " " + change.mobileNetworkPrefixes());
            }
        });
    }

    private void registerRouter(int seq, Ipv6Address coa, MobilityOption... prefixes) {
        rig.deliver(HomeAgentTestRig.bu(seq, 150, R, prefixes), coa, HOA);
    }

    private List<MobileNetworkPrefix> registered() {
        return rig.engine.binding(HOA).orElseThrow().mobileNetworkPrefixes();
    }

    @Test
    void explicitModeWithOnePrefixIsAcceptedAndTheAcknowledgementSetsR() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A);

        BindingAcknowledgement ba = rig.lastAck();
        assertThat(ba.status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(ba.has(BindingAcknowledgement.Flag.MOBILE_ROUTER)).isTrue();
        BindingRecord b = rig.engine.binding(HOA).orElseThrow();
        assertThat(b.mobileRouter()).isTrue();
        assertThat(b.mobileNetworkPrefixes()).containsExactly(NET_A);
        assertThat(rig.provider.before).singleElement()
                .satisfies(c -> assertThat(c.mobileNetworkPrefixes()).containsExactly(NET_A));
        assertThat(forwarding).containsExactly("prepare CREATED " + List.of(NET_A));
    }

    @Test
    void explicitModeWithTwoPrefixesRegistersBoth() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A, NET_B);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(registered()).containsExactly(NET_A, NET_B);
        assertThat(rig.provider.after).singleElement()
                .satisfies(c -> assertThat(c.mobileNetworkPrefixes()).containsExactly(NET_A, NET_B));
    }

    @Test
    void prefixListedTwiceIsRegisteredOnce() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A, NET_A);

        assertThat(registered()).containsExactly(NET_A);
    }

    @Test
    void implicitModeRegistersTheConfiguredPrefixes() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.lastAck().has(BindingAcknowledgement.Flag.MOBILE_ROUTER)).isTrue();
        assertThat(registered()).containsExactly(mnp("2001:db8:100::", 48), mnp("2001:db8:200::", 48));
    }

    @Test
    void mobileRouterNotInThePrefixTableIsAnswered140() throws Exception {
        start(withRouters(new MobileRouterAuthorization("nai:someone-else@example.com", List.of(AUTHORISED))));
        registerRouter(1, COA, NET_A);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.MOBILE_ROUTER_OPERATION_NOT_PERMITTED);
        assertThat(rig.lastAck().has(BindingAcknowledgement.Flag.MOBILE_ROUTER)).isFalse();
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.provider.before).isEmpty();
    }

    @Test
    void homeAgentWithNoMobileRoutersAnswersEveryRFlag140() throws Exception {
        start(HomeAgentTestRig.settings());
        registerRouter(1, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.MOBILE_ROUTER_OPERATION_NOT_PERMITTED);
    }

    @Test
    void prefixOutsideTheAuthorisedOnesIsAnswered142() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A, mnp("2001:db8:300::", 48));

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX);
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.provider.refusals).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("2001:db8:300::/48"));
    }

    @Test
    void prefixWiderThanTheAuthorisedOneIsAnswered142() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, mnp("2001:db8::", 32));

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX);
    }

    @Test
    void moreSpecificPrefixInsideAnAuthorisedOneIsAccepted() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, mnp("2001:db8:100:7::", 64));

        assertThat(registered()).containsExactly(mnp("2001:db8:100:7::", 64));
    }

    @Test
    void invalidPrefixIsAnswered141() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, mnp("2001:db8:100::1", 48));   // bits beyond the length
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INVALID_PREFIX);

        registerRouter(2, COA, mnp("::", 0));
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INVALID_PREFIX);

        registerRouter(3, COA, mnp("ff00::", 8));
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INVALID_PREFIX);
        assertThat(rig.engine.binding(HOA)).isEmpty();
    }

    @Test
    void hostTurningIntoARouterIsAnswered139() throws Exception {
        startWithOwnerAsRouter();
        rig.register(1, COA);
        registerRouter(2, COA, NET_A);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED);
        assertThat(rig.engine.binding(HOA).orElseThrow().mobileRouter()).isFalse();
    }

    @Test
    void routerTurningIntoAHostIsAnswered139AndKeepsItsPrefixes() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A);
        rig.register(2, COA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED);
        assertThat(registered()).containsExactly(NET_A);
    }

    @Test
    void refreshReplacesThePrefixSet() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A, NET_B);
        registerRouter(2, COA2, NET_B);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(registered()).containsExactly(NET_B);
        assertThat(rig.provider.after).extracting(BindingChange::kind)
                .containsExactly(BindingChange.Kind.CREATED, BindingChange.Kind.MOVED);
        assertThat(forwarding).containsExactly("prepare CREATED " + List.of(NET_A, NET_B),
                "prepare MOVED " + List.of(NET_B));
    }

    @Test
    void deregistrationRemovesThePrefixes() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A, NET_B);
        rig.deliver(HomeAgentTestRig.bu(2, 0, R), COA, HOA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.lastAck().has(BindingAcknowledgement.Flag.MOBILE_ROUTER)).isTrue();
        assertThat(rig.engine.binding(HOA).orElseThrow().isBound()).isFalse();
        assertThat(rig.engine.binding(HOA).orElseThrow().mobileNetworkPrefixes()).isEmpty();
        assertThat(rig.provider.after.get(1).kind()).isEqualTo(BindingChange.Kind.DELETED);
        assertThat(rig.provider.after.get(1).mobileNetworkPrefixes()).containsExactly(NET_A, NET_B);
        assertThat(forwarding).last().isEqualTo("removed DELETED " + List.of(NET_A, NET_B));
    }

    @Test
    void expiryRemovesThePrefixes() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A);
        rig.time.advance(Duration.ofSeconds(601));

        assertThat(rig.engine.bindingCount()).isZero();
        assertThat(rig.provider.after.get(1).kind()).isEqualTo(BindingChange.Kind.EXPIRED);
        assertThat(rig.provider.after.get(1).mobileNetworkPrefixes()).containsExactly(NET_A);
        assertThat(forwarding).last().isEqualTo("removed EXPIRED " + List.of(NET_A));
    }

    @Test
    void prefixHeldByAnotherBindingIsAnswered142() throws Exception {
        // One identity, two home addresses: the second binding may not take the first one's prefix.
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A);
        rig.deliver(HomeAgentTestRig.bu(1, 150, R, mnp("2001:db8:100:1::", 64)), COA2, HOA2);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.NOT_AUTHORIZED_FOR_PREFIX);
        assertThat(rig.engine.binding(HOA2)).isEmpty();
    }

    @Test
    void prefixIsFreeAgainOnceItsBindingIsDeregistered() throws Exception {
        startWithOwnerAsRouter();
        registerRouter(1, COA, NET_A);
        rig.deliver(HomeAgentTestRig.bu(2, 0, R), COA, HOA);
        rig.deliver(HomeAgentTestRig.bu(1, 150, R, NET_A), COA2, HOA2);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.engine.binding(HOA2).orElseThrow().mobileNetworkPrefixes()).containsExactly(NET_A);
    }

    @Test
    void forwardingSetupFailureIsAnswered143AndBindsNothing() throws Exception {
        startWithOwnerAsRouter();
        failForwarding = "no route to the tunnel device";
        registerRouter(1, COA, NET_A);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.FORWARDING_SETUP_FAILED);
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.provider.before).as("the provider prepares first").hasSize(1);
        assertThat(rig.provider.abandoned).singleElement()
                .satisfies(a -> assertThat(a.reason()).contains("no route to the tunnel device"));
        assertThat(forwarding).containsExactly("abandoned CREATED");
    }

    @Test
    void forwardingFailureForAMobileHostIsAnswered130Not143() throws Exception {
        startWithOwnerAsRouter();
        failForwarding = "no route to the tunnel device";
        rig.deliver(HomeAgentTestRig.bu(1, 150), COA, HOA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(rig.engine.binding(HOA)).isEmpty();
    }

    @Test
    void providerFailingBeforeForwardingMeansNothingIsForwarded() throws Exception {
        startWithOwnerAsRouter();
        rig.provider.beforeAck = c -> java.util.concurrent.CompletableFuture.failedFuture(
                new IllegalStateException("no SA"));
        registerRouter(1, COA, NET_A);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REASON_UNSPECIFIED);
        assertThat(forwarding).as("the data plane never prepared; abandoning is a no-op for it")
                .containsExactly("abandoned CREATED");
        assertThat(rig.engine.binding(HOA)).isEmpty();
    }

    @Test
    void mobileHostIgnoresPrefixOptionsAndItsAcknowledgementHasNoR() throws Exception {
        startWithOwnerAsRouter();
        rig.deliver(HomeAgentTestRig.bu(1, 150, NET_A), COA, HOA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.lastAck().has(BindingAcknowledgement.Flag.MOBILE_ROUTER)).isFalse();
        assertThat(rig.engine.binding(HOA).orElseThrow().mobileNetworkPrefixes()).isEmpty();
        assertThat(forwarding).as("a host's binding is forwarded too, without prefixes")
                .containsExactly("prepare CREATED []");
    }

    @Test
    void prefixTableMatchesAnIdentityByItsValueAlone() throws Exception {
        start(withRouters(new MobileRouterAuthorization(OWNER.value(), List.of(AUTHORISED))));
        registerRouter(1, COA, NET_A);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
    }

    @Test
    void otherIdentityWithTheSameValueButAnotherKindDoesNotMatchKindValue() {
        MobileRouterAuthorization row = new MobileRouterAuthorization(OWNER.toString(), List.of(AUTHORISED));
        assertThat(row.matches(new Identity(Identity.Kind.FQDN, OWNER.value()))).isFalse();
        assertThat(row.matches(OWNER)).isTrue();
    }

    @Test
    void settingsRefuseOverlappingPrefixesBetweenRouters() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withRouters(
                        new MobileRouterAuthorization("nai:a@example.com", List.of(AUTHORISED)),
                        new MobileRouterAuthorization("nai:b@example.com", List.of(HomePrefix.parse("2001:db8:100:5::/64")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps 2001:db8:100::/48");
    }

    @Test
    void settingsRefuseAMobileNetworkPrefixInsideAHomePrefix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withRouters(
                        new MobileRouterAuthorization("nai:a@example.com", List.of(HomePrefix.parse("2001:db8:1::/80")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("home prefix " + PREFIX);
    }
}
