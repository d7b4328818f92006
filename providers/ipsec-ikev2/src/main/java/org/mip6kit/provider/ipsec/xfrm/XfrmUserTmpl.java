package org.mip6kit.provider.ipsec.xfrm;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_user_tmpl} (64 octets): one SA template of a policy (carried in XFRMA_TMPL).
 *
 * <pre>
 *  0 id.daddr (16, network order)   16 id.spi (be32)   20 id.proto (u8), 21..23 pad
 * 24 family (host u16), 26..27 pad  28 saddr (16, network order)
 * 44 reqid (host u32)   48 mode (u8) 49 share (u8) 50 optional (u8) 51 pad
 * 52 aalgos (host u32)  56 ealgos (host u32)  60 calgos (host u32)
 * </pre>
 *
 * @param mode 0 transport, 1 tunnel, 2 route optimization, 3 in-trigger, 4 BEET
 */
public record XfrmUserTmpl(InetAddress daddr, int spi, int proto, int family, InetAddress saddr, int reqid,
        int mode, int share, int optional, int aalgos, int ealgos, int calgos) {

    public static final int SIZE = 64;
    public static final int IPPROTO_ESP = 50;
    public static final int MODE_TRANSPORT = 0;
    public static final int MODE_TUNNEL = 1;
    public static final int ALL_ALGORITHMS = 0xffffffff;

    public XfrmUserTmpl {
        StructWriter.requireFamily("daddr", daddr, family);
        StructWriter.requireFamily("saddr", saddr, family);
        StructWriter.checkU8("proto", proto);
        StructWriter.checkU8("mode", mode);
        StructWriter.checkU8("share", share);
        StructWriter.checkU8("optional", optional);
    }

    /** An ESP template of the given mode, any SPI, any algorithm (what iproute2 writes by default). */
    public static XfrmUserTmpl esp(InetAddress daddr, InetAddress saddr, int mode, int reqid) {
        return new XfrmUserTmpl(daddr, 0, IPPROTO_ESP, StructWriter.familyOf(daddr), saddr, reqid, mode, 0, 0,
                ALL_ALGORITHMS, ALL_ALGORITHMS, ALL_ALGORITHMS);
    }

    void encode(ByteBuffer out) {
        new StructWriter(out).address(0, daddr).be32(16, spi).u8(20, proto).u16(24, family).address(28, saddr)
                .u32(44, reqid).u8(48, mode).u8(49, share).u8(50, optional)
                .u32(52, aalgos).u32(56, ealgos).u32(60, calgos).finish(SIZE);
    }

    static XfrmUserTmpl decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_user_tmpl", at, SIZE);
        int family = r.u16("xfrm_user_tmpl.family", 24);
        return new XfrmUserTmpl(r.address("xfrm_user_tmpl.id.daddr", 0, family), r.be32("spi", 16),
                r.u8("proto", 20), family, r.address("xfrm_user_tmpl.saddr", 28, family), r.u32("reqid", 44),
                r.u8("mode", 48), r.u8("share", 49), r.u8("optional", 50), r.u32("aalgos", 52),
                r.u32("ealgos", 56), r.u32("calgos", 60));
    }
}
