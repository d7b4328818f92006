/**
 * The engine's {@link org.mip6kit.spi.SignallingTransport}s: how Mobility Header octets leave
 * and enter the process when the security provider does not own its channel.
 *
 * <ul>
 * <li>{@link org.mip6kit.transport.InMemoryNetwork} and
 *     {@link org.mip6kit.transport.InMemoryTransport}: a simulated network for tests, the
 *     provider TCK and embedding. Every delivery is a task on an injected
 *     {@link org.mip6kit.spi.Scheduler}, so under virtual time it is deterministic for a seed,
 *     including loss, duplication, reordering, delay and NAT rewriting of the outer UDP
 *     source.</li>
 * <li>{@link org.mip6kit.transport.UdpTransport}: RFC 5555 UDP encapsulation on one
 *     {@link java.nio.channels.DatagramChannel}, port 4191 by default, serving many peers and
 *     replying to the source address and port it observed.</li>
 * </ul>
 *
 * <p>Transports only move packets. They check that a packet is well-formed IPv6 around a
 * Mobility Header (the UDP transport) and nothing more: the Mobility Header checksum, the
 * message and its protection are the engine's and the provider's business.
 */
package org.mip6kit.transport;
