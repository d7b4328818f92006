package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.bu;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;

/**
 * {@link ProcessingTimeListener}: told once per Binding Update, on the engine's clock, from
 * receipt to the Binding Acknowledgement; the listener is how a daemon times Binding Updates
 * without the engine depending on a metrics library.
 */
@Tag("small")
class HomeAgentProcessingTimeTest {

    private HomeAgentTestRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void processingTimeRunsFromReceiptToTheAcknowledgementOnTheEnginesClock() throws Exception {
        rig = HomeAgentTestRig.started();
        CompletableFuture<Verdict> late = new CompletableFuture<>();
        rig.provider.verifyStages = m -> late;
        rig.register(1, COA);
        assertThat(rig.processingTimes).as("not told before the verdict").isEmpty();

        rig.time.advance(Duration.ofMillis(250));
        late.complete(Verdict.accept(ScriptedProvider.identityOf(bu(1, 150)), ScriptedProvider.REPLY));
        rig.time.runDue();

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(rig.processingTimes).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void acceptedAndRejectedBindingUpdatesAreEachTimedOnce() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.register(2, COA);
        rig.provider.verifyStages = m -> CompletableFuture.completedFuture(
                Verdict.reject(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, ScriptedProvider.REPLY, "no"));
        rig.register(3, COA);

        assertThat(rig.engine.counters().accepted()).isEqualTo(2);
        assertThat(rig.engine.counters().rejected()).isEqualTo(1);
        assertThat(rig.processingTimes).hasSize(3).allMatch(Duration.ZERO::equals);
    }
}
