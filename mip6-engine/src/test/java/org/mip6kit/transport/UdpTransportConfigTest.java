package org.mip6kit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The UDP transport's configuration, without opening a socket. */
@Tag("small")
class UdpTransportConfigTest {

    @Test
    void homeAgentDefaultIsDualStackWildcardOnPort4191() {
        UdpTransport.Config config = UdpTransport.Config.homeAgent();
        assertThat(UdpTransport.DEFAULT_PORT).isEqualTo(4191);
        assertThat(config.port()).isEqualTo(4191);
        assertThat(config.bindAddress()).isInstanceOf(Inet6Address.class);
        assertThat(config.bindAddress().isAnyLocalAddress()).isTrue();
        assertThat(config.receiveBufferBytes()).isEqualTo(UdpTransport.Config.DEFAULT_RECEIVE_BUFFER_BYTES);
    }

    @Test
    void mobileNodeBindsAnEphemeralPortOnItsCareOfAddress() throws Exception {
        InetAddress careOf = InetAddress.getByName("192.0.2.100");
        UdpTransport.Config config = UdpTransport.Config.ephemeral(careOf);
        assertThat(config.endpoint().getAddress()).isEqualTo(careOf);
        assertThat(config.port()).isZero();
        assertThat(config.withReceiveBufferBytes(4096).receiveBufferBytes()).isEqualTo(4096);
    }

    @Test
    void refusesPortsOutsideSixteenBitsAndNegativeBuffers() throws Exception {
        InetAddress any = InetAddress.getByName("::");
        assertThatThrownBy(() -> new UdpTransport.Config(any, 65536, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
        assertThatThrownBy(() -> new UdpTransport.Config(any, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UdpTransport.Config(any, 4191, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UdpTransport.Config(null, 4191, 0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void oneReceiveThreadByDefaultAndOneToSixtyFourAccepted() throws Exception {
        InetAddress any = InetAddress.getByName("::");
        assertThat(UdpTransport.Config.homeAgent().receiveThreads()).isEqualTo(1);
        assertThat(UdpTransport.Config.homeAgent().withReceiveThreads(64).receiveThreads()).isEqualTo(64);
        assertThatThrownBy(() -> new UdpTransport.Config(any, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 receive threads");
        assertThatThrownBy(() -> new UdpTransport.Config(any, 0, 0, 65)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65 receive threads");
    }

    @Test
    void anotherEndpointKeepsEverySocketSetting() throws Exception {
        UdpTransport.Config own = new UdpTransport.Config(InetAddress.getByName("2001:db8:1::1"), 4191, 65536, 2, 8,
                UdpTransport.NativeIo.OFF);
        InetAddress other = InetAddress.getByName("2001:db8:1::2");
        UdpTransport.Config moved = own.withBindAddress(other).withPort(4192);
        assertThat(moved).isEqualTo(new UdpTransport.Config(other, 4192, 65536, 2, 8, UdpTransport.NativeIo.OFF));
    }

    @Test
    void innerPacketBoundCoversTheLargestMobilityHeaderWithBothExtensionHeaders() {
        assertThat(UdpTransport.MAX_INNER_PACKET).isEqualTo(40 + 24 + 24 + 2048);
    }
}
