/**
 * TLS 1.2 over a {@link org.mip6kit.spi.net.StreamConnection}, driven by arriving bytes (Bouncy
 * Castle's non-blocking TLS protocol): the Home Agent Controller's server side and the mobile
 * node's client side, X.509 credentials from PEM files, strict server name verification.
 */
package org.mip6kit.provider.tls.stream;
