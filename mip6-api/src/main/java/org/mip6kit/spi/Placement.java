package org.mip6kit.spi;

/**
 * Where a provider's protection sits relative to the Mobility Header. The engine treats all
 * three through the same {@link SignallingPath}; the placement tells operators and the
 * provider TCK what to expect, and never selects a code path inside the engine.
 */
public enum Placement {
    /**
     * Protection is options inside the Mobility Header (RFC 4285). The provider adds them on
     * send and checks them on receive; the messages travel over the engine's
     * {@link SignallingTransport}.
     */
    IN_MESSAGE,
    /**
     * The provider owns the socket, port, peer and encapsulation (RFC 6618 UDP protection, a
     * DTLS association). It hands the engine verified Mobility Header octets plus the
     * addressing its security association vouches for.
     */
    OWNS_CHANNEL,
    /**
     * The kernel or a key-management daemon protects the packets (IPsec keyed by IKEv2). The
     * provider never changes octets; its verdict rests on what the transport
     * {@link Observed observed} (the ingress interface, the local address) and on what it
     * knows of its security associations.
     */
    BELOW_STACK
}
