package org.mip6kit.provider.ipsec.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicy.Purpose;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicySet.Role;
import org.mip6kit.provider.ipsec.xfrm.XfrmException;
import org.mip6kit.provider.ipsec.xfrm.XfrmSelector;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserKmaddress;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserMigrate;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo;
import org.mip6kit.provider.ipsec.xfrm.XfrmUserTmpl;

@Tag("small")
class PolicyInstallerTest {
    static final InetAddress HOA = MobilityPolicySetTest.HOA;
    static final InetAddress HA = MobilityPolicySetTest.HA;
    static final InetAddress COA = MobilityPolicySetTest.COA;
    static final InetAddress NEW_COA = MobilityPolicySetTest.addr("2001:db8:3::5");

    final RecordingXfrmChannel fake = new RecordingXfrmChannel();
    final PolicyInstaller installer = new PolicyInstaller(fake, Duration.ofSeconds(1));

    static MobilityPolicySet haSet() {
        return MobilityPolicySet.builder(Role.HOME_AGENT, HOA, HA).signallingReqid(3).payload(COA, 4).build();
    }

    @Test
    void installIsIdempotentBecauseItUpdates() throws Exception {
        MobilityPolicySet set = haSet();
        installer.install(set);
        installer.install(set);
        assertThat(fake.ops()).hasSize(12).allMatch("UPDPOLICY"::equals);
        assertThat(fake.spd).hasSize(6);
    }

    @Test
    void installFailureInTheMiddleRemovesWhatThisCallInstalledAndNamesThePolicy() throws Exception {
        MobilityPolicySet set = haSet();
        MobilityPolicy third = set.policies().get(2);
        fake.refuse(c -> c.op().equals("UPDPOLICY") && c.info().equals(third.info()), 22);
        XfrmException e = assertThrows(XfrmException.class, () -> installer.install(set));
        assertThat(e.errno()).isEqualTo(22);
        assertThat(e.getMessage()).contains("UPDPOLICY BE out").contains("EINVAL");
        assertThat(fake.ops()).containsExactly("UPDPOLICY", "UPDPOLICY", "UPDPOLICY", "DELPOLICY", "DELPOLICY");
        assertThat(fake.calls.get(3).id()).isEqualTo(set.policies().get(1).id());
        assertThat(fake.calls.get(4).id()).isEqualTo(set.policies().get(0).id());
        assertThat(fake.spd).isEmpty();
    }

    @Test
    void installRollbackFailureIsSuppressedNotLost() {
        MobilityPolicySet set = haSet();
        fake.refuse(c -> c.op().equals("DELPOLICY") || c.info() != null && c.info().equals(set.policies().get(1).info()), 1);
        XfrmException e = assertThrows(XfrmException.class, () -> installer.install(set));
        assertThat(e.getMessage()).contains("UPDPOLICY BA out").contains("EPERM");
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat(e.getSuppressed()[0].getMessage()).contains("roll-back DELPOLICY BU in");
    }

    @Test
    void removeToleratesEnoentAndReportsWhatWasRemoved() throws Exception {
        MobilityPolicySet set = haSet();
        installer.install(set);
        MobilityPolicy gone = set.policies().get(1);
        fake.spd.values().removeIf(p -> p.info().equals(gone.info()));
        List<MobilityPolicy> removed = installer.remove(set);
        assertThat(removed).hasSize(5).doesNotContain(gone);
        assertThat(fake.spd).isEmpty();
        assertThat(installer.remove(set)).isEmpty();
    }

    @Test
    void removeGoesOnAfterARefusalAndThrowsTheFirst() throws Exception {
        MobilityPolicySet set = haSet();
        installer.install(set);
        fake.refuse(c -> c.op().equals("DELPOLICY") && c.id().equals(set.policies().get(0).id()), 16);
        XfrmException e = assertThrows(XfrmException.class, () -> installer.remove(set));
        assertThat(e.getMessage()).contains("DELPOLICY BU in").contains("EBUSY");
        assertThat(fake.spd).hasSize(1);
    }

    @Test
    void readReturnsWhatTheKernelHoldsAndSkipsMissing() throws Exception {
        MobilityPolicySet set = haSet();
        assertThat(installer.read(set)).isEmpty();
        installer.install(set);
        assertThat(installer.read(set)).extracting(p -> p.info()).containsExactlyElementsOf(
                set.policies().stream().map(MobilityPolicy::info).toList());
    }

    @Test
    void migrateMovesOnlyTunnelTemplatesWithKmaddressAndReturnsTheNewSet() throws Exception {
        MobilityPolicySet set = haSet();
        installer.install(set);
        fake.calls.clear();
        XfrmUserKmaddress km = new XfrmUserKmaddress(HA, NEW_COA, XfrmSelector.AF_INET6);
        MobilityPolicySet moved = installer.migrate(set, NEW_COA, km);

        assertThat(fake.ops()).containsExactly("MIGRATE", "MIGRATE", "MIGRATE");
        assertThat(fake.calls).extracting(RecordingXfrmChannel.Call::id)
                .containsExactlyElementsOf(set.tunnelPolicies().stream().map(MobilityPolicy::id).toList());
        assertThat(fake.calls).allMatch(c -> km.equals(c.kmaddress()));
        // HA out: HA -> CoA becomes HA -> new CoA; reqid, ESP and tunnel mode kept
        assertThat(fake.calls.get(0).moves()).containsExactly(new XfrmUserMigrate(COA, HA, NEW_COA, HA,
                XfrmUserTmpl.IPPROTO_ESP, XfrmUserTmpl.MODE_TUNNEL, 4, XfrmSelector.AF_INET6, XfrmSelector.AF_INET6));
        assertThat(fake.calls.get(1).moves()).containsExactly(new XfrmUserMigrate(HA, COA, HA, NEW_COA,
                XfrmUserTmpl.IPPROTO_ESP, XfrmUserTmpl.MODE_TUNNEL, 4, XfrmSelector.AF_INET6, XfrmSelector.AF_INET6));

        assertThat(moved).isEqualTo(set.withCareOf(NEW_COA));
        assertThat(installer.read(moved)).hasSize(6);
        assertThat(moved.policy(Purpose.BINDING_UPDATE, XfrmUserPolicyInfo.DIR_IN))
                .isEqualTo(set.policy(Purpose.BINDING_UPDATE, XfrmUserPolicyInfo.DIR_IN));
    }

    @Test
    void migrateFailureMovesBackWhatMovedAndNamesThePolicy() throws Exception {
        MobilityPolicySet set = haSet();
        installer.install(set);
        fake.calls.clear();
        MobilityPolicy second = set.tunnelPolicies().get(1);
        fake.refuse(c -> c.op().equals("MIGRATE") && c.id().equals(second.id()) && c.kmaddress() != null, 2);
        XfrmException e = assertThrows(XfrmException.class, () -> installer.migrate(set, NEW_COA,
                new XfrmUserKmaddress(HA, NEW_COA, XfrmSelector.AF_INET6)));
        assertThat(e.getMessage()).contains("MIGRATE payload fwd").contains("ENOENT");
        assertThat(fake.ops()).containsExactly("MIGRATE", "MIGRATE", "MIGRATE");
        assertThat(fake.calls.get(2).kmaddress()).as("roll-back without KMADDRESS").isNull();
        assertThat(installer.read(set)).as("everything back at the old care-of").hasSize(6);
    }

    @Test
    void migrateToTheSameCareOfSendsNothing() throws Exception {
        MobilityPolicySet set = haSet();
        assertThat(installer.migrate(set, COA, null)).isSameAs(set);
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void migrateRefusesASetWithoutPayloadTunnel() {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).build();
        assertThatThrownBy(() -> installer.migrate(set, NEW_COA, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to migrate");
    }
}
