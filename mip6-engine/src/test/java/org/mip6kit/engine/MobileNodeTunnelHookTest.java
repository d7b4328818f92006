package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.COA2;
import static org.mip6kit.engine.MobileNodeTestRig.HA;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Lifetime;

/**
 * The mobile node's data-plane hook: the tunnel endpoint switches when a verified Binding
 * Acknowledgement accepts a registration (RFC 6275 §11.3.1), before the engine's waiters hear of
 * it, and ends with the registration.
 */
@Tag("small")
class MobileNodeTunnelHookTest {

    @Test
    void theTunnelIsToldOfTheFirstAcceptanceWithTheCareOfAndTheHomeAgent() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        assertThat(rig.tunnelChanges).as("nothing before the acknowledgement").isEmpty();

        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(400));

        assertThat(rig.tunnelChanges).containsExactly("REGISTERED " + COA + " -> " + HA);
    }

    @Test
    void aMoveSwitchesTheTunnelWhenItsAcknowledgementArrivesAndBeforeTheWaiterHears() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        CompletableFuture<MobileNodeEngine.Registration> moved = rig.engine.moveTo(COA2).toCompletableFuture();
        rig.time.runDue();
        assertThat(rig.tunnelChanges).as("the move is not acknowledged yet").hasSize(1);
        int[] seenByWaiter = new int[1];
        moved.thenRun(() -> seenByWaiter[0] = rig.tunnelChanges.size());

        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(400));

        assertThat(rig.tunnelChanges).containsExactly("REGISTERED " + COA + " -> " + HA, "MOVED " + COA2 + " -> " + HA);
        assertThat(seenByWaiter[0]).isEqualTo(2);
    }

    @Test
    void aRefusedMoveLeavesTheTunnelWhereItWas() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        rig.engine.moveTo(COA2);
        rig.time.runDue();

        rig.ack(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, rig.lastBu().sequence(), Lifetime.ZERO);

        assertThat(rig.tunnelChanges).doesNotContain("MOVED " + COA2 + " -> " + HA);
    }

    @Test
    void aDeregistrationEndsTheTunnel() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.returnHome();
        rig.time.runDue();

        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ZERO);

        assertThat(rig.tunnelChanges).last().asString().startsWith("DEREGISTERED");
    }
}
