package org.mip6kit.provider.ipsec.xfrm;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * {@code struct xfrm_userpolicy_id} (64 octets): names a policy for DELPOLICY, GETPOLICY and
 * MIGRATE, by selector and direction (index 0) or by index.
 *
 * <pre>
 *  0 sel (xfrm_selector, 56)   56 index (host u32)   60 dir (u8)   61..63 pad
 * </pre>
 */
public record XfrmUserPolicyId(XfrmSelector selector, int index, int dir) {
    public static final int SIZE = 64;

    public XfrmUserPolicyId {
        Objects.requireNonNull(selector, "selector");
        if (dir < 0 || dir > 2) throw new IllegalArgumentException("dir must be 0 in, 1 out or 2 fwd: " + dir);
    }

    void encode(ByteBuffer out) {
        int start = out.position();
        selector.encode(out);
        out.position(start);
        new StructWriter(out).u32(56, index).u8(60, dir).finish(SIZE);
    }

    static XfrmUserPolicyId decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_userpolicy_id", at, SIZE);
        int dir = r.u8("xfrm_userpolicy_id.dir", 60);
        if (dir > 2) throw new NetlinkFormatException("xfrm_userpolicy_id.dir", r.base() + 60, "unknown " + dir);
        return new XfrmUserPolicyId(XfrmSelector.decode(r, 0), r.u32("index", 56), dir);
    }
}
