package org.mip6kit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.mip6kit.engine.BindingRecord;
import org.mip6kit.engine.MobileNodeEngine.Registration;

/**
 * Replays: the attacker sends again, verbatim and from outside every tunnel, the packets that
 * carried a node's Binding Updates — while the binding lives, after a deregistration, and after
 * the engine's own replay hold has lapsed. Each must be refused by the provider itself, not
 * merely by the engine's sequence-number check.
 */
final class ReplayCases extends KitCases {

    ReplayCases(ProviderCompatibilityKit kit) {
        super(kit);
    }

    void replayedBindingUpdateChangesNothingAndIsRefusedByTheProvider() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        d.await(node.moveTo(kit.careOfAddress(0, 1)), REGISTRATION_LIMIT, "move");
        List<Packet> captured = node.participant().bindingUpdatesSent();
        assertThat(captured).as("packets that carried the node's Binding Updates").hasSizeGreaterThanOrEqualTo(2);
        BindingRecord before = d.binding(r.homeAddress()).orElseThrow();

        Verdicts verdicts = Verdicts.of(d.homeAgent());
        for (Packet p : captured) {
            d.inject(p);
        }
        assertThat(d.homeAgent().binding(r.homeAddress())).as("the binding after replays (the first one moves it back "
                + "to " + kit.careOfAddress(0, 0) + " if accepted)").contains(before);
        verdicts.assertRefusedByProvider(d, "replayed Binding Updates");
    }

    void bindingUpdateReplayedAfterDeregistrationDoesNotRecreateTheBinding() {
        Deployment d = deploy(1);
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        Packet captured = node.participant().bindingUpdatesSent().get(0);
        d.time().advance(Duration.ofSeconds(1));
        d.await(node.returnHome(), REGISTRATION_LIMIT, "deregistration");
        assertThat(d.binding(r.homeAddress())).isEmpty();
        requireInsideReplayWindow(d, r);

        Verdicts verdicts = Verdicts.of(d.homeAgent());
        d.inject(captured);
        assertThat(d.binding(r.homeAddress())).as("binding after replaying a Binding Update from before the "
                + "deregistration").isEmpty();
        assertThat(d.homeAgent().bindingCount()).isZero();
        verdicts.assertRefusedByProvider(d, "a Binding Update replayed after deregistration");
    }

    void providerRemembersReplaysAfterTheEngineHasForgottenTheBinding() {
        // The engine keeps its own replay hold; shortened here so that the provider's replay
        // state alone decides, as RFC 4285 §5.2 makes the mobility message authentication the
        // replay protection.
        Deployment d = kit.deploy(1, kit.homeAgentSettings().withReplayHold(Duration.ofSeconds(1)));
        KitMobileNode node = d.mobileNode(0);
        Registration r = register(d, node);
        Packet captured = node.participant().bindingUpdatesSent().get(0);
        d.await(node.returnHome(), REGISTRATION_LIMIT, "deregistration");
        d.time().advanceUntil(() -> d.homeAgent().binding(r.homeAddress()).isEmpty(), Duration.ofMillis(100),
                Duration.ofSeconds(5));
        assertThat(d.homeAgent().binding(r.homeAddress())).as("the engine's own replay hold (1 s) has lapsed").isEmpty();
        requireInsideReplayWindow(d, r);

        d.inject(captured);
        assertThat(d.binding(r.homeAddress())).as("binding after replaying, inside the provider's replay window of "
                + kit.replayWindow() + ", a Binding Update from before the deregistration").isEmpty();
    }
}
