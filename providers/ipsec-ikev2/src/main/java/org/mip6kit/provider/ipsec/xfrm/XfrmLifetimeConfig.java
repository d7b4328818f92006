package org.mip6kit.provider.ipsec.xfrm;

import java.nio.ByteBuffer;

/**
 * {@code struct xfrm_lifetime_cfg} (64 octets): eight host-order u64 limits, in this order at
 * offsets 0, 8, ... 56: soft/hard byte limit, soft/hard packet limit, soft/hard add-expires
 * seconds, soft/hard use-expires seconds. {@link #INFINITE} is XFRM_INF for the counts and 0
 * (never) for the times, as iproute2 installs by default.
 */
public record XfrmLifetimeConfig(long softByteLimit, long hardByteLimit, long softPacketLimit,
        long hardPacketLimit, long softAddExpiresSeconds, long hardAddExpiresSeconds,
        long softUseExpiresSeconds, long hardUseExpiresSeconds) {

    public static final int SIZE = 64;
    /** XFRM_INF, {@code ~0ULL}. */
    public static final long XFRM_INF = -1L;
    public static final XfrmLifetimeConfig INFINITE =
            new XfrmLifetimeConfig(XFRM_INF, XFRM_INF, XFRM_INF, XFRM_INF, 0, 0, 0, 0);

    void encode(ByteBuffer out) {
        new StructWriter(out).u64(0, softByteLimit).u64(8, hardByteLimit).u64(16, softPacketLimit)
                .u64(24, hardPacketLimit).u64(32, softAddExpiresSeconds).u64(40, hardAddExpiresSeconds)
                .u64(48, softUseExpiresSeconds).u64(56, hardUseExpiresSeconds).finish(SIZE);
    }

    static XfrmLifetimeConfig decode(StructReader in, int at) throws NetlinkFormatException {
        StructReader r = in.window("xfrm_lifetime_cfg", at, SIZE);
        return new XfrmLifetimeConfig(r.u64("soft_byte_limit", 0), r.u64("hard_byte_limit", 8),
                r.u64("soft_packet_limit", 16), r.u64("hard_packet_limit", 24),
                r.u64("soft_add_expires_seconds", 32), r.u64("hard_add_expires_seconds", 40),
                r.u64("soft_use_expires_seconds", 48), r.u64("hard_use_expires_seconds", 56));
    }
}
