package org.mip6kit.dataplane;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's forwarding table: which binding's tunnel a destination address goes into
 * (longest prefix wins: a home address's /128 before a mobile network prefix), and which binding a
 * tunnel endpoint belongs to (for the reverse-tunnel checks). Readers see an immutable snapshot
 * without locking (one volatile read per packet); changes, which come with Binding
 * Acknowledgements, copy the table under a lock.
 */
public final class TunnelRoutes {

    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /**
     * Routes {@code binding}'s prefixes into its tunnel, replacing any earlier binding of the
     * same home address (whose routes go).
     *
     * @return the binding that was replaced, if any
     */
    public synchronized Optional<TunnelBinding> put(TunnelBinding binding) {
        Map<Ipv6Address, TunnelBinding> byHome = new HashMap<>(snapshot.byHomeAddress);
        TunnelBinding previous = byHome.put(binding.homeAddress(), binding);
        snapshot = Snapshot.of(byHome);
        return Optional.ofNullable(previous);
    }

    /** Removes the binding of {@code homeAddress} and its routes; returns it if there was one. */
    public synchronized Optional<TunnelBinding> remove(Ipv6Address homeAddress) {
        if (!snapshot.byHomeAddress.containsKey(homeAddress)) {
            return Optional.empty();
        }
        Map<Ipv6Address, TunnelBinding> byHome = new HashMap<>(snapshot.byHomeAddress);
        TunnelBinding previous = byHome.remove(homeAddress);
        snapshot = Snapshot.of(byHome);
        return Optional.of(previous);
    }

    /** The binding of this home address, if bound. */
    public Optional<TunnelBinding> byHomeAddress(Ipv6Address homeAddress) {
        return Optional.ofNullable(snapshot.byHomeAddress.get(homeAddress));
    }

    /** The binding whose tunnel a packet for {@code destination} enters, or null: longest prefix first. */
    public TunnelBinding route(Ipv6Address destination) {
        Snapshot s = snapshot;
        TunnelBinding exact = s.byHomeAddress.get(destination);
        if (exact != null) {
            return exact;
        }
        for (Route r : s.prefixRoutes) {
            if (r.prefix.contains(destination)) {
                return r.binding;
            }
        }
        return null;
    }

    /** The binding whose IPv6 care-of address is {@code careOf}, or null. */
    public TunnelBinding byCareOf(Ipv6Address careOf) {
        return snapshot.byCareOf.get(careOf);
    }

    /** The binding whose observed UDP endpoint is {@code peer}, or null. */
    public TunnelBinding byUdpPeer(InetSocketAddress peer) {
        return snapshot.byUdpPeer.get(peer);
    }

    /** Every binding, in no particular order. */
    public List<TunnelBinding> bindings() {
        return List.copyOf(snapshot.byHomeAddress.values());
    }

    /** How many bindings are routed. */
    public int size() {
        return snapshot.byHomeAddress.size();
    }

    private record Route(RoutedPrefix prefix, TunnelBinding binding) {
    }

    private record Snapshot(Map<Ipv6Address, TunnelBinding> byHomeAddress, List<Route> prefixRoutes,
                            Map<Ipv6Address, TunnelBinding> byCareOf, Map<InetSocketAddress, TunnelBinding> byUdpPeer) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), List.of(), Map.of(), Map.of());

        static Snapshot of(Map<Ipv6Address, TunnelBinding> byHome) {
            List<Route> routes = new ArrayList<>();
            Map<Ipv6Address, TunnelBinding> byCareOf = new HashMap<>();
            Map<InetSocketAddress, TunnelBinding> byPeer = new HashMap<>();
            for (TunnelBinding b : byHome.values()) {
                for (RoutedPrefix p : b.prefixes()) {
                    if (p.length() < 128 || !p.prefix().equals(b.homeAddress())) {
                        routes.add(new Route(p, b));
                    }
                }
                if (b.endpoint() instanceof TunnelEndpoint.Ipv6InIpv6 v6) {
                    byCareOf.put(v6.careOf(), b);
                } else if (b.endpoint() instanceof TunnelEndpoint.UdpEncapsulated udp) {
                    byPeer.put(normalise(udp.peer()), b);
                }
            }
            routes.sort(Comparator.comparingInt((Route r) -> r.prefix.length()).reversed());
            return new Snapshot(Map.copyOf(byHome), List.copyOf(routes), Map.copyOf(byCareOf), Map.copyOf(byPeer));
        }
    }

    /** The form a UDP endpoint is looked up in: resolved address, port. */
    static InetSocketAddress normalise(InetSocketAddress peer) {
        InetAddress a = peer.getAddress();
        return new InetSocketAddress(a, peer.getPort());
    }
}
