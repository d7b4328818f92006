package org.mip6kit.provider.ipsec;

import java.util.Optional;

/**
 * The interface(s) through which protected signalling arrives: an exact name ({@code ipsec0},
 * the TUN device kernel-libipsec creates) or, as in iptables, a prefix ending in {@code +}
 * ({@code ipsec+}: every interface whose name starts with {@code ipsec}), or {@link #ANY}
 * ({@code *}, mode kernel's default: transport-mode ESP arrives on any interface, and the
 * kernel's inbound policy check, not the interface, is what proves it came through an SA).
 *
 * @param pattern the configured text
 */
record InterfaceMatch(String pattern) {

    /** Any interface, even an unknown one. */
    static final InterfaceMatch ANY = new InterfaceMatch("*");

    InterfaceMatch {
        if (pattern == null || !pattern.equals("*") && (pattern.isEmpty() || pattern.length() > 16
                || pattern.equals("+") || !pattern.matches("[A-Za-z0-9_.:-]+\\+?"))) {
            throw new IllegalArgumentException("an interface name (at most 15 characters), or a prefix ending in '+'");
        }
    }

    boolean matches(Optional<String> iface) {
        if (isAny()) {
            return true;
        }
        if (iface.isEmpty()) {
            return false;
        }
        String name = iface.get();
        return pattern.endsWith("+") ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                : name.equals(pattern);
    }

    /** Whether this matches every interface. */
    boolean isAny() {
        return pattern.equals("*");
    }

    @Override
    public String toString() {
        return pattern;
    }
}
