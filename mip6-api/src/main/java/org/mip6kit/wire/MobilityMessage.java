package org.mip6kit.wire;

import java.util.List;
import java.util.Optional;

/**
 * One Mobility Header message (RFC 6275 §6.1): an immutable value whose fields were checked
 * when it was built. Encoded and decoded by {@link MobilityHeaderCodec}. The option list
 * never contains padding: the encoder lays padding out, the decoder drops it.
 */
public interface MobilityMessage {

    /** The MH Type. */
    MobilityHeaderType type();

    /** The mobility options in wire order, without padding. */
    List<MobilityOption> options();

    /** The first option of a class, if any. */
    default <T extends MobilityOption> Optional<T> option(Class<T> optionClass) {
        // A message has a handful of options: a scan is as quick as an index, and indexed it
        // allocates nothing when the option is absent (the usual answer on the receive path).
        List<MobilityOption> options = options();
        for (int i = 0; i < options.size(); i++) {
            MobilityOption o = options.get(i);
            if (optionClass.isInstance(o)) {
                return Optional.of(optionClass.cast(o));
            }
        }
        return Optional.empty();
    }

    /** Every option of a class, in wire order. */
    default <T extends MobilityOption> List<T> options(Class<T> optionClass) {
        return options().stream().filter(optionClass::isInstance).map(optionClass::cast).toList();
    }
}
