package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.COA2;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAuthorizationData;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.NonceIndices;
import org.mip6kit.wire.SequenceNumber;

/**
 * RFC 6275 §9.5.1 on the H bit: what a home registration must not carry, what a Binding Update
 * without H gets from a home agent that has no correspondent node role, and the registration
 * type change (139).
 */
@Tag("small")
class HomeAgentRegistrationTypeTest {

    private HomeAgentTestRig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    /** A Binding Update with A set and H clear: a correspondent registration. */
    private static BindingUpdate withoutH(int seq, MobilityOption... options) {
        return new BindingUpdate(SequenceNumber.of(seq), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE),
                Lifetime.ofUnits(150), List.of(options));
    }

    private static MobilityOption[] returnRoutabilityOptions() {
        return new MobilityOption[] {new NonceIndices(3, 4), new BindingAuthorizationData(new byte[12])};
    }

    @Test
    void homeRegistrationCarryingNonceIndicesIsSilentlyDiscarded() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.deliver(HomeAgentTestRig.bu(1, 150, new NonceIndices(3, 4)), COA, HOA);

        assertThat(rig.provider.sent).as("no Binding Acknowledgement").isEmpty();
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.engine.counters().dropped()).isEqualTo(1);
        assertThat(rig.provider.refusals).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("Nonce Indices"));
    }

    @Test
    void homeRegistrationCarryingNonceIndicesLeavesAnExistingBindingAlone() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.deliver(HomeAgentTestRig.bu(2, 150, new NonceIndices(3, 4)), COA2, HOA);

        assertThat(rig.acks()).hasSize(1);
        BindingRecord b = rig.engine.binding(HOA).orElseThrow();
        assertThat(b.careOfAddress()).isEqualTo(COA);
        assertThat(b.sequence()).isEqualTo(SequenceNumber.of(1));
    }

    @Test
    void bindingUpdateWithoutHOverAnExistingHomeBindingIsAnswered139() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.deliver(withoutH(2), COA2, HOA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED);
        assertThat(rig.lastAck().sequence()).isEqualTo(SequenceNumber.of(2));
        BindingRecord b = rig.engine.binding(HOA).orElseThrow();
        assertThat(b.careOfAddress()).as("the home binding is unchanged").isEqualTo(COA);
        assertThat(b.sequence()).isEqualTo(SequenceNumber.of(1));
    }

    @Test
    void bindingUpdateWithoutHCarryingReturnRoutabilityOptionsOverAHomeBindingIsAnswered139() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.deliver(withoutH(2, returnRoutabilityOptions()), COA2, HOA);

        assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED);
        assertThat(rig.engine.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
    }

    @Test
    void correspondentRegistrationWithoutReturnRoutabilityOptionsIsSilentlyDiscarded() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.deliver(withoutH(1), COA, HOA);

        assertThat(rig.provider.sent).as("no Binding Acknowledgement").isEmpty();
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.engine.counters().dropped()).isEqualTo(1);
        assertThat(rig.engine.counters().refused()).isZero();
    }

    /** Not a correspondent node: the options can never verify here (no Kcn, no nonces). */
    @Test
    void correspondentRegistrationWithReturnRoutabilityOptionsIsSilentlyDiscarded() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.deliver(withoutH(1, returnRoutabilityOptions()), COA, HOA);

        assertThat(rig.provider.sent).as("no Binding Acknowledgement").isEmpty();
        assertThat(rig.engine.binding(HOA)).isEmpty();
        assertThat(rig.engine.counters().dropped()).isEqualTo(1);
    }

    @Test
    void bindingUpdateWithoutHAfterTheHomeBindingEndedIsSilentlyDiscarded() throws Exception {
        rig = HomeAgentTestRig.started();
        rig.register(1, COA);
        rig.deregister(2, COA);
        rig.deliver(withoutH(3), COA2, HOA);

        assertThat(rig.acks()).hasSize(2);
        assertThat(rig.engine.bindingCount()).isZero();
    }
}
