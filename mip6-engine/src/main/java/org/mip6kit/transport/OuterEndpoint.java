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

    /**
     * {@code [2001:db8::1]:4191} (RFC 5952 text) or {@code 192.0.2.1:4191}: how an endpoint appears
     * in messages, never {@link InetSocketAddress#toString()}'s {@code /0:0:0:0:0:0:0:1:4191}.
     */
    static String text(InetSocketAddress endpoint) {
        InetAddress a = endpoint.getAddress();
        if (a == null) {
            return endpoint.getHostString() + ":" + endpoint.getPort();
        }
        if (a instanceof Inet6Address) {
            return "[" + org.mip6kit.wire.Ipv6Address.fromBytes(a.getAddress()) + "]:" + endpoint.getPort();
        }
        return a.getHostAddress() + ":" + endpoint.getPort();
    }

    /**
     * Why binding {@code local} failed, in an operator's words: the JDK's {@link java.net.BindException}
     * carries only the kernel's errno text.
     */
    static String bindFailure(InetSocketAddress local, Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof java.net.BindException && m.contains("already in use")) {
            return "port " + local.getPort() + " is already in use on " + text(local)
                    + " (another home agent or mobile node, or an earlier run that has not stopped?)";
        }
        if (e instanceof java.net.BindException && m.contains("ermission denied")) {
            return "permission denied: ports below 1024 need privileges (CAP_NET_BIND_SERVICE)";
        }
        if (e instanceof java.net.BindException && m.contains("assign requested address")) {
            return "the address " + text(new InetSocketAddress(local.getAddress(), 0)).replaceFirst(":0$", "")
                    + " is not one of this host's";
        }
        return e.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m)
                + " (is the port in use? the address must be one of this host's; ports below 1024 need privileges)";
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
