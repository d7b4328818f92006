package org.mip6kit.provider.ipsec.xfrm;

import static org.mip6kit.provider.ipsec.xfrm.XfrmMessageTypes.*;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Stateless encoders for the XFRM requests a MIPv6 daemon sends, and decoders for the replies and
 * notifications it reads. Requests carry NLM_F_REQUEST|NLM_F_ACK so the kernel answers with an
 * NLMSG_ERROR (errno 0 on success). A policy type of {@link XfrmMessageTypes#XFRM_POLICY_TYPE_SUB}
 * adds XFRMA_POLICY_TYPE; main-type requests omit it (the kernel's default).
 */
public final class XfrmMessages {
    private XfrmMessages() {}

    private static final int REQUEST = NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK;

    /** NEWPOLICY (or UPDPOLICY when {@code update}) with all templates in one XFRMA_TMPL. */
    public static NetlinkMessage addPolicy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType,
            boolean update, int seq, ByteOrder order) {
        ByteBuffer fixed = ByteBuffer.allocate(XfrmUserPolicyInfo.SIZE).order(order);
        info.encode(fixed);
        List<NetlinkMessage.Attribute> attrs = new ArrayList<>();
        if (!templates.isEmpty()) {
            ByteBuffer t = ByteBuffer.allocate(XfrmUserTmpl.SIZE * templates.size()).order(order);
            templates.forEach(x -> x.encode(t));
            attrs.add(new NetlinkMessage.Attribute(XFRMA_TMPL, t.array()));
        }
        addPolicyType(attrs, policyType, order);
        return new NetlinkMessage(update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY, REQUEST, seq, 0, fixed.array(),
                attrs);
    }

    /** DELPOLICY, or GETPOLICY when {@code get}, naming the policy by selector/dir or index. */
    public static NetlinkMessage policyById(XfrmUserPolicyId id, int policyType, boolean get, int seq, ByteOrder order) {
        ByteBuffer fixed = ByteBuffer.allocate(XfrmUserPolicyId.SIZE).order(order);
        id.encode(fixed);
        List<NetlinkMessage.Attribute> attrs = new ArrayList<>();
        addPolicyType(attrs, policyType, order);
        return new NetlinkMessage(get ? XFRM_MSG_GETPOLICY : XFRM_MSG_DELPOLICY, REQUEST, seq, 0, fixed.array(), attrs);
    }

    /** FLUSHPOLICY: no fixed part, the policy type as an attribute when sub. */
    public static NetlinkMessage flushPolicies(int policyType, int seq, ByteOrder order) {
        List<NetlinkMessage.Attribute> attrs = new ArrayList<>();
        addPolicyType(attrs, policyType, order);
        return new NetlinkMessage(XFRM_MSG_FLUSHPOLICY, REQUEST, seq, 0, new byte[0], attrs);
    }

    /** MIGRATE: the policy id, one XFRMA_MIGRATE holding every template's move, then KMADDRESS if given. */
    public static NetlinkMessage migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress,
            int policyType, int seq, ByteOrder order) {
        if (moves.isEmpty()) throw new IllegalArgumentException("MIGRATE needs at least one xfrm_user_migrate");
        ByteBuffer fixed = ByteBuffer.allocate(XfrmUserPolicyId.SIZE).order(order);
        id.encode(fixed);
        List<NetlinkMessage.Attribute> attrs = new ArrayList<>();
        ByteBuffer m = ByteBuffer.allocate(XfrmUserMigrate.SIZE * moves.size()).order(order);
        moves.forEach(x -> x.encode(m));
        attrs.add(new NetlinkMessage.Attribute(XFRMA_MIGRATE, m.array()));
        addPolicyType(attrs, policyType, order);
        if (kmaddress != null) {
            ByteBuffer k = ByteBuffer.allocate(XfrmUserKmaddress.SIZE).order(order);
            kmaddress.encode(k);
            attrs.add(new NetlinkMessage.Attribute(XFRMA_KMADDRESS, k.array()));
        }
        return new NetlinkMessage(XFRM_MSG_MIGRATE, REQUEST, seq, 0, fixed.array(), attrs);
    }

    private static void addPolicyType(List<NetlinkMessage.Attribute> attrs, int policyType, ByteOrder order) {
        if (policyType == XFRM_POLICY_TYPE_MAIN) return;
        if (policyType != XFRM_POLICY_TYPE_SUB) throw new IllegalArgumentException("policy type 0 or 1: " + policyType);
        // struct xfrm_userpolicy_type (6 octets): type u8 0, reserved1 u16 2, reserved2 u8 4
        attrs.add(new NetlinkMessage.Attribute(XFRMA_POLICY_TYPE, new byte[] {(byte) policyType, 0, 0, 0, 0, 0}));
    }

    /** A decoded NLMSG_ERROR: {@code errno} positive (0 is the ACK), and the request's seq. */
    public record NetlinkError(int errno, int requestType, int requestSeq) {}

    /**
     * Decodes NLMSG_ERROR: {@code struct nlmsgerr} = s32 error at 16, the request's nlmsghdr at 20.
     * What follows the request's header (for an error the kernel echoes the whole request, then
     * possibly extended-ACK attributes) is not interpreted; the length field must still match.
     */
    public static NetlinkError decodeError(byte[] data, ByteOrder order) throws NetlinkFormatException {
        StructReader r = new StructReader(data, 0, data.length, order);
        int length = r.u32("nlmsghdr.nlmsg_len", 0);
        if (length != data.length) {
            throw new NetlinkFormatException("nlmsghdr.nlmsg_len", 0,
                    "is " + Integer.toUnsignedString(length) + ", message has " + data.length + " octets");
        }
        int type = r.u16("nlmsghdr.nlmsg_type", 4);
        if (type != NetlinkMessage.NLMSG_ERROR) {
            throw new NetlinkFormatException("nlmsghdr.nlmsg_type", 4, "is " + XfrmMessageTypes.messageName(type)
                    + ", expected " + XfrmMessageTypes.messageName(NetlinkMessage.NLMSG_ERROR));
        }
        if (data.length < NetlinkMessage.HEADER_SIZE + 20) {
            throw new NetlinkFormatException("nlmsgerr", NetlinkMessage.HEADER_SIZE, "shorter than 20 octets");
        }
        int error = r.u32("nlmsgerr.error", 16);
        if (error > 0 || error < -4095) throw new NetlinkFormatException("nlmsgerr.error", 16, "not -errno: " + error);
        return new NetlinkError(-error, r.u16("nlmsgerr.msg.nlmsg_type", 24), r.u32("nlmsgerr.msg.nlmsg_seq", 28));
    }

    /** A decoded MIGRATE notification (or request): policy id, moves, optional KMADDRESS, policy type. */
    public record Migrate(XfrmUserPolicyId id, List<XfrmUserMigrate> moves, XfrmUserKmaddress kmaddress,
            int policyType) {
        public Migrate { moves = List.copyOf(moves); }
    }

    public static Migrate decodeMigrate(byte[] data, ByteOrder order) throws NetlinkFormatException {
        NetlinkMessage m = decodeMessage(data, order, XfrmUserPolicyId.SIZE, XFRM_MSG_MIGRATE);
        StructReader r = new StructReader(data, 0, data.length, order);
        XfrmUserPolicyId id = XfrmUserPolicyId.decode(r, NetlinkMessage.HEADER_SIZE);
        List<XfrmUserMigrate> moves = new ArrayList<>();
        XfrmUserKmaddress km = null;
        int type = XFRM_POLICY_TYPE_MAIN;
        for (NetlinkMessage.Attribute a : m.attributes()) {
            byte[] v = a.value();
            StructReader av = new StructReader(v, 0, v.length, order);
            switch (a.type()) {
                case XFRMA_MIGRATE -> {
                    if (v.length == 0 || v.length % XfrmUserMigrate.SIZE != 0) {
                        throw new NetlinkFormatException("XFRMA_MIGRATE", 0, "length " + v.length + " not a multiple of 76");
                    }
                    for (int at = 0; at < v.length; at += XfrmUserMigrate.SIZE) moves.add(XfrmUserMigrate.decode(av, at));
                }
                case XFRMA_KMADDRESS -> {
                    if (v.length != XfrmUserKmaddress.SIZE) {
                        throw new NetlinkFormatException("XFRMA_KMADDRESS", 0, "length " + v.length + ", expected 40");
                    }
                    km = XfrmUserKmaddress.decode(av, 0);
                }
                case XFRMA_POLICY_TYPE -> {
                    if (v.length < 6) throw new NetlinkFormatException("XFRMA_POLICY_TYPE", 0, "length " + v.length);
                    type = av.u8("xfrm_userpolicy_type.type", 0);
                }
                default -> { }
            }
        }
        if (moves.isEmpty()) throw new NetlinkFormatException("XFRMA_MIGRATE", data.length, "missing");
        return new Migrate(id, moves, km, type);
    }

    /** A decoded ACQUIRE: the kernel needs an SA for {@code policy} (struct xfrm_user_acquire, 280 octets). */
    public record Acquire(InetAddress daddr, int spi, int proto, InetAddress saddr, XfrmSelector selector,
            XfrmUserPolicyInfo policy, int seq, List<XfrmUserTmpl> templates) {
        public Acquire { templates = List.copyOf(templates); }
    }

    /**
     * Decodes ACQUIRE: id.daddr 0, id.spi 16, id.proto 20, saddr 24, sel 40, policy 96, aalgos 264,
     * ealgos 268, calgos 272, seq 276 (offsets within the fixed struct); XFRMA_TMPL as templates.
     */
    public static Acquire decodeAcquire(byte[] data, ByteOrder order) throws NetlinkFormatException {
        NetlinkMessage m = decodeMessage(data, order, 280, XFRM_MSG_ACQUIRE);
        StructReader r = new StructReader(data, 0, data.length, order).window("xfrm_user_acquire", 16, 280);
        XfrmSelector sel = XfrmSelector.decode(r, 40);
        XfrmUserPolicyInfo policy = XfrmUserPolicyInfo.decode(r, 96);
        List<XfrmUserTmpl> templates = new ArrayList<>();
        for (NetlinkMessage.Attribute a : m.attributes()) {
            if (a.type() != XFRMA_TMPL) continue;
            byte[] v = a.value();
            if (v.length % XfrmUserTmpl.SIZE != 0) {
                throw new NetlinkFormatException("XFRMA_TMPL", 0, "length " + v.length + " not a multiple of 64");
            }
            StructReader av = new StructReader(v, 0, v.length, order);
            for (int at = 0; at < v.length; at += XfrmUserTmpl.SIZE) templates.add(XfrmUserTmpl.decode(av, at));
        }
        return new Acquire(r.address("xfrm_user_acquire.id.daddr", 0, sel.family()), r.be32("id.spi", 16),
                r.u8("id.proto", 20), r.address("xfrm_user_acquire.saddr", 24, sel.family()), sel, policy,
                r.u32("seq", 276), templates);
    }

    /** A policy as GETPOLICY returns it (an XFRM_MSG_NEWPOLICY message): info, templates, policy type. */
    public record Policy(XfrmUserPolicyInfo info, List<XfrmUserTmpl> templates, int policyType) {
        public Policy { templates = List.copyOf(templates); }
    }

    /** Decodes an XFRM_MSG_NEWPOLICY/UPDPOLICY message: xfrm_userpolicy_info, XFRMA_TMPL, XFRMA_POLICY_TYPE. */
    public static Policy decodePolicy(byte[] data, ByteOrder order) throws NetlinkFormatException {
        NetlinkMessage m = NetlinkMessage.decode(data, order, XfrmUserPolicyInfo.SIZE);
        if (m.type() != XFRM_MSG_NEWPOLICY && m.type() != XFRM_MSG_UPDPOLICY) {
            throw new NetlinkFormatException("nlmsghdr.nlmsg_type", 4, "is " + XfrmMessageTypes.messageName(m.type())
                    + ", expected NEWPOLICY");
        }
        StructReader r = new StructReader(data, 0, data.length, order);
        XfrmUserPolicyInfo info = XfrmUserPolicyInfo.decode(r, NetlinkMessage.HEADER_SIZE);
        List<XfrmUserTmpl> templates = new ArrayList<>();
        int type = XFRM_POLICY_TYPE_MAIN;
        for (NetlinkMessage.Attribute a : m.attributes()) {
            byte[] v = a.value();
            StructReader av = new StructReader(v, 0, v.length, order);
            if (a.type() == XFRMA_TMPL) {
                if (v.length % XfrmUserTmpl.SIZE != 0) {
                    throw new NetlinkFormatException("XFRMA_TMPL", 0, "length " + v.length + " not a multiple of 64");
                }
                for (int at = 0; at < v.length; at += XfrmUserTmpl.SIZE) templates.add(XfrmUserTmpl.decode(av, at));
            } else if (a.type() == XFRMA_POLICY_TYPE) {
                if (v.length < 6) throw new NetlinkFormatException("XFRMA_POLICY_TYPE", 0, "length " + v.length);
                type = av.u8("xfrm_userpolicy_type.type", 0);
            }
        }
        return new Policy(info, templates, type);
    }

    /** XFRMA_ALG_CRYPT: struct xfrm_algo { char alg_name[64]; u32 alg_key_len (bits); key }. */
    public static final int XFRMA_ALG_CRYPT = 2;

    /**
     * NEWSA for a probe: an ESP transport state from {@code source} to {@code destination} with
     * {@code spi}, the null cipher {@code ecb(cipher_null)} and no key (nothing secret is sent).
     *
     * <pre>
     * xfrm_usersa_info (224): sel 0 (56), id{daddr 56, spi 72 (be32), proto 76}, saddr 80, lft 96 (64),
     *   curlft 160 (32), stats 192 (12), seq 204, reqid 208, family 212 (u16), mode 214, replay_window 215,
     *   flags 216, padding to 224 (sizes checked with gcc against linux/xfrm.h)
     * </pre>
     */
    public static NetlinkMessage newNullEspTransportState(InetAddress destination, InetAddress source, int spi,
            int seq, ByteOrder order) {
        int family = StructWriter.familyOf(destination);
        StructWriter.requireFamily("saddr", source, family);
        int plen = family == XfrmSelector.AF_INET ? 32 : 128;
        XfrmSelector sel = new XfrmSelector(destination, source, 0, 0, 0, 0, family, plen, plen, 0, 0, 0);
        ByteBuffer fixed = ByteBuffer.allocate(224).order(order);
        sel.encode(fixed);
        fixed.position(96);
        XfrmLifetimeConfig.INFINITE.encode(fixed);
        XfrmLifetimeCurrent.ZERO.encode(fixed);
        fixed.position(0);
        new StructWriter(fixed).address(56, destination).be32(72, spi).u8(76, XfrmUserTmpl.IPPROTO_ESP)
                .address(80, source).u16(212, family).u8(214, XfrmUserTmpl.MODE_TRANSPORT).u8(215, 0);
        byte[] algo = new byte[68];
        byte[] name = "ecb(cipher_null)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, algo, 0, name.length);
        return new NetlinkMessage(XFRM_MSG_NEWSA, REQUEST, seq, 0, fixed.array(),
                List.of(new NetlinkMessage.Attribute(XFRMA_ALG_CRYPT, algo)));
    }

    /** DELSA: xfrm_usersa_id (24) = daddr 0, spi 16 (be32), family 20 (u16), proto 22 (u8). */
    public static NetlinkMessage deleteState(InetAddress destination, int spi, int proto, int seq, ByteOrder order) {
        ByteBuffer fixed = ByteBuffer.allocate(24).order(order);
        new StructWriter(fixed).address(0, destination).be32(16, spi).u16(20, StructWriter.familyOf(destination))
                .u8(22, proto);
        return new NetlinkMessage(XFRM_MSG_DELSA, REQUEST, seq, 0, fixed.array(), List.of());
    }

    private static NetlinkMessage decodeMessage(byte[] data, ByteOrder order, int fixedSize, int expectedType)
            throws NetlinkFormatException {
        NetlinkMessage m = NetlinkMessage.decode(data, order, fixedSize);
        if (m.type() != expectedType) {
            throw new NetlinkFormatException("nlmsghdr.nlmsg_type", 4, "is " + XfrmMessageTypes.messageName(m.type())
                    + ", expected " + XfrmMessageTypes.messageName(expectedType));
        }
        return m;
    }
}
