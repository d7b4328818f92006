package org.mip6kit.cli;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.mip6kit.spi.Addressing;
import org.mip6kit.spi.Inbound;
import org.mip6kit.spi.SignallingTransport;

/**
 * The demo's network: two UDP sockets of one node, one on the IPv6 loopback address and one on
 * the IPv4 one, presented to its engine as a single {@link SignallingTransport}. Both receive;
 * which one sends depends on the node:
 * <ul>
 * <li>the home agent answers from the socket of the family the peer wrote from (a dual-stack
 *     home agent, but listening on loopback only rather than on {@code ::});</li>
 * <li>the mobile node is attached to one link at a time, as a node that moves from an IPv6
 *     network to an IPv4-only one is: on the IPv6 link it sends to the home agent's IPv6
 *     endpoint, on the IPv4 link from its IPv4 socket to the home agent's IPv4 endpoint (an
 *     IPv4-only network reaches the home agent only at its IPv4 address). The engine has one
 *     {@code homeAgentEndpoint}; choosing the home agent's IPv4 endpoint is this network's part.</li>
 * </ul>
 * So the home agent sees the IPv4 Binding Update arrive from {@code 127.0.0.1} while the
 * Binding Update names the care-of address {@code 192.0.2.100}: a NAT, as far as it can tell.
 */
final class DemoLoopbackLinks implements SignallingTransport {

    private final SignallingTransport ipv6;
    private final SignallingTransport ipv4;
    private final InetSocketAddress peerOverIpv4;
    private volatile boolean onIpv4Link;

    private DemoLoopbackLinks(SignallingTransport ipv6, SignallingTransport ipv4, InetSocketAddress peerOverIpv4) {
        this.ipv6 = Objects.requireNonNull(ipv6, "ipv6");
        this.ipv4 = Objects.requireNonNull(ipv4, "ipv4");
        this.peerOverIpv4 = peerOverIpv4;
    }

    /** The home agent: replies leave from the socket of the peer's family. */
    static DemoLoopbackLinks homeAgent(SignallingTransport ipv6, SignallingTransport ipv4) {
        return new DemoLoopbackLinks(ipv6, ipv4, null);
    }

    /**
     * The mobile node, attached to the IPv6 link until {@link #attachIpv4()}.
     *
     * @param homeAgentOverIpv4 where the home agent listens on IPv4
     */
    static DemoLoopbackLinks mobileNode(SignallingTransport ipv6, SignallingTransport ipv4,
                                        InetSocketAddress homeAgentOverIpv4) {
        return new DemoLoopbackLinks(ipv6, ipv4, Objects.requireNonNull(homeAgentOverIpv4, "homeAgentOverIpv4"));
    }

    /** The mobile node moved to an IPv4-only network: later datagrams leave over IPv4. */
    void attachIpv4() {
        onIpv4Link = true;
    }

    /** The mobile node is on an IPv6 network (again). */
    void attachIpv6() {
        onIpv4Link = false;
    }

    @Override
    public void start(Consumer<Inbound> receiver) {
        ipv6.start(receiver);
        ipv4.start(receiver);
    }

    @Override
    public CompletionStage<Void> send(byte[] octets, Addressing to) {
        if (peerOverIpv4 != null) {
            return onIpv4Link ? ipv4.send(octets, to.withOuterPeer(peerOverIpv4)) : ipv6.send(octets, to);
        }
        boolean toIpv4 = to.outerPeer().map(p -> p.getAddress() instanceof Inet4Address).orElse(false);
        return (toIpv4 ? ipv4 : ipv6).send(octets, to);
    }

    @Override
    public void close() {
        ipv6.close();
        ipv4.close();
    }

    @Override
    public String toString() {
        return "DemoLoopbackLinks[" + ipv6 + ", " + ipv4 + (peerOverIpv4 == null ? "" : onIpv4Link ? ", on IPv4"
                : ", on IPv6") + "]";
    }
}
