/**
 * The {@code dtls} mode's channel: DTLS 1.2 (Bouncy Castle) with stateless cookies and RFC 9146
 * connection IDs, one UDP socket demultiplexed into per-association queues on the home agent.
 */
package org.mip6kit.provider.tls.dtls;
