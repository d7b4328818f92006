package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.mip6kit.engine.EngineEvent;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.engine.MobileNodeEngine.Registration;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.SequenceNumber;

/**
 * The binding lifecycle hooks of the home agent's provider and the per-node state they manage:
 * teardown only after the acknowledgement has left, rollback of a prepared change that failed,
 * and per-node state back to its baseline once bindings and replay windows are gone.
 */
final class LifecycleCases extends KitCases {

    LifecycleCases(ProviderCompatibilityKit kit) {
        super(kit);
    }

    void deregistrationAcknowledgementLeavesBeforeTheProviderTearsDown() {
        Deployment d = deploy(2);
        KitMobileNode home = d.mobileNode(0);
        KitMobileNode leaving = d.mobileNode(1);
        register(d, home);
        register(d, leaving);

        CompletionStage<Void> returning = home.returnHome();
        CompletionStage<Void> shuttingDown = leaving.shutdown();
        CompletableFuture<Void> both = CompletableFuture.allOf(returning.toCompletableFuture(),
                shuttingDown.toCompletableFuture());
        d.time().advanceUntil(both::isDone, Duration.ofMillis(100), REGISTRATION_LIMIT);

        List<BindingChange> deleted = d.homeAgentParticipant().provider().lifecycle(ProviderLog.Call.AFTER_CHANGE)
                .stream().flatMap(l -> l.change().stream()).filter(c -> c.kind() == BindingChange.Kind.DELETED).toList();
        assertThat(deleted).as("afterChange(DELETED) calls on the home agent's provider").hasSize(2);
        List<String> early = d.sendsCompletedBeforeAnythingLeft().stream()
                .filter(s -> s.startsWith(Deployment.HOME_AGENT)).toList();
        assertThat(early).as("the home agent's provider reported a message sent before it was on the wire "
                + "(a teardown in afterChange can then swallow it)").isEmpty();
        for (KitMobileNode n : List.of(home, leaving)) {
            List<BindingAcknowledgement> verified = n.provider().judged().stream()
                    .filter(j -> j.verdict() instanceof Verdict.Accept)
                    .map(ProviderLog.Judged::message)
                    .filter(m -> m instanceof BindingAcknowledgement ba && ba.isAccepted() && ba.lifetime().isZero())
                    .map(m -> (BindingAcknowledgement) m).toList();
            assertThat(verified).as("the acknowledgement accepting %s's deregistration, received and verified by "
                    + "its provider (the home agent's provider tears down what protects it in afterChange, which "
                    + "must come only once the acknowledgement has left)", n).isNotEmpty();
            assertThat(n.events().stream().filter(e -> e.kind() == EngineEvent.Kind.DEREGISTERED)
                    .map(e -> e.status().orElse(null)).toList())
                    .as("how %s's deregistration ended", n).containsExactly(BindingAckStatus.ACCEPTED);
        }
        assertThat(returning.toCompletableFuture()).as("return home").isCompleted();
        assertThat(shuttingDown.toCompletableFuture()).as("clean shutdown").isCompleted();
    }

    void failedBeforeAckIsRolledBackInAbandoned() {
        Deployment d = deploy(1);
        HomeAgentEngine ha = d.homeAgent();
        ProviderLog agent = d.homeAgentParticipant().provider();
        int baseline = ha.providerStateCount();
        d.failBeforeAck(c -> true);

        KitMobileNode node = d.mobileNode(0);
        CompletionStage<Registration> registering = node.start();
        d.time().advanceUntil(() -> !agent.lifecycle(ProviderLog.Call.ABANDONED).isEmpty(), Duration.ofMillis(100),
                REGISTRATION_LIMIT);
        d.failBeforeAck(c -> false);

        List<ProviderLog.Lifecycle> prepared = agent.lifecycle(ProviderLog.Call.BEFORE_ACK);
        List<ProviderLog.Lifecycle> abandoned = agent.lifecycle(ProviderLog.Call.ABANDONED);
        assertThat(prepared).as("beforeAck calls (the kit failed each stage once the provider's own completed)")
                .isNotEmpty();
        assertThat(abandoned).as("abandoned calls after the failed stages").isNotEmpty();
        assertThat(d.homeAgent().binding(kit.homeAddress(0)).filter(b -> b.isBound()))
                .as("a binding whose preparation failed").isEmpty();
        List<String> leaks = new ArrayList<>();
        for (ProviderLog.Lifecycle a : abandoned) {
            Optional<ProviderLog.Lifecycle> p = prepared.stream().filter(x -> x.change().equals(a.change())).findFirst();
            assertThat(p).as("the beforeAck of the change abandoned: %s", a.change()).isPresent();
            if (a.stateAfter() > p.get().stateBefore()) {
                leaks.add(a.change().orElseThrow().kind() + " of " + a.change().orElseThrow().homeAddress()
                        + ": per-node state " + p.get().stateBefore() + " before beforeAck, " + p.get().stateAfter()
                        + " once it completed, " + a.stateAfter() + " after abandoned");
            }
        }
        assertThat(leaks).as("what beforeAck installed that abandoned did not remove").isEmpty();

        // Whatever the node does next (gives up, retries and registers), no state may be left behind.
        d.time().advanceUntil(() -> registering.toCompletableFuture().isDone(), Duration.ofSeconds(1),
                REGISTRATION_LIMIT);
        if (node.registration().isPresent()) {
            d.await(node.shutdown(), REGISTRATION_LIMIT, "deregistration after the retry");
        }
        Duration settle = settleTime(d);
        d.time().advanceUntil(() -> ha.bindingCount() == 0 && ha.providerStateCount() == baseline,
                Duration.ofSeconds(1), settle);
        assertThat(ha.providerStateCount()).as("per-node provider state %s after the failed preparation "
                + "(baseline %d)", settle, baseline).isEqualTo(baseline);
    }

    void perNodeProviderStateReturnsToBaselineOnceBindingsAndReplayWindowsAreGone() {
        int nodes = 12;
        Deployment d = deploy(nodes + 1);
        HomeAgentEngine ha = d.homeAgent();
        int baseline = ha.providerStateCount();

        List<KitMobileNode> all = new ArrayList<>();
        List<CompletionStage<Registration>> registering = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            KitMobileNode n = d.mobileNode(i);
            all.add(n);
            registering.add(n.start());
        }
        for (int i = 0; i < nodes; i++) {
            d.await(registering.get(i), REGISTRATION_LIMIT, "registration of node " + i);
        }
        assertThat(ha.bindingCount()).isEqualTo(nodes);

        // A node the provider authenticates but the engine refuses (or whose path refuses to claim another home
        // address, where the channel binds it): its state must go too.
        DirectMobileNode refused = d.directMobileNode(nodes);
        refused.bootstrap(kit.homeAddress(nodes), kit.homeAgentAddress());
        refused.trySend(bindingUpdate(SequenceNumber.of(1), refused.careOfAddress(), false, refused.capabilities()),
                new Addressing(refused.careOfAddress(), kit.homeAgentAddress(), Optional.of(kit.homeAddress(0)),
                        Optional.empty(), Optional.empty()));
        d.time().runDue();

        // A third return home, a third shut down cleanly, a third fall silent and expire.
        List<CompletionStage<?>> leaving = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            KitMobileNode n = all.get(i);
            switch (i % 3) {
                case 0 -> leaving.add(n.returnHome());
                case 1 -> leaving.add(n.shutdown());
                default -> n.setRule(PathRule.DROP_ALL);
            }
        }
        for (CompletionStage<?> s : leaving) {
            d.await(s, REGISTRATION_LIMIT, "deregistration");
        }
        d.time().advanceUntil(() -> ha.bindingCount() == 0, Duration.ofSeconds(1),
                ProviderCompatibilityKit.REQUESTED_LIFETIME.plus(Duration.ofMinutes(2)));
        assertThat(ha.bindingCount()).as("bindings after deregistration and expiry").isZero();

        Duration settle = settleTime(d);
        d.time().advanceUntil(() -> ha.replayHoldCount() == 0 && ha.providerStateCount() == baseline,
                Duration.ofSeconds(1), settle);
        assertThat(ha.replayHoldCount()).as("engine replay holds after %s", settle).isZero();
        assertThat(ha.providerStateCount())
                .as("per-node provider state %s after the last binding ended (baseline %d, replay window %s): "
                        + "the provider keeps state it no longer needs", settle, baseline, kit.replayWindow())
                .isEqualTo(baseline);
    }
}
