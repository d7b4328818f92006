package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.COA2;
import static org.mip6kit.engine.MobileNodeTestRig.HA;
import static org.mip6kit.engine.MobileNodeTestRig.HOA;
import static org.mip6kit.engine.MobileNodeTestRig.MN;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.MobileNodeHandle;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/**
 * {@link MobileNodeHandle}: what a mobile-node provider may ask of the engine — bootstrap again,
 * refresh now, or stop for good — and {@link org.mip6kit.spi.MobileNodeSecurity#attach}, which
 * hands it over.
 */
@Tag("small")
class MobileNodeHandleTest {

    private static final Ipv6Address NEW_HOA = Ipv6Address.parse("2001:db8:1::101");
    private static final InetSocketAddress NEW_ENDPOINT = new InetSocketAddress("2001:db8:1::1", 4191);

    private static MobileNodeHandle handle(MobileNodeTestRig rig) {
        return rig.security().handle;
    }

    private static void assertFailsWith(CompletableFuture<?> f, MobileNodeRegistrationException.Reason reason) {
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(MobileNodeRegistrationException.class)
                .satisfies(e -> assertThat(((MobileNodeRegistrationException) e).reason()).isEqualTo(reason));
    }

    // ------------------------------------------------------------------ attach

    @Test
    void handleIsAttachedOnceBeforeTheFirstBootstrap() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        assertThat(rig.security().attachCalls).isZero();
        rig.register();

        assertThat(rig.security().attachCalls).isEqualTo(1);
        assertThat(rig.security().calls).startsWith("attach", "bootstrap", "path");
        handle(rig).rebootstrap("test");
        rig.time.runDue();
        assertThat(rig.security().attachCalls).isEqualTo(1);
        assertThat(rig.security().calls).containsExactly("attach", "bootstrap", "path", "bootstrap", "path");
    }

    // ------------------------------------------------------------------ rebootstrap

    @Test
    void rebootstrapClosesTheOldPathAndRegistersThroughANewOneWithTheNewBootstrapResult() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        MobileNodeTestRig.FakePath old = rig.path();
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(new BootstrapResult(MN,
                Optional.of(NEW_HOA), Optional.empty(), Optional.empty(), HA, List.of(NEW_ENDPOINT))));

        handle(rig).rebootstrap("the SA ends in 30 s");
        rig.time.runDue();

        assertThat(rig.security().bootstrapRequests).hasSize(2);
        assertThat(old.closed).isTrue();
        assertThat(rig.security().paths).hasSize(2);
        MobileNodeTestRig.FakePath fresh = rig.path();
        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.receiver).as("the new path is started").isNotNull();
        assertThat(old.sent).hasSize(1);
        MobileNodeTestRig.Sent bu = rig.lastSent();
        assertThat(bu.to().homeAddressOption()).contains(NEW_HOA);
        assertThat(bu.to().source()).isEqualTo(COA);
        assertThat(bu.to().outerPeer()).contains(NEW_ENDPOINT);
        assertThat(rig.events(EngineEvent.Kind.REBOOTSTRAP_REQUESTED)).hasSize(1);

        rig.ack(BindingAckStatus.ACCEPTED, bu.bu().sequence(), Lifetime.ofSeconds(600));
        assertThat(rig.engine.registration()).hasValueSatisfying(r -> assertThat(r.homeAddress()).isEqualTo(NEW_HOA));
    }

    @Test
    void rebootstrapWithANewHomeAddressIsReportedAsANewRegistrationNotARefresh() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.security().bootstrapAnswers.add(CompletableFuture.completedFuture(MobileNodeTestRig.FakeSecurity.result(NEW_HOA)));
        handle(rig).rebootstrap("a new virtual IP was leased");
        rig.time.runDue();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.REGISTERED);
        assertThat(rig.security().registrationChanges.get(1).homeAddress()).isEqualTo(NEW_HOA);
    }

    @Test
    void rebootstrapKeepingTheHomeAddressIsReportedAsARefresh() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).rebootstrap("key daemon restarted");
        rig.time.runDue();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));

        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.REFRESHED);
    }

    @Test
    void rebootstrapRequestsMadeWhileOneIsQueuedAreMergedIntoOneBootstrap() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).rebootstrap("one");
        handle(rig).rebootstrap("two");
        handle(rig).rebootstrap("three");
        rig.time.runDue();

        assertThat(rig.security().bootstrapRequests).hasSize(2);
        assertThat(rig.security().paths).hasSize(2);
    }

    @Test
    void rebootstrapRequestsMadeWhileOneRunsAreMergedIntoIt() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        CompletableFuture<BootstrapResult> running = new CompletableFuture<>();
        rig.security().bootstrapAnswers.add(running);
        handle(rig).rebootstrap("one");
        rig.time.runDue();
        assertThat(rig.security().bootstrapRequests).hasSize(2);

        handle(rig).rebootstrap("two");
        handle(rig).rebootstrap("three");
        rig.time.advance(Duration.ofSeconds(5));
        running.complete(MobileNodeTestRig.FakeSecurity.result(HOA));
        rig.time.advance(Duration.ofSeconds(5));

        assertThat(rig.security().bootstrapRequests).hasSize(2);
        assertThat(rig.security().paths).hasSize(2);
    }

    @Test
    void atMostOneRebootstrapStartsPerSecond() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).rebootstrap("forged 176");
        rig.time.runDue();
        assertThat(rig.security().bootstrapRequests).hasSize(2);

        handle(rig).rebootstrap("forged 176 again");
        rig.time.runDue();
        rig.time.advance(Duration.ofMillis(999));
        assertThat(rig.security().bootstrapRequests).hasSize(2);
        rig.time.advance(Duration.ofMillis(1));
        assertThat(rig.security().bootstrapRequests).hasSize(3);
    }

    @Test
    void rebootstrapAsksFromTheCurrentCareOfAddress() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.moveTo(COA2);
        rig.time.runDue();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ofSeconds(600));
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).rebootstrap("HAC restarted");
        rig.time.runDue();

        assertThat(rig.security().bootstrapRequests).extracting(r -> r.careOf()).containsExactly(COA, COA2);
        assertThat(rig.lastSent().to().source()).isEqualTo(COA2);
    }

    @Test
    void rebootstrapAfterCloseIsIgnored() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.close();
        rig.time.advance(Duration.ofSeconds(10));
        handle(rig).rebootstrap("late");
        rig.time.advance(Duration.ofSeconds(10));

        assertThat(rig.security().bootstrapRequests).hasSize(1);
    }

    // ------------------------------------------------------------------ refreshNow

    @Test
    void refreshNowSendsABindingUpdateWithAFreshSequenceNumberWhileRegistered() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).refreshNow("re-keyed");
        rig.time.runDue();

        assertThat(rig.bus()).hasSize(2);
        BindingUpdate refresh = rig.lastBu();
        assertThat(refresh.sequence()).isEqualTo(SequenceNumber.of(101));
        assertThat(refresh.lifetime()).isEqualTo(Lifetime.ofSeconds(600));
        assertThat(rig.lastSent().to().source()).isEqualTo(COA);
        assertThat(rig.lastSent().at()).isEqualTo(rig.time.now());
        assertThat(rig.events(EngineEvent.Kind.REFRESH_REQUESTED)).hasSize(1);

        rig.ack(BindingAckStatus.ACCEPTED, refresh.sequence(), Lifetime.ofSeconds(600));
        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.REFRESHED);
    }

    @Test
    void refreshNowIsIgnoredWhileTheFirstRegistrationIsOutstanding() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        handle(rig).refreshNow("too early");
        rig.time.runDue();

        assertThat(rig.bus()).hasSize(1);
    }

    @Test
    void refreshNowIsIgnoredWhileARefreshIsOutstanding() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).refreshNow("first");
        rig.time.runDue();
        handle(rig).refreshNow("second");
        rig.time.runDue();

        assertThat(rig.bus()).hasSize(2);
    }

    @Test
    void refreshNowIsIgnoredOnceDeregistered() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.returnHome();
        rig.time.runDue();
        rig.ack(BindingAckStatus.ACCEPTED, rig.lastBu().sequence(), Lifetime.ZERO);
        int sent = rig.bus().size();
        handle(rig).refreshNow("nothing to refresh");
        rig.time.runDue();

        assertThat(rig.bus()).hasSize(sent);
    }

    // ------------------------------------------------------------------ failed

    @Test
    void failedProviderFailsAPendingStartWithProviderFailed() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        handle(rig).failed("credentials revoked");
        rig.time.runDue();

        assertFailsWith(started, MobileNodeRegistrationException.Reason.PROVIDER_FAILED);
        assertThat(rig.events(EngineEvent.Kind.PROVIDER_FAILED)).hasSize(1);
        rig.time.advance(Duration.ofMinutes(10));
        assertThat(rig.bus()).as("no retransmission after the failure").hasSize(1);
    }

    @Test
    void failedProviderFailsAStartWaitingForBootstrapAndIsNeverAskedForAPath() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<BootstrapResult> bootstrapping = new CompletableFuture<>();
        rig.security().bootstrapAnswers.add(bootstrapping);
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        handle(rig).failed("daemon gone");
        rig.time.runDue();
        assertFailsWith(started, MobileNodeRegistrationException.Reason.PROVIDER_FAILED);

        bootstrapping.complete(MobileNodeTestRig.FakeSecurity.result(HOA));
        rig.time.advance(Duration.ofMinutes(1));
        assertThat(rig.security().pathCalls).isZero();
        assertThat(rig.sent()).isEmpty();
    }

    @Test
    void failedProviderFailsAMoveWaitingForItsAcknowledgement() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        CompletableFuture<MobileNodeEngine.Registration> moved = rig.engine.moveTo(COA2).toCompletableFuture();
        rig.time.runDue();
        assertThat(rig.bus()).hasSize(2);
        handle(rig).failed("credentials revoked");
        rig.time.runDue();

        assertFailsWith(moved, MobileNodeRegistrationException.Reason.PROVIDER_FAILED);
    }

    @Test
    void failedProviderFailsAMoveWaitingForTheCareOfChange() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        CompletableFuture<Void> preparing = new CompletableFuture<>();
        rig.security().careOfChanging = (from, to) -> preparing;
        CompletableFuture<MobileNodeEngine.Registration> moved = rig.engine.moveTo(COA2).toCompletableFuture();
        rig.time.runDue();
        handle(rig).failed("MOBIKE daemon gone");
        rig.time.runDue();

        assertFailsWith(moved, MobileNodeRegistrationException.Reason.PROVIDER_FAILED);
        preparing.complete(null);
        rig.time.runDue();
        assertThat(rig.bus()).hasSize(1);
    }

    @Test
    void moveAfterTheProviderFailedFailsWithProviderFailedWithoutAskingTheProvider() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).failed("credentials revoked");
        rig.time.runDue();
        CompletableFuture<MobileNodeEngine.Registration> moved = rig.engine.moveTo(COA2).toCompletableFuture();
        rig.time.runDue();

        assertFailsWith(moved, MobileNodeRegistrationException.Reason.PROVIDER_FAILED);
        assertThat(rig.security().careOfChanges).isEmpty();
        assertThat(rig.bus()).hasSize(1);
    }

    @Test
    void failedProviderIsNotAskedAgainForACareOfChangeItCouldNotPrepare() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        rig.security().careOfChanging = (from, to) -> CompletableFuture.failedFuture(new IllegalStateException("busy"));
        rig.engine.moveTo(COA2);
        rig.time.runDue();
        assertThat(rig.security().careOfChanges).hasSize(1);   // a retry waits for its back-off
        handle(rig).failed("daemon gone");
        rig.time.advance(Duration.ofMinutes(10));

        assertThat(rig.security().careOfChanges).hasSize(1);
        assertThat(rig.bus()).hasSize(1);
    }

    @Test
    void failedProviderSendsNothingMoreEvenWhenTheRefreshIsDue() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).failed("credentials revoked");
        rig.time.advance(Duration.ofHours(2));

        assertThat(rig.bus()).hasSize(1);
        assertThat(rig.engine.registration()).isEmpty();
    }

    @Test
    void failedProviderIsToldTheRegistrationIsLost() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).failed("credentials revoked");
        rig.time.runDue();

        assertThat(rig.registrationChanges()).containsExactly(RegistrationChange.Kind.REGISTERED,
                RegistrationChange.Kind.LOST);
        RegistrationChange lost = rig.security().registrationChanges.get(1);
        assertThat(lost.homeAddress()).isEqualTo(HOA);
        assertThat(lost.careOf()).isEqualTo(COA);
        assertThat(lost.lifetime().isZero()).isTrue();
    }

    @Test
    void afterTheProviderFailedRebootstrapAndRefreshNowAreIgnored() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.register();
        rig.time.advance(Duration.ofSeconds(30));
        handle(rig).failed("credentials revoked");
        handle(rig).rebootstrap("please");
        handle(rig).refreshNow("please");
        rig.time.advance(Duration.ofSeconds(10));

        assertThat(rig.security().bootstrapRequests).hasSize(1);
        assertThat(rig.bus()).hasSize(1);
    }
}
