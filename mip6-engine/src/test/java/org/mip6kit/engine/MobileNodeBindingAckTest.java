package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA;
import static org.mip6kit.engine.MobileNodeTestRig.HA;
import static org.mip6kit.engine.MobileNodeTestRig.HOA;
import static org.mip6kit.engine.MobileNodeTestRig.seconds;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.SequenceNumber;

/** RFC 6275 §11.7.3: what the mobile node does with acknowledgements. */
@Tag("small")
class MobileNodeBindingAckTest {

    @Test
    void anAcceptedAcknowledgementCompletesStartWithTheRegistration() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        Instant t0 = rig.time.now();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.time.advance(seconds(0.5));
        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(100), Lifetime.ofSeconds(400));

        MobileNodeEngine.Registration r = started.join();
        assertThat(r.identity()).isEqualTo(MobileNodeTestRig.MN);
        assertThat(r.homeAddress()).isEqualTo(HOA);
        assertThat(r.careOfAddress()).isEqualTo(COA);
        assertThat(r.homeAgent()).isEqualTo(HA);
        assertThat(r.sequence()).isEqualTo(SequenceNumber.of(100));
        assertThat(r.grantedLifetime()).isEqualTo(Lifetime.ofSeconds(400));
        // the granted lifetime counts from when the Binding Update left, not from the acknowledgement
        assertThat(r.expiresAt()).isEqualTo(t0.plusSeconds(400));
        assertThat(rig.engine.registration()).contains(r);
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_ACCEPTED)).hasSize(1);
    }

    @Test
    void status135ResynchronisesToTheAcknowledgedNumberPlusOneAndResendsAtOnce() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.time.advance(seconds(0.5));
        Instant at = rig.time.now();
        rig.ack(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, SequenceNumber.of(5000), Lifetime.ZERO);

        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastBu().sequence()).isEqualTo(SequenceNumber.of(5001));
        assertThat(rig.lastSent().at()).isEqualTo(at);
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_REJECTED).get(0).status())
                .contains(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(rig.factory.security.rejections).as("135 is the engine's, never the provider's").isEmpty();

        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(5001), Lifetime.ofSeconds(600));
        assertThat(started.join().sequence()).isEqualTo(SequenceNumber.of(5001));
    }

    @Test
    void aStale135OlderThanTheLastSequenceSentIsIgnored() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        rig.time.advance(seconds(0.5));
        rig.ack(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, SequenceNumber.of(5000), Lifetime.ZERO);
        rig.time.advance(seconds(0.5));
        // a delayed duplicate of an older 135 must not pull the counter back
        rig.ack(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, SequenceNumber.of(4000), Lifetime.ZERO);

        assertThat(rig.bus()).extracting(bu -> bu.sequence().value()).containsExactly(100, 5001);
        assertThat(rig.events(EngineEvent.Kind.MESSAGE_IGNORED)).hasSize(1);
    }

    @Test
    void aForgedAcknowledgementThatFailsVerificationChangesNothing() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.path().verify = m -> Verdict.drop("bad authenticator");

        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(100), Lifetime.ofSeconds(600));
        rig.ack(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, SequenceNumber.of(9000), Lifetime.ZERO);
        rig.ack(BindingAckStatus.REINIT_SA_WITH_HAC, SequenceNumber.of(100), Lifetime.ZERO);

        assertThat(started).isNotDone();
        assertThat(rig.engine.registration()).isEmpty();
        assertThat(rig.bus()).hasSize(1);
        assertThat(rig.factory.security.bootstrapRequests).hasSize(1);
        assertThat(rig.factory.security.rejections).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.VERDICT_DROPPED)).hasSize(3);
        // the retransmission goes on as if nothing had arrived, with the next number
        rig.time.advance(seconds(1.5));
        assertThat(rig.bus()).extracting(bu -> bu.sequence().value()).containsExactly(100, 101);

        rig.path().verify = m -> Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, null, "wrong key");
        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(101), Lifetime.ofSeconds(600));
        assertThat(started).isNotDone();
        assertThat(rig.events(EngineEvent.Kind.VERDICT_DROPPED)).hasSize(4);
    }

    @Test
    void anAcknowledgementForAnotherSequenceNumberIsIgnored() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(99), Lifetime.ofSeconds(600));
        rig.ack(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, SequenceNumber.of(7), Lifetime.ZERO);

        assertThat(started).isNotDone();
        assertThat(rig.factory.security.rejections).isEmpty();
        assertThat(rig.events(EngineEvent.Kind.MESSAGE_IGNORED)).hasSize(2);
    }

    @Test
    void anAcknowledgementOfAnEarlierTransmissionOfTheSameBindingUpdateCountsFromItsOwnSendTime() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        Instant t0 = rig.time.now();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.time.advance(seconds(2));   // seq 101 left at 1.5 s
        rig.ack(BindingAckStatus.ACCEPTED, SequenceNumber.of(100), Lifetime.ofSeconds(600));

        assertThat(started.join().expiresAt()).isEqualTo(t0.plusSeconds(600));
    }

    @Test
    void aMalformedMessageIsReportedAndIgnored() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        Addressing a = new Addressing(HA, COA, Optional.empty(), Optional.of(HOA), Optional.empty());
        byte[] octets = MobileNodeTestRig.CODEC.encode(new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                java.util.Set.of(), SequenceNumber.of(100), Lifetime.ofSeconds(600), List.of()),
                a.pseudoHeaderSource(), a.pseudoHeaderDestination());
        octets[4] ^= 0x01;   // checksum
        rig.deliverOctets(octets, a);

        assertThat(started).isNotDone();
        assertThat(rig.events(EngineEvent.Kind.MESSAGE_MALFORMED)).hasSize(1);
        assertThat(rig.events(EngineEvent.Kind.MESSAGE_MALFORMED).get(0).detail()).contains("Checksum");
    }

    @Test
    void aRejectionTheProviderGivesUpOnFailsTheStageAndNamesTheStatus() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.ack(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, SequenceNumber.of(100), Lifetime.ZERO);

        assertThat(rig.factory.security.rejections).containsExactly(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        EngineEvent e = rig.events(EngineEvent.Kind.REGISTRATION_REJECTED).get(0);
        assertThat(e.status()).contains(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        assertThat(e.toLogLine()).contains("Administratively prohibited(129)");
        MobileNodeRegistrationException x = failure(started);
        assertThat(x.reason()).isEqualTo(MobileNodeRegistrationException.Reason.REJECTED);
        assertThat(x.status()).contains(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        rig.time.advance(Duration.ofMinutes(5));
        assertThat(rig.bus()).hasSize(1);
    }

    @Test
    void aRetryTheProviderAsksForReusesOrAdvancesTheSequenceNumberAsItSays() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.factory.security.onRejected = s -> new RejectAction.Retry(
                s.equals(BindingAckStatus.MIPV6_ID_MISMATCH), "clock corrected");
        rig.start();
        rig.time.advance(seconds(0.5));
        rig.ack(BindingAckStatus.MIPV6_ID_MISMATCH, SequenceNumber.of(100), Lifetime.ZERO);
        rig.time.advance(seconds(0.5));
        rig.ack(BindingAckStatus.MIPV6_AUTH_FAIL, SequenceNumber.of(100), Lifetime.ZERO);

        assertThat(rig.bus()).extracting(bu -> bu.sequence().value()).containsExactly(100, 100, 101);
    }

    @Test
    void status176WithBootstrapAgainRunsBootstrapAgainThenRegisters() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        Ipv6Address newHoa = Ipv6Address.parse("2001:db8:1::200");
        rig.factory.security.onRejected = s -> s.equals(BindingAckStatus.REINIT_SA_WITH_HAC)
                ? new RejectAction.BootstrapAgain("HAC asks for a new SA")
                : new RejectAction.GiveUp("unexpected");
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();
        rig.factory.security.bootstrapAnswers.add(CompletableFuture.completedFuture(
                MobileNodeTestRig.FakeSecurity.result(newHoa)));
        rig.time.advance(seconds(0.5));
        MobileNodeTestRig.FakePath first = rig.path();
        rig.ack(BindingAckStatus.REINIT_SA_WITH_HAC, SequenceNumber.of(100), Lifetime.ZERO);

        assertThat(rig.factory.security.bootstrapRequests).hasSize(2);
        assertThat(first.closed).as("the old path is closed before the new one starts").isTrue();
        assertThat(rig.factory.security.pathCalls).as("a new bootstrap gets a new path").isEqualTo(2);
        assertThat(rig.bus()).as("the new path carries the registration after bootstrap").hasSize(1);
        assertThat(rig.lastSent().to().homeAddressOption()).contains(newHoa);
        assertThat(started).isNotDone();

        BindingUpdate bu = rig.lastBu();
        rig.ack(BindingAckStatus.ACCEPTED, bu.sequence(), bu.lifetime());
        assertThat(started.join().homeAddress()).isEqualTo(newHoa);
        assertThat(rig.events(EngineEvent.Kind.BOOTSTRAP_COMPLETED)).hasSize(2);
    }

    @Test
    void aFailedBootstrapFailsStartWithAnEvent() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.factory.security.bootstrapAnswers.add(CompletableFuture.failedFuture(
                new org.mip6kit.spi.SecurityProviderException("home agent controller unreachable")));
        CompletableFuture<MobileNodeEngine.Registration> started = rig.start();

        MobileNodeRegistrationException x = failure(started);
        assertThat(x.reason()).isEqualTo(MobileNodeRegistrationException.Reason.BOOTSTRAP_FAILED);
        assertThat(x.getMessage()).contains("home agent controller unreachable");
        assertThat(rig.events(EngineEvent.Kind.BOOTSTRAP_FAILED)).hasSize(1);
        assertThat(rig.path()).isNull();
    }

    private static MobileNodeRegistrationException failure(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("expected the stage to fail");
        } catch (CompletionException e) {
            return (MobileNodeRegistrationException) e.getCause();
        }
    }
}
