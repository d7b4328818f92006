package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.HomeAgentTestRig.COA;
import static org.mip6kit.engine.HomeAgentTestRig.HA;
import static org.mip6kit.engine.HomeAgentTestRig.HOA;
import static org.mip6kit.engine.HomeAgentTestRig.OTHER;
import static org.mip6kit.engine.HomeAgentTestRig.PREFIX;
import static org.mip6kit.engine.HomeAgentTestRig.bu;
import static org.mip6kit.engine.HomeAgentTestRig.from;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Identity;
import org.mip6kit.spi.Verdict;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingAcknowledgement;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobileNodeIdentifier;
import org.mip6kit.wire.SequenceNumber;

/**
 * What a sender without a key, or with one key, cannot take from the other nodes: the failure
 * replies a legitimate node needs, and the home prefix.
 */
@Tag("small")
class HomeAgentHostileSenderTest {

    /** The NAI of Binding Updates the scripted provider rejects with 146, as RFC 4285 does a forgery. */
    private static final Identity FORGER = Identity.nai("forger@example.com");

    private static void rejectForgeries(HomeAgentTestRig rig) {
        rig.provider.verdicts = m -> {
            Identity claimed = ScriptedProvider.identityOf(m);
            return claimed.equals(FORGER)
                    ? Verdict.reject(BindingAckStatus.MIPV6_AUTH_FAIL, ScriptedProvider.REPLY, "forged")
                    : Verdict.accept(claimed, ScriptedProvider.REPLY);
        };
    }

    /** A forged Binding Update for a home address from a source in its own /64 ({@code n} spreads them). */
    private static void deliverForgery(HomeAgentTestRig rig, int n) {
        Ipv6Address source = Ipv6Address.of(0x20010db800000000L | (n & 0xFFFFFFFFL), 1);
        Ipv6Address hoa = Ipv6Address.of(HOA.high(), 0x1000 + n);
        rig.provider.deliver(bu(n & 0xFFFF, 150, MobileNodeIdentifier.nai(FORGER.value())),
                new Addressing(source, HA, Optional.of(hoa), Optional.empty(), Optional.empty()));
    }

    private static List<BindingAcknowledgement> acksWith(HomeAgentTestRig rig, BindingAckStatus status) {
        return rig.acks().stream().filter(a -> a.status().equals(status)).toList();
    }

    @Test
    void rejectionsOfForgedBindingUpdatesDoNotUseUpTheRefusalsAnAuthenticatedNodeNeeds() throws Exception {
        try (HomeAgentTestRig rig = HomeAgentTestRig.started()) {
            rejectForgeries(rig);
            rig.register(100, COA);
            int forged = 0;
            for (int second = 0; second < 10; second++) {
                for (int i = 0; i < 1000; i++) {
                    deliverForgery(rig, forged++);
                }
                // A node that lost its counter: its stale Binding Update must get 135 with the sequence to use.
                rig.deliver(bu(5 + second, 150), COA, HOA);
                BindingAcknowledgement last = rig.lastAck();
                assertThat(last.status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
                assertThat(last.sequence()).isEqualTo(SequenceNumber.of(100));
                rig.time.advance(Duration.ofSeconds(1));
            }
            rig.deliver(bu(101, 150), COA, HOA);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
            // The forgeries were still answered, within their own budget: 100/s, burst 200.
            assertThat(acksWith(rig, BindingAckStatus.MIPV6_AUTH_FAIL).size()).isBetween(200, 200 + 10 * 100);
        }
    }

    @Test
    void rejectionsOfUnauthenticatedSendersAreLimitedPerSourcePrefix() throws Exception {
        try (HomeAgentTestRig rig = HomeAgentTestRig.started()) {
            rejectForgeries(rig);
            Ipv6Address flooder = Ipv6Address.parse("2001:db8:66::1");
            for (int i = 0; i < 500; i++) {
                Ipv6Address spoofedInSamePrefix = Ipv6Address.of(flooder.high(), i + 1L);
                rig.provider.deliver(bu(i, 150, MobileNodeIdentifier.nai(FORGER.value())),
                        new Addressing(spoofedInSamePrefix, HA, Optional.of(HOA), Optional.empty(), Optional.empty()));
            }
            rig.time.runDue();
            // 10/s per /64, burst 20: the flood got 20 answers, not the 200 of the whole budget.
            assertThat(acksWith(rig, BindingAckStatus.MIPV6_AUTH_FAIL)).hasSize(20);
            rig.provider.deliver(bu(1, 150, MobileNodeIdentifier.nai(FORGER.value())),
                    new Addressing(Ipv6Address.parse("2001:db8:77::1"), HA, Optional.of(HOA), Optional.empty(),
                            Optional.empty()));
            rig.time.runDue();
            assertThat(acksWith(rig, BindingAckStatus.MIPV6_AUTH_FAIL)).hasSize(21);
        }
    }

    @Test
    void refusalsToOneIdentityDoNotUseUpAnothersRefusals() throws Exception {
        try (HomeAgentTestRig rig = HomeAgentTestRig.started()) {
            rig.register(100, COA);
            // OTHER holds a valid key and floods Binding Updates for the owner's home address: 129 each.
            for (int i = 0; i < 1000; i++) {
                rig.deliver(bu(i, 150, from(OTHER)), COA, HOA);
            }
            assertThat(acksWith(rig, BindingAckStatus.ADMINISTRATIVELY_PROHIBITED)).as("OTHER's burst")
                    .hasSize((int) (2 * rig.engine.settings().failureRepliesPerIdentityPerSecond()));
            rig.deliver(bu(5, 150), COA, HOA);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        }
    }

    @Test
    void anIdentityGetsNoMoreHomeAddressesThanConfigured() throws Exception {
        HomeAgentSettings settings = HomeAgentSettings.builder(HA, PREFIX).maxHomeAddressesPerIdentity(2)
                .replayHold(Duration.ofMinutes(5)).build();
        try (HomeAgentTestRig rig = HomeAgentTestRig.started(settings, new ScriptedProvider())) {
            Ipv6Address first = Ipv6Address.of(HOA.high(), 0x10);
            Ipv6Address second = Ipv6Address.of(HOA.high(), 0x11);
            Ipv6Address third = Ipv6Address.of(HOA.high(), 0x12);
            rig.deliver(bu(1, 150), COA, first);
            rig.deliver(bu(1, 150), COA, second);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
            rig.deliver(bu(1, 150), COA, third);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
            assertThat(rig.engine.binding(third)).isEmpty();
            // Its own home addresses are still refreshed at the limit.
            rig.deliver(bu(2, 150), COA, second);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
            // Another identity is not affected.
            rig.deliver(bu(1, 150, from(OTHER)), COA, third);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        }
    }

    @Test
    void aReplayHoldCountsTowardsTheIdentitysHomeAddressesUntilItLapses() throws Exception {
        HomeAgentSettings settings = HomeAgentSettings.builder(HA, PREFIX).maxHomeAddressesPerIdentity(1)
                .replayHold(Duration.ofMinutes(5)).build();
        try (HomeAgentTestRig rig = HomeAgentTestRig.started(settings, new ScriptedProvider())) {
            Ipv6Address first = Ipv6Address.of(HOA.high(), 0x10);
            Ipv6Address second = Ipv6Address.of(HOA.high(), 0x11);
            rig.deliver(bu(1, 150), COA, first);
            rig.deliver(bu(2, 0), COA, first);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
            // Register, deregister, next address: a replay hold per address would fill the cache as well.
            rig.deliver(bu(1, 150), COA, second);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ADMINISTRATIVELY_PROHIBITED);
            rig.time.advance(Duration.ofMinutes(5).plusSeconds(2));
            rig.deliver(bu(3, 150), COA, second);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        }
    }

    @Test
    void oneIdentityCannotFillTheBindingCache() throws Exception {
        HomeAgentSettings settings = HomeAgentSettings.builder(HA, PREFIX).maxBindings(100).build();
        try (HomeAgentTestRig rig = HomeAgentTestRig.started(settings, new ScriptedProvider())) {
            for (int i = 0; i < 1000; i++) {
                rig.deliver(bu(1, 150, from(OTHER)), COA, Ipv6Address.of(HOA.high(), 0x1000 + i));
            }
            assertThat(rig.engine.bindingCount()).isEqualTo(settings.maxHomeAddressesPerIdentity());
            rig.register(1, COA);
            assertThat(rig.lastAck().status()).isEqualTo(BindingAckStatus.ACCEPTED);
        }
    }
}
