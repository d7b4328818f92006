package org.mip6kit.provider.tls.control;

import java.util.Objects;

/**
 * What a {@link HacExchange} wants done after a message: send {@code message}, then close TLS
 * and TCP if {@code closeAfter} (RFC 6618 §5.1: after the final response and after any error).
 */
public record HacReply(ControlMessage message, boolean closeAfter) {
    public HacReply {
        Objects.requireNonNull(message, "message");
    }

    /** The status-code the reply carries. */
    public StatusCode status() {
        return StatusCode.of(Integer.parseInt(message.get(ControlFields.STATUS_CODE).orElseThrow()));
    }
}
