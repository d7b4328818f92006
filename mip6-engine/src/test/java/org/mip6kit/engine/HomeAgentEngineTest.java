package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.HomePrefix;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingErrorStatus;
import org.mip6kit.wire.BindingRefreshAdvice;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.NatDetection;
import org.mip6kit.wire.SequenceNumber;

/** RFC 6275 §9.5.1 / §10.3.1 home agent rules (docs/architecture.md, "One Binding Update through the home agent"), with a scripted provider. */
@Tag("small")
class HomeAgentEngineTest {

    private static final Ipv6Address HA = Ipv6Address.parse("2001:db8:1::1");
    private static final Ipv6Address HOA = Ipv6Address.parse("2001:db8:1::100");
    private static final Ipv6Address COA = Ipv6Address.parse("2001:db8:2::100");
    private static final Ipv6Address COA2 = Ipv6Address.parse("2001:db8:3::100");

    private final VirtualTime time = new VirtualTime();
    private final List<EngineEvent> events = new ArrayList<>();
    private ScriptedProvider provider;
    private HomeAgentEngine ha;

    private void start(HomeAgentSettings settings, Capability... caps) throws Exception {
        provider = new ScriptedProvider(caps);
        ha = HomeAgentEngine.builder()
                .provider(provider, null)
                .settings(settings)
                .transports(() -> {
                    throw new AssertionError("the scripted provider never opens the engine transport");
                })
                .clock(time.clock())
                .scheduler(time)
                .listener(events::add)
                .build();
        ha.start();
    }

    private void start() throws Exception {
        start(HomeAgentSettings.defaults(HA, HomePrefix.parse("2001:db8:1::/64")));
    }

    @AfterEach
    void close() {
        if (ha != null) {
            ha.close();
        }
    }

    private static BindingUpdate bu(int seq, int lifetimeUnits, MobilityOption... options) {
        return new BindingUpdate(SequenceNumber.of(seq),
                EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE, BindingUpdate.Flag.HOME_REGISTRATION),
                Lifetime.ofUnits(lifetimeUnits), List.of(options));
    }

    private static Addressing fromCareOf(Ipv6Address coa, Ipv6Address hoa) {
        return new Addressing(coa, HA, Optional.of(hoa), Optional.empty(), Optional.empty());
    }

    private BindingAcknowledgement lastAck() {
        assertThat(provider.sent).isNotEmpty();
        return (BindingAcknowledgement) provider.sent.get(provider.sent.size() - 1).message();
    }

    private void register(int seq, Ipv6Address coa) {
        provider.deliver(bu(seq, 150), fromCareOf(coa, HOA));
        time.runDue();
    }

    @Test
    void acceptsHomeRegistrationAndAnswersToTheCareOfAddressWithRoutingHeader() throws Exception {
        start();
        register(1, COA);
        BindingAcknowledgement ba = lastAck();
        assertThat(ba.status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(ba.sequence()).isEqualTo(SequenceNumber.of(1));
        assertThat(ba.lifetime()).isEqualTo(Lifetime.ofUnits(150));
        assertThat(ba.option(BindingRefreshAdvice.class)).map(b -> b.refreshInterval().units()).contains(120);
        Addressing to = provider.sent.get(0).to();
        assertThat(to.destination()).isEqualTo(COA);
        assertThat(to.routingHeader()).contains(HOA);
        assertThat(to.source()).isEqualTo(HA);
        assertThat(provider.sent.get(0).reply()).contains(ScriptedProvider.REPLY);
        BindingRecord b = ha.binding(HOA).orElseThrow();
        assertThat(b.careOfAddress()).isEqualTo(COA);
        assertThat(b.identity()).isEqualTo(Identity.nai("mn@example.com"));
        assertThat(provider.before).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);
        assertThat(provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED);
        assertThat(events).extracting(EngineEvent::kind).contains(EngineEvent.Kind.BINDING_CREATED);
    }

    @Test
    void grantsNoMoreLifetimeThanConfigured() throws Exception {
        start(HomeAgentSettings.defaults(HA, HomePrefix.parse("2001:db8:1::/64")).withMaxLifetime(Duration.ofSeconds(100)));
        register(1, COA);
        assertThat(lastAck().lifetime()).isEqualTo(Lifetime.ofUnits(25));
    }

    @Test
    void movesAndRefreshesAnExistingBinding() throws Exception {
        start();
        register(1, COA);
        register(2, COA2);
        register(3, COA2);
        assertThat(provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED,
                BindingChange.Kind.MOVED, BindingChange.Kind.REFRESHED);
        assertThat(provider.after.get(1).previousCareOf()).contains(COA);
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
    }

    @Test
    void rejectsSequenceNotNewerWith135CarryingTheLastAcceptedSequence() throws Exception {
        start();
        register(10, COA);
        register(10, COA2);
        BindingAcknowledgement ba = lastAck();
        assertThat(ba.status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(ba.sequence()).isEqualTo(SequenceNumber.of(10));
        assertThat(ba.lifetime()).isEqualTo(Lifetime.ZERO);
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
    }

    @Test
    void acceptsAnySequenceNumberAfterDeregistrationBecauseNoBindingCacheEntryIsLeft() throws Exception {
        start();
        register(5, COA);
        provider.deliver(bu(6, 0), fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(ha.bindingCount()).isZero();
        assertThat(ha.replayHoldCount()).isEqualTo(1);
        register(2, COA2);   // RFC 6275 §9.5.1: no entry, so any sequence number
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(lastAck().sequence()).isEqualTo(SequenceNumber.of(2));
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
        assertThat(provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED,
                BindingChange.Kind.DELETED, BindingChange.Kind.CREATED);
    }

    @Test
    void acceptsAnySequenceNumberAfterExpiry() throws Exception {
        start();
        register(40, COA);
        time.advance(Duration.ofSeconds(601));
        assertThat(ha.bindingCount()).isZero();
        assertThat(ha.replayHoldCount()).isEqualTo(1);
        register(1, COA2);
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(ha.binding(HOA).orElseThrow().sequence()).isEqualTo(SequenceNumber.of(1));
    }

    @Test
    void theReplayHoldStillKeepsTheHomeAddressFromAnotherIdentityWithoutJudgingSequenceNumbers() throws Exception {
        start();
        register(5, COA);
        provider.deliver(bu(6, 0), fromCareOf(COA, HOA));
        time.runDue();
        provider.deliver(bu(7, 150, MobileNodeIdentifier.nai("mallory@example.com")), fromCareOf(COA2, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        assertThat(ha.bindingCount()).isZero();
    }

    /** The operator option outside RFC 6275: the hold also judges sequence numbers. */
    @Test
    void withTheSequenceNumberHoldOnAReplayedBindingUpdateAfterDeregistrationGets135() throws Exception {
        start(HomeAgentSettings.builder(HA, HomePrefix.parse("2001:db8:1::/64")).sequenceNumberHold(true).build());
        register(5, COA);
        provider.deliver(bu(6, 0), fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        register(5, COA);   // the captured registration, replayed
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        assertThat(lastAck().sequence()).isEqualTo(SequenceNumber.of(6));
        assertThat(ha.bindingCount()).isZero();
        assertThat(provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED,
                BindingChange.Kind.DELETED);
    }

    @Test
    void replayStateIsForgottenAfterTheHoldTime() throws Exception {
        start(HomeAgentSettings.defaults(HA, HomePrefix.parse("2001:db8:1::/64")).withReplayHold(Duration.ofSeconds(30)));
        register(5, COA);
        provider.deliver(bu(6, 0), fromCareOf(COA, HOA));
        time.advance(Duration.ofSeconds(31));
        assertThat(ha.replayHoldCount()).isZero();
        assertThat(ha.homeAddresses().ownerOf(HOA)).isEmpty();
    }

    @Test
    void deregistrationByCareOfEqualToHomeAddressDeletesTheBinding() throws Exception {
        start();
        register(1, COA);
        provider.deliver(bu(2, 150), new Addressing(HOA, HA, Optional.empty(), Optional.empty(), Optional.empty()));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(lastAck().lifetime()).isEqualTo(Lifetime.ZERO);
        assertThat(provider.sent.get(provider.sent.size() - 1).to().routingHeader()).isEmpty();
        assertThat(ha.bindingCount()).isZero();
    }

    @Test
    void deregistrationFromHomeWithAHomeAddressOptionEqualToTheSourceIsAnsweredWithoutRoutingHeader()
            throws Exception {
        start();
        register(1, COA);
        provider.deliver(bu(2, 0), new Addressing(HOA, HA, Optional.of(HOA), Optional.empty(), Optional.empty()));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        Addressing to = provider.sent.get(provider.sent.size() - 1).to();
        assertThat(to.destination()).isEqualTo(HOA);
        assertThat(to.routingHeader()).as("RFC 6275 §9.5.4: no routing header to the home address itself").isEmpty();
        assertThat(ha.bindingCount()).isZero();
    }

    @Test
    void refusalToABindingUpdateWhoseHomeAddressOptionEqualsTheSourceCarriesNoRoutingHeader() throws Exception {
        start();
        provider.deliver(bu(1, 0), new Addressing(HOA, HA, Optional.of(HOA), Optional.empty(), Optional.empty()));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE);
        assertThat(provider.sent.get(0).to().routingHeader()).isEmpty();
        assertThat(provider.sent.get(0).to().destination()).isEqualTo(HOA);
    }

    @Test
    void deregistrationWithoutBindingIsAnswered133() throws Exception {
        start();
        provider.deliver(bu(1, 0), fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE);
    }

    @Test
    void homeAddressOutsideTheHomePrefixIsAnswered132() throws Exception {
        start();
        provider.deliver(bu(1, 150), fromCareOf(COA, Ipv6Address.parse("2001:db8:9::100")));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.NOT_HOME_SUBNET);
        assertThat(ha.bindingCount()).isZero();
    }

    @Test
    void homeAddressOfAnotherIdentityIsAnswered129AndNotBound() throws Exception {
        start();
        register(1, COA);
        provider.deliver(bu(2, 150, MobileNodeIdentifier.nai("mallory@example.com")), fromCareOf(COA2, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA);
        assertThat(ha.binding(HOA).orElseThrow().identity()).isEqualTo(Identity.nai("mn@example.com"));
    }

    @Test
    void anotherIdentityLearnsNothingOfTheOwnersSequenceNumber() throws Exception {
        start();
        register(40, COA);
        provider.deliver(bu(3, 150, MobileNodeIdentifier.nai("mallory@example.com")), fromCareOf(COA2, HOA));
        time.runDue();
        BindingAcknowledgement ba = lastAck();
        assertThat(ba.status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        assertThat(ba.sequence()).isEqualTo(SequenceNumber.of(3));
    }

    @Test
    void reservedHomeAddressIsRefusedToOthersAndGivenToItsOwner() throws Exception {
        start();
        ha.homeAddresses().reserve(Identity.nai("owner@example.com"), HOA, Duration.ofMinutes(1));
        register(1, COA);
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        provider.deliver(bu(2, 150, MobileNodeIdentifier.nai("owner@example.com")), fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
    }

    @Test
    void fullBindingCacheIsAnswered130() throws Exception {
        start(HomeAgentSettings.defaults(HA, HomePrefix.parse("2001:db8:1::/64")).withMaxBindings(1));
        register(1, COA);
        provider.deliver(bu(1, 150, MobileNodeIdentifier.nai("b@example.com")),
                fromCareOf(COA2, Ipv6Address.parse("2001:db8:1::200")));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(ha.bindingCount()).isEqualTo(1);
    }

    @Test
    void multicastCareOfAddressIsAnswered174() throws Exception {
        start();
        provider.deliver(bu(1, 150, new AlternateCareOfAddress(Ipv6Address.parse("ff02::1"))), fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.INVALID_CARE_OF_ADDRESS);
        assertThat(ha.bindingCount()).isZero();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3",
            "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255"})
    void unusableIpv4CareOfAddressIsAnswered174(String address) throws Exception {
        start();
        provider.deliver(bu(1, 150, new Ipv4CareOfAddress(Ipv4Address.parse(address))),
                new Addressing(HOA, HA, Optional.empty(), Optional.empty(),
                        Optional.of(new InetSocketAddress("192.0.2.100", 40000))));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.INVALID_CARE_OF_ADDRESS);
        assertThat(ha.bindingCount()).isZero();
    }

    @Test
    void loopbackIpv6CareOfAddressIsAnswered174() throws Exception {
        start();
        provider.deliver(bu(1, 150, new AlternateCareOfAddress(Ipv6Address.parse("::1"))), fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.INVALID_CARE_OF_ADDRESS);
    }

    @Test
    void registrationTypeChangeIsAnswered139() throws Exception {
        start();
        register(1, COA);
        BindingUpdate router = new BindingUpdate(SequenceNumber.of(2), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION, BindingUpdate.Flag.MOBILE_ROUTER), Lifetime.ofUnits(150), List.of());
        provider.deliver(router, fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.REGISTRATION_TYPE_CHANGE_DISALLOWED);
    }

    @Test
    void providerThatCannotPrepareTurnsTheAnswerInto128AndBindsNothing() throws Exception {
        start();
        provider.beforeAck = c -> CompletableFuture.failedFuture(new IllegalStateException("netlink refused the policy"));
        register(1, COA);
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.REASON_UNSPECIFIED);
        assertThat(ha.bindingCount()).isZero();
        assertThat(provider.after).isEmpty();
    }

    @Test
    void providerMayPrepareWithAnyKindOfCompletedStage() throws Exception {
        start();
        provider.beforeAck = c -> CompletableFuture.completedStage(null);
        register(1, COA);
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(ha.bindingCount()).isEqualTo(1);
        assertThat(ha.inFlight()).isZero();
    }

    @Test
    void providerThatDoesNotPrepareInTimeTurnsTheAnswerInto130() throws Exception {
        start();
        provider.beforeAck = c -> new CompletableFuture<>();
        register(1, COA);
        assertThat(provider.sent).isEmpty();
        time.advance(Duration.ofSeconds(5));
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.INSUFFICIENT_RESOURCES);
        assertThat(ha.bindingCount()).isZero();
    }

    @Test
    void bindingUpdatesForOneHomeAddressAreProcessedOneAtATime() throws Exception {
        start();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        provider.beforeAck = c -> c.careOf().equals(COA) ? gate : CompletableFuture.completedFuture(null);
        register(1, COA);
        register(2, COA2);
        assertThat(provider.before).hasSize(1);   // the second waits for the first
        assertThat(ha.inFlight()).isEqualTo(2);
        gate.complete(null);
        time.runDue();
        assertThat(provider.before).hasSize(2);
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
        assertThat(provider.sent).extracting(s -> ((BindingAcknowledgement) s.message()).sequence().value())
                .containsExactly(1, 2);
        assertThat(ha.inFlight()).isZero();
    }

    @Test
    void droppedVerdictSendsNothingAndChangesNothing() throws Exception {
        start();
        provider.verdicts = m -> Verdict.drop("bad authenticator");
        register(1, COA);
        assertThat(provider.sent).isEmpty();
        assertThat(ha.bindingCount()).isZero();
        assertThat(events).extracting(EngineEvent::kind).contains(EngineEvent.Kind.VERDICT_DROPPED);
    }

    @Test
    void rejectionWithoutReplyContextIsNeverAnswered() throws Exception {
        start();
        provider.verdicts = m -> Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, null, "unknown SPI");
        register(1, COA);
        assertThat(provider.sent).isEmpty();
        provider.verdicts = m -> Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, ScriptedProvider.REPLY, "bad MAC");
        register(2, COA);
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.MIPV6_AUTH_FAIL);
        assertThat(ha.bindingCount()).isZero();
    }

    @Test
    void bindingExpiresAfterItsLifetimeAndTheProviderIsTold() throws Exception {
        start();
        register(1, COA);
        time.advance(Duration.ofSeconds(599));
        assertThat(ha.bindingCount()).isEqualTo(1);
        time.advance(Duration.ofSeconds(2));
        assertThat(ha.bindingCount()).isZero();
        assertThat(provider.after).extracting(BindingChange::kind).containsExactly(BindingChange.Kind.CREATED,
                BindingChange.Kind.EXPIRED);
        assertThat(events).extracting(EngineEvent::kind).contains(EngineEvent.Kind.BINDING_EXPIRED);
    }

    @Test
    void unknownMobilityHeaderTypeGetsBindingErrorStatus2() throws Exception {
        start();
        byte[] unknownType = {59, 0, 42, 0, 0, 0, 0, 0};
        org.mip6kit.wire.MobilityHeaderCodec.fillChecksum(unknownType, COA, HA);
        provider.deliverRaw(unknownType, new Addressing(COA, HA, Optional.empty(), Optional.empty(), Optional.empty()));
        time.runDue();
        BindingError be = (BindingError) provider.sent.get(0).message();
        assertThat(be.status()).isEqualTo(BindingErrorStatus.UNRECOGNIZED_MH_TYPE);
        assertThat(provider.sent.get(0).to().destination()).isEqualTo(COA);
    }

    @Test
    void bindingErrorsAreRateLimited() throws Exception {
        start();
        byte[] unknownType = {59, 0, 42, 0, 0, 0, 0, 0};
        org.mip6kit.wire.MobilityHeaderCodec.fillChecksum(unknownType, COA, HA);
        for (int i = 0; i < 1000; i++) {
            provider.deliverRaw(unknownType, new Addressing(COA, HA, Optional.empty(), Optional.empty(), Optional.empty()));
        }
        assertThat(provider.sent.size()).isBetween(1, 200);
    }

    @Test
    void ipv4CareOfAddressOptionIsTheEffectiveCareOfAndANatIsReported() throws Exception {
        start();
        Ipv4Address v4 = Ipv4Address.parse("192.0.2.100");
        BindingUpdate dsmip = bu(1, 150, new Ipv4CareOfAddress(v4));
        Addressing viaNat = new Addressing(HOA, HA, Optional.empty(), Optional.empty(),
                Optional.of(new InetSocketAddress("198.51.100.77", 40000)));
        provider.deliver(dsmip, viaNat);
        time.runDue();
        BindingAcknowledgement ba = lastAck();
        assertThat(ba.status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(ba.option(NatDetection.class)).contains(new NatDetection(false, 110));
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(Ipv6Address.ipv4Mapped(v4));
        assertThat(provider.sent.get(0).to().outerPeer()).contains(new InetSocketAddress("198.51.100.77", 40000));
        assertThat(provider.sent.get(0).to().destination()).isEqualTo(HOA);
    }

    @Test
    void noNatDetectionWhenTheOuterSourceMatchesTheIpv4CareOfAddress() throws Exception {
        start();
        provider.deliver(bu(1, 150, new Ipv4CareOfAddress(Ipv4Address.parse("192.0.2.100"))),
                new Addressing(HOA, HA, Optional.empty(), Optional.empty(),
                        Optional.of(new InetSocketAddress("192.0.2.100", 40000))));
        time.runDue();
        assertThat(lastAck().option(NatDetection.class)).isEmpty();
    }

    @Test
    void alternateCareOfAddressOverridesThePacketSource() throws Exception {
        start();
        provider.deliver(bu(1, 150, new AlternateCareOfAddress(COA2)), fromCareOf(COA, HOA));
        time.runDue();
        assertThat(ha.binding(HOA).orElseThrow().careOfAddress()).isEqualTo(COA2);
    }

    @Test
    void keyManagementMobilityIsGrantedOnlyWhenTheProviderSaysItsIkeSaSurvivesAMove() throws Exception {
        BindingUpdate withK = new BindingUpdate(SequenceNumber.of(1), EnumSet.of(BindingUpdate.Flag.ACKNOWLEDGE,
                BindingUpdate.Flag.HOME_REGISTRATION, BindingUpdate.Flag.KEY_MANAGEMENT_MOBILITY), Lifetime.ofUnits(150),
                List.of());
        start();
        provider.deliver(withK, fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY)).isFalse();
        ha.close();

        start(HomeAgentSettings.defaults(HA, HomePrefix.parse("2001:db8:1::/64")), Capability.IKE_SURVIVES_MOVE);
        provider.deliver(withK, fromCareOf(COA, HOA));
        time.runDue();
        assertThat(lastAck().has(BindingAcknowledgement.Flag.KEY_MANAGEMENT_MOBILITY)).isTrue();
    }

    @Test
    void malformedMessageChangesNothingAndIsReported() throws Exception {
        start();
        byte[] octets = {59, 1, 5, 0, 0, 0, 0, 1, (byte) 0xc0, 0, 0, 10, 3, 16, 0, 0};
        provider.deliverRaw(octets, fromCareOf(COA, HOA));
        time.runDue();
        assertThat(provider.sent).isEmpty();
        assertThat(ha.bindingCount()).isZero();
        assertThat(ha.counters().malformed()).isEqualTo(1);
    }

    @Test
    void closeFinishesInFlightBindingUpdatesAndClosesTheProvider() throws Exception {
        start();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        provider.beforeAck = c -> gate;
        register(1, COA);
        var closing = ha.closeAsync();
        register(2, COA2);   // arrives after close began: not accepted
        assertThat(closing.toCompletableFuture()).isNotDone();
        gate.complete(null);
        time.runDue();
        assertThat(closing.toCompletableFuture()).isDone();
        assertThat(provider.sent).hasSize(1);
        assertThat(lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        assertThat(provider.closed).isTrue();
    }
}
