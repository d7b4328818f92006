package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.HA;
import static org.mip6kit.engine.MobileNodeTestRig.HOA;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.MobileNodeTestRig.Sent;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.BindingUpdate.Flag;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4AddressAckStatus;
import org.mip6kit.wire.Ipv4AddressAcknowledgement;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv4HomeAddressRequest;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityMessage;

/** RFC 6275 §11.7.1, RFC 5555, docs/protocol-notes.md#rfc-5555-udp: what a home registration Binding Update looks like. */
@Tag("small")
class MobileNodeBindingUpdateShapeTest {

    @Test
    void aHomeRegistrationFromAnIpv6CareOfAddressCarriesAAndHAndTheHomeAddressOption() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        Sent s = rig.lastSent();
        BindingUpdate bu = s.bu();

        assertThat(bu.flags()).containsExactlyInAnyOrder(Flag.ACKNOWLEDGE, Flag.HOME_REGISTRATION);
        assertThat(bu.lifetime()).isEqualTo(Lifetime.ofUnits(150));
        assertThat(bu.options()).isEmpty();
        assertThat(s.to().source()).isEqualTo(COA);
        assertThat(s.to().destination()).isEqualTo(HA);
        assertThat(s.to().homeAddressOption()).contains(HOA);
        assertThat(s.to().routingHeader()).isEmpty();
        assertThat(s.to().outerPeer()).isEmpty();
        // the path encoded it with the checksum over the home address (RFC 6275 §6.1.1)
        MobilityMessage decoded = MobileNodeTestRig.CODEC.decode(s.octets(), HOA, HA);
        assertThat(decoded).isEqualTo(bu);
    }

    @Test
    void theKFlagIsSetOnlyForAProviderWhoseIkeSaSurvivesAMoveAndTheAcknowledgementsKIsKept() throws Exception {
        MobileNodeTestRig ike = new MobileNodeTestRig(Set.of(Capability.IKE_SURVIVES_MOVE), MobileNodeTestRig.settings());
        CompletableFuture<MobileNodeEngine.Registration> withK = ike.start();
        assertThat(ike.lastBu().flags()).contains(Flag.KEY_MANAGEMENT_MOBILITY);
        ike.ackWithK(ike.lastBu().sequence(), ike.lastBu().lifetime());
        assertThat(withK.join().keyManagementMobility()).isTrue();

        MobileNodeTestRig plain = new MobileNodeTestRig(EnumSet.complementOf(EnumSet.of(Capability.IKE_SURVIVES_MOVE)),
                MobileNodeTestRig.settings());
        CompletableFuture<MobileNodeEngine.Registration> withoutK = plain.start();
        assertThat(plain.lastBu().flags()).doesNotContain(Flag.KEY_MANAGEMENT_MOBILITY);
        // a K in the acknowledgement of a Binding Update without K means nothing
        plain.ackWithK(plain.lastBu().sequence(), plain.lastBu().lifetime());
        assertThat(withoutK.join().keyManagementMobility()).isFalse();

        MobileNodeTestRig ikeNoK = new MobileNodeTestRig(Set.of(Capability.IKE_SURVIVES_MOVE), MobileNodeTestRig.settings());
        CompletableFuture<MobileNodeEngine.Registration> haSaysNo = ikeNoK.start();
        ikeNoK.ack(BindingAckStatus.ACCEPTED, ikeNoK.lastBu().sequence(), ikeNoK.lastBu().lifetime());
        assertThat(haSaysNo.join().keyManagementMobility()).isFalse();
    }

    @Test
    void anIpv4CareOfAddressSetsFAndTravelsInTheIpv4CareOfAddressOptionFromTheHomeAddress() throws Exception {
        Ipv6Address v4CoA = Ipv6Address.ipv4Mapped(Ipv4Address.parse("192.0.2.33"));
        InetSocketAddress haUdp = new InetSocketAddress("198.51.100.1", 4191);
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(Capability.NEEDS_ALTERNATE_COA),
                MobileNodeTestRig.settings().withHomeAgentEndpoint(haUdp), v4CoA);
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        Sent s = rig.lastSent();

        assertThat(s.bu().flags()).containsExactlyInAnyOrder(Flag.ACKNOWLEDGE, Flag.HOME_REGISTRATION,
                Flag.FORCE_UDP_ENCAPSULATION);
        assertThat(s.bu().options()).containsExactly(new Ipv4CareOfAddress(Ipv4Address.parse("192.0.2.33")));
        assertThat(s.to().source()).isEqualTo(HOA);
        assertThat(s.to().destination()).isEqualTo(HA);
        assertThat(s.to().homeAddressOption()).isEmpty();
        assertThat(s.to().outerPeer()).contains(haUdp);

        rig.ack(BindingAckStatus.ACCEPTED, s.bu().sequence(), s.bu().lifetime());
        assertThat(started.join().careOfAddress()).isEqualTo(v4CoA);
    }

    @Test
    void theAlternateCareOfAddressOptionIsAddedOnlyForAProviderThatNeedsIt() throws Exception {
        MobileNodeTestRig needs = new MobileNodeTestRig(Set.of(Capability.NEEDS_ALTERNATE_COA), MobileNodeTestRig.settings());
        needs.start();
        assertThat(needs.lastBu().options()).containsExactly(new AlternateCareOfAddress(COA));
        assertThat(needs.lastSent().to().homeAddressOption()).contains(HOA);

        MobileNodeTestRig doesNot = new MobileNodeTestRig(EnumSet.complementOf(EnumSet.of(Capability.NEEDS_ALTERNATE_COA)),
                MobileNodeTestRig.settings());
        doesNot.start();
        assertThat(doesNot.lastBu().option(AlternateCareOfAddress.class)).isEmpty();
    }

    @Test
    void anIpv4HomeAddressIsRequestedWhenConfiguredAndTheAssignedOneIsAskedForOnRefresh() throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings().withIpv4HomeAddress(true));
        rig.start();
        assertThat(rig.factory.security.bootstrapRequests.get(0).ipv4HomeAddress()).isTrue();
        assertThat(rig.lastBu().option(Ipv4HomeAddressRequest.class))
                .contains(new Ipv4HomeAddressRequest(32, false, Ipv4Address.ANY));

        Ipv4Address assigned = Ipv4Address.parse("198.51.100.7");
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(100),
                new Ipv4AddressAcknowledgement(Ipv4AddressAckStatus.SUCCESS, 32, assigned));
        rig.time.advance(Duration.ofSeconds(80));
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastBu().option(Ipv4HomeAddressRequest.class))
                .contains(new Ipv4HomeAddressRequest(32, false, assigned));
    }

    @Test
    void theBootstrapRequestSaysWhatTheSettingsAskForAndTheResultsEndpointBeatsTheConfiguredOne() throws Exception {
        Ipv6Address configuredHa = Ipv6Address.parse("2001:db8:1::1");
        InetSocketAddress fromBootstrap = new InetSocketAddress("198.51.100.1", 4191);
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings().withHomeAgent(configuredHa)
                .withHomeAddress(HOA).withWant(BootstrapRequest.Want.HOME_ADDRESS));
        rig.factory.security.bootstrapAnswers.add(CompletableFuture.completedFuture(new BootstrapResult(
                MobileNodeTestRig.MN, Optional.of(HOA), Optional.empty(), Optional.empty(), HA, List.of(fromBootstrap))));
        rig.start();

        assertThat(rig.factory.security.bootstrapRequests).containsExactly(new BootstrapRequest(
                BootstrapRequest.Want.HOME_ADDRESS, false, Optional.of(HOA), Optional.of(configuredHa),
                rig.engine.careOfAddress()));
        assertThat(rig.lastSent().to().outerPeer()).contains(fromBootstrap);

        InetSocketAddress configured = new InetSocketAddress("203.0.113.9", 4191);
        MobileNodeTestRig overridden = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withHomeAgentEndpoint(configured));
        overridden.factory.security.bootstrapAnswers.add(CompletableFuture.completedFuture(new BootstrapResult(
                MobileNodeTestRig.MN, Optional.of(HOA), Optional.empty(), Optional.empty(), HA, List.of(fromBootstrap))));
        overridden.start();
        assertThat(overridden.lastSent().to().outerPeer()).contains(fromBootstrap);

        MobileNodeTestRig silent = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withHomeAgentEndpoint(configured));
        silent.factory.security.bootstrapAnswers.add(CompletableFuture.completedFuture(new BootstrapResult(
                MobileNodeTestRig.MN, Optional.of(HOA), Optional.empty(), Optional.empty(), HA, List.of())));
        silent.start();
        assertThat(silent.lastSent().to().outerPeer()).contains(configured);
    }

    @Test
    void withOnlyAPrefixFromBootstrapTheMobileNodeFormsItsHomeAddressInsideThePrefix() throws Exception {
        HomePrefix prefix = HomePrefix.parse("2001:db8:77::/64");
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withWant(BootstrapRequest.Want.PREFIX_ONLY));
        rig.factory.security.bootstrapAnswers.add(CompletableFuture.completedFuture(new BootstrapResult(
                MobileNodeTestRig.MN, Optional.empty(), Optional.of(prefix), Optional.empty(), HA, List.of())));
        rig.start();
        Ipv6Address formed = rig.lastSent().to().homeAddressOption().orElseThrow();
        assertThat(prefix.contains(formed)).isTrue();
        assertThat(formed).isNotEqualTo(prefix.prefix());

        Ipv6Address wanted = Ipv6Address.parse("2001:db8:77::abcd");
        MobileNodeTestRig configured = new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings()
                .withWant(BootstrapRequest.Want.PREFIX_ONLY).withHomeAddress(wanted));
        configured.factory.security.bootstrapAnswers.add(CompletableFuture.completedFuture(new BootstrapResult(
                MobileNodeTestRig.MN, Optional.empty(), Optional.of(prefix), Optional.empty(), HA, List.of())));
        configured.start();
        assertThat(configured.lastSent().to().homeAddressOption()).contains(wanted);
    }
}
