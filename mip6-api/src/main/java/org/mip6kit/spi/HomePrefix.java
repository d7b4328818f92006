package org.mip6kit.spi;

import org.mip6kit.wire.Ipv6Address;

/**
 * An IPv6 prefix, such as a home network prefix (RFC 6275 §10.5) or a prefix handed out by
 * bootstrap (RFC 5026 MIP6_HOME_PREFIX). The address is stored masked.
 */
public record HomePrefix(Ipv6Address prefix, int length) {

    public HomePrefix {
        if (prefix == null || length < 0 || length > 128) {
            throw new IllegalArgumentException("a prefix needs an address and a length in 0..128");
        }
        prefix = prefix.maskedTo(length);
    }

    /** Parses {@code 2001:db8:1::/64}. */
    public static HomePrefix parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("a prefix is written address/length, got: " + text);
        }
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new HomePrefix(Ipv6Address.parse(text.substring(0, slash)), length);
    }

    public boolean contains(Ipv6Address address) {
        return address.hasPrefix(prefix, length);
    }

    @Override
    public String toString() {
        return prefix + "/" + length;
    }
}
