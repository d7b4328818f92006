package org.mip6kit.provider.auth4285;

import org.mip6kit.spi.Addressing;
import org.mip6kit.wire.Ipv6Address;
import org.mip6kit.wire.MobilityMessage;

/**
 * The two addresses the RFC 4285 authenticator covers, in input order: the care-of address,
 * then the home address ("Mobility Data = care-of address | home address | MH Data", RFC 4285
 * §5.1). A Binding Acknowledgement is authenticated over the same pair as the Binding Update it
 * answers.
 *
 * <p><b>Our reading (docs/protocol-notes.md#effective-care-of-address).</b> The care-of address is
 * the <em>effective</em> one, chosen by the rule the engine uses too,
 * {@link Addressing#effectiveCareOf}: the Alternate Care-of Address option, else the RFC 5555
 * IPv4 Care-of Address option as an IPv4-mapped IPv6 address, else the IPv6 source. It is
 * never the outer address a NAT rewrote: that one is not in the Mobility Header and the mobile
 * node cannot know it.
 *
 * @param careOf the effective care-of address
 * @param homeAddress the mobile node's home address
 */
record AuthenticatedAddresses(Ipv6Address careOf, Ipv6Address homeAddress) {

    /** The pair for a Binding Update as sent or received with {@code addressing}. */
    static AuthenticatedAddresses forBindingUpdate(MobilityMessage bindingUpdate, Addressing addressing) {
        return new AuthenticatedAddresses(careOf(bindingUpdate, addressing),
                addressing.homeAddressOption().orElse(addressing.source()));
    }

    /** The effective care-of address: the engine's rule, kept to these three lines. */
    static Ipv6Address careOf(MobilityMessage message, Addressing addressing) {
        return addressing.effectiveCareOf(message);
    }
}
