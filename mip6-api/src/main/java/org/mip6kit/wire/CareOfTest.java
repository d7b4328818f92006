package org.mip6kit.wire;

import java.util.List;

/**
 * Care-of Test, MH Type 4 (RFC 6275 §6.1.6): a correspondent node's answer to a Care-of
 * Test Init. Minimum Header Len 2.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |      Care-of Nonce Index      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Care-of Init Cookie (64)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Care-of Keygen Token (64)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 */
public record CareOfTest(int careOfNonceIndex, long careOfInitCookie, long careOfKeygenToken,
                         List<MobilityOption> options) implements MobilityMessage {

    public CareOfTest {
        if (careOfNonceIndex < 0 || careOfNonceIndex > 0xFFFF) {
            throw new IllegalArgumentException("care-of nonce index " + careOfNonceIndex + " outside 0..65535");
        }
        options = MessageOptions.check(options);
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.CARE_OF_TEST;
    }
}
