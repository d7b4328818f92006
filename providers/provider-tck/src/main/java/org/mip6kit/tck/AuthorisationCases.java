package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.engine.MobileNodeRegistrationException;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Capability;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.SequenceNumber;

/**
 * Who may register what: wrong credentials, a home address that belongs to another node, and
 * the K flag, which only a provider instance whose IKE SA survives a move may agree to.
 */
final class AuthorisationCases extends KitCases {

    AuthorisationCases(ProviderCompatibilityKit kit) {
        super(kit);
    }

    void bindingUpdateWithWrongCredentialsIsRefused() {
        Deployment d = deploy(1);
        KitMobileNode impostor = d.mobileNodeWithWrongCredentials(0);
        Throwable why = d.awaitFailure(impostor.start(), Duration.ofMinutes(10), "registration with wrong credentials");

        assertThat(why).isInstanceOf(MobileNodeRegistrationException.class);
        assertThat(((MobileNodeRegistrationException) why).reason()).as("how the registration ended: " + why)
                .isIn(MobileNodeRegistrationException.Reason.GAVE_UP, MobileNodeRegistrationException.Reason.REJECTED,
                        // key management that authenticates at bootstrap (an RFC 6618 HAC, IKEv2) refuses it there
                        MobileNodeRegistrationException.Reason.BOOTSTRAP_FAILED);
        assertThat(impostor.registration()).isEmpty();
        assertThat(d.homeAgent().binding(kit.homeAddress(0))).as("any entry for the home address").isEmpty();
        assertThat(d.homeAgent().counters().accepted()).isZero();
        assertThat(d.homeAgentParticipant().provider().sent(BindingAcknowledgement.class).stream()
                .filter(BindingAcknowledgement::isAccepted).toList())
                .as("accepting acknowledgements the home agent sent").isEmpty();
    }

    void bindingUpdateForAnotherNodesHomeAddressIsAnswered129Or133AndNeverAccepted() {
        Deployment d = deploy(2);
        KitMobileNode owner = d.mobileNode(0);
        Registration r = register(d, owner);
        BindingRecord before = d.binding(r.homeAddress()).orElseThrow();
        long acceptedBefore = d.homeAgent().counters().accepted();

        DirectMobileNode intruder = d.directMobileNode(1);
        intruder.bootstrap(kit.homeAddress(1), kit.homeAgentAddress());
        Ipv6Address intruderCareOf = intruder.careOfAddress();
        Optional<Throwable> unsendable = intruder.trySend(bindingUpdate(SequenceNumber.of(1), intruderCareOf, false,
                        intruder.capabilities()),
                new Addressing(intruderCareOf, kit.homeAgentAddress(), Optional.of(r.homeAddress()), Optional.empty(),
                        Optional.empty()));
        d.time().runDue();

        assertThat(d.homeAgent().binding(r.homeAddress())).as("the owner's binding").contains(before);
        if (unsendable.isPresent()) {
            // The channel binds the home address (the security association names it): the claim cannot be
            // expressed at all. Nothing reached the home agent's engine, and nothing came back.
            assertThat(d.homeAgent().counters().accepted()).as("Binding Updates accepted: the owner's only")
                    .isEqualTo(acceptedBefore);
            assertThat(intruder.verifiedAcknowledgements()).as("answers to a claim the intruder's path refused to send ("
                    + unsendable.get().getMessage() + ")").isEmpty();
            return;
        }
        List<BindingAcknowledgement> answers = intruder.verifiedAcknowledgements();
        assertThat(answers).as("acknowledgements the intruder received and could verify").isNotEmpty();
        assertThat(answers).allSatisfy(ba -> assertThat(ba.status().code())
                .as("status answering a Binding Update for another node's home address").isIn(129, 133));
    }

    void keyManagementMobilityFlagOnlyForProvidersWhoseIkeSaSurvivesAMove() {
        Deployment d = deploy(2);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        boolean nodeIke = node.provider().has(Capability.IKE_SURVIVES_MOVE);
        boolean agentIke = d.homeAgentParticipant().provider().has(Capability.IKE_SURVIVES_MOVE);

        for (BindingUpdate bu : node.provider().sent(BindingUpdate.class)) {
            assertThat(bu.has(BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY))
                    .as("K in the mobile node's Binding Update (its provider declares IKE_SURVIVES_MOVE: %s)", nodeIke)
                    .isEqualTo(nodeIke);
        }
        for (BindingAcknowledgement ba : d.homeAgentParticipant().provider().sent(BindingAcknowledgement.class)) {
            assertThat(ba.has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY))
                    .as("K in the home agent's acknowledgement").isEqualTo(nodeIke && agentIke);
        }
        assertThat(r.keyManagementMobility()).isEqualTo(nodeIke && agentIke);

        // Asked for K outright, the home agent still grants it only when its provider supports it.
        DirectMobileNode asking = d.directMobileNode(1);
        asking.bootstrap(kit.homeAddress(1), kit.homeAgentAddress());
        Ipv6Address careOf = asking.careOfAddress();
        asking.send(bindingUpdate(SequenceNumber.of(7), careOf, true, asking.capabilities()),
                new Addressing(careOf, kit.homeAgentAddress(), Optional.of(kit.homeAddress(1)), Optional.empty(),
                        Optional.empty()));
        d.time().runDue();
        List<BindingAcknowledgement> answers = asking.verifiedAcknowledgements();
        assertThat(answers).as("verified answers to a Binding Update with K").isNotEmpty();
        assertThat(answers).allSatisfy(ba -> {
            assertThat(ba.isAccepted()).as("status " + ba.status()).isTrue();
            assertThat(ba.has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY))
                    .as("K in the acknowledgement of a Binding Update that asked for it").isEqualTo(agentIke);
        });
        assertThat(d.binding(kit.homeAddress(1)).orElseThrow().keyManagementMobility()).isEqualTo(agentIke);
    }
}
