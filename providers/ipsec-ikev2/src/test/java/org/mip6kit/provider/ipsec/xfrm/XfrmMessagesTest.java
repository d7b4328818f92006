package org.mip6kit.provider.ipsec.xfrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("small")
class XfrmMessagesTest {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final InetAddress HA = addr("2001:db8::1");
    static final InetAddress HOA = addr("2001:db8:1::2");
    static final InetAddress COA = addr("2001:db8:2::3");

    static InetAddress addr(String s) {
        try { return InetAddress.getByName(s); } catch (Exception e) { throw new AssertionError(e); }
    }

    static byte[] selectorBytes(XfrmSelector s) {
        ByteBuffer b = ByteBuffer.allocate(XfrmSelector.SIZE).order(LE);
        s.encode(b);
        return b.array();
    }

    @Test
    void mhSelectorPutsTypeInSportNetworkOrderAndFirstDportOctet() {
        byte[] b = selectorBytes(XfrmSelector.mobilityHeader(HA, HOA, 5));
        assertThat(b.length).isEqualTo(56);
        assertThat(Arrays.copyOfRange(b, 0, 16)).isEqualTo(HA.getAddress());        // daddr 0
        assertThat(Arrays.copyOfRange(b, 16, 32)).isEqualTo(HOA.getAddress());      // saddr 16
        assertThat(Arrays.copyOfRange(b, 32, 36)).containsExactly(5, 0, 0, 0);      // dport 32 = TT 00, mask 34 = 0
        assertThat(Arrays.copyOfRange(b, 36, 40)).containsExactly(0, 5, 0xff, 0xff); // sport 36 = htons(5), mask 38
        assertThat(Arrays.copyOfRange(b, 40, 48)).containsExactly(10, 0, 128, 128, 135, 0, 0, 0); // family LE, plens, proto
        assertThat(Arrays.copyOfRange(b, 48, 56)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0); // ifindex, user
        assertThat(XfrmSelector.mobilityHeader(HA, HOA, 5).mobilityHeaderType()).isEqualTo(5);
    }

    @Test
    void structSizesMatchXfrmH() {
        ByteBuffer b = ByteBuffer.allocate(512).order(LE);
        XfrmUserPolicyInfo.of(XfrmSelector.mobilityHeader(HA, HOA, 5), 1, 0, 7).encode(b);
        assertThat(b.position()).isEqualTo(168);
        b.clear(); new XfrmUserPolicyId(XfrmSelector.mobilityHeader(HA, HOA, 5), 0, 1).encode(b);
        assertThat(b.position()).isEqualTo(64);
        b.clear(); XfrmUserTmpl.esp(HA, HOA, 0, 3).encode(b);
        assertThat(b.position()).isEqualTo(64);
        b.clear(); new XfrmUserMigrate(HA, HOA, HA, COA, 50, 1, 3, 10, 10).encode(b);
        assertThat(b.position()).isEqualTo(76);
        b.clear(); new XfrmUserKmaddress(COA, HA, 10).encode(b);
        assertThat(b.position()).isEqualTo(40);
    }

    @Test
    void policyInfoFieldsAtXfrmHOffsets() {
        ByteBuffer b = ByteBuffer.allocate(168).order(LE);
        new XfrmUserPolicyInfo(XfrmSelector.mobilityHeader(HA, HOA, 5), XfrmLifetimeConfig.INFINITE,
                XfrmLifetimeCurrent.ZERO, 0x01020304, 0x0a0b0c0d, 1, 1, 2, 3).encode(b);
        byte[] a = b.array();
        assertThat(a[56]).isEqualTo((byte) 0xff);                                  // lft.soft_byte_limit = XFRM_INF
        assertThat(a[88]).isEqualTo((byte) 0);                                     // lft.soft_add_expires = 0
        assertThat(Arrays.copyOfRange(a, 152, 156)).containsExactly(4, 3, 2, 1);   // priority LE
        assertThat(Arrays.copyOfRange(a, 156, 160)).containsExactly(0x0d, 0x0c, 0x0b, 0x0a); // index LE
        assertThat(Arrays.copyOfRange(a, 160, 164)).containsExactly(1, 1, 2, 3);   // dir action flags share
    }

    @Test
    void tmplAndMigrateAndKmaddressFieldsAtXfrmHOffsets() {
        ByteBuffer b = ByteBuffer.allocate(64).order(LE);
        new XfrmUserTmpl(HA, 0x11223344, 50, 10, HOA, 9, 1, 0, 1, 1, 2, 3).encode(b);
        byte[] t = b.array();
        assertThat(Arrays.copyOfRange(t, 16, 21)).containsExactly(0x11, 0x22, 0x33, 0x44, 50); // spi BE, proto
        assertThat(t[24]).isEqualTo((byte) 10);
        assertThat(Arrays.copyOfRange(t, 28, 44)).isEqualTo(HOA.getAddress());
        assertThat(t[44]).isEqualTo((byte) 9);
        assertThat(Arrays.copyOfRange(t, 48, 51)).containsExactly(1, 0, 1);
        assertThat(new byte[] {t[52], t[56], t[60]}).containsExactly(1, 2, 3);

        ByteBuffer m = ByteBuffer.allocate(76).order(LE);
        new XfrmUserMigrate(HA, HOA, HA, COA, 50, 1, 7, 10, 10).encode(m);
        byte[] ma = m.array();
        assertThat(Arrays.copyOfRange(ma, 48, 64)).isEqualTo(COA.getAddress());
        assertThat(new byte[] {ma[64], ma[65], ma[66], ma[68], ma[72], ma[74]}).containsExactly(50, 1, 0, 7, 10, 10);

        ByteBuffer k = ByteBuffer.allocate(40).order(LE);
        new XfrmUserKmaddress(COA, HA, 10).encode(k);
        assertThat(Arrays.copyOfRange(k.array(), 16, 32)).isEqualTo(HA.getAddress());
        assertThat(k.array()[36]).isEqualTo((byte) 10);
    }

    @Test
    void flushSubPoliciesIsHeaderPlusPaddedPolicyTypeAttribute() {
        byte[] b = XfrmMessages.flushPolicies(1, 42, LE).encode(LE);
        assertThat(b).containsExactly(
                28, 0, 0, 0,  29, 0,  5, 0,  42, 0, 0, 0,  0, 0, 0, 0,   // len 28, FLUSHPOLICY, REQUEST|ACK, seq, pid
                10, 0, 16, 0,  1, 0, 0, 0, 0, 0,  0, 0);                 // rta_len 10, POLICY_TYPE, sub, pad 2
    }

    @Test
    void addPolicyCarriesInfoThenTemplates() throws Exception {
        XfrmUserPolicyInfo info = XfrmUserPolicyInfo.of(XfrmSelector.mobilityHeader(HA, HOA, 5), 1, 0, 1);
        NetlinkMessage m = XfrmMessages.addPolicy(info, List.of(XfrmUserTmpl.esp(HA, HOA, 0, 1)), 0, false, 1, LE);
        byte[] b = m.encode(LE);
        assertThat(b.length).isEqualTo(16 + 168 + 4 + 64);
        assertThat(b[4]).isEqualTo((byte) 19);
        assertThat(new byte[] {b[184], b[185], b[186]}).containsExactly(68, 0, 5);
        NetlinkMessage back = NetlinkMessage.decode(b, LE, 168);
        assertThat(back).isEqualTo(m);
        assertThat(XfrmUserPolicyInfo.decode(new StructReader(b, 0, b.length, LE), 16)).isEqualTo(info);
        assertThat(XfrmMessages.addPolicy(info, List.of(), 0, true, 1, LE).type()).isEqualTo(25);
    }

    @Test
    void migrateRoundTripsWithKmaddress() throws Exception {
        XfrmUserPolicyId id = new XfrmUserPolicyId(XfrmSelector.mobilityHeader(HA, HOA, 5), 0, 1);
        List<XfrmUserMigrate> moves = List.of(new XfrmUserMigrate(HA, HOA, HA, COA, 50, 1, 3, 10, 10));
        XfrmUserKmaddress km = new XfrmUserKmaddress(COA, HA, 10);
        byte[] b = XfrmMessages.migrate(id, moves, km, 1, 5, LE).encode(LE);
        XfrmMessages.Migrate back = XfrmMessages.decodeMigrate(b, LE);
        assertThat(back).isEqualTo(new XfrmMessages.Migrate(id, moves, km, 1));
    }

    @Test
    void errorDecodesPositiveErrnoAndRequestSeq() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(36).order(LE);
        b.putInt(36).putShort((short) 2).putShort((short) 0).putInt(9).putInt(0);
        b.putInt(-2).putInt(16).putShort((short) 33).putShort((short) 5).putInt(9).putInt(0);
        assertThat(XfrmMessages.decodeError(b.array(), LE)).isEqualTo(new XfrmMessages.NetlinkError(2, 33, 9));
    }

    @Test
    void errorEchoingTheWholeRequestDecodesWithoutInterpretingTheEcho() throws Exception {
        // a refused request comes back in full after the error (e.g. EEXIST for a NEWPOLICY)
        XfrmSelector sel = XfrmSelector.mobilityHeader(HA, HOA, 5);
        byte[] request = XfrmMessages.addPolicy(XfrmUserPolicyInfo.of(sel, 1, 0, 1), List.of(), 0, false, 44, LE)
                .encode(LE);
        ByteBuffer b = ByteBuffer.allocate(20 + request.length).order(LE);
        b.putInt(20 + request.length).putShort((short) 2).putShort((short) 0).putInt(44).putInt(0);
        b.putInt(-17).put(request);
        assertThat(XfrmMessages.decodeError(b.array(), LE)).isEqualTo(new XfrmMessages.NetlinkError(17, 19, 44));
    }

    @Test
    void datagramSplitsIntoItsMessagesByLength() {
        byte[] a = XfrmMessages.flushPolicies(0, 1, ByteOrder.nativeOrder()).encode(ByteOrder.nativeOrder());
        byte[] c = XfrmMessages.flushPolicies(1, 2, ByteOrder.nativeOrder()).encode(ByteOrder.nativeOrder());
        byte[] both = new byte[a.length + c.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(c, 0, both, a.length, c.length);
        List<byte[]> parts = XfrmNetlinkSocket.split(both);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).isEqualTo(a);
        assertThat(parts.get(1)).isEqualTo(c);
    }

    @Test
    void acquireRoundTrips() throws Exception {
        XfrmSelector sel = XfrmSelector.mobilityHeader(HA, HOA, 5);
        ByteBuffer f = ByteBuffer.allocate(280).order(LE);
        new StructWriter(f).address(0, HA).be32(16, 0).u8(20, 50).address(24, HOA).u32(276, 77);
        f.position(40); sel.encode(f);
        f.position(96); XfrmUserPolicyInfo.of(sel, 1, 0, 0).encode(f);
        byte[] b = new NetlinkMessage(23, 0, 0, 0, f.array(), List.of()).encode(LE);
        XfrmMessages.Acquire a = XfrmMessages.decodeAcquire(b, LE);
        assertThat(a.selector()).isEqualTo(sel);
        assertThat(a.seq()).isEqualTo(77);
        assertThat(a.proto()).isEqualTo(50);
    }

    @Test
    void rejectsLengthFieldDisagreeingWithData() {
        byte[] b = XfrmMessages.flushPolicies(1, 1, LE).encode(LE);
        b[0] = 40;
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.decode(b, LE, 0));
        assertThat(e.field()).isEqualTo("nlmsghdr.nlmsg_len");
    }

    @Test
    void rejectsAttributeShorterThanItsHeader() {
        byte[] b = XfrmMessages.flushPolicies(1, 1, LE).encode(LE);
        b[16] = 3;
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.decode(b, LE, 0));
        assertThat(e.offset()).isEqualTo(16);
    }

    @Test
    void rejectsAttributeRunningPastMessage() {
        byte[] b = XfrmMessages.flushPolicies(1, 1, LE).encode(LE);
        b[16] = 20;
        assertThrows(NetlinkFormatException.class, () -> NetlinkMessage.decode(b, LE, 0));
    }

    @Test
    void rejectsTruncatedFixedStruct() {
        byte[] b = new NetlinkMessage(33, 0, 0, 0, new byte[8], List.of()).encode(LE);
        assertThrows(NetlinkFormatException.class, () -> XfrmMessages.decodeMigrate(b, LE));
    }

    @Test
    void rejectsMigrateWithoutMigrateAttribute() {
        XfrmUserPolicyId id = new XfrmUserPolicyId(XfrmSelector.mobilityHeader(HA, HOA, 5), 0, 1);
        ByteBuffer f = ByteBuffer.allocate(64).order(LE);
        id.encode(f);
        byte[] b = new NetlinkMessage(33, 0, 0, 0, f.array(), List.of()).encode(LE);
        assertThrows(NetlinkFormatException.class, () -> XfrmMessages.decodeMigrate(b, LE));
    }

    @Test
    void rejectsUnknownAddressFamilyInSelector() {
        XfrmUserPolicyId id = new XfrmUserPolicyId(XfrmSelector.mobilityHeader(HA, HOA, 5), 0, 1);
        byte[] b = XfrmMessages.migrate(id, List.of(new XfrmUserMigrate(HA, HOA, HA, COA, 50, 1, 3, 10, 10)), null, 0, 1, LE)
                .encode(LE);
        b[16 + 40] = 99;
        NetlinkFormatException e = assertThrows(NetlinkFormatException.class, () -> XfrmMessages.decodeMigrate(b, LE));
        assertThat(e.field()).isEqualTo("xfrm_selector.daddr");
    }

    @Test
    void rejectsWrongMessageType() {
        byte[] b = XfrmMessages.flushPolicies(0, 1, LE).encode(LE);
        assertThrows(NetlinkFormatException.class, () -> XfrmMessages.decodeError(b, LE));
    }
}
