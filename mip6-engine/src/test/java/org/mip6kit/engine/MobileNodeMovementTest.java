package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.COA2;
import static org.mip6kit.engine.MobileNodeTestRig.HA;
import static org.mip6kit.engine.MobileNodeTestRig.HOA;
import static org.mip6kit.engine.MobileNodeTestRig.seconds;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.engine.MobileNodeTestRig.Sent;
import org.mip6kit.spi.Capability;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.BindingUpdate.Flag;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/** Care-of changes (draft §6.8: provider first), return home (RFC 6275 §11.5.4) and clean shutdown. */
@Tag("small")
class MobileNodeMovementTest {

    @Test
    void aCareOfChangeWaitsForTheProvidersStageBeforeTheBindingUpdateLeaves() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        CompletableFuture<Void> providerReady = new CompletableFuture<>();
        rig.factory.security.careOfChanging = (from, to) -> providerReady;

        CompletableFuture<MobileNodeEngine.Registration> moved = rig.engine.moveTo(COA2).toCompletableFuture();
        rig.time.advance(Duration.ofSeconds(5));
        assertThat(rig.factory.security.careOfChanges).containsExactly(COA + "->" + COA2);
        assertThat(rig.bus()).hasSize(1);
        assertThat(rig.engine.careOfAddress()).isEqualTo(COA);
        assertThat(rig.events(EngineEvent.Kind.CARE_OF_CHANGED)).isEmpty();

        providerReady.complete(null);
        rig.time.runDue();
        Sent s = rig.lastSent();
        assertThat(rig.bus()).hasSize(2);
        assertThat(s.to().source()).isEqualTo(COA2);
        assertThat(s.bu().sequence()).isEqualTo(SequenceNumber.of(101));
        assertThat(rig.events(EngineEvent.Kind.CARE_OF_CHANGED)).hasSize(1);
        assertThat(rig.events(EngineEvent.Kind.CARE_OF_CHANGED).get(0).careOfAddress()).contains(COA2);

        rig.ack(BindingAckStatus.ACCEPTED, s.bu().sequence(), s.bu().lifetime());
        assertThat(moved.join().careOfAddress()).isEqualTo(COA2);
    }

    @Test
    void aMoveCarriesTheAlternateCareOfAddressOfTheNewAddressWhenTheProviderNeedsIt() throws Exception {
        MobileNodeTestRig rig = new MobileNodeTestRig(Set.of(Capability.NEEDS_ALTERNATE_COA), MobileNodeTestRig.settings());
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        rig.engine.moveTo(COA2);
        rig.time.runDue();
        assertThat(rig.lastBu().options()).containsExactly(new AlternateCareOfAddress(COA2));
    }

    @Test
    void aFailedProviderStageIsReportedAndAskedAgainLater() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        int[] calls = {0};
        rig.factory.security.careOfChanging = (from, to) -> ++calls[0] == 1
                ? CompletableFuture.failedFuture(new IllegalStateException("MOBIKE update refused"))
                : CompletableFuture.completedFuture(null);

        rig.engine.moveTo(COA2);
        rig.time.runDue();
        assertThat(rig.bus()).hasSize(1);
        assertThat(rig.events(EngineEvent.Kind.SEND_FAILED)).hasSize(1);
        assertThat(rig.events(EngineEvent.Kind.SEND_FAILED).get(0).detail()).contains("MOBIKE update refused");

        rig.time.advance(Duration.ofSeconds(1));
        assertThat(calls[0]).isEqualTo(2);
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastSent().to().source()).isEqualTo(COA2);
    }

    @Test
    void aMoveReplacedBeforeItsBindingUpdateLeftCompletesWithTheLaterRegistration() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        CompletableFuture<Void> firstReady = new CompletableFuture<>();
        rig.factory.security.careOfChanging = (from, to) -> to.equals(COA2)
                ? firstReady : CompletableFuture.completedFuture(null);
        Ipv6Address third = Ipv6Address.parse("2001:db8:4::9");

        CompletableFuture<MobileNodeEngine.Registration> a = rig.engine.moveTo(COA2).toCompletableFuture();
        CompletableFuture<MobileNodeEngine.Registration> b = rig.engine.moveTo(third).toCompletableFuture();
        rig.time.runDue();
        firstReady.complete(null);
        rig.time.runDue();

        // the provider heard of both changes, in order; only the last address was registered
        assertThat(rig.factory.security.careOfChanges).containsExactly(COA + "->" + COA2, COA2 + "->" + third);
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastSent().to().source()).isEqualTo(third);
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), rig.lastBu().lifetime());
        assertThat(a.join().careOfAddress()).isEqualTo(third);
        assertThat(b.join().careOfAddress()).isEqualTo(third);
    }

    @Test
    void returnHomeDeregistersWithLifetimeZeroFromTheHomeAddressWithoutAHomeAddressOption() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        CompletableFuture<Void> home = rig.engine.returnHome().toCompletableFuture();
        rig.time.runDue();

        assertThat(rig.factory.security.careOfChanges).containsExactly(COA + "->" + HOA);
        Sent s = rig.lastSent();
        BindingUpdate bu = s.bu();
        assertThat(bu.lifetime()).isEqualTo(Lifetime.ZERO);
        assertThat(bu.flags()).containsExactlyInAnyOrder(Flag.ACKNOWLEDGE, Flag.HOME_REGISTRATION);
        assertThat(bu.options()).isEmpty();
        assertThat(bu.sequence()).isEqualTo(SequenceNumber.of(101));
        assertThat(s.to().source()).isEqualTo(HOA);
        assertThat(s.to().destination()).isEqualTo(HA);
        assertThat(s.to().homeAddressOption()).isEmpty();
        assertThat(s.to().routingHeader()).isEmpty();
        assertThat(home).isNotDone();

        rig.ack(BindingAckStatus.ACCEPTED, bu.sequence(), Lifetime.ZERO);
        assertThat(home).isCompleted();
        assertThat(rig.engine.registration()).isEmpty();
        assertThat(rig.engine.careOfAddress()).isEqualTo(HOA);
        assertThat(rig.events(EngineEvent.Kind.DEREGISTERED)).hasSize(1);
        rig.time.advance(Duration.ofHours(1));
        assertThat(rig.bus()).as("no refresh once at home").hasSize(2);
    }

    @Test
    void moveToTheHomeAddressIsRefusedInFavourOfReturnHome() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        assertThatThrownBy(() -> rig.engine.moveTo(HOA)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("returnHome");
    }

    @Test
    void closeDeregistersFirstThenClosesThePathAndTheProvider() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        rig.engine.close();
        rig.time.runDue();

        Sent dereg = rig.lastSent();
        assertThat(dereg.bu().lifetime()).isEqualTo(Lifetime.ZERO);
        assertThat(dereg.bu().flags()).contains(Flag.ACKNOWLEDGE, Flag.HOME_REGISTRATION);
        // deregistering while away: from the care-of address with the Home Address option
        assertThat(dereg.to().source()).isEqualTo(COA);
        assertThat(dereg.to().homeAddressOption()).contains(HOA);
        assertThat(rig.path().closed).isFalse();
        assertThat(rig.factory.security.closed).isFalse();

        rig.time.advance(seconds(0.3));
        rig.ack(BindingAckStatus.ACCEPTED, dereg.bu().sequence(), Lifetime.ZERO);
        assertThat(rig.events(EngineEvent.Kind.DEREGISTERED)).hasSize(1);
        assertThat(rig.path().closed).isTrue();
        assertThat(rig.factory.security.closed).isTrue();
        assertThat(rig.path().closedAt).isAfter(dereg.at());
        assertThat(rig.engine.registration()).isEmpty();
        assertThatThrownBy(() -> rig.engine.moveTo(COA2).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(MobileNodeRegistrationException.class);
    }

    @Test
    void closeStopsWaitingForTheDeregistrationAfterTheShutdownTimeout() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(10));
        Instant closedAt = rig.time.now();
        rig.engine.close();
        rig.time.advance(seconds(4.9));
        assertThat(rig.path().closed).isFalse();
        List<BindingUpdate> deregs = rig.bus().stream().filter(BindingUpdate::isLifetimeZero).toList();
        assertThat(deregs).hasSize(3);   // at 0, 1 and 3 s

        rig.time.advance(seconds(0.1));
        assertThat(rig.path().closed).isTrue();
        assertThat(rig.path().closedAt).isEqualTo(closedAt.plusSeconds(5));
        assertThat(rig.factory.security.closed).isTrue();
        rig.time.advance(Duration.ofMinutes(10));
        assertThat(rig.bus().stream().filter(BindingUpdate::isLifetimeZero).count()).isEqualTo(3);
    }

    @Test
    void closeWithNothingRegisteredClosesAtOnceAndSendsNothing() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.engine.close();
        rig.time.runDue();
        assertThat(rig.factory.security.closed).isTrue();
        assertThat(rig.path()).isNull();
        assertThatThrownBy(() -> rig.engine.start().toCompletableFuture().join())
                .hasCauseInstanceOf(MobileNodeRegistrationException.class);
    }

    @Test
    void closeDuringTheFirstRegistrationStillDeregistersBecauseTheHomeAgentMayHaveAccepted() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.time.advance(seconds(0.5));
        rig.engine.close();
        rig.time.runDue();

        assertThat(rig.lastBu().isLifetimeZero()).isTrue();
        assertThat(started).isCompletedExceptionally();
        // "no binding" (133) to a deregistration means there was nothing to delete: done
        rig.ack(BindingAckStatus.NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE, rig.lastBu().sequence(), Lifetime.ZERO);
        assertThat(rig.path().closed).isTrue();
        assertThat(rig.factory.security.rejections).isEmpty();
    }
}
