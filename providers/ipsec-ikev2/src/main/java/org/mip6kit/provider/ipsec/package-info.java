/**
 * The {@code ipsec-ikev2} security provider, being built (issue 12): IPsec keyed by IKEv2, with
 * strongSwan's charon driven over VICI ({@link org.mip6kit.provider.ipsec.vici}) and Linux XFRM
 * policies over netlink ({@link org.mip6kit.provider.ipsec.xfrm}). No provider factory is
 * registered yet, so selection never finds it.
 */
package org.mip6kit.provider.ipsec;
