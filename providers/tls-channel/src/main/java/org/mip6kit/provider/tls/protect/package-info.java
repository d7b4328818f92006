/**
 * RFC 6618 §6 packet protection after bootstrap: the packet format (packet type, SPI, sequence
 * number, payload, ESP-style padding, integrity check value), the cipher suites mapped to ESP
 * algorithms, the per-direction anti-replay window. No I/O: bytes in, bytes out.
 */
package org.mip6kit.provider.tls.protect;
