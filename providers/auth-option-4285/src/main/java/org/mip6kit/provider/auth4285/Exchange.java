package org.mip6kit.provider.auth4285;

import org.mip6kit.spi.ReplyContext;

/**
 * What the home agent needs to protect the Binding Acknowledgement that answers one Binding
 * Update: the same security association (RFC 4285 §5.1: the BA is authenticated with the SA of
 * the BU), the addresses the authenticator covers, and the replay option to send back — the
 * Binding Update's own timestamp echoed, or, after status 144, the home agent's clock at the
 * time of sending in the high-order 32 bits and the Binding Update's low-order 32 bits, so the
 * mobile node can resynchronise and tell which Binding Update was refused (RFC 4285 §6, RFC 3344
 * §5.7.1).
 *
 * @param association the MN-HA security association
 * @param addresses the care-of and home address of the Binding Update
 * @param echoed the Binding Update's replay option, or null when it carried none
 * @param sendOwnTime whether the acknowledgement carries the home agent's time instead (status 144)
 */
record Exchange(SecurityAssociation association, AuthenticatedAddresses addresses,
                MobilityMessageReplayProtection echoed, boolean sendOwnTime) implements ReplyContext {

    Exchange withOwnTime() {
        return new Exchange(association, addresses, echoed, true);
    }

    @Override
    public String describe() {
        return "spi=" + association.spi() + (sendOwnTime ? ", home agent time" : "");
    }

    @Override
    public String toString() {
        return "Exchange[" + describe() + ", " + association.nai() + "]";
    }
}
