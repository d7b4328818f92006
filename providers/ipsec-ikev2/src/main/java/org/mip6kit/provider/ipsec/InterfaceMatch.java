package org.mip6kit.provider.ipsec;

import java.util.Optional;

/**
 * The interface(s) through which protected signalling arrives: an exact name ({@code ipsec0},
 * the TUN device kernel-libipsec creates) or, as in iptables, a prefix ending in {@code +}
 * ({@code ipsec+}: every interface whose name starts with {@code ipsec}).
 *
 * @param pattern the configured text
 */
record InterfaceMatch(String pattern) {

    InterfaceMatch {
        if (pattern == null || pattern.isEmpty() || pattern.length() > 16 || pattern.equals("+")
                || !pattern.matches("[A-Za-z0-9_.:-]+\\+?")) {
            throw new IllegalArgumentException("an interface name (at most 15 characters), or a prefix ending in '+'");
        }
    }

    boolean matches(Optional<String> iface) {
        if (iface.isEmpty()) {
            return false;
        }
        String name = iface.get();
        return pattern.endsWith("+") ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                : name.equals(pattern);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
