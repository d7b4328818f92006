package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.BootstrapRequest;
import org.mip6kit.spi.BootstrapResult;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.Observed;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.RejectAction;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingRefreshRequest;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.SequenceNumber;

/** The mobile node's rules: what it sends, and which acknowledgements it acts on. */
@Tag("small")
class MobileNodeVerificationTest {

    private static final Instant T0 = Parties.TV3_TIME;

    @Test
    void everyBindingUpdateCarriesTheNaiAReplayOptionAndTheAuthenticationOptionLast() throws Exception {
        Parties p = Parties.at(T0);
        BindingUpdate sent = (BindingUpdate) Parties.decode(p.mobileNodeSends(Parties.tv3Update(),
                Parties.fromCareOf()), Parties.fromCareOf());
        assertThat(sent.options()).hasSize(3);
        assertThat(sent.options().get(0)).isEqualTo(MobileNodeIdentifier.nai(Parties.NAI));
        assertThat(sent.options().get(1)).isInstanceOf(MobilityMessageReplayProtection.class);
        MobilityMessageAuthentication auth = (MobilityMessageAuthentication) sent.options().get(2);
        assertThat(auth.isMnHa()).isTrue();
        assertThat(auth.spi()).isEqualTo(Parties.SPI);
        assertThat(auth.authenticatorLength()).isEqualTo(12);
    }

    @Test
    void timestampsAreStrictlyIncreasingEvenWithinOneClockTick() throws Exception {
        Parties p = Parties.at(T0);
        long previous = 0;
        for (int i = 0; i < 5; i++) {
            BindingUpdate sent = (BindingUpdate) Parties.decode(p.mobileNodeSends(Parties.tv3Update(),
                    Parties.fromCareOf()), Parties.fromCareOf());
            long ts = sent.option(MobilityMessageReplayProtection.class).orElseThrow().timestamp();
            assertThat(Long.compareUnsigned(ts, previous)).isPositive();
            previous = ts;
        }
        assertThat(previous - NtpTimestamp.of(T0)).as("same clock tick: +1 each time").isEqualTo(4);
    }

    @Test
    void acknowledgementFromAnAddressOtherThanTheHomeAgentIsNotActedOn() throws Exception {
        Parties p = Parties.at(T0);
        byte[] bu = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        byte[] ba = answer(p, bu, BindingAckStatus.ACCEPTED);
        Addressing elsewhere = new Addressing(Ipv6Address.parse("2001:db8:ffff::bad"), Parties.CARE_OF,
                Optional.empty(), Optional.of(Parties.HOME_ADDRESS), Optional.empty());
        org.mip6kit.wire.MobilityHeaderCodec.fillChecksum(ba, elsewhere.pseudoHeaderSource(),
                elsewhere.pseudoHeaderDestination());
        assertThat(p.mobileNodeJudges(ba, elsewhere)).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    void tamperedAcknowledgementIsNotActedOn() throws Exception {
        Parties p = Parties.at(T0);
        byte[] ba = answer(p, p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()), BindingAckStatus.ACCEPTED);
        assertThat(p.mobileNodeJudges(ba, Parties.toCareOf())).isInstanceOf(Verdict.Accept.class);
        for (int at : new int[] {6, 7, 9, 11, ba.length - 1}) {
            byte[] tampered = HomeAgentVerificationTest.flip(ba, at, Parties.toCareOf());
            assertThat(p.mobileNodeJudges(tampered, Parties.toCareOf())).as("octet %d changed", at)
                    .isInstanceOf(Verdict.Drop.class);
        }
    }

    @Test
    void acknowledgementThatEchoesNoTimestampThisNodeSentIsNotActedOn() throws Exception {
        Parties p = Parties.at(T0);
        p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        // A genuine home agent answer, but to a Binding Update this node never sent (another timestamp).
        Exchange other = new Exchange(HomeAgentVerificationTest.association(Parties.NAI, Parties.SPI, Parties.KEY),
                new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS),
                new MobilityMessageReplayProtection(NtpTimestamp.of(T0.minusSeconds(3))), false);
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.ACCEPTED, SequenceNumber.of(2), other, Parties.toCareOf());
        Verdict v = p.mobileNodeJudges(ba, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("answers no Binding Update this node sent");
    }

    @Test
    void acknowledgementAuthenticatedWithAnotherSpiIsNotActedOn() throws Exception {
        Parties p = Parties.at(T0);
        p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Exchange otherSa = new Exchange(HomeAgentVerificationTest.association("mn2@example.com", 300, Parties.KEY),
                new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS),
                new MobilityMessageReplayProtection(NtpTimestamp.of(T0)), false);
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.ACCEPTED, SequenceNumber.of(2), otherSa, Parties.toCareOf());
        assertThat(p.mobileNodeJudges(ba, Parties.toCareOf())).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    void status146IsReportedButNotActedOn() throws Exception {
        Parties p = Parties.at(T0);
        byte[] ba = answer(p, p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()),
                BindingAckStatus.MIPV6_AUTH_FAIL);
        Verdict v = p.mobileNodeJudges(ba, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("146");
        assertThat(p.mnContext.eventKinds()).contains("auth-fail-reported");
    }

    @Test
    void messagesRfc4285CannotAuthenticateAreNotActedOn() throws Exception {
        Parties p = Parties.at(T0);
        Addressing fromHa = Addressing.of(Parties.HOME_AGENT, Parties.CARE_OF);
        byte[] brr = TestContext.providerCodec().encode(new BindingRefreshRequest(List.of()), Parties.HOME_AGENT,
                Parties.CARE_OF);
        assertThat(p.mobileNodeJudges(brr, fromHa)).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    void status144AppliesTheHomeAgentsTimeAsAClockOffsetAndRetriesWithTheSameSequenceNumber() throws Exception {
        Parties p = Parties.at(T0, Map.of(), Duration.ofSeconds(-30));
        byte[] bu = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Verdict haVerdict = p.homeAgentJudges(bu, Parties.fromCareOf());
        assertThat(((Verdict.Reject) haVerdict).status()).isEqualTo(BindingAckStatus.MIPV6_ID_MISMATCH);
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.MIPV6_ID_MISMATCH, SequenceNumber.of(2),
                Parties.replyOf(haVerdict), Parties.toCareOf());

        Verdict mnVerdict = p.mobileNodeJudges(ba, Parties.toCareOf());
        assertThat(mnVerdict).isInstanceOf(Verdict.Accept.class);
        assertThat(((Verdict.Accept) mnVerdict).identity())
                .isEqualTo(new Identity(Identity.Kind.HOME_AGENT, Parties.HOME_AGENT.toString()));
        assertThat(((Verdict.Accept) mnVerdict).reply()).isSameAs(ReplyContext.NONE);
        RejectAction action = p.mobileNode.onRejected(BindingAckStatus.MIPV6_ID_MISMATCH,
                new Inbound(ba, Parties.toCareOf(), Observed.NOTHING));
        assertThat(action).isInstanceOf(RejectAction.Retry.class);
        assertThat(((RejectAction.Retry) action).sameSequenceNumber()).isTrue();
        // The home agent's time comes in whole seconds (the high-order 32 bits): T0 is x.5 s.
        assertThat(((MobileNodeSide) p.mobileNode).clockOffset()).isEqualTo(Duration.ofMillis(29_500));
        assertThat(p.mnContext.eventKinds()).contains("clock-offset-applied");

        byte[] retry = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(p.homeAgentJudges(retry, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
    }

    /**
     * RFC 3344 §5.7.1 (which RFC 4285 §6 follows): the mobile node resynchronises only from a 144
     * whose low-order 32 bits match a Binding Update it sent; an authentic 144 for another
     * timestamp (an old answer replayed, or one for a Binding Update it never sent) moves nothing.
     */
    @Test
    void status144WhoseLowOrderBitsMatchNoOutstandingBindingUpdateIsNotActedOn() throws Exception {
        Parties p = Parties.at(T0, Map.of(), Duration.ofSeconds(-30));
        byte[] bu = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        long sentStamp = Parties.decode(bu, Parties.fromCareOf()).option(MobilityMessageReplayProtection.class)
                .orElseThrow().timestamp();
        Exchange other = new Exchange(HomeAgentVerificationTest.association(Parties.NAI, Parties.SPI, Parties.KEY),
                new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS),
                new MobilityMessageReplayProtection(sentStamp ^ 0x0000_0000_0001_0000L), true);
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.MIPV6_ID_MISMATCH, SequenceNumber.of(2), other,
                Parties.toCareOf());

        Verdict v = p.mobileNodeJudges(ba, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("answers no Binding Update");
        assertThat(((MobileNodeSide) p.mobileNode).clockOffset()).isEqualTo(Duration.ZERO);
    }

    @Test
    void otherRejectionsEndTheAttempt() throws Exception {
        Parties p = Parties.at(T0);
        byte[] ba = answer(p, p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()),
                BindingAckStatus.MIPV6_MESG_ID_REQD);
        Inbound in = new Inbound(ba, Parties.toCareOf(), Observed.NOTHING);
        assertThat(p.mobileNode.onRejected(BindingAckStatus.MIPV6_MESG_ID_REQD, in)).isInstanceOf(RejectAction.GiveUp.class);
        assertThat(p.mobileNode.onRejected(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED, in))
                .isInstanceOf(RejectAction.GiveUp.class);
    }

    @Test
    void bootstrapIsStaticConfiguration() throws Exception {
        Parties p = Parties.at(T0);
        MobileNodeSecurity configured = new AuthOption4285Provider().mobileNode(p.mnContext, ConfigSection.of("s", null,
                Map.of("nai", Parties.NAI, "spi", 256, "key", Parties.KEY, "home-address", "2001:db8:1::100",
                        "home-agent", "2001:db8:1::1", "home-agent-endpoint", "[2001:db8:1::1]:4191")));
        BootstrapResult r = configured.bootstrap(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false,
                Optional.empty(), Optional.empty(), Parties.CARE_OF)).toCompletableFuture().join();
        assertThat(r.identity()).isEqualTo(Identity.nai(Parties.NAI));
        assertThat(r.homeAddress()).contains(Parties.HOME_ADDRESS);
        assertThat(r.homeAgent()).isEqualTo(Parties.HOME_AGENT);
        assertThat(r.homeAgentEndpoints()).extracting(e -> e.getPort()).containsExactly(4191);

        MobileNodeSecurity unconfigured = new AuthOption4285Provider().mobileNode(p.mnContext, ConfigSection.of("s",
                null, Parties.mnConfig()));
        var failed = unconfigured.bootstrap(new BootstrapRequest(BootstrapRequest.Want.HOME_ADDRESS, false,
                Optional.empty(), Optional.of(Parties.HOME_AGENT), Parties.CARE_OF)).toCompletableFuture();
        assertThat(failed).isCompletedExceptionally();
        assertThat(failed.handle((x, e) -> e).join()).isInstanceOf(SecurityProviderException.class)
                .hasMessageContaining("home-address");
    }

    @Test
    void mobileNodeSendsOnlyBindingUpdates() throws Exception {
        Parties p = Parties.at(T0);
        var stage = p.mnPath.send(new BindingAcknowledgement(BindingAckStatus.ACCEPTED,
                EnumSet.noneOf(BindingAcknowledgement.Flag.class), SequenceNumber.of(1), Lifetime.ZERO, List.of()),
                Parties.fromCareOf(), Optional.empty()).toCompletableFuture();
        assertThat(stage).isCompletedExceptionally();
    }

    private static byte[] answer(Parties p, byte[] bu, BindingAckStatus status) {
        Verdict v = p.homeAgentJudges(bu, Parties.fromCareOf());
        ReplyContext reply = v instanceof Verdict.Reject r && r.reply().isPresent() ? r.reply().get()
                : Parties.replyOf(v);
        return p.homeAgentAnswers(status, SequenceNumber.of(2), reply, Parties.toCareOf());
    }
}
