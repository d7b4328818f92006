package org.mip6kit.wire;

import java.util.List;

/**
 * Home Test Init, MH Type 1 (RFC 6275 §6.1.3): starts the home half of return routability.
 * Minimum Header Len 1.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |            Reserved           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Home Init Cookie (64)                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 */
public record HomeTestInit(long homeInitCookie, List<MobilityOption> options) implements MobilityMessage {

    public HomeTestInit {
        options = MessageOptions.check(options);
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.HOME_TEST_INIT;
    }
}
