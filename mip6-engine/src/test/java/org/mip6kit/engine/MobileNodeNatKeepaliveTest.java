package org.mip6kit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mip6kit.engine.MobileNodeTestRig.COA;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.wire.BindingAckStatus;
import org.mip6kit.wire.BindingUpdate;
import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.Lifetime;
import org.mip6kit.wire.NatDetection;

/**
 * RFC 5555 §4.1: behind a NAT the mobile node refreshes its binding, and with it the NAT
 * mapping, at the refresh time of the NAT Detection option; the Binding Update is the keepalive.
 */
@Tag("small")
class MobileNodeNatKeepaliveTest {

    private static final Ipv6Address V4_COA = Ipv6Address.ipv4Mapped(Ipv4Address.parse("192.0.2.100"));
    private static final NatDetection NAT_110 = new NatDetection(false, 110);

    private static MobileNodeTestRig behindNat() throws Exception {
        return new MobileNodeTestRig(Set.of(), MobileNodeTestRig.settings(), V4_COA);
    }

    /** Accepts the last Binding Update with lifetime 600 s and the given options. */
    private static void acceptLast(MobileNodeTestRig rig, org.mip6kit.wire.MobilityOption... options) {
        BindingUpdate bu = rig.lastBu();
        rig.ack(BindingAckStatus.ACCEPTED, bu.sequence(), bu.lifetime(), options);
    }

    @Test
    void sendsAKeepaliveBindingUpdateEveryNatRefreshTimeWhileRegisteredBehindANat() throws Exception {
        MobileNodeTestRig rig = behindNat();
        Instant t0 = rig.time.now();
        rig.start();
        acceptLast(rig, NAT_110);

        rig.time.advance(Duration.ofSeconds(109));
        assertThat(rig.bus()).hasSize(1);
        rig.time.advance(Duration.ofSeconds(1));
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastSent().at()).isEqualTo(t0.plusSeconds(110));
        BindingUpdate keepalive = rig.lastBu();
        assertThat(keepalive.lifetime()).isEqualTo(Lifetime.ofSeconds(600));
        assertThat(keepalive.option(Ipv4CareOfAddress.class)).contains(new Ipv4CareOfAddress(V4_COA.embeddedIpv4()));
        assertThat(keepalive.has(BindingUpdate.Flag.FORCE_UDP_ENCAPSULATION)).isTrue();

        acceptLast(rig, NAT_110);
        rig.time.advance(Duration.ofSeconds(110));
        assertThat(rig.bus()).hasSize(3);
        assertThat(rig.lastSent().at()).isEqualTo(t0.plusSeconds(220));
        assertThat(rig.events(EngineEvent.Kind.REGISTRATION_ACCEPTED).get(0).detail()).contains("nat-keepalive=110s");
    }

    @Test
    void sendsNoKeepaliveWithoutNatDetection() throws Exception {
        MobileNodeTestRig rig = behindNat();
        Instant t0 = rig.time.now();
        rig.start();
        acceptLast(rig);

        rig.time.advance(Duration.ofSeconds(479));
        assertThat(rig.bus()).as("only the refresh at 80% of the lifetime").hasSize(1);
        rig.time.advance(Duration.ofSeconds(1));
        assertThat(rig.bus()).hasSize(2);
        assertThat(rig.lastSent().at()).isEqualTo(t0.plusSeconds(480));
    }

    @Test
    void sendsNoKeepaliveWhenTheRefreshTimeSaysNoNatOrIsZero() throws Exception {
        for (long refresh : new long[] {NatDetection.NO_KEEPALIVE, 0}) {
            MobileNodeTestRig rig = behindNat();
            rig.start();
            acceptLast(rig, new NatDetection(true, refresh));
            rig.time.advance(Duration.ofSeconds(479));
            assertThat(rig.bus()).as("refresh time %d", refresh).hasSize(1);
        }
    }

    @Test
    void ignoresNatDetectionForAnIpv6CareOfAddress() throws Exception {
        MobileNodeTestRig rig = MobileNodeTestRig.standard();
        rig.start();
        acceptLast(rig, NAT_110);
        rig.time.advance(Duration.ofSeconds(479));
        assertThat(rig.bus()).hasSize(1);
    }

    @Test
    void keepalivesStopAfterDeregistration() throws Exception {
        MobileNodeTestRig rig = behindNat();
        rig.start();
        acceptLast(rig, NAT_110);
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.returnHome();
        rig.time.runDue();
        assertThat(rig.lastBu().lifetime()).isEqualTo(Lifetime.ZERO);
        acceptLast(rig);
        int sent = rig.bus().size();

        rig.time.advance(Duration.ofSeconds(1000));
        assertThat(rig.bus()).hasSize(sent);
    }

    @Test
    void keepalivesStopAfterAMoveToACareOfAddressWithoutNat() throws Exception {
        MobileNodeTestRig rig = behindNat();
        rig.start();
        acceptLast(rig, NAT_110);
        rig.time.advance(Duration.ofSeconds(30));
        rig.engine.moveTo(COA);
        rig.time.runDue();
        Instant moved = rig.lastSent().at();
        acceptLast(rig);
        int sent = rig.bus().size();

        rig.time.advance(Duration.ofSeconds(479));
        assertThat(rig.bus()).as("no keepalive once registered from %s", COA).hasSize(sent);
        rig.time.advance(Duration.ofSeconds(1));
        assertThat(rig.bus()).hasSize(sent + 1);
        assertThat(rig.lastSent().at()).isEqualTo(moved.plusSeconds(480));
    }
}
