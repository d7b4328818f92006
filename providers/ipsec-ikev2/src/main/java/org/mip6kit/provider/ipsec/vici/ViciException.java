package org.mip6kit.provider.ipsec.vici;

import java.io.IOException;

/**
 * Base of VICI failures: malformed data ({@link ViciFormatException}), a command charon refused
 * ({@link ViciCommandException}) or a lost connection. Messages never contain secret values.
 */
public class ViciException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public ViciException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, without secrets
     * @param cause underlying failure
     */
    public ViciException(String message, Throwable cause) {
        super(message, cause);
    }
}
