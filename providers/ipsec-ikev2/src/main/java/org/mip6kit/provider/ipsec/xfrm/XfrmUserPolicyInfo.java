package org.mip6kit.provider.ipsec.xfrm;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * {@code struct xfrm_userpolicy_info} (168 octets): the fixed part of NEWPOLICY/UPDPOLICY.
 *
 * <pre>
 *   0 sel (xfrm_selector, 56)
 *  56 lft (xfrm_lifetime_cfg, 64)
 * 120 curlft (xfrm_lifetime_cur, 32)
 * 152 priority (host u32)   156 index (host u32)
 * 160 dir (u8) 161 action (u8) 162 flags (u8) 163 share (u8)   164..167 pad
 * </pre>
 *
 * @param dir {@link #DIR_IN}, {@link #DIR_OUT} or {@link #DIR_FWD}
 * @param action {@link #ACTION_ALLOW} or {@link #ACTION_BLOCK}
 */
public record XfrmUserPolicyInfo(XfrmSelector selector, XfrmLifetimeConfig lifetime, XfrmLifetimeCurrent current,
        int priority, int index, int dir, int action, int flags, int share) {

    public static final int SIZE = 168;
    public static final int DIR_IN = 0;
    public static final int DIR_OUT = 1;
    public static final int DIR_FWD = 2;
    public static final int ACTION_ALLOW = 0;
    public static final int ACTION_BLOCK = 1;

    public XfrmUserPolicyInfo {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(current, "current");
        if (dir < 0 || dir > 2) throw new IllegalArgumentException("dir must be 0 in, 1 out or 2 fwd: " + dir);
        StructWriter.checkU8("action", action);
        StructWriter.checkU8("flags", flags);
        StructWriter.checkU8("share", share);
    }

    /** A policy with infinite lifetime, kernel-chosen index, no flags. */
    public static XfrmUserPolicyInfo of(XfrmSelector selector, int dir, int action, int priority) {
        return new XfrmUserPolicyInfo(selector, XfrmLifetimeConfig.INFINITE, XfrmLifetimeCurrent.ZERO, priority, 0,
                dir, action, 0, 0);
    }

    void encode(ByteBuffer out) {
        int start = out.position();
        selector.encode(out);
        lifetime.encode(out);
        current.encode(out);
        out.position(start);
        new StructWriter(out).u32(152, priority).u32(156, index).u8(160, dir).u8(161, action).u8(162, flags)
                .u8(163, share).finish(SIZE);
    }

    static XfrmUserPolicyInfo decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_userpolicy_info", at, SIZE);
        int dir = r.u8("xfrm_userpolicy_info.dir", 160);
        if (dir > 2) throw new NetlinkFormatException("xfrm_userpolicy_info.dir", r.base() + 160, "unknown " + dir);
        return new XfrmUserPolicyInfo(XfrmSelector.decode(r, 0), XfrmLifetimeConfig.decode(r, 56),
                XfrmLifetimeCurrent.decode(r, 120), r.u32("priority", 152), r.u32("index", 156), dir,
                r.u8("action", 161), r.u8("flags", 162), r.u8("share", 163));
    }
}
