package org.mip6kit.spi;

import java.net.InetSocketAddress;
import java.util.Optional;

import org.mip6kit.wire.AlternateCareOfAddress;
import org.mip6kit.wire.Ipv4CareOfAddress;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * The addressing of one Mobility Header message: the (inner) IPv6 header's source and
 * destination, the Home Address destination option and type 2 routing header if present, and
 * the outer UDP endpoint of the peer when the message travels encapsulated (RFC 5555 UDP, a
 * provider's own channel).
 *
 * <p>On receive, {@code outerPeer} is where the packet came from as observed (after any NAT),
 * and replies go there. On send, it is where the packet goes.
 *
 * @param source IPv6 source address (a care-of address, the IPv4-mapped care-of address of
 *        RFC 5555, or the home address when at home)
 * @param destination IPv6 destination address
 * @param homeAddressOption the Home Address option's address (a Binding Update from a care-of address)
 * @param routingHeader the type 2 routing header's home address (a Binding Acknowledgement to a care-of address)
 * @param outerPeer the peer's UDP endpoint when encapsulated in UDP
 */
public record Addressing(Ipv6Address source, Ipv6Address destination, Optional<Ipv6Address> homeAddressOption,
                         Optional<Ipv6Address> routingHeader, Optional<InetSocketAddress> outerPeer) {

    public Addressing {
        if (source == null || destination == null || homeAddressOption == null || routingHeader == null
                || outerPeer == null) {
            throw new IllegalArgumentException("every addressing field is required (use Optional.empty())");
        }
        if (homeAddressOption.isPresent() && routingHeader.isPresent()) {
            throw new IllegalArgumentException("a message carries a Home Address option or a type 2 routing "
                    + "header, not both (RFC 6275 §6.1)");
        }
    }

    /** Plain addressing: no Home Address option, no routing header, no encapsulation. */
    public static Addressing of(Ipv6Address source, Ipv6Address destination) {
        return new Addressing(source, destination, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Addressing withOuterPeer(InetSocketAddress peer) {
        return new Addressing(source, destination, homeAddressOption, routingHeader, Optional.of(peer));
    }

    /**
     * The effective care-of address of a Binding Update received with this addressing, the one
     * rule the engine and every provider share (docs/protocol-notes.md#effective-care-of-address):
     * the Alternate Care-of Address option (RFC 6275 §6.2.5), else the IPv4 Care-of Address
     * option as an IPv4-mapped address (RFC 5555 §3.1.2), else the address the path vouches for
     * ({@link #source()}). Never a NAT's outer address: {@link #outerPeer()} plays no part.
     * Equal to the home address, it means deregistration.
     */
    public Ipv6Address effectiveCareOf(MobilityMessage bindingUpdate) {
        Optional<AlternateCareOfAddress> alternate = bindingUpdate.option(AlternateCareOfAddress.class);
        if (alternate.isPresent()) {
            return alternate.get().address();
        }
        Optional<Ipv4CareOfAddress> v4 = bindingUpdate.option(Ipv4CareOfAddress.class);
        if (v4.isPresent()) {
            return Ipv6Address.ipv4Mapped(v4.get().address());
        }
        return source;
    }

    /**
     * The source address of the checksum pseudo-header: the home address when a Home Address
     * option is present, else the IPv6 source (RFC 6275 §6.1.1).
     */
    public Ipv6Address pseudoHeaderSource() {
        return homeAddressOption.orElse(source);
    }

    /**
     * The destination address of the checksum pseudo-header: the routing header's home address
     * (the final destination) when present, else the IPv6 destination (RFC 8200 §8.1).
     */
    public Ipv6Address pseudoHeaderDestination() {
        return routingHeader.orElse(destination);
    }
}
