package org.mip6kit.provider.tls;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;

import org.mip6kit.spi.Identity;
import org.mip6kit.spi.ReplyContext;
import org.mip6kit.wire.Ipv6Address;

/**
 * One RFC 6618 security association as one side holds it: whose it is (the identity the Home
 * Agent Controller authenticated, the home address it assigned), the keys and suite
 * ({@link PacketSealer}), the anti-replay window for what arrives and the sequence counter for
 * what leaves, and where the peer was last seen (an authenticated packet moves it; the
 * association is not bound to a care-of address, RFC 6618 §4.3). It is also the
 * {@link ReplyContext} of a verified message: the answer is protected with the same association.
 */
public final class NodeAssociation implements ReplyContext {

    private final Identity identity;
    private final Ipv6Address homeAddress;
    private final PacketSealer sealer;
    private volatile InetSocketAddress peer;
    private volatile boolean expired;

    NodeAssociation(Identity identity, Ipv6Address homeAddress, PacketSealer sealer) {
        this.identity = identity;
        this.homeAddress = homeAddress;
        this.sealer = sealer;
    }

    public Identity identity() {
        return identity;
    }

    public Ipv6Address homeAddress() {
        return homeAddress;
    }

    public long spi() {
        return sealer.spi();
    }

    public Instant validityEnd() {
        return sealer.validityEnd();
    }

    /** The suite's name as RFC 6618 writes it. */
    public String suite() {
        return sealer.suiteName();
    }

    PacketSealer sealer() {
        return sealer;
    }

    /**
     * Past its validity end by the clock, or ended (its binding ended, a new bootstrap replaced
     * it): on the home agent only a 176 answer is still protected with it, the node sends nothing
     * new under it.
     */
    public boolean expired() {
        return expired || sealer.pastValidityEnd();
    }

    void markExpired() {
        expired = true;
    }

    void destroy() {
        expired = true;
        sealer.destroy();
    }

    Optional<InetSocketAddress> peer() {
        return Optional.ofNullable(peer);
    }

    void peer(InetSocketAddress p) {
        peer = p;
    }

    @Override
    public String describe() {
        return "rfc6618 spi=" + spi() + " suite=" + suite();
    }

    @Override
    public String toString() {
        return "NodeAssociation[" + identity + ", " + homeAddress + ", " + describe() + (expired() ? ", expired" : "")
                + "]";
    }
}
