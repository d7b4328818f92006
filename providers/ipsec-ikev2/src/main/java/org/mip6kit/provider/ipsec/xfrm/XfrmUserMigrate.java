package org.mip6kit.provider.ipsec.xfrm;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_user_migrate} (76 octets): one template's move in XFRMA_MIGRATE.
 *
 * <pre>
 *  0 old_daddr (16)  16 old_saddr (16)  32 new_daddr (16)  48 new_saddr (16)   (network order)
 * 64 proto (u8) 65 mode (u8) 66 reserved (host u16)  68 reqid (host u32)
 * 72 old_family (host u16)  74 new_family (host u16)
 * </pre>
 */
public record XfrmUserMigrate(InetAddress oldDaddr, InetAddress oldSaddr, InetAddress newDaddr,
        InetAddress newSaddr, int proto, int mode, int reqid, int oldFamily, int newFamily) {
    public static final int SIZE = 76;

    public XfrmUserMigrate {
        StructWriter.requireFamily("old_daddr", oldDaddr, oldFamily);
        StructWriter.requireFamily("old_saddr", oldSaddr, oldFamily);
        StructWriter.requireFamily("new_daddr", newDaddr, newFamily);
        StructWriter.requireFamily("new_saddr", newSaddr, newFamily);
        StructWriter.checkU8("proto", proto);
        StructWriter.checkU8("mode", mode);
    }

    void encode(ByteBuffer out) {
        new StructWriter(out).address(0, oldDaddr).address(16, oldSaddr).address(32, newDaddr).address(48, newSaddr)
                .u8(64, proto).u8(65, mode).u32(68, reqid).u16(72, oldFamily).u16(74, newFamily).finish(SIZE);
    }

    static XfrmUserMigrate decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_user_migrate", at, SIZE);
        int of = r.u16("xfrm_user_migrate.old_family", 72);
        int nf = r.u16("xfrm_user_migrate.new_family", 74);
        return new XfrmUserMigrate(r.address("xfrm_user_migrate.old_daddr", 0, of),
                r.address("xfrm_user_migrate.old_saddr", 16, of), r.address("xfrm_user_migrate.new_daddr", 32, nf),
                r.address("xfrm_user_migrate.new_saddr", 48, nf), r.u8("proto", 64), r.u8("mode", 65),
                r.u32("reqid", 68), of, nf);
    }
}
