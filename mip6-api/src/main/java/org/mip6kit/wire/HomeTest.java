package org.mip6kit.wire;

import java.util.List;

/**
 * Home Test, MH Type 3 (RFC 6275 §6.1.5): a correspondent node's answer to a Home Test Init.
 * Minimum Header Len 2.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |       Home Nonce Index        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Home Init Cookie (64)                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Home Keygen Token (64)                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 */
public record HomeTest(int homeNonceIndex, long homeInitCookie, long homeKeygenToken, List<MobilityOption> options)
        implements MobilityMessage {

    public HomeTest {
        if (homeNonceIndex < 0 || homeNonceIndex > 0xFFFF) {
            throw new IllegalArgumentException("home nonce index " + homeNonceIndex + " outside 0..65535");
        }
        options = MessageOptions.check(options);
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.HOME_TEST;
    }
}
