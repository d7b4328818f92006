package org.mip6kit.provider.ipsec.xfrm;

import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_lifetime_cur} (32 octets): host-order u64 bytes 0, packets 8, add_time 16,
 * use_time 24. Userspace sends {@link #ZERO}; the kernel fills it in dumps.
 */
public record XfrmLifetimeCurrent(long bytes, long packets, long addTime, long useTime) {
    public static final int SIZE = 32;
    public static final XfrmLifetimeCurrent ZERO = new XfrmLifetimeCurrent(0, 0, 0, 0);

    void encode(ByteBuffer out) {
        new StructWriter(out).u64(0, bytes).u64(8, packets).u64(16, addTime).u64(24, useTime).finish(SIZE);
    }

    static XfrmLifetimeCurrent decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_lifetime_cur", at, SIZE);
        return new XfrmLifetimeCurrent(r.u64("bytes", 0), r.u64("packets", 8), r.u64("add_time", 16),
                r.u64("use_time", 24));
    }
}
