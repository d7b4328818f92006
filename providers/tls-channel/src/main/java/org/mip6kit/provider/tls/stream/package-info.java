/**
 * TLS 1.2 over a {@link org.mip6kit.spi.net.StreamConnection}, driven by arriving bytes (Bouncy
 * Castle's non-blocking TLS protocol): the Home Agent Controller's server side and the mobile
 * node's client side, X.509 credentials from PEM files, strict server name verification.
 *
 * <ul>
 * <li>{@link org.mip6kit.provider.tls.stream.TlsSession}: the session; {@code client(...)} and
 *     {@code server(...)} start a handshake and return a stage; {@code send}, {@code onReceive},
 *     {@code serverEndPoint} (the RFC 5929 channel binding RFC 6618 §5 authenticates with),
 *     {@code close}.</li>
 * <li>{@link org.mip6kit.provider.tls.stream.ClientTrust}: trust anchors, the expected server
 *     name and the clock; how the client judges the server's certificate.</li>
 * <li>{@link org.mip6kit.provider.tls.stream.ServerCredentials}: the server's chain and key.</li>
 * <li>{@link org.mip6kit.provider.tls.stream.ServerCertificateException}: a refused server
 *     certificate, with the alert that was sent.</li>
 * <li>{@link org.mip6kit.provider.tls.stream.DemoCertificates}: throwaway CA and HAC
 *     certificates for a demonstration.</li>
 * </ul>
 */
package org.mip6kit.provider.tls.stream;
