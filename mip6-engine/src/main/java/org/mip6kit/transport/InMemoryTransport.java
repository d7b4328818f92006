package org.mip6kit.transport;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SignallingTransport;
import org.mip6kit.wire.Ipv6Address;

/**
 * One node's attachment to an {@link InMemoryNetwork}: the IPv6 addresses and outer UDP
 * endpoints it owns, which may change while it runs (a mobile node moving between links, or
 * gaining an IPv4 care-of address). Created by {@link InMemoryNetwork#attach}; routing, faults
 * and threading are described there. Thread-safe.
 */
public final class InMemoryTransport implements SignallingTransport {

    private final InMemoryNetwork network;
    private final int id;

    // Guarded by the network's lock.
    final Set<Ipv6Address> addresses = new LinkedHashSet<>();
    final Set<InetSocketAddress> endpoints = new LinkedHashSet<>();
    final ArrayDeque<Inbound> pending = new ArrayDeque<>();
    Consumer<Inbound> receiver;
    boolean closed;

    InMemoryTransport(InMemoryNetwork network, int id) {
        this.network = network;
        this.id = id;
    }

    /** The network this transport is attached to. */
    public InMemoryNetwork network() {
        return network;
    }

    /**
     * Starts owning {@code address}: packets to it arrive here from now on.
     *
     * @return false if this transport already owned it
     * @throws IllegalStateException if another transport owns it, or this one is closed
     */
    public boolean addLocalAddress(Ipv6Address address) {
        return network.own(this, address);
    }

    /**
     * Gives up {@code address}: packets to it, including those already in flight, become
     * undeliverable unless another transport takes it.
     *
     * @return false if this transport did not own it
     */
    public boolean removeLocalAddress(Ipv6Address address) {
        return network.disown(this, address);
    }

    /** The IPv6 addresses owned now, in the order they were added. */
    public Set<Ipv6Address> localAddresses() {
        synchronized (network) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(addresses));
        }
    }

    /**
     * Starts owning the outer UDP endpoint {@code endpoint} (e.g. an IPv4 care-of address and
     * port, {@code 192.0.2.100:49152}, or a home agent's {@code 198.51.100.1:4191}). The first
     * endpoint of an address family is the outer source of encapsulated packets sent to a peer
     * of that family. An IPv4-mapped IPv6 endpoint is taken as IPv4.
     *
     * @return false if this transport already owned it
     * @throws IllegalStateException if another transport owns it, it is a NAT's outside
     *         endpoint, or this transport is closed
     * @throws IllegalArgumentException if {@code endpoint} is unresolved
     */
    public boolean addOuterEndpoint(InetSocketAddress endpoint) {
        return network.ownEndpoint(this, endpoint);
    }

    /** Gives up the outer endpoint {@code endpoint}; false if it was not owned. */
    public boolean removeOuterEndpoint(InetSocketAddress endpoint) {
        return network.disownEndpoint(this, endpoint);
    }

    /** The outer UDP endpoints owned now, in the order they were added. */
    public Set<InetSocketAddress> outerEndpoints() {
        synchronized (network) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(endpoints));
        }
    }

    /**
     * Starts delivering to {@code receiver}; packets that arrived before are delivered next, as
     * scheduled tasks.
     *
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start(Consumer<Inbound> receiver) {
        network.start(this, receiver);
    }

    /**
     * Sends {@code octets} (1 to 2048 octets of Mobility Header) as {@code to} says. Never blocks
     * and never calls a receiver: delivery is scheduled. The stage is already complete: normally,
     * even if the packet is then lost or finds no receiver (as a datagram would); exceptionally
     * with {@link IllegalStateException} if this transport is closed or {@code to} asks for an
     * outer peer of a family this transport owns no endpoint of, and with
     * {@link IllegalArgumentException} for an empty or oversized message.
     *
     * @throws NullPointerException if an argument is null
     */
    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        return network.send(this, octets, to);
    }

    /**
     * Detaches: the addresses and endpoints are released, packets waiting for {@link #start}
     * and packets still in flight to it are counted undeliverable, and sends fail. Idempotent.
     */
    @Override
    public void close() {
        network.close(this);
    }

    public boolean isClosed() {
        synchronized (network) {
            return closed;
        }
    }

    @Override
    public String toString() {
        synchronized (network) {
            return "InMemoryTransport#" + id + addresses + (endpoints.isEmpty() ? "" : endpoints.toString())
                    + (closed ? "(closed)" : "");
        }
    }
}
