/**
 * The {@code ipsec-ikev2} security provider ({@link org.mip6kit.provider.ipsec.IpsecIkev2Provider}):
 * IPsec keyed by IKEv2. strongSwan's charon is driven over VICI
 * ({@link org.mip6kit.provider.ipsec.vici}, typed in {@link org.mip6kit.provider.ipsec.charon});
 * Linux XFRM policies over netlink ({@link org.mip6kit.provider.ipsec.xfrm}) serve mode
 * {@code kernel}. The mobile node's side is {@code IpsecMobileNode}, the home agent's
 * {@code IpsecHomeAgent}; both send and receive signalling on a raw Mobility Header socket
 * ({@code TunnelPath}): re-addressed into charon's tunnel in mode libipsec, as the engine
 * addressed it in mode kernel, where the provider installs each binding's XFRM policies and the
 * kernel applies transport-mode ESP ({@code KernelSupport}, {@code KernelAccess}).
 */
package org.mip6kit.provider.ipsec;
