package org.mip6kit.provider.ipsec.xfrm;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_user_kmaddress} (40 octets): the key manager's endpoints in XFRMA_KMADDRESS.
 * charon moves its IKE SA on a MIGRATE only when this attribute is present.
 *
 * <pre>
 *  0 local (16, network order)  16 remote (16, network order)
 * 32 reserved (host u32)        36 family (host u16)  38..39 pad
 * </pre>
 */
public record XfrmUserKmaddress(InetAddress local, InetAddress remote, int family) {
    public static final int SIZE = 40;

    public XfrmUserKmaddress {
        StructWriter.requireFamily("local", local, family);
        StructWriter.requireFamily("remote", remote, family);
    }

    void encode(ByteBuffer out) {
        new StructWriter(out).address(0, local).address(16, remote).u16(36, family).finish(SIZE);
    }

    static XfrmUserKmaddress decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_user_kmaddress", at, SIZE);
        int family = r.u16("xfrm_user_kmaddress.family", 36);
        return new XfrmUserKmaddress(r.address("xfrm_user_kmaddress.local", 0, family),
                r.address("xfrm_user_kmaddress.remote", 16, family), family);
    }
}
