package org.mip6kit.provider.ipsec.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo.DIR_FWD;
import static org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo.DIR_IN;
import static org.mip6kit.provider.ipsec.xfrm.XfrmUserPolicyInfo.DIR_OUT;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicy.Purpose;
import org.mip6kit.provider.ipsec.kernel.MobilityPolicySet.Role;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes;
import org.mip6kit.provider.ipsec.xfrm.XfrmMessages;

/**
 * The policy sets of RFC 3776/4877 as the kernel receives them: each UPDPOLICY a
 * {@link PolicyInstaller} sends through a recording channel is encoded and its octets checked
 * against the xfrm.h offsets (nlmsghdr 16 octets, then xfrm_userpolicy_info, then XFRMA_TMPL).
 */
@Tag("small")
class MobilityPolicySetTest {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final InetAddress HOA = addr("2001:db8:1::100");
    static final InetAddress HA = addr("2001:db8:1::1");
    static final InetAddress COA = addr("2001:db8:2::5");
    static final InetAddress ANY = addr("::");

    // offsets in the encoded UPDPOLICY: nlmsghdr (16) + xfrm_userpolicy_info field offset
    static final int SEL = 16;
    static final int PRIORITY = 16 + 152;
    static final int INDEX = 16 + 156;
    static final int DIR = 16 + 160;
    static final int ACTION = 16 + 161;
    // XFRMA_TMPL header at 16 + 168, its xfrm_user_tmpl at 16 + 168 + 4
    static final int TMPL_ATTR = 16 + 168;
    static final int TMPL = TMPL_ATTR + 4;

    static InetAddress addr(String s) {
        try { return InetAddress.getByName(s); } catch (Exception e) { throw new AssertionError(e); }
    }

    /** Installs {@code set} through a recording channel and returns each UPDPOLICY's octets. */
    static List<byte[]> wire(MobilityPolicySet set) throws Exception {
        RecordingXfrmChannel fake = new RecordingXfrmChannel();
        new PolicyInstaller(fake, Duration.ofSeconds(1)).install(set);
        assertThat(fake.ops()).allMatch("UPDPOLICY"::equals).hasSize(set.policies().size());
        return fake.calls.stream().map(c -> XfrmMessages.addPolicy(c.info(), c.templates(), c.policyType(), c.update(),
                1, LE).encode(LE)).toList();
    }

    static byte[] at(byte[] m, int from, int length) {
        return Arrays.copyOfRange(m, from, from + length);
    }

    static int u32(byte[] m, int at) {
        return ByteBuffer.wrap(m).order(LE).getInt(at);
    }

    /** Asserts the selector octets: addresses, ports/masks as 4-octet groups, family, prefix lengths, proto. */
    static void assertSelector(byte[] m, InetAddress src, int srcLen, InetAddress dst, int dstLen, int[] dportAndMask,
            int[] sportAndMask, int proto) {
        assertThat(at(m, SEL, 16)).as("sel.daddr").isEqualTo(dst.getAddress());
        assertThat(at(m, SEL + 16, 16)).as("sel.saddr").isEqualTo(src.getAddress());
        assertThat(at(m, SEL + 32, 4)).as("sel.dport, dport_mask").containsExactly(dportAndMask);
        assertThat(at(m, SEL + 36, 4)).as("sel.sport, sport_mask").containsExactly(sportAndMask);
        assertThat(at(m, SEL + 40, 5)).as("family, prefixlen_d, prefixlen_s, proto")
                .containsExactly(10, 0, dstLen, srcLen, proto);
    }

    static void assertTemplate(byte[] m, InetAddress src, InetAddress dst, int mode, int reqid) {
        assertThat(ByteBuffer.wrap(m).order(LE).getShort(TMPL_ATTR + 2)).as("rta_type XFRMA_TMPL").isEqualTo((short) 5);
        assertThat(at(m, TMPL, 16)).as("tmpl.id.daddr").isEqualTo(dst.getAddress());
        assertThat(at(m, TMPL + 16, 5)).as("tmpl.id.spi any, id.proto ESP").containsExactly(0, 0, 0, 0, 50);
        assertThat(at(m, TMPL + 28, 16)).as("tmpl.saddr").isEqualTo(src.getAddress());
        assertThat(u32(m, TMPL + 44)).as("tmpl.reqid").isEqualTo(reqid);
        assertThat(m[TMPL + 48]).as("tmpl.mode").isEqualTo((byte) mode);
    }

    // MH type T: sport = htons(T) with mask 0xffff; dport's first octet T (MIGRATE lookup), mask 0
    static int[] mhSport(int type) { return new int[] {0, type, 0xff, 0xff}; }
    static int[] mhDport(int type) { return new int[] {type, 0, 0, 0}; }
    static final int[] NONE = {0, 0, 0, 0};

    @Test
    void mobileNodeProtectsBuOutAndBaInWithTransportEspOnHomeAddress() throws Exception {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).signallingReqid(7).build();
        List<byte[]> w = wire(set);
        assertThat(w).hasSize(2);

        byte[] bu = w.get(0);
        assertSelector(bu, HOA, 128, HA, 128, mhDport(5), mhSport(5), 135);
        assertThat(bu[DIR]).as("dir out").isEqualTo((byte) DIR_OUT);
        assertThat(bu[ACTION]).as("action allow").isEqualTo((byte) 0);
        assertThat(u32(bu, PRIORITY)).isEqualTo(MobilityPolicySet.DEFAULT_PRIORITY);
        assertThat(u32(bu, INDEX)).as("index 0: the kernel assigns").isZero();
        assertTemplate(bu, HOA, HA, 0, 7);

        byte[] ba = w.get(1);
        assertSelector(ba, HA, 128, HOA, 128, mhDport(6), mhSport(6), 135);
        assertThat(ba[DIR]).as("dir in").isEqualTo((byte) DIR_IN);
        assertTemplate(ba, HA, HOA, 0, 7);
    }

    @Test
    void homeAgentMirrorsTheMobileNodeAndAddsBindingErrorOut() throws Exception {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.HOME_AGENT, HOA, HA).signallingReqid(9).build();
        List<byte[]> w = wire(set);
        assertThat(set.policies()).extracting(MobilityPolicy::purpose)
                .containsExactly(Purpose.BINDING_UPDATE, Purpose.BINDING_ACKNOWLEDGEMENT, Purpose.BINDING_ERROR);

        assertSelector(w.get(0), HOA, 128, HA, 128, mhDport(5), mhSport(5), 135);
        assertThat(w.get(0)[DIR]).as("BU arrives for the HA itself: in, not fwd").isEqualTo((byte) DIR_IN);
        assertTemplate(w.get(0), HOA, HA, 0, 9);

        assertSelector(w.get(1), HA, 128, HOA, 128, mhDport(6), mhSport(6), 135);
        assertThat(w.get(1)[DIR]).isEqualTo((byte) DIR_OUT);
        assertTemplate(w.get(1), HA, HOA, 0, 9);

        assertSelector(w.get(2), HA, 128, HOA, 128, mhDport(7), mhSport(7), 135);
        assertThat(w.get(2)[DIR]).isEqualTo((byte) DIR_OUT);
        assertTemplate(w.get(2), HA, HOA, 0, 9);
    }

    @Test
    void prefixDiscoverySelectsIcmpv6TypeInSportAnyCodeTransportMode() throws Exception {
        MobilityPolicySet mn = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).mobilePrefixDiscovery(true).build();
        List<byte[]> w = wire(mn);
        assertThat(w).hasSize(4);
        assertSelector(w.get(2), HOA, 128, HA, 128, NONE, new int[] {0, 146, 0xff, 0xff}, 58);
        assertThat(w.get(2)[DIR]).as("MPS out on the MN").isEqualTo((byte) DIR_OUT);
        assertTemplate(w.get(2), HOA, HA, 0, 0);
        assertSelector(w.get(3), HA, 128, HOA, 128, NONE, new int[] {0, 147, 0xff, 0xff}, 58);
        assertThat(w.get(3)[DIR]).as("MPA in on the MN").isEqualTo((byte) DIR_IN);

        MobilityPolicySet ha = MobilityPolicySet.builder(Role.HOME_AGENT, HOA, HA).mobilePrefixDiscovery(true).build();
        assertThat(ha.policy(Purpose.MOBILE_PREFIX_SOLICITATION, DIR_IN)).isPresent();
        assertThat(ha.policy(Purpose.MOBILE_PREFIX_ADVERTISEMENT, DIR_OUT)).isPresent();
    }

    @Test
    void mobileNodePayloadTunnelsHomeAddressTrafficBetweenCareOfAndHomeAgent() throws Exception {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).signallingReqid(7)
                .payload(COA, 8).build();
        List<byte[]> w = wire(set);
        assertThat(w).hasSize(4);
        byte[] out = w.get(2);
        assertSelector(out, HOA, 128, ANY, 0, NONE, NONE, 0);
        assertThat(out[DIR]).isEqualTo((byte) DIR_OUT);
        assertThat(u32(out, PRIORITY)).as("payload loses to BU/BA").isEqualTo(MobilityPolicySet.DEFAULT_PRIORITY + 1);
        assertTemplate(out, COA, HA, 1, 8);
        byte[] in = w.get(3);
        assertSelector(in, ANY, 0, HOA, 128, NONE, NONE, 0);
        assertThat(in[DIR]).isEqualTo((byte) DIR_IN);
        assertTemplate(in, HA, COA, 1, 8);
        assertThat(set.tunnelPolicies()).hasSize(2);
    }

    @Test
    void homeAgentPayloadNeedsOutFwdAndIn() throws Exception {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.HOME_AGENT, HOA, HA).payload(COA, 8).build();
        List<byte[]> w = wire(set);
        assertThat(w).hasSize(6);
        assertSelector(w.get(3), ANY, 0, HOA, 128, NONE, NONE, 0);
        assertThat(w.get(3)[DIR]).isEqualTo((byte) DIR_OUT);
        assertTemplate(w.get(3), HA, COA, 1, 8);
        assertSelector(w.get(4), HOA, 128, ANY, 0, NONE, NONE, 0);
        assertThat(w.get(4)[DIR]).as("forwarded from the MN").isEqualTo((byte) DIR_FWD);
        assertTemplate(w.get(4), COA, HA, 1, 8);
        assertThat(w.get(5)[DIR]).as("to the HA itself").isEqualTo((byte) DIR_IN);
        assertTemplate(w.get(5), COA, HA, 1, 8);
    }

    @Test
    void subPolicyTypeTravelsAsXfrmaPolicyType() throws Exception {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA)
                .policyType(XfrmMessageTypes.XFRM_POLICY_TYPE_SUB).build();
        for (byte[] m : wire(set)) {
            // after XFRMA_TMPL (4 + 64): XFRMA_POLICY_TYPE (16), length 4 + 6, type 1
            int at = TMPL_ATTR + 68;
            ByteBuffer b = ByteBuffer.wrap(m).order(LE);
            assertThat(b.getShort(at)).isEqualTo((short) 10);
            assertThat(b.getShort(at + 2)).isEqualTo((short) 16);
            assertThat(m[at + 4]).isEqualTo((byte) 1);
        }
        assertThat(set.policies()).allMatch(p -> p.policyType() == XfrmMessageTypes.XFRM_POLICY_TYPE_SUB);
    }

    @Test
    void eachPolicyIsNamedBySelectorAndDirWithIndexZero() {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.HOME_AGENT, HOA, HA).payload(COA, 1).build();
        for (MobilityPolicy p : set.policies()) {
            assertThat(p.id().selector()).isEqualTo(p.info().selector());
            assertThat(p.id().dir()).isEqualTo(p.info().dir());
            assertThat(p.id().index()).isZero();
        }
        assertThat(set.policies().stream().map(MobilityPolicy::id).distinct()).hasSize(set.policies().size());
    }

    @Test
    void describeListsEveryPolicyForAnOperator() {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).signallingReqid(7)
                .payload(COA, 8).build();
        String d = set.describe();
        assertThat(d.lines()).hasSize(1 + 4);
        assertThat(d).contains("MOBILE_NODE policies for home address 2001:db8:1::100 at 2001:db8:1::1")
                .contains("BU out 2001:db8:1::100/128 -> 2001:db8:1::1/128 MH type 5, ESP transport "
                        + "2001:db8:1::100 -> 2001:db8:1::1 reqid 7, priority 1000, main")
                .contains("BA in ").contains("payload out 2001:db8:1::100/128 -> ::/0 any protocol, "
                        + "ESP tunnel 2001:db8:2::5 -> 2001:db8:1::1 reqid 8, priority 1001");
    }

    @Test
    void addressesPrintInTheirShortestForm() {
        assertThat(MobilityPolicy.text(addr("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(MobilityPolicy.text(addr("2001:db8:1:0:0:0:0:0"))).isEqualTo("2001:db8:1::");
        assertThat(MobilityPolicy.text(addr("0:0:0:0:0:0:0:1"))).isEqualTo("::1");
        assertThat(MobilityPolicy.text(addr("2001:db8:1:0:1:1:1:1"))).isEqualTo("2001:db8:1:0:1:1:1:1");
        assertThat(MobilityPolicy.text(addr("192.0.2.1"))).isEqualTo("192.0.2.1");
    }

    @Test
    void withCareOfChangesOnlyTheTunnelTemplates() {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).payload(COA, 8).build();
        InetAddress next = addr("2001:db8:3::5");
        MobilityPolicySet moved = set.withCareOf(next);
        assertThat(moved.careOf()).contains(next);
        assertThat(moved.policies().subList(0, 2)).isEqualTo(set.policies().subList(0, 2));
        assertThat(moved.tunnelPolicies()).allMatch(p -> p.templates().get(0).saddr().equals(next)
                || p.templates().get(0).daddr().equals(next));
        assertThat(moved).isNotEqualTo(set);
        assertThat(moved.withCareOf(COA)).isEqualTo(set);
    }

    @Test
    void rejectsIpv4HomeAddress() {
        assertThrows(IllegalArgumentException.class,
                () -> MobilityPolicySet.builder(Role.MOBILE_NODE, addr("192.0.2.1"), HA));
    }

    @Test
    void rejectsHomeAddressEqualToHomeAgent() {
        assertThrows(IllegalArgumentException.class, () -> MobilityPolicySet.builder(Role.MOBILE_NODE, HA, HA));
    }

    @Test
    void rejectsCareOfEqualToHomeAgent() {
        assertThrows(IllegalArgumentException.class,
                () -> MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).payload(HA, 1).build());
    }

    @Test
    void rejectsUnknownPolicyType() {
        assertThrows(IllegalArgumentException.class,
                () -> MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).policyType(2));
    }

    @Test
    void rejectsCareOfChangeOnASetWithoutPayload() {
        MobilityPolicySet set = MobilityPolicySet.builder(Role.MOBILE_NODE, HOA, HA).build();
        assertThrows(IllegalStateException.class, () -> set.withCareOf(COA));
    }
}
