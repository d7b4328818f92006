/**
 * strongSwan's VICI protocol: the packet and message codec (sections, key/values, lists; strict,
 * bounded decoding) and a client over a Java 17 unix-domain socket (commands, streamed results,
 * events).
 */
package org.mip6kit.provider.ipsec.vici;
