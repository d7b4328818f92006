package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Capability;
import org.mip6kit.transport.InMemoryProviderNetwork.Kind;
import org.mip6kit.wire.Ipv6Address;

/**
 * What a stateful channel (a handshake, an association, a connection ID) must survive, asked of
 * every provider: whatever keeps its state is tested by what the network does to it. Packet
 * loss during set-up, a NAT that rebinds, a care-of address that changes, and a flood of
 * spoofed packets aimed at the home agent's own endpoint.
 */
final class ChannelCases extends KitCases {

    /** How many packets each side loses at the start of {@link #registrationCompletesWhenTheFirstPacketsOfEachSideAreLost}. */
    static final int LOST_FROM_NODE = 2;
    static final int LOST_FROM_HOME_AGENT = 1;
    /** Rounds of the flood: each replays every captured packet from a fresh spoofed source, every other one altered. */
    static final int FLOOD_ROUNDS = 200;

    ChannelCases(ProviderCompatibilityKit kit) {
        super(kit);
    }

    void registrationCompletesWhenTheFirstPacketsOfEachSideAreLost() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        AtomicInteger nodeLoses = new AtomicInteger(LOST_FROM_NODE);
        AtomicInteger agentLoses = new AtomicInteger(LOST_FROM_HOME_AGENT);
        node.setRule(p -> nodeLoses.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? List.of() : List.of(p));
        d.homeAgentParticipant().setRule(p -> agentLoses.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? List.of()
                : List.of(p));

        Registration r = d.await(node.start(), REGISTRATION_LIMIT, "registration after losing the first "
                + LOST_FROM_NODE + " packets the node sent and the first the home agent sent (a handshake must be "
                + "retransmitted, or the engine's Binding Update retransmissions must get through)");

        assertThat(nodeLoses.get()).as("packets still to lose from the node").isZero();
        assertThat(agentLoses.get()).as("packets still to lose from the home agent").isZero();
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow();
        assertThat(b.careOfAddress()).isEqualTo(kit.careOfAddress(0, 0));
        assertThat(b.sequence()).isEqualTo(r.sequence());
        assertThat(node.eventCount(EngineEvent.Kind.REGISTRATION_GAVE_UP)).isZero();
    }

    void natRebindingBetweenRegistrationAndRefreshIsFollowedByTheHomeAgent() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        d.putBehindNat(node);
        Registration r = register(d, node);
        BindingRecord first = d.binding(r.homeAddress()).orElseThrow();
        Optional<InetSocketAddress> firstOuter = outerPeerOfLastBindingUpdate(node);
        assertThat(first.outerPeer()).as("the outer peer the home agent bound (the NAT's mapping, for UDP)")
                .isEqualTo(firstOuter);

        node.participant().host().rebindNat();
        d.time().advanceUntil(() -> node.registration().map(x -> x.sequence().isNewerThan(r.sequence())).orElse(false),
                Duration.ofSeconds(1), r.grantedLifetime().toDuration());

        Registration refreshed = node.registration().orElseThrow(() -> new AssertionError(
                "the node lost its registration after its NAT rebound"));
        assertThat(refreshed.sequence().isNewerThan(r.sequence())).as("a refresh after the NAT rebound, acknowledged "
                + "to the node").isTrue();
        BindingRecord now = d.binding(r.homeAddress()).orElseThrow();
        assertThat(now.sequence()).isEqualTo(refreshed.sequence());
        Optional<InetSocketAddress> newOuter = outerPeerOfLastBindingUpdate(node);
        assertThat(now.outerPeer()).as("the home agent's binding follows the outer peer the refresh came from")
                .isEqualTo(newOuter);
        if (firstOuter.isPresent()) {
            assertThat(newOuter).as("the NAT's new mapping").isNotEqualTo(firstOuter);
        }
    }

    void careOfChangeKeepsAChannelThatSurvivesItAndLeavesNoStateBehind() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        HomeAgentEngine ha = d.homeAgent();
        Registration r = register(d, node);
        int agentBefore = ha.providerStateCount();
        int nodeBefore = node.engine().providerStateCount();
        boolean survives = node.provider().has(Capability.CHANNEL_SURVIVES_COA_CHANGE);

        Ipv6Address next = kit.careOfAddress(0, 1);
        int sentBefore = node.participant().sent().size();
        Registration moved = d.await(node.moveTo(next), REGISTRATION_LIMIT, "move to " + next);
        List<Packet> sentAfter = node.participant().sent();
        List<Packet> duringTheMove = sentAfter.subList(sentBefore, sentAfter.size());
        BindingRecord b = d.binding(r.homeAddress()).orElseThrow();
        assertThat(b.careOfAddress()).isEqualTo(next);
        b.outerPeer().ifPresent(outer -> assertThat(Ipv6Address.fromBytes(outer.getAddress().getAddress()))
                .as("the outer peer of the moved binding (no NAT here): the node's new address").isEqualTo(next));
        if (survives) {
            assertThat(ha.providerStateCount()).as("the home agent's per-node state after a move, for a provider "
                    + "declaring CHANNEL_SURVIVES_COA_CHANGE (the channel is kept, not set up again)")
                    .isEqualTo(agentBefore);
            assertThat(node.engine().providerStateCount()).as("the node's per-node state after a move, for a "
                    + "provider declaring CHANNEL_SURVIVES_COA_CHANGE").isEqualTo(nodeBefore);
            assertThat(duringTheMove).as("what the node sent while moving, for a provider declaring "
                    + "CHANNEL_SURVIVES_COA_CHANGE: Binding Updates only, no new set-up").isNotEmpty()
                    .allMatch(Packet::carriesBindingUpdate);
        }

        // The old address is gone now: the refresh must come from, and be answered at, the new one.
        d.time().advanceUntil(() -> node.registration().map(x -> x.sequence().isNewerThan(moved.sequence()))
                .orElse(false), Duration.ofSeconds(1), moved.grantedLifetime().toDuration());
        Registration refreshed = node.registration().orElseThrow(() -> new AssertionError(
                "the node lost its registration after moving to " + next));
        assertThat(refreshed.sequence().isNewerThan(moved.sequence())).as("a refresh from the new care-of address, "
                + "acknowledged").isTrue();
        assertThat(d.binding(r.homeAddress()).orElseThrow().careOfAddress()).isEqualTo(next);

        Duration settle = settleTime(d);
        d.time().advanceUntil(() -> ha.providerStateCount() <= agentBefore, Duration.ofSeconds(1), settle);
        assertThat(ha.providerStateCount()).as("the home agent's per-node state %s after the move (before: %d)",
                settle, agentBefore).isLessThanOrEqualTo(agentBefore);
    }

    void floodOfSpoofedPacketsNeitherBindsNorGrowsProviderState() {
        Deployment d = deploy(2);
        HomeAgentEngine ha = d.homeAgent();
        KitMobileNode witness = d.mobileNode(1);
        Registration witnessed = register(d, witness);
        Ipv6Address agent = kit.homeAgentAddress();
        List<Packet> captured = witness.participant().sent().stream()
                .filter(p -> Ipv6Address.fromBytes(p.destination().getAddress().getAddress()).equals(agent)).toList();
        assertThat(captured).as("what the witness sent to the home agent").isNotEmpty();
        int afterWitness = ha.providerStateCount();

        KitMobileNode node = d.mobileNode(0);
        CompletionStage<Registration> registering = node.start();
        Random random = new Random(6275);
        int sent = 0;
        for (int round = 0; round < FLOOD_ROUNDS; round++) {
            for (Packet p : captured) {
                Packet spoofed = spoofedFrom(p, randomAttackerAddress(random), 1024 + random.nextInt(64000));
                if (round % 2 == 1 && spoofed.tamperableLength() > 0) {
                    spoofed = spoofed.withOctetFlipped(random.nextInt(spoofed.tamperableLength()),
                            1 << random.nextInt(8));
                }
                d.attacker().send(spoofed);
                sent++;
            }
            d.time().runDue();
        }
        Registration r = d.await(registering, REGISTRATION_LIMIT, "registration of a node during the flood");

        assertThat(d.binding(r.homeAddress())).as("the legitimate node's binding").isPresent();
        assertThat(ha.bindingCount()).as("bindings after %d spoofed packets", sent).isEqualTo(2);
        assertThat(ha.providerStateCount()).as("the home agent's per-node state after %d spoofed packets "
                + "(%d with the witness registered, one more node since)", sent, afterWitness)
                .isLessThanOrEqualTo(afterWitness + 1);

        // The witness's channel, if it has one, was not broken by replays of its own packets.
        d.time().advanceUntil(() -> witness.registration().map(x -> x.sequence().isNewerThan(witnessed.sequence()))
                .orElse(false), Duration.ofSeconds(1), witnessed.grantedLifetime().toDuration());
        assertThat(witness.registration().map(x -> x.sequence().isNewerThan(witnessed.sequence())).orElse(false))
                .as("the witness refreshed its registration after the flood").isTrue();
    }

    // ------------------------------------------------------------------ helpers

    /** Where the home agent saw the node's last Binding Update come from: the datagram's source, none for a raw packet. */
    private static Optional<InetSocketAddress> outerPeerOfLastBindingUpdate(KitMobileNode node) {
        List<Packet> sent = node.participant().bindingUpdatesSent();
        assertThat(sent).as("packets that carried the node's Binding Updates").isNotEmpty();
        Packet last = sent.get(sent.size() - 1);
        return last.kind() == Kind.UDP ? Optional.of(last.source()) : Optional.empty();
    }

    private static Ipv6Address randomAttackerAddress(Random random) {
        return Ipv6Address.of(0x2001_0db8_ffff_0000L | random.nextInt(0x10000), random.nextLong() & Long.MAX_VALUE);
    }

    /** {@code p} as the attacker sends it from {@code address} (and {@code port} for UDP), the inner source too when visible. */
    private static Packet spoofedFrom(Packet p, Ipv6Address address, int port) {
        Packet s = p;
        if (p.innerAddressing().isPresent()) {
            Addressing a = p.innerAddressing().get();
            s = s.withInnerAddressing(new Addressing(address, a.destination(), a.homeAddressOption(), a.routingHeader(),
                    Optional.empty()));
        }
        return s.kind() == Kind.UDP ? s.withSource(new InetSocketAddress(address.toInetAddress(), port)) : s;
    }
}
