package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * A restored binding is handed to the data plane before the first Binding Update is answered,
 * and that wait is bounded: a data plane that never prepares it stops the start with a message
 * naming the home address and the setting, instead of holding the start forever.
 */
@Tag("medium")
class HomeAgentRestoreBoundTest {

    private static final BindingForwarding NEVER_PREPARES = new BindingForwarding() {
        @Override
        public CompletionStage<Void> prepare(BindingChange change) {
            return new CompletableFuture<>();
        }
    };

    private static StoredBinding restoredBinding(Instant expires) {
        return new StoredBinding(BindingChange.Kind.CREATED, new BindingRecord(BindingRecord.State.BOUND,
                HomeAgentTestRig.HOA, HomeAgentTestRig.COA, SequenceNumber.of(5), Lifetime.ofUnits(150), false, false,
                HomeAgentTestRig.OWNER, expires, Optional.empty(), List.of()), new byte[0]);
    }

    @Test
    void startFailsNamingTheHomeAddressWhenTheDataPlaneNeverPreparesARestoredBinding() throws Exception {
        ExecutorScheduler scheduler = new ExecutorScheduler("restore-bound", 1);
        HomeAgentEngine engine = null;
        try {
            engine = HomeAgentEngine.builder()
                    .provider(new ScriptedProvider(), null)
                    .settings(HomeAgentTestRig.settings().toBuilder().beforeAckTimeout(Duration.ofMillis(200)).build())
                    .transports(() -> {
                        throw new AssertionError("the start must stop before the transport opens");
                    })
                    .clock(Clock.systemUTC())
                    .scheduler(scheduler)
                    .forwarding(NEVER_PREPARES)
                    .restore(List.of(restoredBinding(Instant.now().plusSeconds(600))))
                    .build();
            HomeAgentEngine started = engine;
            assertThatThrownBy(started::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("restored binding of " + HomeAgentTestRig.HOA)
                    .hasMessageContaining("home-agent.before-ack-timeout (200 ms)")
                    .hasMessageContaining("docs/errors.md#restore-timeout");
        } finally {
            if (engine != null) {
                engine.close();
            }
            scheduler.shutdown(Duration.ofSeconds(1));
        }
    }

    @Test
    void onAVirtualClockADataPlaneThatDoesNotPrepareAtOnceStopsTheStart() {
        assertThatThrownBy(() -> HomeAgentTestRig.started(Instant.parse("2024-01-01T00:00:00Z"),
                new ScriptedProvider(), b -> b.forwarding(NEVER_PREPARES)
                        .restore(List.of(restoredBinding(Instant.parse("2024-01-01T00:10:00Z"))))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not prepare the restored binding of " + HomeAgentTestRig.HOA);
    }
}
