/**
 * Linux XFRM over netlink: the message encoders and decoders for policies with Mobility Header
 * type selectors, MIGRATE with KMADDRESS, and the ACQUIRE/MIGRATE notifications. No I/O here.
 */
package org.mip6kit.provider.ipsec.xfrm;
