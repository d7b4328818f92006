package org.mip6kit.wire;

import java.util.List;

/**
 * Care-of Test Init, MH Type 2 (RFC 6275 §6.1.4): starts the care-of half of return
 * routability. Minimum Header Len 1.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |            Reserved           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Care-of Init Cookie (64)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 */
public record CareOfTestInit(long careOfInitCookie, List<MobilityOption> options) implements MobilityMessage {

    public CareOfTestInit {
        options = MessageOptions.check(options);
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.CARE_OF_TEST_INIT;
    }
}
