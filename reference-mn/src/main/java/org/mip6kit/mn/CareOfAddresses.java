package org.mip6kit.mn;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/**
 * Care-of addresses as the mobile node's operator writes and reads them. The engine holds every
 * care-of address as an {@link Ipv6Address}; an IPv4 one (the RFC 5555 path) is IPv4-mapped
 * ({@code ::ffff:192.0.2.10}). Operators write and see the plain IPv4 form.
 */
public final class CareOfAddresses {

    private CareOfAddresses() {
    }

    /**
     * Parses an IPv6 literal ({@code 2001:db8:2::100}) or an IPv4 literal ({@code 192.0.2.10},
     * returned IPv4-mapped). Never looks a name up.
     *
     * @throws IllegalArgumentException if {@code text} is neither, or is an address a home agent
     *         answers with status 174 (invalid care-of address): unspecified, loopback (::1,
     *         127/8), IPv4 0/8, or multicast, reserved or broadcast (IPv6 ff00::/8, IPv4 224/3)
     */
    public static Ipv6Address parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a care-of address is an IPv6 or IPv4 address literal, got nothing");
        }
        String t = text.trim();
        Ipv6Address a;
        try {
            a = t.indexOf(':') >= 0 ? Ipv6Address.parse(t) : Ipv6Address.ipv4Mapped(Ipv4Address.parse(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + t + "' is not an IPv6 or IPv4 address literal "
                    + "(for example 2001:db8:2::100 or 192.0.2.10)", e);
        }
        int firstOctet = a.isIpv4Mapped() ? a.embeddedIpv4().toInt() >>> 24 : -1;
        if (a.isUnspecified() || firstOctet == 0) {
            throw new IllegalArgumentException("'" + t + "' is the unspecified address or in 0.0.0.0/8; a care-of "
                    + "address is a unicast address of this host");
        }
        if (a.isLoopback() || firstOctet == 127) {
            throw new IllegalArgumentException("'" + t + "' is a loopback address; a home agent refuses it as a "
                    + "care-of address (status 174): use an address the home agent can reach this host at");
        }
        if (a.isMulticast() || (a.isIpv4Mapped() && isIpv4Multicast(a.embeddedIpv4()))) {
            throw new IllegalArgumentException("'" + t + "' is a multicast or reserved address; a care-of address is a "
                    + "unicast address of this host");
        }
        return a;
    }

    /** The operator's form: IPv4-mapped addresses as dotted IPv4, others in RFC 5952 form. */
    public static String display(Ipv6Address careOf) {
        return careOf.isIpv4Mapped() ? careOf.embeddedIpv4().toString() : careOf.toString();
    }

    /** Whether {@code careOf} takes the RFC 5555 IPv4 path (it is IPv4-mapped). */
    public static boolean isIpv4(Ipv6Address careOf) {
        return careOf.isIpv4Mapped();
    }

    /**
     * {@code address} as a care-of address, if an interface address of this kind can serve as
     * one: a global unicast address. Refused: unspecified, loopback, link-local (IPv6 fe80::/10,
     * IPv4 169.254/16), IPv6 site-local (fec0::/10, deprecated), multicast, IPv4-mapped and
     * IPv4-compatible IPv6 forms, and IPv4 0/8, 127/8 and 224/3 (multicast, reserved, broadcast). Unique local
     * IPv6 (fc00::/7) and private IPv4 (RFC 1918) addresses are accepted: they are global in
     * scope, and a home agent reachable from them (a VPN, a NAT for IPv4) works.
     */
    public static Optional<Ipv6Address> asGlobalUnicast(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            if (v6.isAnyLocalAddress() || v6.isLoopbackAddress() || v6.isLinkLocalAddress()
                    || v6.isSiteLocalAddress() || v6.isMulticastAddress()) {
                return Optional.empty();
            }
            Ipv6Address a = Ipv6Address.fromBytes(v6.getAddress());
            // ::a.b.c.d (deprecated IPv4-compatible) and ::ffff:a.b.c.d are not interface addresses
            if (a.high() == 0 && (a.low() >>> 32) == 0 || a.isIpv4Mapped()) {
                return Optional.empty();
            }
            return Optional.of(a);
        }
        if (address instanceof Inet4Address v4) {
            Ipv4Address a = Ipv4Address.fromBytes(v4.getAddress(), 0);
            int firstOctet = (a.toInt() >>> 24) & 0xFF;
            if (firstOctet == 0 || firstOctet == 127 || v4.isLinkLocalAddress() || isIpv4Multicast(a)) {
                return Optional.empty();
            }
            return Optional.of(Ipv6Address.ipv4Mapped(a));
        }
        return Optional.empty();
    }

    /** 224/3: multicast (224/4), reserved (240/4) and the limited broadcast address. */
    private static boolean isIpv4Multicast(Ipv4Address a) {
        return ((a.toInt() >>> 29) & 0x7) == 0x7;
    }
}
