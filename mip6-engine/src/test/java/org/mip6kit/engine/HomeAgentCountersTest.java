package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link HomeAgentEngine.Counters} print as their counts, so a log line or a debugger shows them. */
@Tag("small")
class HomeAgentCountersTest {

    @Test
    void countersPrintEveryCountByName() throws Exception {
        try (HomeAgentTestRig rig = HomeAgentTestRig.started()) {
            rig.register(10, COA);
            rig.register(11, COA);

            assertThat(rig.engine.counters().toString()).isEqualTo("Counters[received=2, malformed=0, ignored=0, "
                    + "dropped=0, rejected=0, refused=0, accepted=2, expired=0, revoked=0, sendFailures=0]");
        }
    }
}
