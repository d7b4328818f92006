package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/**
 * Tampered, spoofed and forged signalling: a man in the middle changes Binding Updates and
 * Acknowledgements in flight, rewrites the source, or answers before the home agent does. Works
 * on the packets the participant really sent, whatever their framing, recognised by what its
 * path was sending when they left.
 */
final class TamperingCases extends KitCases {

    TamperingCases(ProviderCompatibilityKit kit) {
        super(kit);
    }

    void tamperedBindingUpdateIsNotAcceptedAndChangesNoBinding() {
        Deployment d = deploy(2);
        KitMobileNode node = d.mobileNode(0);
        Ipv6Address hoa = kit.homeAddress(0);

        // 1. A first registration, held in flight: no binding exists yet.
        List<Packet> held = hold(node);
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();
        Packet genuine = firstBindingUpdate(held, "the first home registration");
        node.setRule(PathRule.PASS);

        injectTamperedCopies(d, genuine);
        assertThat(d.homeAgent().bindingCount()).as("bindings after tampered registrations").isZero();
        assertThat(d.homeAgent().binding(hoa)).as("any entry for the home address").isEmpty();
        assertThat(d.homeAgent().binding(kit.homeAddress(1))).as("any entry for the other node's home address").isEmpty();

        // The untampered original, released late, is accepted: only the tampering made the difference.
        d.release(genuine);
        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration with the untampered original");
        assertThat(d.binding(hoa)).isPresent();

        // 2. A refresh of the existing binding, held in flight.
        Packet refresh = holdNextRefresh(d, node, r);
        BindingRecord before = d.homeAgent().binding(hoa).orElseThrow();

        injectTamperedCopies(d, refresh);
        assertThat(d.homeAgent().binding(hoa)).as("the binding after tampered refreshes").contains(before);

        d.release(refresh);
        assertThat(d.binding(hoa).orElseThrow().sequence()).as("sequence after the untampered refresh")
                .isNotEqualTo(before.sequence());
    }

    void spoofedSourceAddressDoesNotRedirectTheBinding() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Ipv6Address hoa = kit.homeAddress(0);
        Ipv6Address genuineCareOf = kit.careOfAddress(0, 0);

        List<Packet> held = hold(node);
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();
        Packet genuine = firstBindingUpdate(held, "the first home registration");
        node.setRule(PathRule.PASS);

        d.inject(fromTheAttacker(genuine));
        assertThat(d.binding(hoa).map(BindingRecord::careOfAddress))
                .as("a Binding Update whose source was rewritten must not bind the home address to the attacker")
                .satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o).contains(genuineCareOf));

        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration");
        Packet refresh = holdNextRefresh(d, node, r);
        d.inject(fromTheAttacker(refresh));
        assertThat(d.binding(hoa).orElseThrow().careOfAddress())
                .as("care-of address after a refresh whose source was rewritten").isEqualTo(genuineCareOf);
    }

    void tamperedAcknowledgementIsIgnoredByTheMobileNode() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        AtomicBoolean tampering = new AtomicBoolean(true);
        List<Packet> tampered = Collections.synchronizedList(new ArrayList<>());
        d.homeAgentParticipant().setRule(p -> {
            if (!tampering.get() || !p.carriesBindingAcknowledgement()) {
                return List.of(p);
            }
            tampering.set(false);
            List<Packet> copies = tamperedCopies(d, p, null);
            tampered.addAll(copies);
            return copies;
        });
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();

        assertThat(tampered).as("tampered copies of the home agent's first answer").isNotEmpty();
        assertThat(node.registration()).as("registration from tampered acknowledgements only").isEmpty();
        assertThat(registering.toCompletableFuture()).as("registration from tampered acknowledgements only").isNotDone();
        assertNoneAccepted(node, tampered);

        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration with an untampered answer");
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow();
        assertThat(r.grantedLifetime()).as("lifetime the node counts with").isEqualTo(b.lifetime());
        assertThat(r.sequence()).isEqualTo(b.sequence());
    }

    void forgedAcceptanceIsIgnoredByTheMobileNode() {
        Deployment d = deploy(2);
        List<MobilityOption> stolen = acknowledgementOptionsOf(d, d.mobileNode(1));
        KitMobileNode node = d.mobileNode(0);
        // The home agent's own answers to this node are held back: addressed to its care-of address, or, through a
        // tunnel that carries signalling between home address and home agent, to its home address.
        d.homeAgentParticipant().setRule(PathRule.dropIf(p -> p.carriesBindingAcknowledgement()
                && (addressOf(p.destination()).equals(node.careOfAddress())
                        || addressOf(p.destination()).equals(node.homeAddress()))));
        List<Packet> forged = answerFirst(d, node, seq -> forgedSet(BindingAckStatus.ACCEPTED, seq,
                Lifetime.ofDuration(ProviderCompatibilityKit.REQUESTED_LIFETIME), stolen));
        CompletionStage<Registration> registering = node.start();
        d.time().runDue();

        assertThat(forged).as("forged acceptances sent").isNotEmpty();
        assertThat(node.registration()).as("registration from forged acceptances").isEmpty();
        assertThat(registering.toCompletableFuture()).as("registration from forged acceptances").isNotDone();
        assertNoneAccepted(node, forged);

        d.homeAgentParticipant().setRule(PathRule.PASS);
        node.setRule(PathRule.PASS);
        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration with the home agent's own answer");
        assertThat(r.grantedLifetime()).isEqualTo(d.binding(r.homeAddress()).orElseThrow().lifetime());
    }

    void forgedSequenceNumberOutOfWindowIsIgnoredByTheMobileNode() {
        Deployment d = deploy(2);
        List<MobilityOption> stolen = acknowledgementOptionsOf(d, d.mobileNode(1));
        KitMobileNode node = d.mobileNode(0);
        List<SequenceNumber> lured = Collections.synchronizedList(new ArrayList<>());
        List<Packet> forged = answerFirst(d, node, seq -> {
            SequenceNumber far = SequenceNumber.of((seq.value() + 1000) & 0xFFFF);
            lured.add(far.next());
            return forgedSet(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, far, Lifetime.ZERO, stolen);
        });
        Registration r = register(d, node);

        assertThat(forged).as("forged status-135 answers sent").isNotEmpty();
        assertThat(sequencesSentBy(node)).as("sequence numbers the node sent (a forged 135 with sequence %s lures "
                + "the next Binding Update to %s)", lured, lured).doesNotContainAnyElementsOf(lured);
        assertThat(r.sequence()).isNotIn(lured);
        assertNoneAccepted(node, forged);
    }

    void forgedLifetimeIsIgnoredByTheMobileNode() {
        Deployment d = deploy(2);
        List<MobilityOption> stolen = acknowledgementOptionsOf(d, d.mobileNode(1));
        KitMobileNode node = d.mobileNode(0);
        Lifetime forgedLifetime = Lifetime.ofUnits(2);
        List<Packet> forged = answerFirst(d, node, seq -> forgedSet(BindingAckStatus.ACCEPTED, seq, forgedLifetime,
                stolen));
        Registration r = register(d, node);

        assertThat(forged).as("forged answers sent").isNotEmpty();
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow();
        assertThat(r.grantedLifetime()).as("the lifetime the node counts with (forged: %s)", forgedLifetime)
                .isEqualTo(b.lifetime()).isNotEqualTo(forgedLifetime);
        assertNoneAccepted(node, forged);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Injects, one by one, the tampered copies of {@code genuine}; asserts that the home agent
     * accepted none of them and that not all were refused by the engine's decoder alone.
     */
    private void injectTamperedCopies(Deployment d, Packet genuine) {
        HomeAgentEngine ha = d.homeAgent();
        long malformedBefore = ha.counters().malformed();
        List<Packet> copies = tamperedCopies(d, genuine, kit.homeAddress(1));
        List<String> accepted = new ArrayList<>();
        for (Packet copy : copies) {
            long before = ha.counters().accepted();
            d.inject(copy);
            if (ha.counters().accepted() > before) {
                accepted.add(describeDifference(genuine, copy));
            }
        }
        assertThat(copies).as("tampered copies of " + genuine).isNotEmpty();
        assertThat(accepted).as("tampered copies of a Binding Update the home agent accepted").isEmpty();
        assertThat(ha.counters().malformed() - malformedBefore)
                .as("tampered copies the decoder refused: some must reach the provider, or only the decoder was tested")
                .isLessThan(copies.size());
    }

    private static List<BindingAcknowledgement> forgedSet(BindingAckStatus status, SequenceNumber seq,
                                                          Lifetime lifetime, List<MobilityOption> stolen) {
        List<BindingAcknowledgement> out = new ArrayList<>();
        out.add(new BindingAcknowledgement(status, Set.of(), seq, lifetime, stolen));
        if (!stolen.isEmpty()) {
            out.add(new BindingAcknowledgement(status, Set.of(), seq, lifetime, List.of()));
        }
        return out;
    }

    /**
     * Arms a man in the middle on {@code node}'s outgoing side: for its first Binding Update, the
     * attacker sends the forged acknowledgements {@code forge} builds for its sequence number,
     * where the genuine answer would go, before the Binding Update even leaves, so they arrive
     * before the home agent's answer. Returns the forged packets.
     */
    private static List<Packet> answerFirst(Deployment d, KitMobileNode node,
                                            Function<SequenceNumber, List<BindingAcknowledgement>> forge) {
        List<Packet> forged = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean armed = new AtomicBoolean(true);
        node.setRule(p -> {
            if (armed.get() && p.carriesBindingUpdate()) {
                armed.set(false);
                for (BindingAcknowledgement ba : forge.apply(carried(p).sequence())) {
                    Packet f = d.forgeReply(ba, p);
                    forged.add(f);
                    d.attacker().send(f);
                }
            }
            return List.of(p);
        });
        return forged;
    }

    static Ipv6Address addressOf(InetSocketAddress endpoint) {
        return Ipv6Address.fromBytes(endpoint.getAddress().getAddress());
    }
}
