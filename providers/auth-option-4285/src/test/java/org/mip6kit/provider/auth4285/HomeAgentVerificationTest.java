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
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.MobileNodeSecurity;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.spi.SignallingPath;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.BindingError;
import org.mip6kit.wire.BindingErrorStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.MobilityMessage;
import org.mip6kit.wire.MobilityOption;
import org.mip6kit.wire.SequenceNumber;

/** The home agent's rules, one test each, in the order the home agent applies them. */
@Tag("small")
class HomeAgentVerificationTest {

    private static final Instant T0 = Parties.TV3_TIME;
    private static final String OTHER_NAI = "mn2@example.com";
    private static final String OTHER_KEY = "101112131415161718191a1b1c1d1e1f";

    @Test
    void unknownSpiIsDroppedSilentlyBecauseNoAnswerCouldBeProtected() throws Exception {
        Parties p = Parties.at(T0);
        MobileNodeSecurity stranger = new AuthOption4285Provider().mobileNode(p.mnContext, ConfigSection.of("s", null,
                Map.of("nai", Parties.NAI, "spi", 999, "key", Parties.KEY)));
        byte[] mh = sendWith(stranger, p);

        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("unknown mobility SPI 999");
    }

    @Test
    void badAuthenticatorWithKnownSpiIsRejected146AndTheAnswerIsAuthenticatedWithThatSpi() throws Exception {
        Parties p = Parties.at(T0);
        byte[] mh = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        byte[] forged = flip(mh, mh.length - 1, Parties.fromCareOf());

        Verdict v = p.homeAgentJudges(forged, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Reject.class);
        assertThat(((Verdict.Reject) v).status()).isEqualTo(BindingAckStatus.MIPV6_AUTH_FAIL);

        byte[] ba = p.homeAgentAnswers(BindingAckStatus.MIPV6_AUTH_FAIL, SequenceNumber.of(2), Parties.replyOf(v),
                Parties.toCareOf());
        BindingAcknowledgement decoded = (BindingAcknowledgement) Parties.decode(ba, Parties.toCareOf());
        assertThat(decoded.status()).isEqualTo(BindingAckStatus.MIPV6_AUTH_FAIL);
        MobilityMessageAuthentication auth = decoded.option(MobilityMessageAuthentication.class).orElseThrow();
        assertThat(auth.spi()).isEqualTo(Parties.SPI);
        assertThat(independentlyVerified(ba, Parties.KEY, Parties.CARE_OF, Parties.HOME_ADDRESS)).isTrue();
        assertThat(decoded.option(MobilityMessageReplayProtection.class)).as("the BU's timestamp echoed")
                .contains(new MobilityMessageReplayProtection(NtpTimestamp.of(T0)));
    }

    @Test
    void authenticationIsCheckedBeforeTheTimestamp() throws Exception {
        Parties p = Parties.at(T0, Map.of(), Duration.ofSeconds(-60));
        byte[] stale = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(p.homeAgentJudges(stale, Parties.fromCareOf())).extracting(v -> ((Verdict.Reject) v).status())
                .as("authentic but stale").isEqualTo(BindingAckStatus.MIPV6_ID_MISMATCH);

        byte[] staleAndForged = flip(stale, stale.length - 3, Parties.fromCareOf());
        assertThat(p.homeAgentJudges(staleAndForged, Parties.fromCareOf()))
                .extracting(v -> ((Verdict.Reject) v).status()).as("forged and stale: the forgery is reported")
                .isEqualTo(BindingAckStatus.MIPV6_AUTH_FAIL);
    }

    @Test
    void timestampOutsideTheWindowIsRejected144CarryingTheHomeAgentsTimeHighAndTheBindingUpdatesLowOrderBits() throws Exception {
        Parties p = Parties.at(T0, Map.of(), Duration.ofSeconds(30));
        byte[] mh = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Reject.class);
        assertThat(((Verdict.Reject) v).status()).isEqualTo(BindingAckStatus.MIPV6_ID_MISMATCH);

        p.time.advance(Duration.ofMillis(250));
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.MIPV6_ID_MISMATCH, SequenceNumber.of(2), Parties.replyOf(v),
                Parties.toCareOf());
        BindingAcknowledgement decoded = (BindingAcknowledgement) Parties.decode(ba, Parties.toCareOf());
        long rejected = Parties.decode(mh, Parties.fromCareOf()).option(MobilityMessageReplayProtection.class)
                .orElseThrow().timestamp();
        long answered = decoded.option(MobilityMessageReplayProtection.class).orElseThrow().timestamp();
        assertThat(answered >>> 32).as("high-order 32 bits: the home agent's own time when it sent the answer")
                .isEqualTo(NtpTimestamp.of(T0.plusMillis(250)) >>> 32);
        assertThat(answered & 0xFFFF_FFFFL).as("low-order 32 bits: copied from the Binding Update (RFC 3344 §5.7.1)")
                .isEqualTo(rejected & 0xFFFF_FFFFL);
        assertThat(answered).isEqualTo(NtpTimestamp.resynchronisation(T0.plusMillis(250), rejected));
        assertThat(independentlyVerified(ba, Parties.KEY, Parties.CARE_OF, Parties.HOME_ADDRESS)).isTrue();
    }

    @Test
    void replayWindowIsSevenSecondsByDefaultEndsIncluded() throws Exception {
        Parties inside = Parties.at(T0, Map.of(), Duration.ofSeconds(7));
        assertThat(inside.homeAgentJudges(inside.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()),
                Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
        Parties outside = Parties.at(T0, Map.of(), Duration.ofMillis(7001));
        assertThat(outside.homeAgentJudges(outside.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()),
                Parties.fromCareOf())).isInstanceOf(Verdict.Reject.class);
        Parties behind = Parties.at(T0, Map.of(), Duration.ofMillis(-7001));
        assertThat(behind.homeAgentJudges(behind.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()),
                Parties.fromCareOf())).isInstanceOf(Verdict.Reject.class);
    }

    @Test
    void configuredReplayWindowIsUsed() throws Exception {
        Parties p = Parties.at(T0, Map.of("replay-window", "20s"), Duration.ofSeconds(15));
        assertThat(p.homeAgentJudges(p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()),
                Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void missingReplayOptionIsRejected145WhenPolicyRequiresIt() throws Exception {
        Parties p = Parties.at(T0);
        byte[] mh = withoutReplayOption(p);
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Reject.class);
        assertThat(((Verdict.Reject) v).status()).isEqualTo(BindingAckStatus.MIPV6_MESG_ID_REQD);

        byte[] ba = p.homeAgentAnswers(BindingAckStatus.MIPV6_MESG_ID_REQD, SequenceNumber.of(2), Parties.replyOf(v),
                Parties.toCareOf());
        BindingAcknowledgement decoded = (BindingAcknowledgement) Parties.decode(ba, Parties.toCareOf());
        assertThat(decoded.option(MobilityMessageReplayProtection.class)).as("nothing to echo").isEmpty();
        assertThat(independentlyVerified(ba, Parties.KEY, Parties.CARE_OF, Parties.HOME_ADDRESS)).isTrue();
    }

    @Test
    void missingReplayOptionIsAcceptedWhenPolicyDoesNotRequireIt() throws Exception {
        Parties p = Parties.at(T0, Map.of("require-replay-protection", false), Duration.ZERO);
        assertThat(p.homeAgentJudges(withoutReplayOption(p), Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void byteIdenticalReplayInsideTheWindowIsDroppedSilently() throws Exception {
        Parties p = Parties.at(T0);
        byte[] mh = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(p.homeAgentJudges(mh, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
        p.time.advance(Duration.ofSeconds(2));
        Verdict replayed = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(replayed).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) replayed).reason()).contains("replay");
    }

    @Test
    void replayOfATimestampTheMemoryHadToForgetInsideTheWindowIsDroppedAsAPossibleReplay() throws Exception {
        Parties p = Parties.at(T0);
        byte[] first = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        byte[] second = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        byte[] third = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        for (byte[] mh : List.of(first, second, third)) {
            assertThat(p.homeAgentJudges(mh, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
        }
        p.time.advance(Duration.ofSeconds(1));
        Verdict replayedFirst = p.homeAgentJudges(first, Parties.fromCareOf());
        assertThat(replayedFirst).as("forgotten for the third, but at the floor").isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) replayedFirst).reason()).contains("possible replay")
                .contains("#replay");
        Verdict replayedThird = p.homeAgentJudges(third, Parties.fromCareOf());
        assertThat(((Verdict.Drop) replayedThird).reason()).contains("was accepted before");
        assertThat(p.homeAgent.perNodeStateCount()).isEqualTo(1);
    }

    @Test
    void replayMemoryOutlivesDeregistrationAndIsReleasedOnceTheWindowHasPassed() throws Exception {
        Parties p = Parties.at(T0);
        byte[] mh = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        assertThat(p.homeAgent.perNodeStateCount()).isZero();
        assertThat(p.homeAgentJudges(mh, Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);
        p.homeAgent.afterChange(new BindingChange(BindingChange.Kind.DELETED, Identity.nai(Parties.NAI),
                Parties.HOME_ADDRESS, Optional.of(Parties.CARE_OF), Parties.CARE_OF, Lifetime.ZERO, Optional.empty(), false));
        assertThat(p.homeAgent.perNodeStateCount()).as("kept past the deregistration").isEqualTo(1);

        p.time.advance(Duration.ofSeconds(6));
        assertThat(p.homeAgentJudges(mh, Parties.fromCareOf())).as("replayed 6 s later")
                .isInstanceOf(Verdict.Drop.class);
        p.time.advance(Duration.ofMillis(1001));
        assertThat(p.homeAgent.perNodeStateCount()).as("released once the timestamp left the 7 s window").isZero();
        assertThat(p.homeAgentJudges(mh, Parties.fromCareOf())).as("replayed after the window: stale")
                .extracting(v -> ((Verdict.Reject) v).status()).isEqualTo(BindingAckStatus.MIPV6_ID_MISMATCH);
    }

    @Test
    void authenticationOptionThatIsNotTheLastOptionIsDropped() throws Exception {
        Parties p = Parties.at(T0);
        BindingUpdate bu = withOptions(Parties.tv3Update(), List.of(MobileNodeIdentifier.nai(Parties.NAI),
                MobilityMessageAuthentication.placeholder(1, Parties.SPI, 12),
                new MobilityMessageReplayProtection(NtpTimestamp.of(T0))));
        byte[] mh = TestContext.providerCodec().encode(bu, Parties.HOME_ADDRESS, Parties.HOME_AGENT);
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("not the last option");
    }

    @Test
    void twoAuthenticationOptionsAreDropped() throws Exception {
        Parties p = Parties.at(T0);
        BindingUpdate bu = withOptions(Parties.tv3Update(), List.of(MobileNodeIdentifier.nai(Parties.NAI),
                MobilityMessageAuthentication.placeholder(1, Parties.SPI, 12),
                MobilityMessageAuthentication.placeholder(1, Parties.SPI, 12)));
        byte[] mh = TestContext.providerCodec().encode(bu, Parties.HOME_ADDRESS, Parties.HOME_AGENT);
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("exactly one");
    }

    @Test
    void authenticBindingUpdateWithoutMobileNodeIdentifierIsRejected129NotAsAnAuthenticationFailure()
            throws Exception {
        Parties p = Parties.at(T0);
        SecurityAssociation sa = association(Parties.NAI, Parties.SPI, Parties.KEY);
        byte[] mh = Protection.protect(TestContext.providerCodec(), Parties.tv3Update(), null, NtpTimestamp.of(T0), sa,
                AuthenticatedAddresses.forBindingUpdate(Parties.tv3Update(), Parties.fromCareOf()), Parties.fromCareOf());
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Reject.class);
        assertThat(((Verdict.Reject) v).status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
        assertThat(((Verdict.Reject) v).reply()).as("answered, authenticated under the SPI").isPresent();
        assertThat(((Verdict.Reject) v).reason()).contains("Mobile Node Identifier");
    }

    @Test
    void mobileNodeIdentifierOfAnotherNodeIsRejected146() throws Exception {
        Parties p = Parties.at(T0, Map.of("keys", List.of(
                Map.of("nai", Parties.NAI, "spi", Parties.SPI, "key", Parties.KEY),
                Map.of("nai", OTHER_NAI, "spi", 300, "key", OTHER_KEY))), Duration.ZERO);
        SecurityAssociation sa = association(Parties.NAI, Parties.SPI, Parties.KEY);
        byte[] mh = Protection.protect(TestContext.providerCodec(), Parties.tv3Update(),
                MobileNodeIdentifier.nai(OTHER_NAI), NtpTimestamp.of(T0), sa,
                AuthenticatedAddresses.forBindingUpdate(Parties.tv3Update(), Parties.fromCareOf()), Parties.fromCareOf());
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Reject.class);
        assertThat(((Verdict.Reject) v).status()).isEqualTo(BindingAckStatus.MIPV6_AUTH_FAIL);
        assertThat(((Verdict.Reject) v).reason()).contains("belongs to " + Parties.NAI);
    }

    @Test
    void rewrittenSourceAddressFailsTheAuthenticatorBecauseTheCareOfAddressIsCovered() throws Exception {
        Parties p = Parties.at(T0);
        byte[] mh = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Addressing spoofed = new Addressing(Ipv6Address.parse("2001:db8:ffff::bad"), Parties.HOME_AGENT,
                Optional.of(Parties.HOME_ADDRESS), Optional.empty(), Optional.empty());
        assertThat(p.homeAgentJudges(mh, spoofed)).extracting(v -> ((Verdict.Reject) v).status())
                .isEqualTo(BindingAckStatus.MIPV6_AUTH_FAIL);
    }

    @Test
    void alternateCareOfAddressOptionIsTheAuthenticatedCareOfAddress() throws Exception {
        Parties p = Parties.at(T0);
        Ipv6Address alternate = Ipv6Address.parse("2001:db8:7::7");
        BindingUpdate bu = withOptions(Parties.tv3Update(), List.of(new AlternateCareOfAddress(alternate)));
        byte[] mh = p.mobileNodeSends(bu, Parties.fromCareOf());
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Accept.class);
        assertThat(((Exchange) Parties.replyOf(v)).addresses())
                .isEqualTo(new AuthenticatedAddresses(alternate, Parties.HOME_ADDRESS));
    }

    @Test
    void keyRollOverHomeAgentAcceptsEveryListedSpiAndTheMobileNodeSignsWithTheNewest() throws Exception {
        String newKey = "202122232425262728292a2b2c2d2e2f30313233";
        Parties p = Parties.at(T0, Map.of("keys", List.of(
                Map.of("nai", Parties.NAI, "spi", Parties.SPI, "key", Parties.KEY),
                Map.of("nai", Parties.NAI, "spi", 257, "key", newKey))), Duration.ZERO);
        // Old node configuration (SPI 256) still registers during the roll-over.
        assertThat(p.homeAgentJudges(p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf()),
                Parties.fromCareOf())).isInstanceOf(Verdict.Accept.class);

        // A node whose key table lists both signs with the newest, and the answer uses that SA.
        java.nio.file.Path table = KeyTableTest.privateFile("mn1@example.com 256 hmac-sha1 key=" + Parties.KEY + "\n"
                + "mn1@example.com 257 hmac-sha1 key=" + newKey + "\n");
        MobileNodeSecurity rolled = new AuthOption4285Provider().mobileNode(p.mnContext, ConfigSection.of("s", null,
                Map.of("nai", Parties.NAI, "key-table", table.toString())));
        p.time.advance(Duration.ofSeconds(1));
        byte[] mh = sendWith(rolled, p);
        BindingUpdate sent = (BindingUpdate) Parties.decode(mh, Parties.fromCareOf());
        assertThat(sent.option(MobilityMessageAuthentication.class).orElseThrow().spi()).isEqualTo(257);
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Accept.class);
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.ACCEPTED, sent.sequence(), Parties.replyOf(v),
                Parties.toCareOf());
        assertThat(Parties.decode(ba, Parties.toCareOf()).option(MobilityMessageAuthentication.class).orElseThrow()
                .spi()).as("the acknowledgement uses the Binding Update's SA").isEqualTo(257);
        assertThat(independentlyVerified(ba, newKey, Parties.CARE_OF, Parties.HOME_ADDRESS)).isTrue();
    }

    @Test
    void acceptedAnswerEchoesTheReplayOptionAndKeepsTheEnginesOptions() throws Exception {
        Parties p = Parties.at(T0);
        byte[] mh = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Verdict v = p.homeAgentJudges(mh, Parties.fromCareOf());
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set0.NONE,
                SequenceNumber.of(2), Lifetime.ofUnits(150), List.of(new org.mip6kit.wire.BindingRefreshAdvice(
                        Lifetime.ofUnits(100))));
        byte[] sent = p.homeAgentAnswers(ba, Parties.replyOf(v), Parties.toCareOf());
        List<MobilityOption> options = Parties.decode(sent, Parties.toCareOf()).options();
        assertThat(options).hasSize(3);
        assertThat(options.get(0)).isInstanceOf(org.mip6kit.wire.BindingRefreshAdvice.class);
        assertThat(options.get(1)).isEqualTo(new MobilityMessageReplayProtection(NtpTimestamp.of(T0)));
        assertThat(options.get(2)).isInstanceOf(MobilityMessageAuthentication.class);
        assertThat(p.mobileNodeJudges(sent, Parties.toCareOf())).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void acknowledgementWithoutTheBindingUpdatesSecurityAssociationIsNotSent() throws Exception {
        Parties p = Parties.at(T0);
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.REASON_UNSPECIFIED, Set0.NONE,
                SequenceNumber.of(2), Lifetime.ZERO, List.of());
        var stage = p.haPath.send(ba, Parties.toCareOf(), Optional.empty()).toCompletableFuture();
        assertThat(stage).isCompletedExceptionally();
        assertThat(stage.handle((x, e) -> e).join()).isInstanceOf(SecurityProviderException.class);
        assertThat(p.haTransport.sent).isEmpty();
    }

    @Test
    void bindingErrorGoesOutUnprotectedBecauseRfc4285CoversOnlyUpdatesAndAcknowledgements() throws Exception {
        Parties p = Parties.at(T0);
        BindingError be = new BindingError(BindingErrorStatus.UNRECOGNIZED_MH_TYPE, Parties.HOME_ADDRESS, List.of());
        p.haPath.send(be, Addressing.of(Parties.HOME_AGENT, Parties.CARE_OF), Optional.empty()).toCompletableFuture()
                .join();
        MobilityMessage sent = Parties.decode(p.haTransport.last().octets(),
                Addressing.of(Parties.HOME_AGENT, Parties.CARE_OF));
        assertThat(sent).isEqualTo(be);
    }

    @Test
    void unknownAuthenticationSubtypeIsDroppedAndMnAaaIsDroppedWhenNotEnabled() throws Exception {
        Parties p = Parties.at(T0);
        for (int subtype : new int[] {2, 7}) {
            BindingUpdate bu = withOptions(Parties.tv3Update(), List.of(MobileNodeIdentifier.nai(Parties.NAI),
                    new MobilityMessageReplayProtection(NtpTimestamp.of(T0)),
                    MobilityMessageAuthentication.placeholder(subtype, 3, 20)));
            byte[] mh = TestContext.providerCodec().encode(bu, Parties.HOME_ADDRESS, Parties.HOME_AGENT);
            assertThat(p.homeAgentJudges(mh, Parties.fromCareOf())).as("subtype %d", subtype)
                    .isInstanceOf(Verdict.Drop.class);
        }
    }

    @Test
    void homeAgentJudgesOnlyBindingUpdates() throws Exception {
        Parties p = Parties.at(T0);
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.ACCEPTED, Set0.NONE,
                SequenceNumber.of(2), Lifetime.ofUnits(1), List.of());
        byte[] mh = TestContext.providerCodec().encode(ba, Parties.CARE_OF, Parties.HOME_AGENT);
        assertThat(p.homeAgentJudges(mh, Addressing.of(Parties.CARE_OF, Parties.HOME_AGENT)))
                .isInstanceOf(Verdict.Drop.class);
    }

    // ------------------------------------------------------------------ helpers

    /** No BA flags. */
    private static final class Set0 {
        static final java.util.Set<BindingAcknowledgement.Flag> NONE = EnumSet.noneOf(BindingAcknowledgement.Flag.class);
    }

    private static byte[] sendWith(MobileNodeSecurity node, Parties p) {
        node.bootstrap(new org.mip6kit.spi.BootstrapRequest(org.mip6kit.spi.BootstrapRequest.Want.HOME_ADDRESS, false,
                Optional.of(Parties.HOME_ADDRESS), Optional.of(Parties.HOME_AGENT), Parties.CARE_OF)).toCompletableFuture().join();
        CapturingTransport t = new CapturingTransport();
        SignallingPath path = node.path(() -> t);
        path.start(in -> { });
        path.send(Parties.tv3Update(), Parties.fromCareOf(), Optional.empty()).toCompletableFuture().join();
        return t.last().octets();
    }

    private static byte[] withoutReplayOption(Parties p) {
        SecurityAssociation sa = association(Parties.NAI, Parties.SPI, Parties.KEY);
        return Protection.protect(TestContext.providerCodec(), Parties.tv3Update(), MobileNodeIdentifier.nai(Parties.NAI),
                null, sa, AuthenticatedAddresses.forBindingUpdate(Parties.tv3Update(), Parties.fromCareOf()),
                Parties.fromCareOf());
    }

    static SecurityAssociation association(String nai, long spi, String keyHex) {
        return new SecurityAssociation(nai, spi, Algorithm.HMAC_SHA1, java.util.HexFormat.of().parseHex(keyHex));
    }

    static BindingUpdate withOptions(BindingUpdate bu, List<MobilityOption> options) {
        return new BindingUpdate(bu.sequence(), bu.flags(), bu.lifetime(), options);
    }

    /** {@code mh} with octet {@code at} changed and the checksum made right again, as an attacker would. */
    static byte[] flip(byte[] mh, int at, Addressing as) {
        byte[] copy = mh.clone();
        copy[at] ^= 0x01;
        MobilityHeaderCodec.fillChecksum(copy, as.pseudoHeaderSource(), as.pseudoHeaderDestination());
        return copy;
    }

    /**
     * Checks the MN-HA authenticator of {@code mh} with a plain JCA HMAC over CoA ‖ HoA ‖ MH up to
     * the SPI (checksum zeroed), found by walking the options here, not with the provider's code.
     */
    static boolean independentlyVerified(byte[] mh, String keyHex, Ipv6Address coa, Ipv6Address hoa) throws Exception {
        int i = 12; // BU and BA: 6-octet common header + 6 octets of fixed part, then the options
        int auth = -1;
        while (i < mh.length) {
            if (mh[i] == 0) {
                i++;
                continue;
            }
            if (mh[i] == MobilityMessageAuthentication.TYPE) {
                auth = i;
            }
            i += 2 + (mh[i + 1] & 0xFF);
        }
        byte[] covered = java.util.Arrays.copyOf(mh, auth + 7);
        covered[4] = 0;
        covered[5] = 0;
        java.io.ByteArrayOutputStream input = new java.io.ByteArrayOutputStream();
        input.write(coa.toBytes());
        input.write(hoa.toBytes());
        input.write(covered);
        byte[] expected = TestVectorTest.first96(TestVectorTest.hmacSha1(java.util.HexFormat.of().parseHex(keyHex),
                input.toByteArray()));
        return java.util.Arrays.equals(expected, java.util.Arrays.copyOfRange(mh, auth + 7, auth + 19));
    }
}
