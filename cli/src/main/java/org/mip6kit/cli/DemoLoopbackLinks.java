package org.mip6kit.cli;

import java.net.Inet4Address;
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
 *     network to an IPv4-only one is. Its engine knows both home agent endpoints (one per
 *     address family) and picks the one of its care-of address's family; this network sends
 *     from the socket of that family, and on the IPv4-only link refuses a datagram to an IPv6
 *     endpoint, as such a network would, so the demo fails if the engine picked wrongly.</li>
 * </ul>
 * So the home agent sees the IPv4 Binding Update arrive from {@code 127.0.0.1} while the
 * Binding Update names the care-of address {@code 192.0.2.100}: a NAT, as far as it can tell.
 */
final class DemoLoopbackLinks implements SignallingTransport {

    private final SignallingTransport ipv6;
    private final SignallingTransport ipv4;
    private final boolean mobileNode;
    private volatile boolean onIpv4Link;

    private DemoLoopbackLinks(SignallingTransport ipv6, SignallingTransport ipv4, boolean mobileNode) {
        this.ipv6 = Objects.requireNonNull(ipv6, "ipv6");
        this.ipv4 = Objects.requireNonNull(ipv4, "ipv4");
        this.mobileNode = mobileNode;
    }

    /** The home agent: replies leave from the socket of the peer's family. */
    static DemoLoopbackLinks homeAgent(SignallingTransport ipv6, SignallingTransport ipv4) {
        return new DemoLoopbackLinks(ipv6, ipv4, false);
    }

    /** The mobile node, attached to the IPv6 link until {@link #attachIpv4()}. */
    static DemoLoopbackLinks mobileNode(SignallingTransport ipv6, SignallingTransport ipv4) {
        return new DemoLoopbackLinks(ipv6, ipv4, true);
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
        boolean toIpv4 = to.outerPeer().map(p -> p.getAddress() instanceof Inet4Address).orElse(false);
        if (mobileNode && onIpv4Link && !toIpv4) {
            return java.util.concurrent.CompletableFuture.failedFuture(new org.mip6kit.spi.SecurityProviderException(
                    "the mobile node is on an IPv4-only network: " + to.outerPeer().map(String::valueOf)
                            .orElse("an unencapsulated destination") + " is unreachable from it"));
        }
        return (toIpv4 ? ipv4 : ipv6).send(octets, to);
    }

    @Override
    public void close() {
        ipv6.close();
        ipv4.close();
    }

    @Override
    public String toString() {
        return "DemoLoopbackLinks[" + ipv6 + ", " + ipv4 + (!mobileNode ? "" : onIpv4Link ? ", on IPv4"
                : ", on IPv6") + "]";
    }
}
