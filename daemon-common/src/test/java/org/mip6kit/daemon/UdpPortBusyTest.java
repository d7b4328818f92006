package org.mip6kit.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mip6kit.spi.SecurityProviderException;
import org.mip6kit.transport.UdpTransport;

/**
 * A daemon whose UDP port is taken says which port, on which address (in its canonical text),
 * and which settings in which file choose them.
 */
@Tag("medium")
class UdpPortBusyTest {

    private static final Path CONFIG = Path.of("/etc/mip6kit/ha.yaml");

    private static void assertBusyMessage(String host, String canonical) throws Exception {
        InetAddress address = InetAddress.getByName(host);
        try (DatagramChannel taken = DatagramChannel.open()) {
            taken.bind(new InetSocketAddress(address, 0));
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();

            SecurityProviderException e = assertThrows(SecurityProviderException.class,
                    () -> DaemonSettings.openUdp(new UdpTransport.Config(address, port, 0), CONFIG));

            assertThat(e.getMessage())
                    .contains("cannot open the RFC 5555 UDP transport on " + canonical + ":" + port)
                    .contains("port " + port + " is already in use")
                    .contains("change transport.udp.port or transport.udp.bind in " + CONFIG)
                    .contains("docs/errors.md#udp-port-busy")
                    .doesNotContain("/" + host).doesNotContain("0:0:0:0");
        }
    }

    @Test
    void aBusyIpv6PortIsNamedWithItsAddressInBracketsAndTheKeysToChange() throws Exception {
        assertBusyMessage("::1", "[::1]");
    }

    @Test
    void aBusyIpv4PortIsNamedWithItsDottedAddress() throws Exception {
        assertBusyMessage("127.0.0.1", "127.0.0.1");
    }
}
