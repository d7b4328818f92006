package org.mip6kit.spi.net;

import java.net.InetSocketAddress;

import org.mip6kit.spi.Observed;

/**
 * One received UDP datagram: the payload, the peer it came from as observed (after any NAT; an
 * IPv4 peer is an {@link java.net.Inet4Address}, never IPv4-mapped), and what the endpoint
 * observed about its arrival. Immutable.
 */
public final class Datagram {

    private final byte[] payload;
    private final InetSocketAddress peer;
    private final Observed observed;

    public Datagram(byte[] payload, InetSocketAddress peer, Observed observed) {
        if (payload == null || peer == null || observed == null) {
            throw new IllegalArgumentException("payload, peer and observed are required");
        }
        this.payload = payload.clone();
        this.peer = peer;
        this.observed = observed;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    public int length() {
        return payload.length;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public Observed observed() {
        return observed;
    }

    @Override
    public String toString() {
        return "Datagram[" + payload.length + " octets from " + peer + ", " + observed + "]";
    }
}
