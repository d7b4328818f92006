package org.mip6kit.provider.ipsec.xfrm;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_selector} (56 octets, include/uapi/linux/xfrm.h): which packets a policy or
 * SA applies to.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |  0 daddr  (xfrm_address_t, 16 octets, network order)         |
 * | 16 saddr  (xfrm_address_t, 16 octets, network order)         |
 * +-------------------------------+-------------------------------+
 * | 32 dport (be16)               | 34 dport_mask (be16)          |
 * | 36 sport (be16)               | 38 sport_mask (be16)          |
 * | 40 family (host u16)          | 42 prefixlen_d| 43 prefixlen_s|
 * | 44 proto      | 45..47 padding                                |
 * | 48 ifindex (host s32)                                         |
 * | 52 user (host u32, __kernel_uid32_t)                          |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * Ports are kept as the 16-bit value read in network order (so {@code sport == 5} is the octets
 * {@code 00 05}).
 *
 * @param daddr destination address; its family must equal {@code family}
 * @param saddr source address; its family must equal {@code family}
 * @param dport destination port (network order value)
 * @param dportMask destination port mask
 * @param sport source port (network order value)
 * @param sportMask source port mask
 * @param family {@link #AF_INET} or {@link #AF_INET6}
 * @param prefixlenD destination prefix length
 * @param prefixlenS source prefix length
 * @param proto upper-layer protocol, 0 for any
 * @param ifindex interface index, 0 for any
 * @param user owner uid, normally 0
 */
public record XfrmSelector(InetAddress daddr, InetAddress saddr, int dport, int dportMask, int sport,
        int sportMask, int family, int prefixlenD, int prefixlenS, int proto, int ifindex, int user) {

    /** Size of the struct on the wire. */
    public static final int SIZE = 56;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    /** IPPROTO_MH, the Mobility Header (RFC 6275 §6.1). */
    public static final int IPPROTO_MH = 135;

    public XfrmSelector {
        if (family != AF_INET && family != AF_INET6) {
            throw new IllegalArgumentException("family must be AF_INET(2) or AF_INET6(10): " + family);
        }
        StructWriter.requireFamily("daddr", daddr, family);
        StructWriter.requireFamily("saddr", saddr, family);
        StructWriter.checkU16("dport", dport);
        StructWriter.checkU16("dport_mask", dportMask);
        StructWriter.checkU16("sport", sport);
        StructWriter.checkU16("sport_mask", sportMask);
        int max = family == AF_INET ? 32 : 128;
        if (prefixlenD < 0 || prefixlenD > max || prefixlenS < 0 || prefixlenS > max) {
            throw new IllegalArgumentException("prefix lengths must be in 0.." + max);
        }
        StructWriter.checkU8("proto", proto);
    }

    /**
     * A host-to-host selector for one Mobility Header type, as a MIPv6 daemon installs for BU/BA
     * (RFC 3776 §4.2, RFC 4877 §7).
     *
     * <p>The MH type is written twice. {@code sport = htons(type)} with {@code sport_mask 0xffff}
     * is what the kernel's data path compares ({@code xfrm_flowi_sport} returns {@code htons(mh type)}
     * for IPPROTO_MH), and what iproute2 and UMIP write. In addition the type goes into the first
     * octet of {@code dport} (octets {@code TT 00}) with {@code dport_mask 0}: the kernel's flow
     * structure overlays the MH type on that octet, and a MIGRATE whose selector lacks it fails with
     * ENOENT on Linux 6.18 (found on the development machines; XfrmNetlinkSocketTest migrates such a
     * selector's tunnel-mode policy; the kernel leaves transport-mode templates where they are).
     * A zero dport mask keeps the data path indifferent to that octet, and installing and migrating with the same selector keeps the
     * kernel's exact selector comparison in MIGRATE satisfied.
     *
     * @param destination destination host address (prefix length is the full address)
     * @param source source host address, same family
     * @param mhType Mobility Header type, 0..255 (e.g. 5 Binding Update, 6 Binding Acknowledgement)
     */
    public static XfrmSelector mobilityHeader(InetAddress destination, InetAddress source, int mhType) {
        StructWriter.checkU8("mh type", mhType);
        int family = StructWriter.familyOf(destination);
        int length = family == AF_INET ? 32 : 128;
        return new XfrmSelector(destination, source, mhType << 8, 0, mhType, 0xffff, family,
                length, length, IPPROTO_MH, 0, 0);
    }

    /** The MH type this selector names, or -1 if it is not an MH selector with an exact sport. */
    public int mobilityHeaderType() {
        return proto == IPPROTO_MH && sportMask == 0xffff && sport <= 0xff ? sport : -1;
    }

    void encode(ByteBuffer out) {
        new StructWriter(out).address(0, daddr).address(16, saddr)
                .be16(32, dport).be16(34, dportMask).be16(36, sport).be16(38, sportMask)
                .u16(40, family).u8(42, prefixlenD).u8(43, prefixlenS).u8(44, proto)
                .u32(48, ifindex).u32(52, user).finish(SIZE);
    }

    static XfrmSelector decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_selector", at, SIZE);
        int family = r.u16("xfrm_selector.family", 40);
        InetAddress d = r.address("xfrm_selector.daddr", 0, family);
        InetAddress s = r.address("xfrm_selector.saddr", 16, family);
        int plD = r.u8("xfrm_selector.prefixlen_d", 42);
        int plS = r.u8("xfrm_selector.prefixlen_s", 43);
        int max = family == AF_INET ? 32 : 128;
        if (plD > max) throw new NetlinkFormatException("xfrm_selector.prefixlen_d", r.base() + 42, "exceeds " + max);
        if (plS > max) throw new NetlinkFormatException("xfrm_selector.prefixlen_s", r.base() + 43, "exceeds " + max);
        return new XfrmSelector(d, s, r.be16("dport", 32), r.be16("dport_mask", 34), r.be16("sport", 36),
                r.be16("sport_mask", 38), family, plD, plS, r.u8("proto", 44), r.u32("ifindex", 48),
                r.u32("user", 52));
    }
}
