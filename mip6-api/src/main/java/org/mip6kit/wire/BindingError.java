package org.mip6kit.wire;

import java.util.List;

/**
 * Binding Error, MH Type 7 (RFC 6275 §6.1.9): reports a mobility problem, such as an
 * unrecognised MH Type (status 2) or a Home Address option with no binding (status 1).
 * The home address is the one from the offending packet's Home Address option, or the
 * unspecified address when it had none. Minimum Header Len 2.
 * <pre>
 *                                  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                  |     Status    |   Reserved    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                          Home Address (128)                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Mobility options                       |
 * </pre>
 */
public record BindingError(BindingErrorStatus status, Ipv6Address homeAddress, List<MobilityOption> options)
        implements MobilityMessage {

    public BindingError {
        if (status == null || homeAddress == null) {
            throw new IllegalArgumentException("status and homeAddress are required (use Ipv6Address.UNSPECIFIED)");
        }
        options = MessageOptions.check(options);
    }

    @Override
    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_ERROR;
    }
}
