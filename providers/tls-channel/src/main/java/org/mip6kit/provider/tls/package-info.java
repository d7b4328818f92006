/**
 * The {@code tls-channel} security provider ({@link org.mip6kit.spi.Placement#OWNS_CHANNEL}), two
 * modes chosen by {@code security.tls-channel.mode}:
 * <ul>
 * <li>{@code rfc6618} — RFC 6618: the mobile node bootstraps over TLS 1.2 with a Home Agent
 *     Controller ({@link org.mip6kit.provider.tls.control}, {@link org.mip6kit.provider.tls.stream}),
 *     which assigns the home agent, the home address and a security association; Binding Updates
 *     and Acknowledgements then travel in UDP protected by that association
 *     ({@link org.mip6kit.provider.tls.protect}).</li>
 * <li>{@code dtls} — mip6kit's own, not an IETF standard: Mobility Header octets inside a DTLS 1.2
 *     association with a connection ID ({@link org.mip6kit.provider.tls.dtls}).</li>
 * </ul>
 * This package holds the provider itself: configuration, the two sides of each mode and their
 * signalling paths.
 */
package org.mip6kit.provider.tls;
