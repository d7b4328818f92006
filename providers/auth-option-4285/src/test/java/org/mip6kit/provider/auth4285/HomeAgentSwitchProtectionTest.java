package org.mip6kit.provider.auth4285;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.BindingChange;
import org.mip6kit.spi.Capability;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.HomeAgentSwitch;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.MobilityHeaderCodec;
import org.mip6kit.wire.SequenceNumber;

/**
 * RFC 5142 Home Agent Switch protected with RFC 4285 options (docs/providers/auth-option-4285.md#home-agent-switch):
 * the home agent authenticates it with the node's MN-HA association and its own timestamp; the
 * mobile node acts only on one that verifies over its registration's addresses and is newer than
 * any accepted before.
 */
@Tag("small")
class HomeAgentSwitchProtectionTest {

    private static final Instant T0 = Parties.TV3_TIME;
    private static final Ipv6Address OTHER_HOME_AGENT = Ipv6Address.parse("2001:db8:1::2");
    private static final HomeAgentSwitch SWITCH = HomeAgentSwitch.to(List.of(OTHER_HOME_AGENT));

    @Test
    void theProviderDeclaresThatItProtectsAHomeAgentSwitch() throws Exception {
        Parties p = Parties.at(T0);
        assertThat(new AuthOption4285Provider().descriptor().capabilities())
                .contains(Capability.PROTECTS_HOME_AGENT_SWITCH);
        assertThat(p.homeAgent.capabilities()).contains(Capability.PROTECTS_HOME_AGENT_SWITCH);
        assertThat(p.mobileNode.capabilities()).contains(Capability.PROTECTS_HOME_AGENT_SWITCH);
    }

    @Test
    void signedSwitchFromTheHomeAgentIsAcceptedByTheMobileNode() throws Exception {
        Parties p = registered();
        byte[] has = homeAgentSendsSwitch(p);

        HomeAgentSwitch decoded = (HomeAgentSwitch) Parties.decode(has, Parties.toCareOf());
        assertThat(decoded.homeAgents()).containsExactly(OTHER_HOME_AGENT);
        MobilityMessageAuthentication auth = (MobilityMessageAuthentication) decoded.options()
                .get(decoded.options().size() - 1);
        assertThat(auth.isMnHa()).isTrue();
        assertThat(auth.spi()).isEqualTo(Parties.SPI);
        assertThat(decoded.option(MobilityMessageReplayProtection.class).orElseThrow().timestamp())
                .isEqualTo(NtpTimestamp.of(T0));
        assertThat(independentlyVerified(has, Parties.KEY, Parties.CARE_OF, Parties.HOME_ADDRESS)).as("an independent HMAC over CoA, HoA and the Home Agent Switch").isTrue();

        Verdict v = p.mobileNodeJudges(has, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Accept.class);
        assertThat(((Verdict.Accept) v).identity())
                .isEqualTo(new Identity(Identity.Kind.HOME_AGENT, Parties.HOME_AGENT.toString()));
        assertThat(((Verdict.Accept) v).reply()).isSameAs(ReplyContext.NONE);
    }

    @Test
    void forgedSwitchIsRefused() throws Exception {
        Parties p = registered();
        byte[] has = homeAgentSendsSwitch(p);
        // The address count, an address octet, the timestamp, the SPI, the authenticator.
        for (int at : new int[] {6, 8 + 15, 8 + 16 + 4, has.length - 13, has.length - 1}) {
            byte[] forged = HomeAgentVerificationTest.flip(has, at, Parties.toCareOf());
            Verdict v = judgeIfDecodable(p, forged);
            assertThat(v).as("octet %d changed", at).isInstanceOf(Verdict.Drop.class);
        }
        assertThat(p.mobileNodeJudges(has, Parties.toCareOf())).as("the genuine one still passes")
                .isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void switchSignedWithAnotherNodesKeyIsRefused() throws Exception {
        Parties p = registered();
        SecurityAssociation other = HomeAgentVerificationTest.association("mn2@example.com", 300, Parties.KEY);
        byte[] has = Protection.protect(TestContext.providerCodec(), SWITCH, null, NtpTimestamp.of(T0), other,
                new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS), Parties.toCareOf());
        Verdict v = p.mobileNodeJudges(has, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("SPI 300");
    }

    @Test
    void unsignedSwitchIsRefused() throws Exception {
        Parties p = registered();
        byte[] has = TestContext.providerCodec().encode(SWITCH, Parties.HOME_AGENT, Parties.HOME_ADDRESS);
        Verdict v = p.mobileNodeJudges(has, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("Mobility Message Authentication");
    }

    @Test
    void switchWithoutReplayProtectionIsRefused() throws Exception {
        Parties p = registered();
        SecurityAssociation sa = HomeAgentVerificationTest.association(Parties.NAI, Parties.SPI, Parties.KEY);
        byte[] has = Protection.protect(TestContext.providerCodec(), SWITCH, null, null, sa,
                new AuthenticatedAddresses(Parties.CARE_OF, Parties.HOME_ADDRESS), Parties.toCareOf());
        Verdict v = p.mobileNodeJudges(has, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("replay protection");
    }

    @Test
    void replayedSwitchIsRefusedInsideTheWindow() throws Exception {
        Parties p = registered();
        byte[] has = homeAgentSendsSwitch(p);
        assertThat(p.mobileNodeJudges(has, Parties.toCareOf())).isInstanceOf(Verdict.Accept.class);
        p.time.advance(Duration.ofSeconds(1));
        Verdict again = p.mobileNodeJudges(has, Parties.toCareOf());
        assertThat(again).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) again).reason()).contains("not newer");
        byte[] next = homeAgentSendsSwitch(p);
        assertThat(p.mobileNodeJudges(next, Parties.toCareOf())).as("a fresh one from the home agent")
                .isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void capturedSwitchReplayedAfterTheWindowIsRefused() throws Exception {
        Parties p = registered();
        byte[] has = homeAgentSendsSwitch(p);
        p.time.advance(AuthOption4285Provider.DEFAULT_REPLAY_WINDOW.plusSeconds(1));
        Verdict v = p.mobileNodeJudges(has, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("replay");
    }

    @Test
    void switchTwiceWithinOneClockTickCarriesIncreasingTimestamps() throws Exception {
        Parties p = registered();
        long first = timestampOf(homeAgentSendsSwitch(p));
        long second = timestampOf(homeAgentSendsSwitch(p));
        assertThat(second).isEqualTo(first + 1);
    }

    @Test
    void switchBeforeAnyAcceptedRegistrationIsRefused() throws Exception {
        Parties p = registered();
        byte[] has = homeAgentSendsSwitch(p);
        Parties fresh = Parties.at(T0);
        fresh.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Verdict v = fresh.mobileNodeJudges(has, Parties.toCareOf());
        assertThat(v).isInstanceOf(Verdict.Drop.class);
        assertThat(((Verdict.Drop) v).reason()).contains("before any accepted registration");
    }

    @Test
    void switchFromAnotherAddressIsRefused() throws Exception {
        Parties p = registered();
        byte[] has = homeAgentSendsSwitch(p);
        org.mip6kit.spi.Addressing elsewhere = new org.mip6kit.spi.Addressing(OTHER_HOME_AGENT, Parties.CARE_OF,
                Optional.empty(), Optional.of(Parties.HOME_ADDRESS), Optional.empty());
        MobilityHeaderCodec.fillChecksum(has, elsewhere.pseudoHeaderSource(), elsewhere.pseudoHeaderDestination());
        assertThat(p.mobileNodeJudges(has, elsewhere)).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    void homeAgentSendsNoSwitchForAHomeAddressWithoutABindingOrAfterItEnded() throws Exception {
        Parties p = Parties.at(T0);
        CompletionException none = assertThrows(CompletionException.class, () -> p.haPath
                .send(SWITCH, Parties.toCareOf(), Optional.empty()).toCompletableFuture().join());
        assertThat(none.getCause().getMessage()).contains("cannot protect a Home Agent Switch to "
                + Parties.HOME_ADDRESS).doesNotContain(Parties.KEY);
        assertThat(p.haTransport.sent).isEmpty();

        Parties q = registered();
        homeAgentSendsSwitch(q);
        q.homeAgent.afterChange(change(BindingChange.Kind.DELETED));
        assertThrows(CompletionException.class, () -> q.haPath.send(SWITCH, Parties.toCareOf(), Optional.empty())
                .toCompletableFuture().join());
    }

    @Test
    void aNodeWithTwoHomeAddressesCanStillBeSwitchedAfterOneEndsAndNotAfterBoth() throws Exception {
        Parties p = registered();
        Ipv6Address second = Ipv6Address.parse("2001:db8:1::77");
        BindingChange secondCreated = new BindingChange(BindingChange.Kind.CREATED, Identity.nai(Parties.NAI), second,
                Optional.empty(), Parties.CARE_OF, Lifetime.ofUnits(150), Optional.empty(), false);
        p.homeAgent.beforeAck(secondCreated).toCompletableFuture().join();
        org.mip6kit.spi.Addressing toSecond = new org.mip6kit.spi.Addressing(Parties.HOME_AGENT, Parties.CARE_OF,
                Optional.empty(), Optional.of(second), Optional.empty());

        p.homeAgent.afterChange(change(BindingChange.Kind.DELETED));
        p.haPath.send(SWITCH, toSecond, Optional.empty()).toCompletableFuture().join();
        assertThat(independentlyVerified(p.haTransport.last().octets(), Parties.KEY, Parties.CARE_OF, second))
                .as("signed with the node's association over its remaining home address").isTrue();

        p.homeAgent.afterChange(new BindingChange(BindingChange.Kind.EXPIRED, Identity.nai(Parties.NAI), second,
                Optional.empty(), Parties.CARE_OF, Lifetime.ofUnits(150), Optional.empty(), false));
        assertThrows(CompletionException.class, () -> p.haPath.send(SWITCH, toSecond, Optional.empty())
                .toCompletableFuture().join());
    }

    // ------------------------------------------------------------------ helpers

    /** The test-vector node registered: BU accepted, the engine's commit told to the provider, BA verified. */
    private static Parties registered() throws Exception {
        Parties p = Parties.at(T0);
        byte[] bu = p.mobileNodeSends(Parties.tv3Update(), Parties.fromCareOf());
        Verdict v = p.homeAgentJudges(bu, Parties.fromCareOf());
        assertThat(v).isInstanceOf(Verdict.Accept.class);
        p.homeAgent.beforeAck(change(BindingChange.Kind.CREATED)).toCompletableFuture().join();
        byte[] ba = p.homeAgentAnswers(BindingAckStatus.ACCEPTED, SequenceNumber.of(2), Parties.replyOf(v),
                Parties.toCareOf());
        assertThat(p.mobileNodeJudges(ba, Parties.toCareOf())).isInstanceOf(Verdict.Accept.class);
        return p;
    }

    private static BindingChange change(BindingChange.Kind kind) {
        return new BindingChange(kind, Identity.nai(Parties.NAI), Parties.HOME_ADDRESS, Optional.empty(),
                Parties.CARE_OF, Lifetime.ofUnits(150), Optional.empty(), false);
    }

    private static byte[] homeAgentSendsSwitch(Parties p) {
        p.haPath.send(SWITCH, Parties.toCareOf(), Optional.empty()).toCompletableFuture().join();
        return p.haTransport.last().octets();
    }

    private static long timestampOf(byte[] has) {
        return Parties.decode(has, Parties.toCareOf()).option(MobilityMessageReplayProtection.class).orElseThrow()
                .timestamp();
    }

    /**
     * The MN-HA authenticator of a Home Agent Switch with one address checked with a plain JCA
     * HMAC over CoA ‖ HoA ‖ MH up to the SPI (checksum zeroed): its options start at octet 24
     * (8 octets of header and count, 16 of address).
     */
    private static boolean independentlyVerified(byte[] mh, String keyHex, Ipv6Address coa, Ipv6Address hoa)
            throws Exception {
        int i = 24;
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

    /** The mobile node's verdict, or a drop when the changed octets no longer decode (the engine drops those). */
    private static Verdict judgeIfDecodable(Parties p, byte[] mh) {
        try {
            TestContext.providerCodec().decode(mh, Parties.toCareOf().pseudoHeaderSource(),
                    Parties.toCareOf().pseudoHeaderDestination());
        } catch (org.mip6kit.wire.MobilityHeaderFormatException e) {
            return Verdict.drop("does not decode: " + e.getMessage());
        }
        return p.mobileNodeJudges(mh, Parties.toCareOf());
    }
}
