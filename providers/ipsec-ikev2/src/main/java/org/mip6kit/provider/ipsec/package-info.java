/**
 * The {@code ipsec-ikev2} security provider ({@link org.mip6kit.provider.ipsec.IpsecIkev2Provider}):
 * IPsec keyed by IKEv2. strongSwan's charon is driven over VICI
 * ({@link org.mip6kit.provider.ipsec.vici}, typed in {@link org.mip6kit.provider.ipsec.charon});
 * Linux XFRM policies over netlink ({@link org.mip6kit.provider.ipsec.xfrm}) serve mode
 * {@code kernel}. The mobile node's side is {@code IpsecMobileNode}, the home agent's
 * {@code IpsecHomeAgent}; both send and receive signalling through the tunnel on a raw Mobility
 * Header socket ({@code TunnelPath}).
 */
package org.mip6kit.provider.ipsec;
