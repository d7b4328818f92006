package org.mip6kit.dataplane;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The RFC 5555 §4 path for data: the daemon's UDP signalling socket (port 4191 at the home agent),
 * through which data packets go to and come from a mobile node whose care-of address is IPv4,
 * through the same NAT mapping as its Binding Updates. The UDP payload is the inner packet itself
 * (no TLV header: the T flag is never negotiated).
 */
@FunctionalInterface
public interface UdpDataPath {

    /**
     * Sends {@code packet[offset, offset + length)} as one datagram to {@code peer}. Called from
     * the data plane's threads; must not block beyond a full send buffer.
     */
    void send(InetSocketAddress peer, byte[] packet, int offset, int length) throws IOException;
}
