package com.example.mip6.psk;

import java.util.Optional;

import org.mip6kit.spi.Identity;
import org.mip6kit.wire.Ipv6Address;

/**
 * What the home agent knows about one mobile node: its NAI (the identity it proves), its key,
 * and the home address it may register, if the operator pinned one.
 *
 * @param identity the node's NAI as an {@link Identity}
 * @param key the pre-shared key (never printed)
 * @param homeAddress the only home address this node may register, when configured
 */
record NodeCredential(Identity identity, PresharedKey key, Optional<Ipv6Address> homeAddress) {

    String nai() {
        return identity.value();
    }

    @Override
    public String toString() {
        return "NodeCredential[" + identity + homeAddress.map(a -> ", home-address=" + a).orElse("") + "]";
    }
}
