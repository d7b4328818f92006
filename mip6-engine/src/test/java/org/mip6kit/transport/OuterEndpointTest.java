package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One peer, one form: how a dual-stack socket's IPv4-mapped peers are reported. */
@Tag("small")
class OuterEndpointTest {

    /** {@code ::ffff:192.0.2.1} as the JDK's Inet6Address, the way a dual-stack socket may report it. */
    static InetSocketAddress mappedEndpoint(int port) throws Exception {
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        b[12] = (byte) 192;
        b[14] = 2;
        b[15] = 1;
        InetAddress mapped = Inet6Address.getByAddress(null, b, -1);
        assertThat(mapped).as("precondition: the JDK kept the mapped form").isInstanceOf(Inet6Address.class);
        return new InetSocketAddress(mapped, port);
    }

    @Test
    void ipv4MappedPeerIsReportedAsIpv4WithItsPort() throws Exception {
        InetSocketAddress normalised = OuterEndpoint.normalised(mappedEndpoint(49152));
        assertThat(normalised.getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(normalised).isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 49152));
    }

    @Test
    void otherAddressesAreLeftAlone() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::ffff:c000:201"), 4191);
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 4191);
        assertThat(OuterEndpoint.normalised(v6)).isSameAs(v6);
        assertThat(OuterEndpoint.normalised(v4)).isSameAs(v4);
    }

    @Test
    void unresolvedEndpointIsRefused() {
        assertThatThrownBy(() -> OuterEndpoint.normalised(InetSocketAddress.createUnresolved("ha.example", 4191)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
    }

    @Test
    void inMemoryNetworkTreatsAMappedOuterEndpointAsTheIpv4One() throws Exception {
        InMemoryNetwork network = new InMemoryNetwork(new org.mip6kit.engine.VirtualTime(), 1);
        InMemoryTransport mn = network.attach();
        mn.addOuterEndpoint(mappedEndpoint(49152));
        assertThat(mn.addOuterEndpoint(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 49152)))
                .as("already owned in its IPv4 form").isFalse();
        assertThat(mn.outerEndpoints()).singleElement()
                .satisfies(e -> assertThat(e.getAddress()).isInstanceOf(Inet4Address.class));
    }
}
