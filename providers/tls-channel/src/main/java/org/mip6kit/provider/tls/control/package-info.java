/**
 * RFC 6618 §5, the control exchange between a mobile node and its Home Agent Controller inside
 * TLS: the container header and {@code name: value} lines, the PSK authentication method with
 * its {@code auth} values bound to the TLS channel, and the two sides' state machines. No I/O:
 * messages in, messages out.
 */
package org.mip6kit.provider.tls.control;
