package org.mip6kit.dataplane;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.mip6kit.wire.Ipv6Address;

/**
 * One binding as the data plane routes it: the home address, the tunnel endpoint and the
 * prefixes routed into the tunnel (the home address's /128 first, then any Mobile Network
 * Prefixes), with the traffic counters. Immutable except for the counters, which a move carries
 * over ({@link #movedTo}).
 */
public final class TunnelBinding {

    private final Ipv6Address homeAddress;
    private final TunnelEndpoint endpoint;
    private final List<RoutedPrefix> prefixes;
    private final Counters counters;

    /**
     * @param homeAddress the home address
     * @param endpoint where the tunnel ends
     * @param extraPrefixes prefixes routed to the same tunnel besides the home address's /128
     */
    public TunnelBinding(Ipv6Address homeAddress, TunnelEndpoint endpoint, List<RoutedPrefix> extraPrefixes) {
        this(homeAddress, endpoint, extraPrefixes, new Counters());
    }

    private TunnelBinding(Ipv6Address homeAddress, TunnelEndpoint endpoint, List<RoutedPrefix> extraPrefixes,
                          Counters counters) {
        if (homeAddress == null || endpoint == null || extraPrefixes == null) {
            throw new IllegalArgumentException("a tunnel binding needs a home address, an endpoint and a prefix list");
        }
        this.homeAddress = homeAddress;
        this.endpoint = endpoint;
        RoutedPrefix host = RoutedPrefix.host(homeAddress);
        this.prefixes = java.util.stream.Stream.concat(java.util.stream.Stream.of(host),
                extraPrefixes.stream().filter(p -> !p.equals(host))).toList();
        this.counters = counters;
    }

    /** The same binding, counters included, with another endpoint and prefix list. */
    public TunnelBinding movedTo(TunnelEndpoint newEndpoint, List<RoutedPrefix> extraPrefixes) {
        return new TunnelBinding(homeAddress, newEndpoint, extraPrefixes, counters);
    }

    public Ipv6Address homeAddress() {
        return homeAddress;
    }

    public TunnelEndpoint endpoint() {
        return endpoint;
    }

    /** The routed prefixes, the home address's /128 first. */
    public List<RoutedPrefix> prefixes() {
        return prefixes;
    }

    /** Whether a reverse-tunnelled packet from this binding may carry {@code innerSource}. */
    public boolean mayUseSource(Ipv6Address innerSource) {
        for (RoutedPrefix p : prefixes) {
            if (p.contains(innerSource)) {
                return true;
            }
        }
        return false;
    }

    /** A snapshot of the traffic counters. */
    public TrafficCounters counters() {
        return new TrafficCounters(counters.packetsToNode.sum(), counters.bytesToNode.sum(),
                counters.packetsFromNode.sum(), counters.bytesFromNode.sum());
    }

    void countToNode(int octets) {
        counters.packetsToNode.increment();
        counters.bytesToNode.add(octets);
    }

    void countFromNode(int octets) {
        counters.packetsFromNode.increment();
        counters.bytesFromNode.add(octets);
    }

    @Override
    public String toString() {
        return homeAddress + " via " + endpoint + " " + prefixes;
    }

    private static final class Counters {
        final LongAdder packetsToNode = new LongAdder();
        final LongAdder bytesToNode = new LongAdder();
        final LongAdder packetsFromNode = new LongAdder();
        final LongAdder bytesFromNode = new LongAdder();
    }
}
