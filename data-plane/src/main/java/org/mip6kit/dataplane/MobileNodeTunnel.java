package org.mip6kit.dataplane;

import java.net.InetSocketAddress;
import java.util.Map;

import org.mip6kit.engine.TunnelEndpointListener;
import org.mip6kit.spi.RegistrationChange;
import org.mip6kit.wire.Ipv6Address;

/**
 * The mobile node's data plane (RFC 6275 §11.3.1): packets from the home address go
 * reverse-tunnelled to the home agent from the current care-of address; packets the home agent
 * tunnels are delivered to the host as if they had arrived at home. The engine tells it of each
 * accepted registration ({@link TunnelEndpointListener}), and the tunnel endpoint switches then.
 * {@link UserSpaceMobileNodeTunnel} implements it over TUN.
 */
public interface MobileNodeTunnel extends TunnelEndpointListener, AutoCloseable {

    /** Starts moving packets. Called once, before the engine registers. */
    void start();

    /**
     * Sends from {@code careOf} to {@code homeAgent} from now on. Called when a Binding
     * Acknowledgement accepts a registration from {@code careOf}.
     *
     * @throws java.io.UncheckedIOException when the new endpoint cannot be opened
     */
    void switchTo(Ipv6Address careOf, Ipv6Address homeAgent);

    /** No tunnel until the next {@link #switchTo}: the registration ended. */
    void stop();

    /**
     * The UDP signalling socket and the home agent's IPv4 endpoint on it, for an IPv4 care-of
     * address (RFC 5555 §4): packets then go to {@code homeAgentEndpoint} through it, and data
     * packets it receives come to {@link #fromUdp}.
     */
    void attachUdp(UdpDataPath path, InetSocketAddress homeAgentEndpoint);

    /** A data packet the UDP signalling socket received from {@code from}. Never blocks, never throws. */
    void fromUdp(InetSocketAddress from, byte[] packet);

    /** Maps the engine's registration changes to {@link #switchTo} and {@link #stop}. */
    @Override
    default void registrationChanged(RegistrationChange change, Ipv6Address homeAgent) {
        switch (change.kind()) {
            case REGISTERED, MOVED, REFRESHED -> switchTo(change.careOf(), homeAgent);
            default -> stop();
        }
    }

    /** Counters by stable name: traffic in each direction and {@code dropped-<reason>}. */
    Map<String, Long> counters();

    /** Stops and releases everything it created. Idempotent; never throws. */
    @Override
    void close();
}
