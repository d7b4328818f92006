package org.mip6kit.provider.tls;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.mip6kit.spi.ConfigSection;
import org.mip6kit.spi.ProviderConfigException;

/** {@code [2001:db8::1]:7872} and {@code 192.0.2.1:7872}: address literals only, never a name to resolve. */
final class Endpoints {

    private Endpoints() {
    }

    static InetSocketAddress parse(String text, ConfigSection config, String key) throws ProviderConfigException {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw config.error(key, "'" + text + "' is not an endpoint: write [IPv6 address]:port or "
                        + "IPv4-address:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw config.error(key, "'" + text + "' is not an endpoint: write [IPv6 address]:port or "
                        + "IPv4-address:port");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw config.error(key, "'" + host + "' is not an IP address literal (names are not resolved)");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            throw config.error(key, "'" + port + "' is not a port (0 to 65535)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw config.error(key, "'" + host + "' is not an IP address literal");
        }
    }

    static String format(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
