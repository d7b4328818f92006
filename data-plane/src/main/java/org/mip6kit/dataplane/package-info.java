/**
 * The user-space data plane: the bidirectional tunnel of Mobile IPv6 between the home agent and
 * the mobile node (RFC 6275 §10.4.5, §11.3.1), built over a TUN device and a protocol-41 raw
 * socket for hosts whose kernel has no MIPv6 and no ip6tnl.
 *
 * <p>The engines know only their hooks ({@link org.mip6kit.engine.BindingForwarding},
 * {@link org.mip6kit.engine.TunnelEndpointListener}); {@link HomeAgentForwarding} and
 * {@link MobileNodeTunnel} extend them, and {@link UserSpaceHomeAgentForwarding} and
 * {@link UserSpaceMobileNodeTunnel} implement them. The packet rules ({@link Ipv6Header},
 * {@link ReverseTunnelCheck}, {@link PacketTooBig}, {@link TunnelRoutes}) are pure and tested
 * without a socket; {@link TunDevice} and {@link RawTunnelSocket} are the only native parts.
 * docs/data-plane.md describes the design.
 */
package org.mip6kit.dataplane;
