package org.mip6kit.ha;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.mip6kit.dataplane.LinkCommands;
import org.mip6kit.engine.HomeAgentEngine;
import org.mip6kit.transport.UdpTransport;
import org.mip6kit.wire.Ipv6Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A home agent address this cluster member took over from a departed member: the engine that
 * serves it, the UDP transport it opened on the departed member's endpoint, and the interface
 * the address was added to (if this member added it). {@link #close()} stops the engine, then
 * removes the address it added.
 */
final class TakenOverAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HomeAgentDaemon.LOGGER);

    private final Ipv6Address address;
    private final HomeAgentEngine engine;
    private final AtomicReference<UdpTransport> udp;
    private final String from;
    private final String addedTo;
    private final InetAddress added;
    private final LinkCommands links;

    /**
     * @param addedTo the interface {@code added} was added to; null when the address was already local
     */
    TakenOverAgent(Ipv6Address address, HomeAgentEngine engine, AtomicReference<UdpTransport> udp, String from,
                   String addedTo, InetAddress added, LinkCommands links) {
        this.address = address;
        this.engine = engine;
        this.udp = udp;
        this.from = from;
        this.addedTo = addedTo;
        this.added = added;
        this.links = links;
    }

    Ipv6Address address() {
        return address;
    }

    HomeAgentEngine engine() {
        return engine;
    }

    /** The member it was taken over from. */
    String from() {
        return from;
    }

    Optional<InetSocketAddress> udpAddress() {
        UdpTransport u = udp.get();
        return u == null ? Optional.empty() : Optional.of(u.localAddress());
    }

    /** Closes the UDP socket at once, as a crash would (for {@link HomeAgentDaemon#stopAbruptly()}). */
    void closeSocket() {
        UdpTransport u = udp.get();
        if (u != null) {
            u.close();
        }
    }

    /** Stops the engine (in-flight Binding Updates finish, bounded), then removes the address it added. */
    @Override
    public void close() {
        engine.close();
        removeAddress(links, addedTo, added);
    }

    static void removeAddress(LinkCommands links, String addedTo, InetAddress added) {
        if (addedTo == null) {
            return;
        }
        try {
            links.deleteHostAddress(addedTo, added);
        } catch (java.io.IOException e) {
            LOG.error("cluster: could not remove {} from {}: {}; remove it by hand (ip addr del) before another "
                    + "member serves it", added.getHostAddress(), addedTo, e.getMessage());
        }
    }
}
