package org.mip6kit.dataplane;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

import org.mip6kit.engine.BindingForwarding;
import org.mip6kit.wire.Ipv6Address;

/**
 * The home agent's data plane (RFC 6275 §10.4): attracts packets for the home prefixes, tunnels
 * those for a bound home address (and a mobile router's prefixes) to the binding's care-of
 * address, and forwards the packets the mobile node reverse-tunnels once they pass
 * {@link ReverseTunnelCheck}. The engine drives it through {@link BindingForwarding}; a daemon
 * {@link #start starts} and {@link #close closes} it and reads its counters.
 * {@link UserSpaceHomeAgentForwarding} implements it over TUN; a kernel tunnel could too.
 */
public interface HomeAgentForwarding extends BindingForwarding, AutoCloseable {

    /** Starts moving packets. Called once, before the engine starts. */
    void start();

    /**
     * The UDP signalling socket, for bindings with an IPv4 care-of address (RFC 5555 §4). Until
     * it is attached their packets are dropped ({@code dropped-send-failed}).
     */
    void attachUdp(UdpDataPath path);

    /**
     * A data packet the UDP signalling socket received from {@code from} (the observed endpoint,
     * after any NAT): forwarded when it passes {@link ReverseTunnelCheck#checkUdp}. Called on the
     * socket's receive thread; never blocks, never throws.
     */
    void fromUdp(InetSocketAddress from, byte[] packet);

    /** The traffic of one bound home address, if bound. */
    Optional<TrafficCounters> counters(Ipv6Address homeAddress);

    /**
     * The data plane's own counters by stable name: {@code dropped-<reason>} for each
     * {@link DropReason}, {@code bindings} (a gauge) and totals.
     */
    Map<String, Long> counters();

    /** Stops and releases everything it created (the TUN device, its routes). Idempotent; never throws. */
    @Override
    void close();
}
