package org.mip6kit.wire;

import java.util.List;

/** Checks the option list every message constructor receives. */
final class MessageOptions {

    private MessageOptions() {
    }

    static List<MobilityOption> check(List<MobilityOption> options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null (use List.of())");
        }
        List<MobilityOption> copy = List.copyOf(options);
        for (int i = 0; i < copy.size(); i++) { // indexed: every message built passes here, and an iterator is garbage
            MobilityOption o = copy.get(i);
            if (o instanceof Pad1 || o instanceof PadN) {
                throw new IllegalArgumentException("padding is laid out by the encoder; do not add "
                        + o.getClass().getSimpleName() + " to a message");
            }
        }
        return copy;
    }
}
