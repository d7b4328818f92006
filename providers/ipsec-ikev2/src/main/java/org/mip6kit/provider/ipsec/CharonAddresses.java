package org.mip6kit.provider.ipsec;

import java.util.Optional;

import org.mip6kit.wire.Ipv4Address;
import org.mip6kit.wire.Ipv6Address;

/** charon's address text (IPv6, IPv4, or a virtual IP with a prefix length) as the engine's addresses. */
final class CharonAddresses {

    private CharonAddresses() {
    }

    /** An IPv4 address becomes IPv4-mapped, as the engine writes IPv4 care-of addresses. */
    static Optional<Ipv6Address> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String bare = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
        try {
            return Optional.of(bare.contains(":") ? Ipv6Address.parse(bare)
                    : Ipv6Address.ipv4Mapped(Ipv4Address.parse(bare)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The first IPv6 (not IPv4-mapped) address of {@code texts}. */
    static Optional<Ipv6Address> firstIpv6(java.util.List<String> texts) {
        return texts.stream().map(CharonAddresses::parse).flatMap(Optional::stream)
                .filter(a -> !a.isIpv4Mapped()).findFirst();
    }

    /** How charon wants an engine address: IPv4-mapped as dotted quad. */
    static String text(Ipv6Address a) {
        if (a.isIpv4Mapped()) {
            byte[] b = new byte[16];
            a.writeTo(b, 0);
            return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        return a.toString();
    }
}
