package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Lifetime;

/**
 * {@link org.mip6kit.spi.Scheduler#callerMayWait()}: on {@link VirtualTime} the caller's thread
 * is the one that moves the clock, so the engines' blocking {@code close()} must start the work
 * and return at once instead of waiting for a stage nobody can complete.
 */
@Tag("small")
class EngineCloseOnVirtualTimeTest {

    /** Far below the engines' real-time waits (5 s and more), far above what returning at once takes. */
    private static final Duration AT_ONCE = Duration.ofSeconds(2);

    @Test
    void virtualTimeTellsCallersNotToWait() {
        assertThat(new VirtualTime().callerMayWait()).isFalse();
    }

    @Test
    void mobileNodeCloseReturnsAtOnceAndTheDeregistrationFinishesOnTheVirtualClock() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));

        assertTimeout(AT_ONCE, rig.engine::close);
        rig.time.runDue();
        assertThat(rig.lastBu().lifetime()).isEqualTo(Lifetime.ZERO);
        assertThat(rig.security().closed).isFalse();

        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ZERO);
        assertThat(rig.path().closed).isTrue();
        assertThat(rig.security().closed).isTrue();
    }

    @Test
    void mobileNodeCloseFailsAMoveWhoseCareOfChangeNeverCompletes() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.security().careOfChanging = (from, to) -> new CompletableFuture<>();
        CompletableFuture<MobileNodeEngine.Registration> moved = rig.engine.moveTo(MobileNodeTestRig.COA2)
                .toCompletableFuture();
        rig.time.runDue();

        assertTimeout(AT_ONCE, rig.engine::close);
        rig.time.advance(Duration.ofSeconds(10));
        assertThat(moved).isCompletedExceptionally();
        assertThat(rig.security().closed).isTrue();
    }

    @Test
    void homeAgentCloseReturnsAtOnceAndClosesWhenTheWorkInFlightHasDrained() throws Exception {
        HomeAgentTestRig rig = HomeAgentTestRig.started();
        CompletableFuture<Void> preparing = new CompletableFuture<>();
        rig.provider.beforeAck = c -> preparing;
        rig.register(1, HomeAgentTestRig.COA);
        assertThat(rig.engine.inFlight()).isEqualTo(1);

        assertTimeout(AT_ONCE, rig.engine::close);
        assertThat(rig.provider.closed).isFalse();
        preparing.complete(null);
        rig.time.runDue();
        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.provider.closed).isTrue();
    }

    @Test
    void homeAgentCloseStopsWaitingForStuckWorkAfterTheShutdownTimeoutOnTheVirtualClock() throws Exception {
        HomeAgentTestRig rig = HomeAgentTestRig.started();
        rig.provider.sendStages = m -> new CompletableFuture<>();   // the BA never leaves
        rig.register(1, HomeAgentTestRig.COA);
        Duration timeout = rig.engine.settings().shutdownTimeout();

        assertTimeout(AT_ONCE, rig.engine::close);
        rig.time.advance(timeout.minusMillis(1));
        assertThat(rig.provider.closed).isFalse();
        rig.time.advance(Duration.ofMillis(1));
        assertThat(rig.provider.closed).isTrue();
    }
}
