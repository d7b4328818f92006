package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.COA2;
import static org.mip6kit.engine.MobileNodeTestRig.HOA;
import static org.mip6kit.engine.MobileNodeTestRig.MN;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.Lifetime;

/**
 * {@link org.mip6kit.spi.MobileNodeSecurity#registrationChanged}: the provider hears how the home
 * registration comes and goes, and only from verified acknowledgements and the engine's own
 * timers (RFC 6275 §11.7.3: a message that failed verification changes nothing).
 */
@Tag("small")
class MobileNodeRegistrationChangeTest {

    @Test
    void firstAcceptanceIsReportedAsRegistered() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(400));

        assertThat(rig.security().registrationChanges).singleElement().isEqualTo(new RegistrationChange(
                RegistrationChange.Kind.REGISTERED, MN, HOA, COA, Lifetime.ofSeconds(400), false));
    }

    @Test
    void agreedKeyManagementMobilityIsReported() throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(Capability.IKE_SURVIVES_MOVE), MobileNodeTestRig.settings());
        rig.start();
        rig.ackWithK(rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        assertThat(rig.security().registrationChanges).singleElement()
                .satisfies(c -> assertThat(c.keyManagementMobility()).isTrue());
    }

    @Test
    void refreshAtTheSameCareOfAddressIsReportedAsRefreshed() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(480));
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.REFRESHED);
        assertThat(rig.security().registrationChanges.get(1).careOf()).isEqualTo(COA);
    }

    @Test
    void acceptanceFromANewCareOfAddressIsReportedAsMoved() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.moveTo(COA2);
        rig.time.runDue();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.MOVED);
        assertThat(rig.security().registrationChanges.get(1).careOf()).isEqualTo(COA2);
    }

    @Test
    void acknowledgedReturnHomeIsReportedAsDeregistered() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.returnHome();
        rig.time.runDue();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ZERO);

        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.DEREGISTERED);
        RegistrationChange deregistered = rig.security().registrationChanges.get(1);
        assertThat(deregistered.careOf()).isEqualTo(HOA);
        assertThat(deregistered.lifetime().isZero()).isTrue();
    }

    @Test
    void lifetimeRunningOutWithoutASuccessfulRefreshIsReportedAsExpired() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.path().verify = m -> Verdict.drop("forged");
        rig.time.advance(Duration.ofSeconds(480));
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));   // dropped
        rig.time.advance(Duration.ofSeconds(119));
        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED);

        rig.time.advance(Duration.ofSeconds(1));
        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.EXPIRED);
        assertThat(rig.security().registrationChanges.get(1).lifetime().isZero()).isTrue();
        assertThat(rig.engine.registration()).isEmpty();
    }

    @Test
    void givingUpIsReportedAsLost() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.time.advance(Duration.ofHours(1));

        assertThat(started).isCompletedExceptionally();
        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.LOST);
    }

    @Test
    void verifiedRefusalTheProviderGivesUpOnIsReportedAsLost() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        rig.ack(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, rig.lastBu().sequence(), Lifetime.ZERO);

        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.LOST);
    }

    @Test
    void droppedAcknowledgementIsNeverReported() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.path().verify = m -> Verdict.drop("bad authenticator");
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));
        rig.ack(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, rig.lastBu().sequence(), Lifetime.ZERO);

        assertThat(rig.security().registrationChanges).isEmpty();
        assertThat(started).isNotDone();
        assertThat(rig.engine.registration()).isEmpty();
    }

    @Test
    void acknowledgementTheProviderRejectsIsNeverReported() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        rig.path().verify = m -> Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, null, "bad MAC");
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        assertThat(rig.security().registrationChanges).isEmpty();
        assertThat(rig.engine.registration()).isEmpty();
    }
}
