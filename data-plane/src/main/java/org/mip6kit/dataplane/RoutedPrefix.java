package org.mip6kit.dataplane;

import org.mip6kit.wire.Ipv6Address;

/**
 * A prefix the home agent routes into one binding's tunnel: the home address as a /128, and for
 * a mobile router its Mobile Network Prefixes (RFC 3963 §6.1).
 *
 * @param prefix the prefix, its host bits zero
 * @param length the prefix length, 1 to 128
 */
public record RoutedPrefix(Ipv6Address prefix, int length) {

    public RoutedPrefix {
        if (prefix == null || length < 1 || length > 128) {
            throw new IllegalArgumentException("a routed prefix needs an address and a length from 1 to 128");
        }
        if (!prefix.maskedTo(length).equals(prefix)) {
            throw new IllegalArgumentException(prefix + "/" + length + " has host bits set");
        }
    }

    /** The /128 of one address (a home address). */
    public static RoutedPrefix host(Ipv6Address address) {
        return new RoutedPrefix(address, 128);
    }

    /** Whether {@code address} lies in this prefix. */
    public boolean contains(Ipv6Address address) {
        return address.hasPrefix(prefix, length);
    }

    @Override
    public String toString() {
        return prefix + "/" + length;
    }
}
