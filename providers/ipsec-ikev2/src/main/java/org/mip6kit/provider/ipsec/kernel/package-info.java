/**
 * The provider's {@code kernel} mode: BU/BA protected by kernel ESP SAs in transport mode that
 * charon negotiates, while the MIPv6 daemon owns the security policy database entries.
 *
 * <p>{@link org.mip6kit.provider.ipsec.kernel.MobilityPolicySet} says which XFRM policies one
 * binding needs (RFC 3776, RFC 4877); {@link org.mip6kit.provider.ipsec.kernel.PolicyInstaller}
 * installs, removes and migrates them through an
 * {@link org.mip6kit.provider.ipsec.kernel.XfrmChannel}; and
 * {@link org.mip6kit.provider.ipsec.kernel.KernelEspCheck} decides at start-up whether the kernel
 * can hold the SAs at all.
 */
package org.mip6kit.provider.ipsec.kernel;
