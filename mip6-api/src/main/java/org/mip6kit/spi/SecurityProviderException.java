package org.mip6kit.spi;

/**
 * A provider failed internally (a daemon went away, a kernel call failed, a key store became
 * unreadable). Unchecked; the message says what an operator can do about it and never carries
 * a secret.
 */
public class SecurityProviderException extends RuntimeException {

    public SecurityProviderException(String message) {
        super(message);
    }

    public SecurityProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
