package org.mip6kit.provider.tls.stream;

import org.mip6kit.spi.SecurityProviderException;

/**
 * The client refused the server's certificate chain: not issued by a trusted anchor, outside
 * its validity at the client's clock, not for the expected server name, or not usable for a TLS
 * server. The handshake ended with the fatal {@linkplain #alertDescription() alert} named here
 * (RFC 5246 §7.2.2: {@code bad_certificate(42)}, {@code certificate_expired(45)},
 * {@code certificate_unknown(46)}, {@code unknown_ca(48)}).
 *
 * <p>The message names the certificate's subject, the DNS names it carries and the name
 * expected, so an operator can tell which side to fix. It never holds a key.
 */
public final class ServerCertificateException extends SecurityProviderException {

    private static final long serialVersionUID = 1L;

    private final short alertDescription;

    /** @param alertDescription the TLS alert the rejection sends ({@link org.bouncycastle.tls.AlertDescription}) */
    public ServerCertificateException(short alertDescription, String message, Throwable cause) {
        super(message, cause);
        this.alertDescription = alertDescription;
    }

    public ServerCertificateException(short alertDescription, String message) {
        this(alertDescription, message, null);
    }

    /** The fatal alert the client sent, an {@link org.bouncycastle.tls.AlertDescription} code. */
    public short alertDescription() {
        return alertDescription;
    }
}
