package org.mip6kit.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/** The one form of an outer UDP endpoint both transports compare and report. */
final class OuterEndpoint {

    private OuterEndpoint() {
    }

    /**
     * {@code endpoint} with an IPv4-mapped IPv6 address (how a dual-stack socket reports an
     * IPv4 peer) turned into its {@link java.net.Inet4Address}, so that one peer has one form.
     *
     * @throws IllegalArgumentException if {@code endpoint} is unresolved
     */
    static InetSocketAddress normalised(InetSocketAddress endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        InetAddress address = endpoint.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("outer endpoint " + endpoint + " is unresolved; give an address literal");
        }
        if (address instanceof Inet6Address && isIpv4Mapped(address.getAddress())) {
            byte[] b = address.getAddress();
            try {
                InetAddress v4 = InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                return new InetSocketAddress(v4, endpoint.getPort());
            } catch (UnknownHostException e) {
                throw new AssertionError("4 octets are always an address", e);
            }
        }
        return endpoint;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }
}
